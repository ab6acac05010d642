"""Changes the Open311 interface makes: issuing and revoking client keys, and handing a client's
service requests and updates to the community app (Open311 calls community, never the reverse)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ClientApplication, key_digest
from .selectors import WHEN

KEY_BYTES = 32
LAST_USED_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often


def client_create(*, name: str, created_by=None) -> tuple[ClientApplication, str]:
    """A new client application and its key. The key is returned once and never stored."""
    key = secrets.token_urlsafe(KEY_BYTES)
    client = ClientApplication(
        name=name.strip(), key_prefix=key[:8], key_digest=key_digest(key), created_by=created_by
    )
    client.full_clean()
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:
        raise ValidationError({"name": "A client application with this name already exists."}) from None
    return client, key


def client_revoke(*, client: ClientApplication, by=None) -> ClientApplication:
    """Revoke the key: every later request with it is refused. Revoking twice changes nothing."""
    with transaction.atomic():
        client = ClientApplication.objects.select_for_update().get(pk=client.pk)
        if client.is_active:
            client.is_active = False
            client.revoked_at = timezone.now()
            client.revoked_by = by
            client.save(update_fields=["is_active", "revoked_at", "revoked_by"])
    return client


def client_authenticate(*, key: str) -> ClientApplication | None:
    """The active client whose key this is (None for an unknown or revoked key), noting its use."""
    if not key:
        return None
    client = ClientApplication.objects.filter(key_digest=key_digest(key), is_active=True).first()
    if client is None:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_EVERY:
        ClientApplication.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


def _description(*, description: str, answers: dict[str, list[str]], media_url: str) -> str:
    parts = [description]
    when = answers.get("when") or []
    if when and when[0]:
        parts.append(f"When it happens: {WHEN[when[0]]}")
    if media_url:
        parts.append(f"Photo or video: {media_url}")
    return "\n\n".join(part for part in parts if part)
