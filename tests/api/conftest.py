import pytest
from rest_framework.test import APIClient

from tests.factories import Cast


@pytest.fixture(autouse=True)
def fast_password_hasher(settings) -> None:
    """HTTP basic authentication hashes the password on every request: use a fast hasher here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(cast: Cast):
    """An API client signed in as one of the cast by role name (`public`: not signed in)."""

    def client_for(role: str) -> APIClient:
        client = APIClient()
        user = cast.users()[role]
        if user is not None:
            client.force_login(user)
        return client

    return client_for
