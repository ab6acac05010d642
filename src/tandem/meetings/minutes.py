"""Attendance and minutes: who came, the points noted per item, decisions, actions arising,
approval at the next meeting and corrections after approval.

Each service is keyword-only, runs in one transaction, validates with ``full_clean()``
(raising ``ValidationError``) and saves only what it changed. Minutes are draft until a
decision of a later meeting of the same group approves them; after that they change only
through a recorded correction (``minutes_correct``).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.meetings.models import (
    ActionArising,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingSettings,
    MinutesCorrection,
)
from tandem.partnership.models import Membership, Organisation, Person

APPROVED_MESSAGE = "The minutes of this meeting have been approved. To change them, record a correction."
MEMBER_STATUSES = {Attendance.Status.PRESENT, Attendance.Status.APOLOGIES, Attendance.Status.ABSENT}


# --- Reads used by the pages ----------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    """How many members were present against the group's quorum."""

    present: int
    quorum: int

    @property
    def is_quorate(self) -> bool:
        return self.present >= self.quorum

    @property
    def text(self) -> str:
        members = "member" if self.present == 1 else "members"
        state = "Quorate" if self.is_quorate else "Not quorate"
        return f"{state}: {self.present} {members} present, quorum {self.quorum}"


def meeting_quorum(*, meeting: Meeting) -> Quorum:
    """Members present (guests do not count) against MeetingSettings.quorum (default 3)."""
    settings_row = MeetingSettings.objects.filter(group_id=meeting.group_id).only("quorum").first()
    quorum = settings_row.quorum if settings_row else MeetingSettings._meta.get_field("quorum").default
    present = meeting.attendance.filter(person__isnull=False, status=Attendance.Status.PRESENT).count()
    return Quorum(present=present, quorum=quorum)


def current_memberships(*, meeting: Meeting):
    """The group's current members (one row per person, the earliest role first), for attendance."""
    on = timezone.localdate(meeting.starts_at)
    rows = (
        Membership.objects.current(on=on)
        .filter(group_id=meeting.group_id)
        .select_related("person", "organisation")
        .order_by("person__name", "role", "pk")
    )
    seen, result = set(), []
    for membership in rows:
        if membership.person_id not in seen:
            seen.add(membership.person_id)
            result.append(membership)
    return result


def previous_meeting(*, meeting: Meeting) -> Meeting | None:
    """The latest earlier meeting of the same group that was not cancelled."""
    return (
        Meeting.objects.filter(group_id=meeting.group_id, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .first()
    )


# --- Helpers ------------------------------------------------------------------------


def _refuse_if_approved(meeting: Meeting) -> None:
    if meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise ValidationError(APPROVED_MESSAGE)


def _start_draft(meeting: Meeting) -> None:
    if meeting.minutes_status == Meeting.MinutesStatus.NONE:
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
        meeting.save(update_fields=["minutes_status", "updated_at"])


def _check_item(meeting: Meeting, item: AgendaItem | None) -> None:
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": "Choose an item on this meeting's agenda."})


# --- Attendance ---------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    people: Iterable[tuple[Person, str, Organisation | None]] = (),
    guests: Iterable[tuple[str, Organisation | None]] = (),
) -> list[Attendance]:
    """Record who was present, sent apologies or was absent, and any guests.

    Saving again changes the same rows (one per person, one per guest name), never adds more.
    """
    member_ids = {m.person_id for m in current_memberships(meeting=meeting)}
    saved = []
    for person, status, organisation in people:
        if status not in MEMBER_STATUSES:
            raise ValidationError({"status": f"Choose present, apologies or absent for {person.name}."})
        if person.pk not in member_ids:
            raise ValidationError(f"{person.name} is not a current member of {meeting.group.name}.")
        row = Attendance.objects.filter(meeting=meeting, person=person).first() or Attendance(
            meeting=meeting, person=person
        )
        row.status, row.organisation = status, organisation
        row.full_clean()
        row.save()
        saved.append(row)
    for name, organisation in guests:
        name = (name or "").strip()
        if not name:
            raise ValidationError({"guest_name": "Enter the guest's name."})
        row = Attendance.objects.filter(meeting=meeting, person__isnull=True, guest_name=name).first()
        row = row or Attendance(meeting=meeting, guest_name=name)
        row.status, row.organisation = Attendance.Status.GUEST, organisation
        row.full_clean()
        row.save()
        saved.append(row)
    return saved


# --- Minutes per item ----------------------------------------------------------------


@transaction.atomic
def item_minutes_record(*, meeting: Meeting, minutes: dict[int, str]) -> list[AgendaItem]:
    """Save the points noted for each agenda item (keyed by item pk); the minutes become draft."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_approved(meeting)
    items = {item.pk: item for item in meeting.items.all()}
    unknown = set(minutes) - set(items)
    if unknown:
        raise ValidationError("Some of these items are not on this meeting's agenda.")
    changed = []
    for pk, text in minutes.items():
        item = items[pk]
        text = (text or "").strip()
        if item.minutes != text:
            item.minutes = text
            item.full_clean()
            item.save(update_fields=["minutes"])
            changed.append(item)
    _start_draft(meeting)
    return changed


# --- Decisions ----------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    text: str,
    item: AgendaItem | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
) -> Decision:
    """Record a decision ("RESOLVED that …") with the vote, if there was one."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_approved(meeting)
    _check_item(meeting, item)
    votes = [votes_for, votes_against, abstentions]
    if any(v is not None for v in votes) and any(v is None for v in votes):
        raise ValidationError(
            {"votes_for": "Enter the votes for, against and abstentions, or leave all three blank."}
        )
    if any(v is not None and v < 0 for v in votes):
        raise ValidationError({"votes_for": "Votes cannot be fewer than 0."})
    decision = Decision(
        meeting=meeting,
        item=item,
        kind=Decision.Kind.RESOLUTION,
        text=(text or "").strip(),
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
    )
    decision.full_clean()
    decision.save()
    _start_draft(meeting)
    return decision


