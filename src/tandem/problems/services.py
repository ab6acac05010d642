"""Changes to problems: create, update, status (SARA), notes, raised again and merging.

Every service is keyword-only, runs in a transaction, checks the rows with
``full_clean()`` and records who did it (``by``).
"""

import datetime as dt
from typing import Any

import shapely.geometry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.partnership.models import Group, Organisation, Partnership, Person
from tandem.partnership.services import apply_changes
from tandem.places.models import Area
from tandem.places.selectors import area_descendant_ids

from .models import (
    Category,
    Escalation,
    Problem,
    ProblemAgendaItem,
    ProblemNote,
    ProblemReport,
    ProblemStatusChange,
)
from .status_hooks import status_changed

Status = Problem.Status

# The one map of allowed status changes (SARA): from each status, where it may go next.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "": (Status.SCANNING,),
    Status.SCANNING: (Status.ANALYSIS, Status.CLOSED),
    Status.ANALYSIS: (Status.RESPONSE, Status.CLOSED),
    Status.RESPONSE: (Status.ASSESSMENT, Status.CLOSED),
    Status.ASSESSMENT: (Status.RESOLVED, Status.RESPONSE, Status.CLOSED),
    Status.RESOLVED: (Status.SCANNING,),
    Status.CLOSED: (Status.SCANNING,),
}
# Changes that need a reason: closing and reopening.
REASON_NEEDED = {
    (Status.SCANNING, Status.CLOSED),
    (Status.ANALYSIS, Status.CLOSED),
    (Status.RESPONSE, Status.CLOSED),
    (Status.ASSESSMENT, Status.CLOSED),
    (Status.RESOLVED, Status.SCANNING),
    (Status.CLOSED, Status.SCANNING),
}

UPDATABLE = {
    "group",
    "title",
    "description",
    "category",
    "area",
    "latitude",
    "longitude",
    "location_text",
    "raised_by",
    "raised_by_person",
    "raised_by_organisation",
    "is_public",
    "victim",
    "offender",
    "location_analysis",
}


def allowed_next_statuses(problem: Problem) -> list[str]:
    """Where the problem's status may go next (none once it has been merged away)."""
    if problem.merged_into_id:
        return []
    return list(TRANSITIONS.get(problem.status, ()))


# --- Location --------------------------------------------------------------------------------


def _partnership_areas(partnership: Partnership) -> list[Area]:
    """The partnership's district and every area inside it that has a boundary."""
    if partnership.area_id is None:
        return []
    ids = [partnership.area_id, *area_descendant_ids(partnership.area)]
    return list(Area.objects.filter(pk__in=ids, boundary__isnull=False))


def locate(
    *, partnership: Partnership, latitude: float | None, longitude: float | None
) -> tuple[bool, Area | None]:
    """(outside every area of the partnership?, the deepest area containing the point).

    A point is only flagged when at least one of the partnership's areas has a boundary."""
    if latitude is None or longitude is None:
        return False, None
    point = shapely.geometry.Point(longitude, latitude)
    containing: list[Area] = []
    with_boundary = 0
    for area in _partnership_areas(partnership):
        try:
            geometry = shapely.geometry.shape(area.boundary)
        except Exception:  # noqa: BLE001, S112 (a malformed stored boundary counts as no boundary)
            continue
        with_boundary += 1
        if geometry.covers(point):
            containing.append(area)
    if not with_boundary:
        return False, None
    if not containing:
        return True, None
    deepest = max(containing, key=lambda area: (area.level, len(area.ancestors())))
    return False, deepest


def _place(problem: Problem, *, area_given: bool) -> None:
    outside, area = locate(
        partnership=problem.partnership, latitude=problem.latitude, longitude=problem.longitude
    )
    problem.outside_partnership = outside
    if not area_given and area is not None:
        problem.area = area


