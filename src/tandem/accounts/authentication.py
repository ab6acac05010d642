"""API authentication. Kept apart from the API views: DRF's settings import it while
rest_framework.views is still loading, so it must not import that."""

from rest_framework import authentication, exceptions


class BasicAuthentication(authentication.BasicAuthentication):
    """HTTP basic authentication that refuses a NUL character before it reaches the database
    (PostgreSQL cannot compare text containing one, and would answer 500)."""

    def authenticate_credentials(self, userid: str, password: str, request=None):
        if "\x00" in userid or "\x00" in password:
            raise exceptions.AuthenticationFailed("Invalid username or password.")
        return super().authenticate_credentials(userid, password, request)
