"""Reads for the public neighbourhood pages: finding an area, and what its page shows.

A neighbourhood page is public and the same for everyone: it shows only public groups,
public meetings, public problems (never who raised them), published updates and events
that are not cancelled. Each part is one or two queries (the page's count is tested).
"""

import datetime as dt
from dataclasses import dataclass, field

import shapely
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from shapely.geometry import shape

from tandem.actionplans.models import Action
from tandem.evidence.selectors import area_counts, month_add, months_with_data, source_attributions
from tandem.meetings.models import Meeting
from tandem.partnership.models import Group
from tandem.places.models import Area
from tandem.places.selectors import area_descendant_ids
from tandem.problems.models import Priority, Problem
from tandem.problems.selectors import map_points

from .models import Event, Survey, Update

SEARCH_LIMIT = 20
MIN_SEARCH_LENGTH = 2
NEXT_MEETINGS = 5
NEXT_EVENTS = 8
RECENT_UPDATES = 5
OPEN_PROBLEMS = 20
TOP_CRIME_TYPES = 5


# --- Finding a neighbourhood ---------------------------------------------------------------


def area_search(query: str) -> list[Area]:
    """Areas whose name (or official code) contains the words typed, case-insensitive: exact
    names first, then names that start with the words, then the rest, by name."""
    query = " ".join(query.split())
    if len(query) < MIN_SEARCH_LENGTH:
        return []
    rows = list(
        Area.objects.defer("boundary")
        .filter(Q(name__icontains=query) | Q(code__iexact=query) | Q(slug__icontains=query.replace(" ", "-")))
        .select_related("parent")
        .defer("parent__boundary")
        .order_by("name")[: SEARCH_LIMIT * 3]
    )
    lowered = query.lower()

    def rank(area: Area) -> tuple:
        name = area.name.lower()
        return (name != lowered, not name.startswith(lowered), -area.level, name)

    return sorted(rows, key=rank)[:SEARCH_LIMIT]


def area_at_point(*, latitude: float, longitude: float) -> Area | None:
    """The deepest area whose boundary holds the point (the smaller where two of a depth overlap)."""
    point = shapely.Point(longitude, latitude)
    best: tuple | None = None
    for pk, kind, boundary in Area.objects.exclude(boundary=None).values_list("pk", "kind", "boundary"):
        try:
            geometry = shape(boundary)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        if geometry.is_empty or not geometry.intersects(point):
            continue
        score = (Area.LEVELS[Area.Kind(kind)], -geometry.area)
        if best is None or score > best[0]:
            best = (score, pk)
    if best is None:
        return None
    return Area.objects.defer("boundary").get(pk=best[1])


def area_finder_list() -> QuerySet[Area]:
    """Every area for the no-JavaScript list, parents first within each name."""
    return Area.objects.defer("boundary").select_related("parent").defer("parent__boundary").order_by("name")


# --- The groups working in a neighbourhood ---------------------------------------------------


def neighbourhood_area_ids(area: Area) -> tuple[list[int], list[int]]:
    """(the area and the areas within it, the areas it sits in)."""
    return [area.pk, *area_descendant_ids(area)], [a.pk for a in area.ancestors()]


def neighbourhood_groups(area: Area) -> list[Group]:
    """Open public groups working in the area, in an area within it, or over it (the nearest
    first: a neighbourhood's own NAP before the district's JAG)."""
    within, above = neighbourhood_area_ids(area)
    today = timezone.localdate()
    groups = list(
        Group.objects.filter(area_id__in=within + above, is_public=True)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=today))
        .select_related("type", "area")
        .defer("area__boundary")
    )
    depth = {pk: index for index, pk in enumerate(reversed(above))}

    def order(group: Group) -> tuple:
        if group.area_id in depth:
            return (1, depth[group.area_id], group.name)
        return (0, group.area_id != area.pk, group.name)

    return sorted(groups, key=order)


# --- What the page shows -------------------------------------------------------------------


