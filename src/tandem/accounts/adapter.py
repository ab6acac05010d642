from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by the partnership's administrators unless ALLOW_SIGNUP is on."""

    def is_open_for_signup(self, request) -> bool:
        return settings.ALLOW_SIGNUP
