import pytest

from tests.factories import Cast


@pytest.fixture
def cast(db) -> Cast:
    """A small partnership and one user for each role (see tests.factories.Cast)."""
    return Cast()


def pytest_configure(config) -> None:
    # Hashing passwords properly is slow by design; tests need not pay for it.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
