import pytest

from tests.factories import Cast


@pytest.fixture
def cast(db) -> Cast:
    """A small partnership and one user for each role (see tests.factories.Cast)."""
    return Cast()