# --- Create and update ---------------------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    partnership: Partnership | None = None,
    group: Group,
    title: str,
    description: str = "",
    category: Category,
    area: Area | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    location_text: str = "",
    raised_by: str = Problem.RaisedBy.RESIDENT,
    raised_by_person: Person | None = None,
    raised_by_organisation: Organisation | None = None,
    raised_on: dt.date | None = None,
    is_public: bool = True,
    contact_consent: bool = False,
    by,
) -> Problem:
    """A new problem with its first report and its first status (scanning)."""
    raised_on = raised_on or timezone.localdate()
    problem = Problem(
        partnership=partnership or group.partnership,
        group=group,
        title=title,
        description=description,
        category=category,
        area=area,
        latitude=latitude,
        longitude=longitude,
        location_text=location_text,
        raised_by=raised_by,
        raised_by_person=raised_by_person,
        raised_by_organisation=raised_by_organisation,
        first_raised_on=raised_on,
        last_raised_on=raised_on,
        times_raised=1,
        status=Status.SCANNING,
        is_public=is_public,
    )
    problem.full_clean()
    _place(problem, area_given=area is not None)
    problem.save()
    report = ProblemReport(
        problem=problem,
        raised_on=raised_on,
        raised_by=raised_by,
        person=raised_by_person,
        organisation=raised_by_organisation,
        contact_consent=bool(contact_consent and raised_by_person),
    )
    report.full_clean()
    report.save()
    # A problem entered after the event (from old minutes or a spreadsheet) starts its
    # timeline on the day it was first raised, not on the day it was typed in.
    started = timezone.now()
    if raised_on < timezone.localdate():
        started = timezone.make_aware(dt.datetime.combine(raised_on, dt.time(9, 0)))
    ProblemStatusChange.objects.create(
        problem=problem,
        from_status="",
        to_status=Status.SCANNING,
        reason="Raised",
        changed_by=_user(by),
        changed_at=started,
    )
    return problem


@transaction.atomic
def problem_update(*, problem: Problem, data: dict[str, Any], by) -> list[str]:
    """Change a problem's details; returns the names of the fields that changed."""
    changed = apply_changes(problem, allowed=UPDATABLE, data=data)
    if not changed:
        return []
    if "group" in changed and problem.group.partnership_id != problem.partnership_id:
        raise ValidationError({"group": "Choose a group of this partnership."})
    problem.full_clean()
    fields = set(changed)
    if {"latitude", "longitude"} & fields:
        _place(problem, area_given="area" in fields or problem.area_id is not None)
        fields |= {"outside_partnership", "area"}
    problem.save(update_fields=[*sorted(fields), "updated_at"])
    return changed


# --- Status ----------------------------------------------------------------------------------------


@transaction.atomic
def problem_set_status(*, problem: Problem, to_status: str, reason: str = "", by) -> ProblemStatusChange:
    """Move a problem on (SARA), close it, send it back from assessment, or reopen it."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    from_status = problem.status
    reason = (reason or "").strip()
    labels = dict(Status.choices)
    if to_status not in labels:
        raise ValidationError({"to_status": "Choose a status."})
    if problem.merged_into_id:
        raise ValidationError(
            {"to_status": f"This problem was merged into #{problem.merged_into_id}: change that one instead."}
        )
    if to_status not in TRANSITIONS.get(from_status, ()):
        allowed = ", ".join(labels[s].lower() for s in TRANSITIONS.get(from_status, ())) or "nothing"
        raise ValidationError(
            {
                "to_status": f"A problem in {labels.get(from_status, from_status).lower()} cannot move to "
                f"{labels[to_status].lower()}. It can move to: {allowed}."
            }
        )
    if (from_status, to_status) in REASON_NEEDED and not reason:
        verb = "closed" if to_status == Status.CLOSED else "reopened"
        raise ValidationError({"reason": f"Say why the problem is {verb}."})
    problem.status = to_status
    problem.closed_reason = reason if to_status == Status.CLOSED else ""
    problem.full_clean()
    problem.save(update_fields=["status", "closed_reason", "updated_at"])
    change = ProblemStatusChange(
        problem=problem, from_status=from_status, to_status=to_status, reason=reason, changed_by=_user(by)
    )
    change.full_clean()
    change.save()
    status_changed(problem, change)
    return change


# --- Notes and raised again ------------------------------------------------------------------------


@transaction.atomic
def note_add(*, problem: Problem, text: str, by) -> ProblemNote:
    note = ProblemNote(problem=problem, text=(text or "").strip(), author=_user(by))
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def problem_raise_again(
    *,
    problem: Problem,
    raised_on: dt.date | None = None,
    raised_by: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
    note: str = "",
    contact_consent: bool = False,
    by,
) -> ProblemReport:
    """Someone raised it again: a new report, one more time raised, the last-raised date moved on."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.merged_into_id:
        raise ValidationError(
            {"raised_on": f"This problem was merged into #{problem.merged_into_id}: raise that one instead."}
        )
    raised_on = raised_on or timezone.localdate()
    if raised_on > timezone.localdate():
        raise ValidationError({"raised_on": "The date it was raised cannot be in the future."})
    report = ProblemReport(
        problem=problem,
        raised_on=raised_on,
        raised_by=raised_by,
        person=person,
        organisation=organisation,
        note=(note or "").strip(),
        contact_consent=bool(contact_consent and person),
    )
    report.full_clean()
    report.save()
    problem.times_raised += 1
    problem.last_raised_on = max(problem.last_raised_on, raised_on)
    problem.first_raised_on = min(problem.first_raised_on, raised_on)
    problem.full_clean()
    problem.save(update_fields=["times_raised", "last_raised_on", "first_raised_on", "updated_at"])
    return report


