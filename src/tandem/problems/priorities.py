"""Priorities: a group's top N problems for a period, carried over, and the parent group's board.

A group whose type sets priorities (``GroupType.priorities_per_period`` > 0) chooses
them for a month, a quarter or a year (``GroupType.priority_period``) from the open
problems it or its child groups own. Past periods are the record and never change.
Persistence is how many periods running the same problem has been a priority of the
same group.

Writes (``priority_set``, ``priority_remove``, ``priorities_carry_over``) run in one
transaction and raise ``ValidationError`` with a message fit to show; reads
(``group_current_priorities``, ``group_priority_page``, ``priority_board``) take a
handful of queries whatever the number of groups.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.partnership.access import Viewer
from tandem.partnership.models import Group, GroupType

from .access import problems_visible_q
from .models import Priority, Problem, quarter_of

Period = GroupType.Period
CARRIED_OVER = re.compile(r"^Carried over from [^:]*: ")


# --- Periods --------------------------------------------------------------------------


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month a day falls in: (first day, last day)."""
    start = day.replace(day=1)
    next_start = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return start, next_start - dt.timedelta(days=1)


def year_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar year a day falls in: (1 January, 31 December)."""
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the given kind (month, quarter, year) that a day falls in."""
    if kind == Period.MONTH:
        return month_of(day)
    if kind == Period.YEAR:
        return year_of(day)
    return quarter_of(day)