@transaction.atomic
def decision_remove(*, decision: Decision) -> None:
    """Remove a decision recorded by mistake, while the minutes are draft."""
    meeting = Meeting.objects.select_for_update().get(pk=decision.meeting_id)
    _refuse_if_approved(meeting)
    if decision.kind == Decision.Kind.MINUTES_APPROVAL:
        raise ValidationError(
            "An approval of minutes cannot be removed: the other meeting's minutes stay approved."
        )
    decision.delete()


# --- Actions arising --------------------------------------------------------------------


@transaction.atomic
def action_arising_record(
    *,
    meeting: Meeting,
    description: str,
    item: AgendaItem | None = None,
    lead: Person | None = None,
    lead_organisation: Organisation | None = None,
    due_on: dt.date | None = None,
) -> ActionArising:
    """Record an action arising: what, who leads (a person and/or an organisation), by when."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_approved(meeting)
    _check_item(meeting, item)
    errors = {}
    if lead is None and lead_organisation is None:
        errors["lead"] = "Choose who leads: a person, an organisation or both."
    elif lead is not None and lead.pk not in {m.person_id for m in current_memberships(meeting=meeting)}:
        errors["lead"] = f"Choose a current member of {meeting.group.name}."
    if due_on is None:
        errors["due_on"] = "Enter the date it is to be done by."
    elif due_on < timezone.localdate(meeting.starts_at):
        errors["due_on"] = "The date it is to be done by must be on or after the day of the meeting."
    if errors:
        raise ValidationError(errors)
    action = ActionArising(
        meeting=meeting,
        item=item,
        description=(description or "").strip(),
        lead=lead,
        lead_organisation=lead_organisation,
        due_on=due_on,
    )
    action.full_clean()
    action.save()
    _start_draft(meeting)
    return action


@transaction.atomic
def action_arising_remove(*, action: ActionArising) -> None:
    """Remove an action arising recorded by mistake, while the minutes are draft."""
    meeting = Meeting.objects.select_for_update().get(pk=action.meeting_id)
    _refuse_if_approved(meeting)
    action.delete()


# --- Approval and corrections ---------------------------------------------------------------


def approval_text(previous: Meeting) -> str:
    held_on = timezone.localtime(previous.starts_at)
    return (
        f"RESOLVED that the minutes of the meeting held on {held_on:%A} {held_on.day} "
        f"{held_on:%B %Y} be approved as a correct record"
    )


@transaction.atomic
def minutes_approve(*, meeting: Meeting, previous: Meeting) -> Decision:
    """Approve ``previous``'s draft minutes by a decision recorded in ``meeting``'s minutes."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    previous = Meeting.objects.select_for_update().get(pk=previous.pk)
    if previous.group_id != meeting.group_id:
        raise ValidationError("Minutes can only be approved at a meeting of the same group.")
    if previous.starts_at >= meeting.starts_at:
        raise ValidationError("Minutes can only be approved at a later meeting.")
    if meeting.is_cancelled:
        raise ValidationError("A cancelled meeting cannot approve minutes.")
    if previous.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise ValidationError("The minutes of that meeting have already been approved.")
    if previous.minutes_status == Meeting.MinutesStatus.NONE:
        raise ValidationError("That meeting has no minutes to approve yet.")
    _refuse_if_approved(meeting)
    item = meeting.items.filter(standing=AgendaItem.Standing.PREVIOUS_MINUTES).first()
    decision = Decision(
        meeting=meeting,
        item=item,
        kind=Decision.Kind.MINUTES_APPROVAL,
        text=approval_text(previous),
        approves_minutes_of=previous,
    )
    decision.full_clean()
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as exc:
        raise ValidationError("The minutes of that meeting have already been approved.") from exc
    previous.minutes_status = Meeting.MinutesStatus.APPROVED
    previous.minutes_approved_at = timezone.now()
    previous.save(update_fields=["minutes_status", "minutes_approved_at", "updated_at"])
    _start_draft(meeting)
    return decision


@transaction.atomic
def minutes_correct(
    *, meeting: Meeting, item: AgendaItem, reason: str, new_text: str, recorded_by=None
) -> MinutesCorrection:
    """Correct an item's approved minutes: the change is kept with its reason, never silent."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.minutes_status != Meeting.MinutesStatus.APPROVED:
        raise ValidationError("These minutes are still draft: change them on the minutes page.")
    _check_item(meeting, item)
    item = AgendaItem.objects.get(pk=item.pk)
    new_text = (new_text or "").strip()
    if new_text == item.minutes:
        raise ValidationError({"new_text": "The corrected text is the same as the approved minutes."})
    correction = MinutesCorrection(
        meeting=meeting,
        item=item,
        reason=(reason or "").strip(),
        previous_text=item.minutes,
        new_text=new_text,
        recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
    )
    correction.full_clean()
    correction.save()
    item.minutes = new_text
    item.save(update_fields=["minutes"])
    return correction
