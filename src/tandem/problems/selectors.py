"""Reads of problems: the filtered list, map points, similar problems and a problem's timeline."""

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.evidence.groupings import Grouping
from tandem.evidence.selectors import EvidencePanel, evidence_panel
from tandem.partnership.access import Viewer
from tandem.partnership.models import Group
from tandem.places.models import Area
from tandem.places.selectors import area_descendant_ids

from .access import problems_visible_q
from .models import (
    Category,
    Escalation,
    Priority,
    Problem,
    ProblemAgendaItem,
    ProblemNote,
    ProblemReport,
    ProblemStatusChange,
)

MAP_POINT_LIMIT = 2000
SIMILAR_RADIUS_M = 500
EARTH_RADIUS_M = 6_371_000


def visible_q(viewer: Viewer) -> Q:
    """The problems this viewer may see (the rule lives in ``access.problems_visible_q``)."""
    return problems_visible_q(viewer)


def insider_q(viewer: Viewer) -> Q:
    """Problems whose raiser and analysis this viewer may see."""
    if viewer.is_officer:
        return Q()
    if not viewer.group_ids:
        return Q(pk__in=[])
    return Q(group_id__in=viewer.group_ids) | Q(
        Exists(Escalation.objects.filter(problem=OuterRef("pk"), to_group_id__in=viewer.group_ids))
    )


@dataclass
class ProblemFilters:
    area: Area | None = None
    category: Category | None = None
    status: str = ""
    group: Group | None = None
    min_raised: int | None = None
    q: str = ""
    include_merged: bool = False


def problem_list(*, viewer: Viewer, filters: ProblemFilters | None = None) -> QuerySet[Problem]:
    """The problems a viewer may see, filtered, newest raised first, ready for a table."""
    filters = filters or ProblemFilters()
    queryset = (
        Problem.objects.filter(visible_q(viewer))
        .select_related("group", "category", "area")
        .only(
            "pk",
            "title",
            "status",
            "times_raised",
            "first_raised_on",
            "last_raised_on",
            "latitude",
            "longitude",
            "outside_partnership",
            "is_public",
            "merged_into_id",
            "group__name",
            "group__slug",
            "category__name",
            "category__slug",
            "area__name",
            "area__slug",
        )
    )
    if not filters.include_merged:
        queryset = queryset.filter(merged_into__isnull=True)
    if filters.area is not None:
        queryset = queryset.filter(area_id__in=[filters.area.pk, *area_descendant_ids(filters.area)])
    if filters.category is not None:
        queryset = queryset.filter(category=filters.category)
    if filters.status == "open":
        queryset = queryset.filter(status__in=Problem.OPEN_STATUSES)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.group is not None:
        queryset = queryset.filter(group=filters.group)
    if filters.min_raised:
        queryset = queryset.filter(times_raised__gte=filters.min_raised)
    if filters.q:
        queryset = queryset.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    return queryset.order_by("-last_raised_on", "-pk")


def map_points(queryset: QuerySet[Problem], *, limit: int = MAP_POINT_LIMIT) -> tuple[dict, bool]:
    """(a GeoJSON FeatureCollection of up to ``limit`` problems with a pin; whether more have one)."""
    pinned = queryset.filter(latitude__isnull=False, longitude__isnull=False)
    rows = list(
        pinned.values_list("pk", "title", "latitude", "longitude", "status", "category__name")[: limit + 1]
    )
    more = len(rows) > limit
    labels = dict(Problem.Status.choices)
    url = reverse("problems:problem-detail", kwargs={"pk": 0}).replace("/0/", "/{}/")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
            "properties": {
                "id": pk,
                "title": title,
                "status": labels.get(status, status),
                "category": category,
                "url": url.format(pk),
            },
        }
        for pk, title, lat, lng, status, category in rows[:limit]
    ]
    return {"type": "FeatureCollection", "features": features}, more


# --- Similar problems ----------------------------------------------------------------------------


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The distance in metres between two points on the Earth (a sphere is close enough)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


WORD = re.compile(r"[a-z0-9]+")


def text_similarity(a: str, b: str) -> float:
    """0 to 1: how alike two texts read (word overlap and character sequence, averaged)."""
    a, b = (a or "").lower(), (b or "").lower()
    words_a, words_b = set(WORD.findall(a)), set(WORD.findall(b))
    overlap = len(words_a & words_b) / len(words_a | words_b) if words_a and words_b else 0.0
    sequence = SequenceMatcher(None, a, b).ratio() if a and b else 0.0
    return (overlap + sequence) / 2