# --- Merging -----------------------------------------------------------------------------------------


@transaction.atomic
def problem_merge(*, source: Problem, target: Problem, by) -> Problem:
    """Fold a duplicate (source) into another problem (target).

    The source's reports move to the target (marked as merged from the source), the target's
    raised count and dates widen, and the source is closed as "Merged into …". Status changes
    and notes stay on their own problems, so both histories are kept."""
    source = Problem.objects.select_for_update().get(pk=source.pk)
    target = Problem.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise ValidationError({"target": "A problem cannot be merged into itself."})
    if source.merged_into_id:
        raise ValidationError({"target": "This problem has already been merged into another."})
    if target.merged_into_id:
        raise ValidationError(
            {"target": "That problem has itself been merged into another: choose that one."}
        )
    if source.partnership_id != target.partnership_id:
        raise ValidationError({"target": "Only problems of the same partnership can be merged."})
    if not target.is_open:
        raise ValidationError({"target": "Choose an open problem to merge into."})

    source.reports.filter(merged_from__isnull=True).update(problem=target, merged_from=source)
    source.reports.update(problem=target)
    target.times_raised += source.times_raised
    target.first_raised_on = min(target.first_raised_on, source.first_raised_on)
    target.last_raised_on = max(target.last_raised_on, source.last_raised_on)
    target.full_clean()
    target.save(update_fields=["times_raised", "first_raised_on", "last_raised_on", "updated_at"])

    reason = f"Merged into #{target.pk} {target.title}"[:1000]
    from_status = source.status
    source.merged_into = target
    source.status = Status.CLOSED
    source.closed_reason = reason
    source.full_clean()
    source.save(update_fields=["merged_into", "status", "closed_reason", "updated_at"])
    change = ProblemStatusChange.objects.create(
        problem=source, from_status=from_status, to_status=Status.CLOSED, reason=reason, changed_by=_user(by)
    )
    status_changed(source, change)
    return target


def agenda_groups(problem: Problem) -> list[Group]:
    """The groups whose meetings may discuss the problem: its owner, and any group it has been
    escalated to whose decision is still awaited."""
    groups = [problem.group]
    for escalation in Escalation.objects.filter(problem=problem, decision="").select_related("to_group"):
        if escalation.to_group not in groups:
            groups.append(escalation.to_group)
    return groups


def agenda_meetings(problem: Problem):
    """Upcoming meetings of those groups whose agenda can still change, soonest first."""
    from tandem.meetings.models import Meeting

    return (
        Meeting.objects.filter(
            group__in=agenda_groups(problem),
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .exclude(minutes_status=Meeting.MinutesStatus.APPROVED)
        .select_related("group")
        .order_by("starts_at", "pk")
    )


@transaction.atomic
def problem_add_to_agenda(
    *, problem: Problem, meeting, description: str = "", by, escalation: Escalation | None = None
) -> ProblemAgendaItem:
    """Put the problem on an upcoming meeting's agenda as an item of its own, linked to it, so the
    meeting page links to the problem and the problem's timeline shows the meeting."""
    from tandem.meetings.services import agenda_item_add

    if meeting.group_id not in {group.pk for group in agenda_groups(problem)}:
        raise ValidationError(
            {"meeting": "Choose a meeting of the group that owns the problem or that it was escalated to"}
        )
    if meeting.is_cancelled or meeting.starts_at <= timezone.now():
        raise ValidationError({"meeting": "Choose a meeting that has not happened yet"})
    if ProblemAgendaItem.objects.filter(problem=problem, item__meeting=meeting).exists():
        raise ValidationError({"meeting": "The problem is already on that meeting's agenda"})
    title = f"Problem: {problem.title}"
    if escalation is not None:
        title = f"Escalated from {escalation.from_group.name}: {problem.title}"
    item = agenda_item_add(
        meeting=meeting,
        title=title[:300],
        description=description.strip(),
        is_confidential=not problem.is_public,
        by=by,
    )
    return ProblemAgendaItem.objects.create(
        problem=problem, item=item, escalation=escalation, added_by=_user(by)
    )


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None