@dataclass
class PriorityRow:
    """A priority in police.uk's neighbourhood-priorities shape."""

    priority: Priority
    issue: str
    issue_date: dt.date
    action: str
    action_date: dt.date | None

    def as_police_uk(self) -> dict:
        return {
            "issue": self.issue,
            "issue-date": f"{self.issue_date.isoformat()}T00:00:00",
            "action": self.action,
            "action-date": f"{self.action_date.isoformat()}T00:00:00" if self.action_date else None,
        }


@dataclass
class CrimeTypeRow:
    crime_type: str
    count: int
    previous: int


@dataclass
class EvidenceSummary:
    """The last 12 months of incidents against the 12 before them, and the commonest types."""

    first: dt.date
    last: dt.date
    total: int
    previous_total: int | None
    top: list[CrimeTypeRow]
    attributions: list[str]

    @property
    def change_percent(self) -> int | None:
        if not self.previous_total:
            return None
        return round(100 * (self.total - self.previous_total) / self.previous_total)


@dataclass
class NeighbourhoodPage:
    area: Area
    ancestors: list[Area]
    groups: list[Group]
    meetings: list[Meeting]
    priorities: list[PriorityRow]
    updates: list[Update]
    events: list[Event]
    problems: list[Problem]
    problem_count: int
    # Whether any open problem has a pin: the map's points come from neighbourhood_points.
    has_pins: bool
    evidence: EvidenceSummary | None
    children: list[Area] = field(default_factory=list)
    surveys: list[Survey] = field(default_factory=list)


def upcoming_meetings(group_ids: list[int], *, limit: int = NEXT_MEETINGS) -> list[Meeting]:
    return list(
        Meeting.objects.filter(group_id__in=group_ids, is_public=True, ends_at__gte=timezone.now())
        .select_related("group")
        .only(
            "pk",
            "title",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "venue_access_notes",
            "status",
            "group__name",
            "group__slug",
        )
        .order_by("starts_at")[:limit]
    )