@dataclass(frozen=True)
class Similar:
    problem: Problem
    score: float
    distance_m: float | None


def problem_similar(
    *,
    problem: Problem | None = None,
    partnership_id: int | None = None,
    category_id: int | None = None,
    area_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    title: str = "",
    description: str = "",
    viewer: Viewer | None = None,
    radius_m: float = SIMILAR_RADIUS_M,
    limit: int = 5,
) -> list[Similar]:
    """Open problems of the same partnership and category, not merged, within ``radius_m`` of the
    pin or in the same area, most alike in words first."""
    exclude_pk = None
    if problem is not None:
        exclude_pk = problem.pk
        partnership_id, category_id, area_id = problem.partnership_id, problem.category_id, problem.area_id
        latitude, longitude = problem.latitude, problem.longitude
        title, description = problem.title, problem.description
    near = Q(pk__in=[])
    if area_id:
        near |= Q(area_id=area_id)
    if latitude is not None and longitude is not None:
        dlat = radius_m / 111_320
        dlng = radius_m / (111_320 * max(0.01, math.cos(math.radians(latitude))))
        near |= Q(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlng, longitude + dlng),
        )
    candidates = Problem.objects.filter(
        near,
        partnership_id=partnership_id,
        category_id=category_id,
        status__in=Problem.OPEN_STATUSES,
        merged_into__isnull=True,
    ).select_related("group", "area", "category")
    if viewer is not None:
        candidates = candidates.filter(visible_q(viewer))
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    found = []
    for candidate in candidates[:500]:
        distance = None
        if latitude is not None and candidate.latitude is not None:
            distance = haversine_m(latitude, longitude, candidate.latitude, candidate.longitude)
        same_area = area_id is not None and candidate.area_id == area_id
        if not same_area and (distance is None or distance > radius_m):
            continue
        score = 0.7 * text_similarity(title, candidate.title) + 0.3 * text_similarity(
            description, candidate.description
        )
        found.append(Similar(problem=candidate, score=score, distance_m=distance))
    found.sort(key=lambda s: (-s.score, s.distance_m if s.distance_m is not None else math.inf))
    return found[:limit]


# --- The timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime
    kind: str  # raised, raised-again, status, note, merged-in, merged-into, priority, escalated, decision
    title: str
    detail: str = ""
    who: str = ""
    url: str = ""


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class ProblemPage:
    problem: Problem
    timeline: list[TimelineEntry] = field(default_factory=list)
    notes: list[ProblemNote] = field(default_factory=list)
    first_report: ProblemReport | None = None


def _user_name(user) -> str:
    return (getattr(user, "name", "") or str(user)) if user else ""


