"""The crime and disorder scrutiny committee's yearly review of the partnership.

The council's crime and disorder scrutiny committee must review the partnership's work at
least once a year (Police and Justice Act 2006, s19). In Tandem the committee is a group of
the partnership's "Crime and disorder scrutiny committee" type (every preset installs it) and
each of its meetings that has taken place counts as a review.

- The review is due twelve months after the committee's last meeting (or, if it has never
  met, twelve months after the group was established; with neither, it is due now).
- It needs attention once the last meeting is more than eleven months ago (or there has been
  none) and no meeting is scheduled on or before the date due. The committee's group page
  then says so, and ``scrutiny_reminders_send`` emails the committee's current members, once
  for each committee and date due (``ScrutinyReminder``), so running it every day is safe.

The background task (``tasks.send_scrutiny_reminders``) and the ``send_scrutiny_reminders``
management command both call ``scrutiny_reminders_send``.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from tandem.meetings.models import Meeting
from tandem.partnership.models import Group, Membership
from tandem.partnership.presets import SCRUTINY_COMMITTEE

from .deadlines import add_months
from .models import ScrutinyReminder

logger = logging.getLogger(__name__)

COMMITTEE_SLUG = SCRUTINY_COMMITTEE.slug
REVIEW_MONTHS = 12
WARN_AFTER_MONTHS = 11


def _day(value: dt.date) -> str:
    return format_date(value, "j F Y")


@dataclass(frozen=True)
class ScrutinyState:
    """Where a committee stands with its yearly review of the partnership."""

    group: Group
    today: dt.date
    last_review_on: dt.date | None
    next_meeting_on: dt.date | None
    due_on: dt.date | None  # None: never met and no date established, so due now

    @property
    def needs_attention(self) -> bool:
        last = self.last_review_on
        if last is not None and self.today < add_months(last, WARN_AFTER_MONTHS):
            return False
        if self.next_meeting_on is None:
            return True
        return self.due_on is not None and self.next_meeting_on > self.due_on

    @property
    def is_overdue(self) -> bool:
        return self.due_on is None or self.due_on < self.today

    @property
    def message(self) -> str:
        """What the group page and the reminder email say."""
        if self.last_review_on is not None:
            since = _day(self.last_review_on)
            text = f"The scrutiny committee has not reviewed the partnership since {since}."
        else:
            text = "The scrutiny committee has not yet reviewed the partnership."
        if self.due_on is None:
            text += " Its yearly review is due now."
        elif self.is_overdue:
            text += f" Its yearly review was due by {_day(self.due_on)}."
        else:
            text += f" Its yearly review is due by {_day(self.due_on)}."
        if self.next_meeting_on is None:
            text += " No meeting is scheduled."
        else:
            text += f" Its next meeting, on {_day(self.next_meeting_on)}, is after that."
        return text


def committee_groups():
    """Every open crime and disorder scrutiny committee group, with its partnership."""
    return (
        Group.objects.filter(type__slug=COMMITTEE_SLUG, closed_on__isnull=True)
        .select_related("partnership", "type")
        .order_by("partnership__name", "name", "pk")
    )


def scrutiny_state(group: Group, *, today: dt.date | None = None) -> ScrutinyState:
    """The committee's last meeting held, its next one scheduled and when its review is due."""
    today = today or timezone.localdate()
    now = timezone.now()
    meetings = Meeting.objects.filter(group=group).exclude(status=Meeting.Status.CANCELLED)
    starts = meetings.values_list("starts_at", flat=True)
    last = starts.filter(starts_at__lte=now).order_by("-starts_at").first()
    upcoming = starts.filter(starts_at__gt=now).order_by("starts_at").first()
    last_on = timezone.localdate(last) if last else None
    since = last_on or group.established_on
    return ScrutinyState(
        group=group,
        today=today,
        last_review_on=last_on,
        next_meeting_on=timezone.localdate(upcoming) if upcoming else None,
        due_on=add_months(since, REVIEW_MONTHS) if since else None,
    )


def group_page_rows(group: Group, viewer) -> list:
    """Registered with partnership: a committee's page says when it last reviewed the
    partnership and, once that needs attention, that the review is due."""
    from tandem.partnership.group_rows import GroupRow

    if group.type.slug != COMMITTEE_SLUG or not viewer.can_see_group(group):
        return []
    state = scrutiny_state(group)
    if state.needs_attention:
        values = ((state.message, ""),)
    else:
        last = f"Last reviewed {_day(state.last_review_on)}" if state.last_review_on else "Not yet reviewed"
        due = f"; next review due by {_day(state.due_on)}" if state.due_on else ""
        values = ((f"{last}{due}.", ""),)
    return [GroupRow(label="Yearly review of the partnership", values=values)]


# --- The reminder email ------------------------------------------------------------------


@dataclass
class ReminderReport:
    dry_run: bool = False
    sent: list[tuple[ScrutinyState, list[str]]] = field(default_factory=list)
    already_sent: list[ScrutinyState] = field(default_factory=list)
    no_members: list[ScrutinyState] = field(default_factory=list)
    failed: list[tuple[ScrutinyState, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "sent": [state.group.pk for state, _ in self.sent],
            "already_sent": [state.group.pk for state in self.already_sent],
            "no_members": [state.group.pk for state in self.no_members],
            "failed": [state.group.pk for state, _ in self.failed],
        }


def _recipients(group: Group, today: dt.date) -> list[str]:
    emails = (
        Membership.objects.current(today)
        .filter(group=group)
        .exclude(person__email="")
        .order_by("person__email")
        .values_list("person__email", flat=True)
        .distinct()
    )
    return list(emails)


def scrutiny_reminders_send(*, today: dt.date | None = None, dry_run: bool = False) -> ReminderReport:
    """Email each committee whose yearly review needs attention, once for each date due."""
    today = today or timezone.localdate()
    report = ReminderReport(dry_run=dry_run)
    for group in committee_groups():
        state = scrutiny_state(group, today=today)
        if not state.needs_attention:
            continue
        if ScrutinyReminder.objects.filter(group=group, due_on=state.due_on).exists():
            report.already_sent.append(state)
            continue
        recipients = _recipients(group, today)
        if not recipients:
            report.no_members.append(state)
            continue
        if dry_run:
            report.sent.append((state, recipients))
            continue
        try:
            with transaction.atomic():
                ScrutinyReminder.objects.create(group=group, due_on=state.due_on, recipients=len(recipients))
                _send(state, recipients)
        except IntegrityError:
            report.already_sent.append(state)
        except Exception as exc:  # the mail server: the row is rolled back, so the next run retries
            logger.exception("The scrutiny reminder to %s could not be sent", group)
            report.failed.append((state, str(exc)))
        else:
            report.sent.append((state, recipients))
    return report


def _send(state: ScrutinyState, recipients: list[str]) -> None:
    group = state.group
    subject = f"The yearly scrutiny of {group.partnership.name} is due"
    body = render_to_string(
        "accountability/email_scrutiny_reminder.txt",
        {
            "state": state,
            "group": group,
            "group_url": settings.SITE_URL + reverse("partnership:group-detail", kwargs={"slug": group.slug}),
        },
    )
    # One email, the members in Bcc, so no one sees the others' addresses.
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to=[], bcc=recipients).send()
