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


SERVICE_NOTICE = (
    "Moderators check each report, then pass it to the local group (police, council and residents) "
    "for the area. Follow it with service_request_id."
)


def request_submit(
    *,
    client: ClientApplication,
    category,
    description: str,
    latitude: float | None,
    longitude: float | None,
    location_text: str,
    name: str = "",
    email: str = "",
    phone: str = "",
    media_url: str = "",
    answers: dict[str, list[str]] | None = None,
    ip_address: str | None = None,
):
    """A client's service request, as a resident's report (community's rules: moderation,
    routing, the follow link). Raises ValidationError, with nothing written, on bad input."""
    from tandem.community.models import Report
    from tandem.community.services import report_submit

    answers = answers or {}
    when = answers.get("when") or []
    if when and when[0] and when[0] not in WHEN:
        raise ValidationError(
            {
                "attributes": "attribute[when] must be one of "
                + ", ".join(WHEN)
                + " (see the service definition)."
            }
        )
    with transaction.atomic():
        return report_submit(
            category=category,
            description=_description(description=description, answers=answers, media_url=media_url),
            latitude=latitude,
            longitude=longitude,
            location_text=location_text,
            name=name,
            email=email,
            phone=phone,
            via=Report.Via.OPEN311,
            client_name=client.name,
            ip_address=ip_address,
        )


def request_update_submit(
    *, client: ClientApplication, report, client_update_id: str, description: str, media_url: str = ""
):
    """A client's update (a resident's comment on the client's site) added to a report. Posting the
    same update_id again returns the update already added. The client's status is not applied: the
    group that owns the problem decides its status, and the update carries the report's own."""
    from tandem.community.models import ReportUpdate
    from tandem.community.services import report_update_add

    from .models import ReceivedUpdate

    received = ReceivedUpdate.objects.select_related("update").filter(
        client=client, client_update_id=client_update_id
    )
    if received.exists():
        return received.get().update
    text = description if not media_url else f"{description}\n\nPhoto or video: {media_url}"
    try:
        with transaction.atomic():
            update = report_update_add(
                report=report, text=text, source=ReportUpdate.Source.CLIENT, client_name=client.name
            )
            ReceivedUpdate.objects.create(client=client, client_update_id=client_update_id, update=update)
    except IntegrityError:  # the same update, sent twice at once: the first one stands
        return received.get().update
    return update