def problem_timeline(*, problem: Problem, viewer: Viewer, is_insider: bool) -> list[TimelineEntry]:
    """Everything that happened to the problem, oldest first. Who raised it, who changed it and
    the notes only for insiders."""
    entries: list[TimelineEntry] = []
    labels = dict(Problem.Status.choices)
    reports = ProblemReport.objects.filter(problem=problem).select_related(
        "person", "organisation", "merged_from"
    )
    first = True
    for report in reports.order_by("raised_on", "pk"):
        who = ""
        if is_insider:
            who = ", ".join(
                part
                for part in (
                    report.get_raised_by_display(),
                    report.person.name if report.person_id else "",
                    report.organisation.name if report.organisation_id else "",
                )
                if part
            )
        if report.merged_from_id:
            title = f"Raised (came with #{report.merged_from_id} when it was merged in)"
        else:
            title = "Raised" if first else "Raised again"
            first = False
        entries.append(
            TimelineEntry(
                when=_at(report.raised_on),
                kind="raised" if title == "Raised" else "raised-again",
                title=title,
                detail=report.note if is_insider else "",
                who=who,
            )
        )
    for change in ProblemStatusChange.objects.filter(problem=problem).select_related("changed_by"):
        if change.from_status:
            title = (
                f"Status changed from {labels.get(change.from_status, '').lower()} to "
                + labels.get(change.to_status, change.to_status).lower()
            )
        else:
            title = f"Status set to {labels.get(change.to_status, change.to_status).lower()}"
        entries.append(
            TimelineEntry(
                when=change.changed_at,
                kind="status",
                title=title,
                detail=change.reason if (is_insider or change.to_status == Problem.Status.CLOSED) else "",
                who=_user_name(change.changed_by) if is_insider else "",
            )
        )
    if is_insider:
        for note in ProblemNote.objects.filter(problem=problem).select_related("author"):
            entries.append(
                TimelineEntry(
                    when=note.created_at,
                    kind="note",
                    title="Note added",
                    detail=note.text,
                    who=_user_name(note.author),
                )
            )
    for merged in (
        Problem.objects.filter(merged_into=problem)
        .filter(visible_q(viewer))
        .only("pk", "title", "updated_at")
    ):
        entries.append(
            TimelineEntry(
                when=merged.updated_at,
                kind="merged-in",
                title=f"Merged in from #{merged.pk}",
                detail=merged.title,
                url=merged.get_absolute_url(),
            )
        )
    if problem.merged_into_id:
        target = Problem.objects.filter(pk=problem.merged_into_id).filter(visible_q(viewer)).first()
        entries.append(
            TimelineEntry(
                when=problem.updated_at,
                kind="merged-into",
                title=f"Merged into #{problem.merged_into_id}",
                detail=target.title if target else "",
                url=target.get_absolute_url() if target else "",
            )
        )
    priorities = (
        Priority.objects.filter(problem=problem)
        .filter(viewer.groups_q("group__"))
        .select_related("group")
        .order_by("period_start")
    )
    for priority in priorities:
        entries.append(
            TimelineEntry(
                when=priority.created_at or _at(priority.period_start),
                kind="priority",
                title=f"Made a priority of {priority.group.name} for "
                f"{priority.period_start:%-d %B %Y} to {priority.period_end:%-d %B %Y}",
                detail=priority.reason,
            )
        )
    escalations = (
        Escalation.objects.filter(problem=problem)
        .filter(viewer.groups_q("to_group__"))
        .select_related("from_group", "to_group", "escalated_by", "decided_by", "established_group")
    )
    for escalation in escalations:
        entries.append(
            TimelineEntry(
                when=escalation.escalated_at,
                kind="escalated",
                title=f"Escalated from {escalation.from_group.name} to {escalation.to_group.name}",
                detail=escalation.reason,
                who=_user_name(escalation.escalated_by) if is_insider else "",
            )
        )
        if escalation.decision and escalation.decided_at:
            detail = escalation.decision_notes
            url = ""
            if escalation.established_group_id:
                detail = (
                    f"{detail}\nCommunity Led Solution group: {escalation.established_group.name}".strip()
                )
                url = escalation.established_group.get_absolute_url()
            entries.append(
                TimelineEntry(
                    when=escalation.decided_at,
                    kind="decision",
                    title=f"{escalation.to_group.name} decided: {escalation.get_decision_display()}",
                    detail=detail,
                    who=_user_name(escalation.decided_by) if is_insider else "",
                    url=url,
                )
            )
    entries.extend(_meeting_entries(problem=problem, viewer=viewer, priorities=list(priorities)))
    entries.sort(key=lambda entry: entry.when)
    return entries


