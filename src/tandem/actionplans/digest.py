"""The leads' weekly digest, the one-click progress link in it, and evaluation reminders.

Every week each lead (a person with an email address) gets ONE email, however many groups
their actions are in, listing their open actions that are overdue or due within a fortnight.
Each action has a link that lets them post a progress update without signing in: the link
carries a signature of (action, person) that Tandem made, valid for 30 days, and works only
while that person still leads that open action. ``DigestSent`` (person, week) makes sending
idempotent: running it again in the same week sends nothing to those already sent to.

An action marked done with an "evaluate by" date instead of an evaluation has a
``Reminder``; once it is due, the lead gets an email asking them to evaluate it, once.

The background task (``tasks.send_weekly_digests``) and the ``send_action_digests``
management command both call ``weekly_send``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from tandem.partnership.models import Person

from . import services
from .models import Action, ActionUpdate, DigestSent, Reminder

PROGRESS_SALT = "actionplans.progress"
LINK_MAX_AGE = dt.timedelta(days=30)
DIGEST_WINDOW = dt.timedelta(days=14)
LONDON = ZoneInfo("Europe/London")
SEND_AT = dt.time(7, 0)  # Monday morning, Europe/London

# The statuses a lead may set from the link: done and cancelled need the action's page.
LINK_STATUSES = (Action.Status.NOT_STARTED, Action.Status.ON_TRACK, Action.Status.AT_RISK)
# A reminder is no longer needed once the action has a real answer to "did it work?".
EVALUATED = (Action.Worked.YES, Action.Worked.PARTLY, Action.Worked.NO)

Progress = Callable[[int, int], None]


def _day(value: dt.date) -> str:
    return format_date(value, "j F Y")


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- The signed progress link ------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=PROGRESS_SALT)


def progress_token(*, action_id: int, person_id: int) -> str:
    return _signer().sign_object([action_id, person_id])


def progress_path(*, action: Action, person: Person) -> str:
    token = progress_token(action_id=action.pk, person_id=person.pk)
    return reverse("actionplans:progress-by-link", kwargs={"pk": action.pk, "token": token})


def progress_url(*, action: Action, person: Person) -> str:
    return _absolute(progress_path(action=action, person=person))


@dataclass(frozen=True)
class ProgressLink:
    action: Action
    person: Person


def progress_link_check(*, pk: int, token: str) -> ProgressLink | None:
    """The action and its lead that a progress link was made for, or None when the link was not
    made by Tandem, is older than 30 days, is for another action, or the person no longer leads
    the action (or may no longer sign in). The same None for every reason: nothing leaks."""
    try:
        value = _signer().unsign_object(token, max_age=LINK_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    ):
        return None
    action_id, person_id = value
    if action_id != pk:
        return None
    action = (
        Action.objects.select_related("group", "partnership", "lead", "lead__user", "lead_organisation")
        .filter(pk=pk, lead_id=person_id)
        .first()
    )
    if action is None:
        return None
    person = action.lead
    if person.user_id and not person.user.is_active:
        return None
    return ProgressLink(action=action, person=person)


@transaction.atomic
def update_add_by_link(
    *,
    action: Action,
    person: Person,
    text: str,
    status: str,
    is_internal: bool = False,
    by=None,
) -> ActionUpdate:
    """The lead posts a progress update from their digest link (``services.update_add`` with the
    lead as its author, and the signed-in user too if there is one), setting its status.

    Refuses an action that is no longer open, a person who no longer leads it, and statuses other
    than not started, on track and at risk (done and cancelled are set on the action's page)."""
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if locked.lead_id != person.pk:
        raise ValidationError("Only the action's lead can post progress from this link.")
    if not locked.is_open:
        raise ValidationError("This action is no longer open, so progress cannot be posted on it.")
    if status not in LINK_STATUSES:
        raise ValidationError({"status": "Choose not started, on track or at risk."})
    return services.update_add(
        action=action, text=text, status=status, is_internal=is_internal, by=by, author_person=person
    )


# --- The weekly digest -------------------------------------------------------------------


def week_start_for(day: dt.date) -> dt.date:
    """The Monday of the week the day is in."""
    return day - dt.timedelta(days=day.weekday())


def reference_day(*, week_start: dt.date, today: dt.date) -> dt.date:
    """The day "due" and "overdue" are counted from: today, or the Monday of another week."""
    return today if week_start <= today < week_start + dt.timedelta(days=7) else week_start


@dataclass
class DigestLine:
    action: Action
    is_overdue: bool
    progress_url: str
    action_url: str

    @property
    def where(self) -> str:
        action = self.action
        return action.group.name if action.group_id else f"{action.partnership.name} (partnership action)"

    @property
    def due(self) -> str:
        return _day(self.action.due_on)


@dataclass
class PersonDigest:
    person: Person
    overdue: list[DigestLine] = field(default_factory=list)
    due_soon: list[DigestLine] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_soon)

    @property
    def subject(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"{len(self.overdue)} overdue")
        if self.due_soon:
            parts.append(f"{len(self.due_soon)} due in the next two weeks")
        return "Your actions: " + " and ".join(parts)