def upcoming_events(group_ids: list[int], *, limit: int | None = NEXT_EVENTS) -> list[Event]:
    rows = (
        Event.objects.filter(group_id__in=group_ids, group__is_public=True, ends_at__gte=timezone.now())
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    return list(rows[:limit] if limit else rows)


def published_updates(group_ids: list[int], *, limit: int | None = RECENT_UPDATES) -> list[Update]:
    rows = (
        Update.objects.filter(group_id__in=group_ids, group__is_public=True, status=Update.Status.PUBLISHED)
        .select_related("group")
        .order_by("-published_at", "-pk")
    )
    return list(rows[:limit] if limit else rows)


def open_surveys(area: Area, within: list[int]) -> list[Survey]:
    """Surveys residents of the area can answer now: about the area, an area within it, or an
    area it lies in (a district-wide survey is for them too)."""
    ids = [area.pk, *within, *(a.pk for a in area.ancestors())]
    today = timezone.localdate()
    return list(
        Survey.objects.filter(area_id__in=ids, status=Survey.Status.OPEN)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .select_related("area")
        .only("pk", "title", "closes_on", "area__name", "area__slug")
        .order_by("closes_on", "-pk")[:5]
    )


def _public_actions() -> Prefetch:
    return Prefetch(
        "problem__actions",
        queryset=Action.objects.filter(is_public=True)
        .exclude(status=Action.Status.CANCELLED)
        .only("pk", "problem_id", "description", "due_on", "completed_on", "start_on", "created_at")
        .order_by("-created_at", "-pk"),
        to_attr="public_actions",
    )


def current_priorities(group_ids: list[int], *, on: dt.date | None = None) -> list[PriorityRow]:
    """The groups' priorities for today, with the latest public action on each problem."""
    on = on or timezone.localdate()
    priorities = (
        Priority.objects.filter(
            group_id__in=group_ids,
            group__is_public=True,
            period_start__lte=on,
            period_end__gte=on,
            problem__is_public=True,
        )
        .select_related("group", "problem")
        .prefetch_related(_public_actions())
        .order_by("group__name", "rank", "pk")
    )
    rows = []
    for priority in priorities:
        actions = priority.problem.public_actions
        action = actions[0] if actions else None
        rows.append(
            PriorityRow(
                priority=priority,
                issue=priority.problem.title,
                issue_date=priority.period_start,
                action=action.description if action else "",
                action_date=(action.completed_on or action.due_on or action.start_on) if action else None,
            )
        )
    return rows


def open_problems(*, group_ids: list[int], area_ids: list[int]) -> QuerySet[Problem]:
    """Public, open, unmerged problems of the groups or in the areas (no one's name: only the
    columns a public list shows)."""
    return (
        Problem.objects.filter(Q(group_id__in=group_ids) | Q(area_id__in=area_ids))
        .filter(
            is_public=True,
            group__is_public=True,
            merged_into__isnull=True,
            status__in=Problem.OPEN_STATUSES,
        )
        .select_related("category")
        .only("pk", "title", "status", "last_raised_on", "times_raised", "category__name", "location_text")
        .order_by("-last_raised_on", "-pk")
    )


def evidence_summary(area: Area) -> EvidenceSummary | None:
    """From the evidence app's monthly counts: None when no incidents have been imported."""
    months = months_with_data(area)
    if not months:
        return None
    last = months[-1]
    first = max(month_add(last, -11), months[0])
    current = area_counts(area=area, start=first, end=last)
    previous_total = None
    previous: dict = {}
    if month_add(last, -23) >= months[0]:
        previous = area_counts(area=area, start=month_add(last, -23), end=month_add(last, -12))
        previous_total = int(sum(int(series.sum()) for series in previous.values()))
    totals = {crime_type: int(series.sum()) for crime_type, series in current.items()}
    top = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:TOP_CRIME_TYPES]
    return EvidenceSummary(
        first=first,
        last=last,
        total=sum(totals.values()),
        previous_total=previous_total,
        top=[
            CrimeTypeRow(
                crime_type=crime_type,
                count=count,
                previous=int(previous[crime_type].sum()) if crime_type in previous else 0,
            )
            for crime_type, count in top
            if count
        ],
        attributions=source_attributions(),
    )


def _neighbourhood_scope(area: Area) -> tuple[list[int], list[Group], QuerySet[Problem]]:
    """The areas within the neighbourhood, the groups covering it and its open problems."""
    within, _ = neighbourhood_area_ids(area)
    groups = neighbourhood_groups(area)
    problems = open_problems(group_ids=[group.pk for group in groups], area_ids=within)
    return within, groups, problems


def neighbourhood_points(area: Area) -> dict:
    """The open problems of the neighbourhood page with a pin, as GeoJSON for its map."""
    _, _, problems = _neighbourhood_scope(area)
    points, _ = map_points(problems)
    return points


def neighbourhood_page(area: Area) -> NeighbourhoodPage:
    within, groups, problems = _neighbourhood_scope(area)
    group_ids = [group.pk for group in groups]
    listed = list(problems[: OPEN_PROBLEMS + 1])
    return NeighbourhoodPage(
        area=area,
        ancestors=area.ancestors(),
        groups=groups,
        meetings=upcoming_meetings(group_ids),
        priorities=current_priorities(group_ids),
        updates=published_updates(group_ids),
        events=upcoming_events(group_ids),
        problems=listed[:OPEN_PROBLEMS],
        problem_count=problems.count() if len(listed) > OPEN_PROBLEMS else len(listed),
        has_pins=problems.filter(latitude__isnull=False, longitude__isnull=False).exists(),
        evidence=evidence_summary(area),
        children=list(area.children.defer("boundary").order_by("name")),
        surveys=open_surveys(area, within),
    )


def neighbourhood_group_ids(area: Area) -> list[int]:
    return [group.pk for group in neighbourhood_groups(area)]


def areas_of_group(group: Group) -> list[int]:
    """The areas whose subscribers hear from a group: its own area and the areas within it."""
    if group.area_id is None:
        return []
    return [group.area_id, *area_descendant_ids(group.area)]