def previous_period(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    return period_of(kind, start - dt.timedelta(days=1))


def next_period(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    return period_of(kind, period_of(kind, start)[1] + dt.timedelta(days=1))


def period_label(kind: str, start: dt.date) -> str:
    """ "October to December 2025", "October 2025" or "2025"."""
    start, end = period_of(kind, start)
    if kind == Period.MONTH:
        return f"{start:%B %Y}"
    if kind == Period.YEAR:
        return str(start.year)
    return f"{start:%B} to {end:%B %Y}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def persistence_text(kind: str, periods: int) -> str:
    """ "1st quarter", "3rd quarter running"."""
    unit = {Period.MONTH: "month", Period.YEAR: "year"}.get(kind, "quarter")
    return f"{ordinal(periods)} {unit}" + (" running" if periods > 1 else "")


def _kind(group: Group) -> str:
    return group.type.priority_period


def _check_sets_priorities(group: Group) -> int:
    limit = group.type.priorities_per_period
    if not limit:
        raise ValidationError(
            f"{group.name} does not set priorities: its type of group ({group.type}) has none."
        )
    return limit


def _set_history_user(instance, by) -> None:
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by


def _problems_of(group: Group) -> Q:
    """Problems the group may choose from: its own and its child groups'."""
    return Q(group=group) | Q(group__parent=group)


# --- Writes ---------------------------------------------------------------------------


@transaction.atomic
def priority_set(
    *, group: Group, problem: Problem, reason: str, by=None, period_start: dt.date | None = None
) -> Priority:
    """Make a problem one of the group's priorities for a period (the current one by default)."""
    limit = _check_sets_priorities(group)
    kind = _kind(group)
    start, end = period_of(kind, period_start or timezone.localdate())
    label = period_label(kind, start)
    if not problem.is_open:
        raise ValidationError(
            {
                "problem": f"Only open problems can be priorities: “{problem.title}” is "
                f"{problem.get_status_display().lower()}."
            }
        )
    if not (problem.group_id == group.pk or problem.group.parent_id == group.pk):
        raise ValidationError({"problem": f"Choose a problem owned by {group.name} or one of its groups."})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the group chose it"})
    # Lock the period's rows so two organisers cannot both add the last one.
    existing = list(
        Priority.objects.select_for_update().filter(group=group, period_start=start).order_by("rank", "pk")
    )
    if any(priority.problem_id == problem.pk for priority in existing):
        raise ValidationError(
            {"problem": f"“{problem.title}” is already one of {group.name}'s priorities for {label}."}
        )
    if len(existing) >= limit:
        raise ValidationError(
            f"{group.name} already has its {limit} priorities for {label}. Remove one before adding another."
        )
    priority = Priority(
        group=group,
        problem=problem,
        period_start=start,
        period_end=end,
        rank=max((p.rank for p in existing), default=0) + 1,
        reason=reason.strip(),
        set_by=by if getattr(by, "is_authenticated", False) else None,
    )
    priority.full_clean()
    _set_history_user(priority, by)
    priority.save()
    return priority


@transaction.atomic
def priority_remove(*, priority: Priority, by=None) -> None:
    """Take a priority off a current or future period; the others move up a rank."""
    if priority.period_end < timezone.localdate():
        raise ValidationError(
            "Priorities of past periods are kept as the record: only current and future ones can be removed."
        )
    group_id, start = priority.group_id, priority.period_start
    _set_history_user(priority, by)
    priority.delete()
    rest = (
        Priority.objects.select_for_update()
        .filter(group_id=group_id, period_start=start)
        .order_by("rank", "pk")
    )
    for rank, other in enumerate(rest, start=1):
        if other.rank != rank:
            other.rank = rank
            _set_history_user(other, by)
            other.save(update_fields=["rank"])


@transaction.atomic
def priorities_carry_over(*, group: Group, from_period_start: dt.date, by=None) -> list[Priority]:
    """Copy the still-open priorities of a period into the period after it. Running it again adds
    nothing; priorities beyond the group's N are left behind."""
    limit = _check_sets_priorities(group)
    kind = _kind(group)
    from_start, _ = period_of(kind, from_period_start)
    to_start, to_end = next_period(kind, from_start)
    label = period_label(kind, from_start)
    previous = list(
        Priority.objects.select_related("problem")
        .filter(group=group, period_start=from_start, problem__status__in=Problem.OPEN_STATUSES)
        .order_by("rank", "pk")
    )
    existing = list(Priority.objects.select_for_update().filter(group=group, period_start=to_start))
    taken = {priority.problem_id for priority in existing}
    rank = max((p.rank for p in existing), default=0)
    created = []
    for old in previous:
        if old.problem_id in taken:
            continue
        if len(existing) + len(created) >= limit:
            break
        rank += 1
        priority = Priority(
            group=group,
            problem=old.problem,
            period_start=to_start,
            period_end=to_end,
            rank=rank,
            reason=f"Carried over from {label}: {CARRIED_OVER.sub('', old.reason)}",
            carried_over_from=old,
            set_by=by if getattr(by, "is_authenticated", False) else None,
        )
        priority.full_clean()
        _set_history_user(priority, by)
        priority.save()
        created.append(priority)
    return created


# --- Reads ----------------------------------------------------------------------------


def annotate_persistence(priorities: list[Priority]) -> list[Priority]:
    """Set ``periods_running`` and ``persistence`` on each priority, in one query.

    A priority's run counts back through the group's consecutive earlier periods in which the
    same problem was a priority (which is where ``carried_over_from`` points)."""
    if not priorities:
        return priorities
    group_ids = {p.group_id for p in priorities}
    problem_ids = {p.problem_id for p in priorities}
    held = set(
        Priority.objects.filter(group_id__in=group_ids, problem_id__in=problem_ids).values_list(
            "group_id", "problem_id", "period_start"
        )
    )
    for priority in priorities:
        kind = priority.group.type.priority_period
        count, start = 1, priority.period_start
        while True:
            start = previous_period(kind, start)[0]
            if (priority.group_id, priority.problem_id, start) not in held:
                break
            count += 1
        priority.periods_running = count
        priority.persistence = persistence_text(kind, count)
        priority.period_label = period_label(kind, priority.period_start)
    return priorities


def visible_priorities(viewer: Viewer) -> QuerySet[Priority]:
    # The visibility rule is applied through the priority's own problem (a join), not as a
    # subquery over every problem: a board of 60 priorities need not look at 50,000 problems.
    return (
        Priority.objects.select_related(
            "group", "group__type", "problem", "problem__category", "problem__area"
        )
        .defer("problem__area__boundary")
        .filter(problems_visible_q(viewer, prefix="problem__"))
    )


def group_current_priorities(*, group: Group, viewer: Viewer, on: dt.date | None = None) -> list[Priority]:
    """The group's priorities for the period covering ``on`` (today), best first, with persistence."""
    on = on or timezone.localdate()
    rows = visible_priorities(viewer).filter(group=group, period_start__lte=on, period_end__gte=on)
    return annotate_persistence(list(rows.order_by("rank", "pk")))


@dataclass
class PastPeriod:
    label: str
    priorities: list[Priority] = field(default_factory=list)


@dataclass
class GroupPriorityPage:
    sets_priorities: bool
    limit: int
    period_label: str
    current: list[Priority]
    hidden_count: int  # current priorities about problems this viewer may not see
    past: list[PastPeriod]
    future: list[Priority]
    previous_label: str
    previous_start: dt.date | None
    can_carry_over: bool


def group_priority_page(*, group: Group, viewer: Viewer) -> GroupPriorityPage:
    """Everything the group's priorities page shows."""
    today = timezone.localdate()
    kind = _kind(group)
    start, _ = period_of(kind, today)
    previous_start = previous_period(kind, start)[0]
    rows = annotate_persistence(
        list(visible_priorities(viewer).filter(group=group).order_by("-period_start", "rank"))
    )
    current = [p for p in rows if p.period_start == start]
    future = sorted((p for p in rows if p.period_start > start), key=lambda p: (p.period_start, p.rank))
    past: dict[dt.date, PastPeriod] = {}
    for priority in rows:
        if priority.period_start < start:
            past.setdefault(priority.period_start, PastPeriod(priority.period_label)).priorities.append(
                priority
            )
    all_current = Priority.objects.filter(group=group, period_start=start).count()
    previous_open = Priority.objects.filter(
        group=group, period_start=previous_start, problem__status__in=Problem.OPEN_STATUSES
    ).exists()
    return GroupPriorityPage(
        sets_priorities=bool(group.type.priorities_per_period),
        limit=group.type.priorities_per_period,
        period_label=period_label(kind, start),
        current=current,
        hidden_count=all_current - len(current),
        past=list(past.values()),
        future=future,
        previous_label=period_label(kind, previous_start),
        previous_start=previous_start,
        can_carry_over=previous_open and all_current == 0,
    )


def priority_candidates(*, group: Group, viewer: Viewer) -> QuerySet[Problem]:
    """Open problems the group may choose as a priority this period (not already chosen)."""
    start, _ = period_of(_kind(group), timezone.localdate())
    chosen = Priority.objects.filter(group=group, period_start=start).values("problem_id")
    visible = Problem.objects.filter(problems_visible_q(viewer)).values("pk")
    return (
        Problem.objects.filter(_problems_of(group), status__in=Problem.OPEN_STATUSES, pk__in=visible)
        .exclude(pk__in=chosen)
        .select_related("group", "category")
        .order_by("-times_raised", "title")
    )


@dataclass
class BoardRow:
    group: Group
    priorities: list[Priority]


def priority_board(*, group: Group, viewer: Viewer, on: dt.date | None = None) -> list[BoardRow]:
    """The current priorities of every child group the viewer may see, one row per group.

    Four queries whatever the number of child groups."""
    on = on or timezone.localdate()
    children = list(
        Group.objects.select_related("type", "area")
        .defer("area__boundary")
        .filter(parent=group)
        .filter(viewer.groups_q())
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .order_by("name")
    )
    by_group: dict[int, BoardRow] = {child.pk: BoardRow(child, []) for child in children}
    rows = list(
        visible_priorities(viewer)
        .filter(group_id__in=by_group, period_start__lte=on, period_end__gte=on)
        .order_by("group__name", "rank", "pk")
    )
    for priority in rows:
        priority.group = by_group[priority.group_id].group  # one Group object per row of the board
    annotate_persistence(rows)
    for priority in rows:
        by_group[priority.group_id].priorities.append(priority)
    return list(by_group.values())


def agenda_lines(meeting, viewer: Viewer) -> list[tuple[str, str]]:
    """The "group's priorities" standing agenda item: the priorities for the meeting's date."""
    on = timezone.localtime(meeting.starts_at).date()
    return [
        (
            f"{priority.rank}. {priority.problem.title} ({priority.persistence})",
            priority.problem.get_absolute_url(),
        )
        for priority in group_current_priorities(group=meeting.group, viewer=viewer, on=on)
    ]
