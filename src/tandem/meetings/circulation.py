"""Circulating a meeting's agenda, and telling members when it moves or is cancelled.

Each service records one ``Circulation`` row per member with an email address (unique
on meeting, person, kind and the meeting's SEQUENCE, so doing it again for the same
version sends nothing new) and asks the background task to send them after the
transaction commits. The task sends each queued or failed row, marking it sent or
failed with the error: failures are shown on the circulation page and tried again.
"""

from email.mime.text import MIMEText

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.partnership.models import Membership, Person

from . import calendar, packs
from .models import Circulation, Meeting

MAX_ATTEMPTS = 5


def circulation_recipients(meeting: Meeting) -> tuple[list[Person], list[Person]]:
    """The group's current members: (with an email address, without one)."""
    person_ids = Membership.objects.current().filter(group_id=meeting.group_id).values("person_id")
    people = list(Person.objects.filter(pk__in=person_ids).order_by("name"))
    return [p for p in people if p.email], [p for p in people if not p.email]


def _enqueue(meeting: Meeting) -> None:
    from .tasks import send_circulation

    meeting_id = meeting.pk
    transaction.on_commit(lambda: send_circulation.enqueue(meeting_id))


def _queue(meeting: Meeting, kind: str) -> list[Circulation]:
    """One row per member with an email for this kind and version; existing ones are kept."""
    recipients, _ = circulation_recipients(meeting)
    existing = set(
        Circulation.objects.filter(meeting=meeting, kind=kind, sequence=meeting.sequence).values_list(
            "person_id", flat=True
        )
    )
    created = []
    for person in recipients:
        if person.pk in existing:
            continue
        row = Circulation(
            meeting=meeting, person=person, email=person.email, kind=kind, sequence=meeting.sequence
        )
        row.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # queued at the same moment by another request
            continue
        created.append(row)
    if created:
        _enqueue(meeting)
    return created


def meeting_circulate(*, meeting: Meeting, by=None) -> list[Circulation]:
    """Send the agenda to every current member with an email address.

    Refuses a cancelled meeting or one that has already started. Sending the same
    version again sends nothing new. Returns the rows newly queued.
    """
    if meeting.is_cancelled:
        raise ValidationError("This meeting has been cancelled, so its agenda cannot be circulated.")
    if meeting.starts_at <= timezone.now():
        raise ValidationError("This meeting is in the past, so its agenda cannot be circulated.")
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
        if locked.circulated_at is None:
            locked.circulated_at = timezone.now()
            locked.save(update_fields=["circulated_at", "updated_at"])
        meeting.circulated_at = locked.circulated_at  # keep the caller's copy in step
        return _queue(locked, Circulation.Kind.AGENDA)


def _was_circulated(meeting: Meeting) -> bool:
    return Meeting.objects.filter(pk=meeting.pk, circulated_at__isnull=False).exists()


def meeting_notify_change(*, meeting: Meeting, by=None) -> list[Circulation]:
    """Tell members the meeting has moved (call after saving it with ``sequence`` bumped).

    Only once the agenda has been circulated: before that, the agenda itself will say.
    """
    if not _was_circulated(meeting):
        return []
    with transaction.atomic():
        return _queue(meeting, Circulation.Kind.CHANGE)


def meeting_notify_cancellation(*, meeting: Meeting, by=None) -> list[Circulation]:
    """Tell members the meeting is cancelled, with an .ics that removes it (METHOD:CANCEL)."""
    if not _was_circulated(meeting):
        return []
    with transaction.atomic():
        return _queue(meeting, Circulation.Kind.CANCELLATION)


def circulation_retry(*, meeting: Meeting, by=None) -> int:
    """An organiser asks for failed emails to be tried again (their attempts start afresh)."""
    with transaction.atomic():
        count = Circulation.objects.filter(meeting=meeting, status=Circulation.Status.FAILED).update(
            status=Circulation.Status.QUEUED, attempts=0
        )
        if count:
            _enqueue(meeting)
    return count


# --- Sending (run by the background task) -------------------------------------------------

SUBJECTS = {
    Circulation.Kind.AGENDA: "Agenda",
    Circulation.Kind.CHANGE: "Meeting moved",
    Circulation.Kind.CANCELLATION: "Meeting cancelled",
}


def _message(meeting: Meeting, row: Circulation, *, pdf: bytes | None, ics: str, connection):
    items = list(meeting.items.all())
    context = {
        "meeting": meeting,
        "kind": row.kind,
        "person": row.person,
        "when": packs.when_text(meeting),
        "location": calendar.location_text(meeting),
        "agenda": calendar.agenda_titles(items, insider=True),
        "url": calendar.meeting_url(meeting),
        "is_cancellation": row.kind == Circulation.Kind.CANCELLATION,
        "is_change": row.kind == Circulation.Kind.CHANGE,
    }
    subject = f"{SUBJECTS[row.kind]}: {meeting.display_title}, {context['when']}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("meetings/email_circulation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string("meetings/email_circulation.html", context), "text/html")
    if pdf is not None:
        message.attach(packs.filename(meeting, "agenda", "pdf"), pdf, "application/pdf")
    invitation = MIMEText(ics, "calendar", "utf-8")
    method = calendar.Method.CANCEL if row.kind == Circulation.Kind.CANCELLATION else calendar.Method.REQUEST
    invitation.set_param("method", method)
    invitation.add_header("Content-Disposition", "attachment", filename="invite.ics")
    message.attach(invitation)
    return message


def circulation_send(*, meeting_id: int) -> dict:
    """Send every queued or failed email of a meeting that has tries left; never silent."""
    meeting = Meeting.objects.select_related("group").filter(pk=meeting_id).first()
    if meeting is None:
        return {"sent": 0, "failed": 0}
    rows = list(
        Circulation.objects.filter(
            meeting=meeting,
            status__in=[Circulation.Status.QUEUED, Circulation.Status.FAILED],
            attempts__lt=MAX_ATTEMPTS,
        ).select_related("person")
    )
    if not rows:
        return {"sent": 0, "failed": 0}
    # Emails leave Tandem: confidential items appear only as a placeholder.
    try:
        pdf = None
        if any(row.kind != Circulation.Kind.CANCELLATION for row in rows):
            pdf = packs.agenda_pdf(meeting, packs.Audience.MEMBERS)
        ics = calendar.meeting_invitation(meeting, insider=True).decode()
    except Exception as exc:  # noqa: BLE001 - recorded on every row, so the log shows it
        Circulation.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=Circulation.Status.FAILED,
            attempts=F("attempts") + 1,
            last_error=f"Could not build the agenda pack or invitation: {exc}",
        )
        return {"sent": 0, "failed": len(rows)}
    connection = get_connection()
    sent = failed = 0
    for row in rows:
        # Claim the row: if another run got there first, leave it to that run.
        claimed = Circulation.objects.filter(pk=row.pk, status=row.status, attempts=row.attempts).update(
            attempts=F("attempts") + 1
        )
        if not claimed:
            continue
        try:
            message = _message(
                meeting,
                row,
                pdf=None if row.kind == Circulation.Kind.CANCELLATION else pdf,
                ics=ics,
                connection=connection,
            )
            message.send()
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row and shown
            failed += 1
            Circulation.objects.filter(pk=row.pk).update(
                status=Circulation.Status.FAILED, last_error=str(exc) or exc.__class__.__name__
            )
        else:
            sent += 1
            Circulation.objects.filter(pk=row.pk).update(
                status=Circulation.Status.SENT, sent_at=timezone.now(), last_error=""
            )
    return {"sent": sent, "failed": failed}
