"""Reads for residents' reports: which partnership and group a report belongs to, the
moderation queue, a report's updates, and residents' answers about a resolved problem."""

import math
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from tandem.partnership.models import Group, Partnership
from tandem.places.models import Area
from tandem.problems.models import Category, Problem
from tandem.problems.selectors import haversine_m, problem_similar
from tandem.problems.services import locate

from .models import Report, ReportFeedback, ReportUpdate, RoutingRule


def report_partnership(
    *, area: Area | None, latitude: float | None, longitude: float | None
) -> tuple[Partnership | None, Area | None]:
    """(the partnership whose district holds the place, the deepest area known for it)."""
    partnerships = list(Partnership.objects.select_related("area").order_by("pk"))
    if area is not None:
        chain = {area.pk, *(a.pk for a in area.ancestors())}
        for partnership in partnerships:
            if partnership.area_id in chain:
                return partnership, area
        return None, area
    if latitude is not None and longitude is not None:
        for partnership in partnerships:
            outside, found = locate(partnership=partnership, latitude=latitude, longitude=longitude)
            if found is not None:
                return partnership, found
        # With no boundaries to tell them apart, a single partnership takes every pin.
        if len(partnerships) == 1:
            return partnerships[0], None
    elif len(partnerships) == 1:
        return partnerships[0], None
    return None, None


def routing_group(*, partnership: Partnership, area: Area | None, category: Category) -> Group | None:
    """The group the most specific rule sends the report to: the deepest area containing it,
    a rule for its category before one for any category, then the partnership-wide fallback."""
    rules = list(
        RoutingRule.objects.filter(partnership=partnership).select_related("group", "area", "category")
    )
    chain: list[int | None] = []
    if area is not None:
        chain = [area.pk, *(a.pk for a in reversed(area.ancestors()))]
    chain.append(None)
    for area_id in chain:
        for category_id in (category.pk, None):
            for rule in rules:
                if rule.area_id == area_id and rule.category_id == category_id:
                    return rule.group
    return None


def report_existing_problem(
    *,
    partnership: Partnership,
    category: Category,
    area: Area | None,
    latitude: float | None,
    longitude: float | None,
    description: str,
) -> Problem | None:
    """An open public problem of the same category near the pin (nearest first) or, with no pin,
    in the same area (most alike in words first): a report of it raises its count instead."""
    found = problem_similar(
        partnership_id=partnership.pk,
        category_id=category.pk,
        area_id=None if latitude is not None else (area.pk if area else None),
        latitude=latitude,
        longitude=longitude,
        title="",
        description=description,
        limit=50,
    )
    found = [s for s in found if s.problem.is_public]
    if not found:
        return None
    if latitude is not None:
        found.sort(key=lambda s: s.distance_m if s.distance_m is not None else math.inf)
    return found[0].problem


def moderation_queue(*, partnership_ids=None) -> QuerySet[Report]:
    reports = Report.objects.filter(status=Report.Status.PENDING).select_related(
        "category", "area", "partnership"
    )
    if partnership_ids is not None:
        reports = reports.filter(partnership_id__in=partnership_ids)
    return reports.order_by("created_at", "pk")


def report_updates(report: Report) -> list[ReportUpdate]:
    return list(report.updates.order_by("created_at", "pk"))


def report_by_token(token: str) -> Report | None:
    if not token or len(token) > 64:
        return None
    return (
        Report.objects.select_related("category", "area", "problem", "problem__group", "partnership")
        .filter(token=token)
        .first()
    )


@dataclass(frozen=True)
class FeedbackCounts:
    total: int
    fixed: dict[str, int]  # yes / partly / no → count
    feeling: dict[int, int]  # 1..5 → count

    @property
    def average_feeling(self) -> float | None:
        if not self.total:
            return None
        return sum(score * n for score, n in self.feeling.items()) / self.total


def problem_feedback_counts(problem: Problem) -> FeedbackCounts:
    """Residents' answers after the problem was resolved, as counts (never who answered): for the
    problem page and the action plans' evaluation."""
    rows = list(ReportFeedback.objects.filter(problem=problem).values_list("fixed", "feeling"))
    fixed = Counter(f for f, _ in rows)
    feeling = Counter(s for _, s in rows)
    return FeedbackCounts(
        total=len(rows),
        fixed={choice: fixed.get(choice, 0) for choice in ReportFeedback.Fixed.values},
        feeling={score: feeling.get(score, 0) for score in ReportFeedback.Feeling.values},
    )


def distance_between(report: Report, problem: Problem) -> float | None:
    if None in (report.latitude, report.longitude, problem.latitude, problem.longitude):
        return None
    return haversine_m(report.latitude, report.longitude, problem.latitude, problem.longitude)


FIXED_LABELS = dict(ReportFeedback.Fixed.choices)
FEELING_LABELS = dict(ReportFeedback.Feeling.choices)


def _feedback_panels(problem: Problem, *, title: str = "What residents who reported it told us") -> list:
    from tandem.problems.page_panels import ProblemPanel

    counts = problem_feedback_counts(problem)
    if not counts.total:
        return []
    rows = [(f"Is it fixed? {FIXED_LABELS[k]}", str(n)) for k, n in counts.fixed.items()]
    rows += [(f"Feel now: {FEELING_LABELS[k].lower()}", str(n)) for k, n in counts.feeling.items()]
    note = f"{counts.total} answer{'s' if counts.total != 1 else ''} since it was resolved."
    if counts.average_feeling is not None:
        note += f" Average feeling {counts.average_feeling:.1f} out of 5 (5 is “much better than before”)."
    return [ProblemPanel(title=title, rows=tuple(rows), note=note)]


def action_evaluation_panels(action) -> list:
    """Registered with action plans: an action's evaluation shows what the residents who
    reported its problem said once it was resolved (counts, never names)."""
    if action.problem_id is None:
        return []
    return _feedback_panels(action.problem, title="What residents who reported the problem told us")


def problem_page_panels(problem: Problem, is_insider: bool):
    """Registered with problems: residents' answers on the problem page (counts, never names),
    and for insiders how many residents' reports it holds."""
    from tandem.problems.page_panels import ProblemPanel

    panels = _feedback_panels(problem)
    supports = problem.supports.count()
    links: list[tuple[str, str]] = []
    if problem.is_public and not problem.merged_into_id:
        support_url = reverse("community:problem-support", kwargs={"pk": problem.pk})
        again_url = reverse("community:report-create") + f"?problem={problem.pk}"
        if problem.is_open:
            links = [('"Me too": this affects me', support_url), ("Add details of your own", again_url)]
        else:
            links = [("It's back: report it again", again_url)]
    rows = [('Residents who said "me too"', str(supports))]
    if is_insider:
        rows.append(("Reports from residents", str(Report.objects.filter(problem=problem).count())))
    if supports or is_insider or links:
        panels.append(ProblemPanel(title="Residents", rows=tuple(rows), links=tuple(links)))
    return panels