def _meeting_entries(*, problem: Problem, viewer: Viewer, priorities: list[Priority]) -> list[TimelineEntry]:
    """The meetings that had the problem on their agenda — as an item of its own, or under the
    standing "priorities" item while it was one of the group's priorities — that the viewer may
    see. Confidential items only for the meeting group's insiders."""
    from tandem.meetings.access import meetings_visible_q
    from tandem.meetings.models import AgendaItem, Meeting

    now = timezone.now()
    entries: list[TimelineEntry] = []
    seen: set[int] = set()

    def insider(meeting: Meeting) -> bool:
        return viewer.is_officer or meeting.group_id in viewer.group_ids

    links = (
        ProblemAgendaItem.objects.filter(problem=problem)
        .filter(meetings_visible_q(viewer, prefix="item__meeting__"))
        .select_related("item", "item__meeting", "item__meeting__group")
        .order_by("item__meeting__starts_at", "pk")
    )
    for link in links:
        item, meeting = link.item, link.item.meeting
        if item.is_confidential and not insider(meeting):
            continue
        seen.add(meeting.pk)
        day = f"{timezone.localtime(meeting.starts_at):%-d %B %Y}"
        minutes_visible = insider(meeting) or meeting.minutes_status == Meeting.MinutesStatus.APPROVED
        if meeting.is_cancelled:
            title = f"Was on the agenda of {meeting.group.name}'s meeting on {day}, which was cancelled"
        elif meeting.starts_at <= now:
            title = f"Discussed at {meeting.group.name}'s meeting on {day}"
        else:
            title = f"On the agenda of {meeting.group.name}'s meeting on {day}"
        entries.append(
            TimelineEntry(
                when=meeting.starts_at,
                kind="meeting",
                title=title,
                detail=(item.minutes if minutes_visible and item.minutes.strip() else item.title),
                url=meeting.get_absolute_url(),
            )
        )
    if priorities:
        periods = Q()
        for priority in priorities:
            periods |= Q(
                group_id=priority.group_id,
                starts_at__date__gte=priority.period_start,
                starts_at__date__lte=priority.period_end,
            )
        held = (
            Meeting.objects.filter(periods)
            .filter(meetings_visible_q(viewer))
            .filter(status=Meeting.Status.SCHEDULED, starts_at__lte=now)
            .filter(Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"), standing="priorities")))
            .exclude(pk__in=seen)
            .select_related("group")
            .order_by("starts_at")
        )
        for meeting in held:
            day = f"{timezone.localtime(meeting.starts_at):%-d %B %Y}"
            entries.append(
                TimelineEntry(
                    when=meeting.starts_at,
                    kind="meeting",
                    title=f"Discussed at {meeting.group.name}'s meeting on {day} as one of its priorities",
                    url=meeting.get_absolute_url(),
                )
            )
    return entries


# --- What other apps show about problems --------------------------------------------------


def agenda_item_lines(items: list, viewer: Viewer) -> dict[int, list[tuple[str, str]]]:
    """Under each agenda item about a problem the viewer may see: a link to the problem."""
    lines: dict[int, list[tuple[str, str]]] = {}
    links = (
        ProblemAgendaItem.objects.filter(item_id__in=[item.pk for item in items])
        .filter(problem__in=Problem.objects.filter(visible_q(viewer)))
        .select_related("problem")
        .order_by("pk")
    )
    for link in links:
        problem = link.problem
        lines.setdefault(link.item_id, []).append(
            (
                f"Problem #{problem.pk}: {problem.title} ({problem.get_status_display().lower()}, "
                f"raised {problem.times_raised} time{'s' if problem.times_raised != 1 else ''})",
                problem.get_absolute_url(),
            )
        )
    return lines


def group_page_rows(group: Group, viewer: Viewer) -> list:
    """On a group's page: the problems it was set up to work on (a Community Led Solution group)."""
    from tandem.partnership.group_rows import GroupRow

    escalations = list(
        Escalation.objects.filter(established_group=group)
        .select_related("problem", "to_group")
        .order_by("decided_at", "pk")
    )
    if not escalations:
        return []
    visible = set(
        Problem.objects.filter(visible_q(viewer))
        .filter(pk__in=[e.problem_id for e in escalations])
        .values_list("pk", flat=True)
    )
    values = []
    for escalation in escalations:
        problem = escalation.problem
        if problem.pk in visible:
            values.append(
                (
                    f"{problem.title} ({problem.get_status_display().lower()}), "
                    f"set up by {escalation.to_group.name}",
                    problem.get_absolute_url(),
                )
            )
        else:
            values.append(("A problem that is not public", ""))
    return [GroupRow(label="Set up to work on", values=tuple(values))]


def problem_page(*, problem: Problem, viewer: Viewer, is_insider: bool) -> ProblemPage:
    page = ProblemPage(problem=problem)
    page.timeline = problem_timeline(problem=problem, viewer=viewer, is_insider=is_insider)
    if is_insider:
        page.notes = list(ProblemNote.objects.filter(problem=problem).select_related("author"))
    return page


def problem_evidence(problem: Problem) -> EvidencePanel | None:
    """The police data panel of a problem: incidents of its category's police.uk crime types in
    its area, before and after the response began (or, before that, the day it was first
    raised); None when its category has no police.uk crime types or it has no area."""
    if problem.area_id is None or not problem.category.police_uk_crime_types:
        return None
    began = problem.status_changes.filter(to_status=Problem.Status.RESPONSE).order_by("changed_at").first()
    change_date = timezone.localdate(began.changed_at) if began else problem.first_raised_on
    point = (problem.latitude, problem.longitude) if problem.latitude is not None else None
    return evidence_panel(
        area=problem.area,
        crime_types=list(problem.category.police_uk_crime_types),
        change_date=change_date,
        point=point,
    )


def category_groupings() -> list[Grouping]:
    """The active problem categories as groupings of the police.uk crime types they map to."""
    return [
        Grouping(name=name, crime_types=tuple(types or ()))
        for name, types in Category.objects.filter(is_active=True)
        .order_by("position", "name")
        .values_list("name", "police_uk_crime_types")
    ]
