"""Email subscriptions to a neighbourhood: double opt-in and one-click unsubscribe.

- Asking to subscribe sends one email with a confirmation link; nothing else is ever sent
  to the address until it is confirmed.
- The answer to "subscribe" is the same whether the address was new, waiting, confirmed
  or had unsubscribed, so the form tells no one who is subscribed.
- Every email carries the unsubscribe link, and a List-Unsubscribe header with
  List-Unsubscribe-Post (RFC 8058), so a mail program can unsubscribe in one click.
- Asking again after unsubscribing starts afresh with a new token (old links stop working).
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tandem.places.models import Area

from .models import Subscription, new_token

logger = logging.getLogger(__name__)

# A second confirmation email to the same address waits this long (no mail bombing).
RESEND_AFTER = timezone.timedelta(minutes=10)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_url(subscription: Subscription) -> str:
    return _absolute(reverse("community:subscription-confirm", kwargs={"token": subscription.token}))


def unsubscribe_url(subscription: Subscription) -> str:
    return _absolute(reverse("community:subscription-unsubscribe", kwargs={"token": subscription.token}))


def unsubscribe_headers(subscription: Subscription) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscription)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _normalise(email: str) -> str:
    email = (email or "").strip()
    validate_email(email)
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def subscription_request(*, area: Area, email: str) -> Subscription | None:
    """Ask to subscribe ``email`` to the area's news. Returns the subscription a confirmation
    was sent for, or None when nothing was sent (already confirmed, or asked a moment ago)."""
    try:
        email = _normalise(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": "Enter an email address in the correct format, like name@example.com"}
        ) from exc
    now = timezone.now()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(area=area, email__iexact=email).first()
        if subscription is None:
            subscription = Subscription(area=area, email=email, requested_at=now)
            subscription.full_clean(validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    subscription.save()
            except IntegrityError:  # asked at the same moment by another request
                return None
        elif subscription.status == Subscription.Status.CONFIRMED or (
            subscription.status == Subscription.Status.PENDING
            and now - subscription.requested_at < RESEND_AFTER
        ):
            return None
        else:
            subscription.status = Subscription.Status.PENDING
            subscription.token = new_token()
            subscription.requested_at = now
            subscription.unsubscribed_at = None
            subscription.save(update_fields=["status", "token", "requested_at", "unsubscribed_at"])
        pk = subscription.pk
        transaction.on_commit(lambda: confirmation_send(subscription_id=pk))
    return subscription


def confirmation_send(*, subscription_id: int) -> bool:
    """Email the confirmation link (the only email a pending subscription ever gets)."""
    subscription = Subscription.objects.select_related("area").filter(pk=subscription_id).first()
    if subscription is None or subscription.status != Subscription.Status.PENDING:
        return False
    context = {
        "subscription": subscription,
        "area": subscription.area,
        "confirm_url": confirm_url(subscription),
    }
    message = EmailMultiAlternatives(
        subject=f"Confirm your subscription to news from {subscription.area.name}",
        body=render_to_string("community/subscription_email_confirm.txt", context),
        to=[subscription.email],
    )
    try:
        message.send()
    except Exception:  # noqa: BLE001 - a mail server's failure must not fail the request
        logger.exception("Could not send a subscription confirmation (subscription %s)", subscription_id)
        return False
    return True


def subscription_confirm(*, subscription: Subscription) -> Subscription:
    """Confirm from the emailed link. Confirming twice is harmless; an unsubscribed
    address must ask again (its old link no longer confirms)."""
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        raise ValidationError("This link has expired. Subscribe again from the neighbourhood page.")
    if subscription.status == Subscription.Status.CONFIRMED:
        return subscription
    with transaction.atomic():
        subscription.status = Subscription.Status.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["status", "confirmed_at"])
    return subscription


def subscription_unsubscribe(*, subscription: Subscription) -> Subscription:
    """Stop all email to this subscription at once (doing it again changes nothing)."""
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        return subscription
    with transaction.atomic():
        subscription.status = Subscription.Status.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["status", "unsubscribed_at"])
    return subscription


def confirmed_subscriptions(area_ids: list[int]):
    """Confirmed subscriptions to any of these areas, one per email address."""
    rows = (
        Subscription.objects.filter(area_id__in=area_ids, status=Subscription.Status.CONFIRMED)
        .order_by("email", "pk")
        .only("pk", "email", "token", "area_id")
    )
    seen: set[str] = set()
    found = []
    for row in rows:
        key = row.email.lower()
        if key in seen:
            continue
        seen.add(key)
        found.append(row)
    return found