@dataclass
class DigestReport:
    week_start: dt.date
    on: dt.date
    dry_run: bool = False
    sent: list[PersonDigest] = field(default_factory=list)
    already_sent: list[Person] = field(default_factory=list)
    without_email: list[Person] = field(default_factory=list)
    failed: list[tuple[Person, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "week_start": self.week_start.isoformat(),
            "sent": len(self.sent),
            "actions": sum(digest.count for digest in self.sent),
            "already_sent": len(self.already_sent),
            "without_email": len(self.without_email),
            "failed": len(self.failed),
            "dry_run": self.dry_run,
        }


def digest_actions(*, on: dt.date):
    """Open actions with a lead, overdue or due within a fortnight of ``on``: one query."""
    return (
        Action.objects.filter(
            status__in=Action.OPEN_STATUSES,
            lead__isnull=False,
            due_on__isnull=False,
            due_on__lte=on + DIGEST_WINDOW,
        )
        .filter(Q(lead__user__isnull=True) | Q(lead__user__is_active=True))
        .select_related("lead", "group", "partnership")
        .order_by("lead_id", "due_on", "pk")
    )


def digests_collect(
    *, week_start: dt.date, on: dt.date
) -> tuple[list[PersonDigest], list[Person], list[Person]]:
    """(one digest per person with an email not yet sent to this week, those already sent to,
    leads with actions due but no email address)."""
    already_ids = set(DigestSent.objects.filter(week_start=week_start).values_list("person_id", flat=True))
    digests: dict[int, PersonDigest] = {}
    already: dict[int, Person] = {}
    without_email: dict[int, Person] = {}
    for action in digest_actions(on=on):
        person = action.lead
        if not person.email:
            without_email.setdefault(person.pk, person)
            continue
        if person.pk in already_ids:
            already.setdefault(person.pk, person)
            continue
        digest = digests.setdefault(person.pk, PersonDigest(person=person))
        line = DigestLine(
            action=action,
            is_overdue=action.is_overdue_on(on),
            progress_url=progress_url(action=action, person=person),
            action_url=_absolute(action.get_absolute_url()),
        )
        (digest.overdue if line.is_overdue else digest.due_soon).append(line)
    by_name = sorted(digests.values(), key=lambda d: (d.person.name, d.person.pk))
    return (
        by_name,
        sorted(already.values(), key=lambda p: (p.name, p.pk)),
        sorted(without_email.values(), key=lambda p: (p.name, p.pk)),
    )


def _digest_message(digest: PersonDigest, *, week_start: dt.date, on: dt.date, connection):
    context = {
        "person": digest.person,
        "digest": digest,
        "week_start": _day(week_start),
        "on": _day(on),
        "link_days": LINK_MAX_AGE.days,
    }
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string("actionplans/digest_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.person.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string("actionplans/digest_email.html", context), "text/html")
    return message


def digests_send(
    *,
    week: dt.date | None = None,
    today: dt.date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> DigestReport:
    """Send this week's digests (``week``: any day of another week). With ``dry_run`` nothing is
    sent or recorded: the report says who would get what."""
    today = today or timezone.localdate()
    week_start = week_start_for(week or today)
    on = reference_day(week_start=week_start, today=today)
    digests, already, without_email = digests_collect(week_start=week_start, on=on)
    report = DigestReport(
        week_start=week_start, on=on, dry_run=dry_run, already_sent=already, without_email=without_email
    )
    connection = None if dry_run else get_connection()
    for done, digest in enumerate(digests, start=1):
        if dry_run:
            report.sent.append(digest)
        else:
            try:
                # Recorded and sent together: if the email fails, the record is undone and the
                # next run tries again; if another run got there first, the record refuses.
                with transaction.atomic():
                    DigestSent.objects.create(
                        person=digest.person, week_start=week_start, action_count=digest.count
                    )
                    _digest_message(digest, week_start=week_start, on=on, connection=connection).send()
            except IntegrityError:
                report.already_sent.append(digest.person)
            except Exception as exc:  # noqa: BLE001 - any failure is reported, and retried next run
                report.failed.append((digest.person, str(exc) or exc.__class__.__name__))
            else:
                report.sent.append(digest)
        if progress is not None:
            progress(done, len(digests))
    return report


# --- Evaluation reminders ------------------------------------------------------------------


@dataclass
class ReminderReport:
    dry_run: bool = False
    sent: list[Reminder] = field(default_factory=list)
    no_email: list[Reminder] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"sent": len(self.sent), "no_email": len(self.no_email), "failed": len(self.failed)}


def reminders_due(*, today: dt.date):
    """Unsent reminders due by today for actions still waiting for their evaluation."""
    return (
        Reminder.objects.filter(sent_at__isnull=True, due_on__lte=today)
        .exclude(action__status=Action.Status.CANCELLED)
        .exclude(action__worked__in=EVALUATED)
        .select_related("action", "action__lead", "action__group", "action__partnership")
        .order_by("due_on", "pk")
    )


def _reminder_message(reminder: Reminder, *, connection):
    action = reminder.action
    context = {
        "person": action.lead,
        "action": action,
        "evaluate_by": _day(action.evaluate_by or reminder.due_on),
        "where": action.group.name if action.group_id else action.partnership.name,
        "evaluate_url": _absolute(reverse("actionplans:action-evaluate", kwargs={"pk": action.pk})),
        "action_url": _absolute(action.get_absolute_url()),
    }
    message = EmailMultiAlternatives(
        subject=f"Evaluate: {action.description.strip()[:80]}",
        body=render_to_string("actionplans/digest_reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[action.lead.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string("actionplans/digest_reminder.html", context), "text/html")
    return message


def reminders_send(*, today: dt.date | None = None, dry_run: bool = False) -> ReminderReport:
    """Email the lead of each action whose evaluation reminder is due, once: the reminder is marked
    sent with the email. Leads without an email address are reported and tried again next time."""
    today = today or timezone.localdate()
    report = ReminderReport(dry_run=dry_run)
    connection = None if dry_run else get_connection()
    for reminder in reminders_due(today=today):
        lead = reminder.action.lead
        if lead is None or not lead.email:
            report.no_email.append(reminder)
            continue
        if dry_run:
            report.sent.append(reminder)
            continue
        try:
            with transaction.atomic():
                claimed = Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
                    sent_at=timezone.now()
                )
                if not claimed:  # sent by another run meanwhile
                    continue
                _reminder_message(reminder, connection=connection).send()
        except Exception as exc:  # noqa: BLE001 - reported, and tried again next run
            report.failed.append((reminder, str(exc) or exc.__class__.__name__))
        else:
            report.sent.append(reminder)
    return report


# --- Both, weekly ----------------------------------------------------------------------------


@dataclass
class WeeklyReport:
    digests: DigestReport
    reminders: ReminderReport

    def as_dict(self) -> dict:
        return {"digests": self.digests.as_dict(), "reminders": self.reminders.as_dict()}


def weekly_send(
    *,
    week: dt.date | None = None,
    today: dt.date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> WeeklyReport:
    """The digests for the week, then the evaluation reminders that are due."""
    today = today or timezone.localdate()
    digests = digests_send(week=week, today=today, dry_run=dry_run, progress=progress)
    reminders = reminders_send(today=today, dry_run=dry_run)
    return WeeklyReport(digests=digests, reminders=reminders)


def next_run_after(now: dt.datetime | None = None) -> dt.datetime:
    """The next Monday at 07:00 Europe/London strictly after ``now`` (aware)."""
    local = (now or timezone.now()).astimezone(LONDON)
    monday = local.date() + dt.timedelta(days=(7 - local.weekday()) % 7)
    when = dt.datetime.combine(monday, SEND_AT, tzinfo=LONDON)
    if when <= local:
        when = dt.datetime.combine(monday + dt.timedelta(days=7), SEND_AT, tzinfo=LONDON)
    return when
