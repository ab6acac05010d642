"""Who may manage the Open311 client applications: partnership administrators (and superusers)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import ClientApplication


def can_manage_clients(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_administrator)


def access_clients_for_user(user) -> None:
    """Refuse anyone but an administrator (403; the views send the signed-out to sign in)."""
    if not can_manage_clients(user):
        raise PermissionDenied("Only partnership administrators issue and revoke Open311 keys.")


def access_client_for_user(user, pk: int) -> ClientApplication:
    access_clients_for_user(user)
    return get_object_or_404(ClientApplication, pk=pk)
