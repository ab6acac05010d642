"""Reads for ASB Case Reviews: the officers' list and an application's page."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from tandem.partnership.access import Viewer
from tandem.partnership.models import Group
from tandem.places.models import Area

from .models import Application, CouncillorCall, Review


def application_list(*, status: str = "", partnership_id: int | None = None) -> QuerySet[Application]:
    """Applications, newest first, with what the list shows (one query)."""
    rows = (
        Application.objects.select_related("partnership", "area")
        .defer("area__boundary", "summary", "applicant_address", "decision_reason")
        .annotate(complaint_count=Count("complaints"))
    )
    if status == "open":
        rows = rows.exclude(status__in=Application.CLOSED_STATUSES)
    elif status:
        rows = rows.filter(status=status)
    if partnership_id is not None:
        rows = rows.filter(partnership_id=partnership_id)
    return rows


def application_review(application: Application) -> Review | None:
    return (
        Review.objects.filter(application=application)
        .select_related("group", "meeting")
        .prefetch_related(
            "panel", "recommendations__action__lead", "recommendations__action__lead_organisation"
        )
        .first()
    )


def call_list() -> QuerySet[CouncillorCall]:
    """Councillor Calls for Action, newest first, with how many responses are still awaited."""
    return (
        CouncillorCall.objects.select_related("ward", "partnership")
        .defer("ward__boundary", "matter", "report", "decision_reason")
        .annotate(
            recommendation_count=Count("recommendations"),
            waiting=Count("recommendations", filter=Q(recommendations__responded_on__isnull=True)),
        )
    )


# --- A ward councillor's page ---------------------------------------------------------------

WARD_PROBLEM_LIMIT = 50


@dataclass(frozen=True)
class StatusCount:
    label: str
    this_year: int
    last_year: int


@dataclass
class WardPage:
    """What a ward councillor sees of their ward: no names, no contact details, no free text
    from residents; the problems are those the public pages show."""

    ward: Area
    this_year: int
    groups: list[Group]
    priorities: list
    problems: list
    more_problems: bool
    case_reviews: list[StatusCount]
    case_review_totals: tuple[int, int]
    calls: list[CouncillorCall]


def _status_counts(rows, choices, this_year: int) -> list[StatusCount]:
    counts = {(row["status"], row["year"]): row["n"] for row in rows}
    return [
        StatusCount(
            label=label,
            this_year=counts.get((value, this_year), 0),
            last_year=counts.get((value, this_year - 1), 0),
        )
        for value, label in choices
        if counts.get((value, this_year)) or counts.get((value, this_year - 1))
    ]


def ward_page(*, ward: Area, viewer, today: dt.date | None = None) -> WardPage:
    """The ward's groups (those the viewer may see), their current priorities and the open
    problems the public may see, the Case Reviews from the ward counted by status this year and
    last, and the ward's Councillor Calls for Action."""
    from tandem.places.selectors import area_descendant_ids
    from tandem.problems.access import problems_visible_q
    from tandem.problems.models import Priority, Problem

    today = today or timezone.localdate()
    year = today.year
    area_ids = [ward.pk, *area_descendant_ids(ward)]
    public = Viewer(user=None, is_officer=False, group_ids=frozenset())

    groups = list(
        Group.objects.filter(viewer.groups_q(), area_id__in=area_ids, closed_on__isnull=True)
        .select_related("type")
        .only("pk", "name", "slug", "type__name", "type__short_name")
        .order_by("name")
    )
    priorities = list(
        Priority.objects.filter(
            problems_visible_q(public, prefix="problem__"),
            group__in=[group.pk for group in groups],
            period_start__lte=today,
            period_end__gte=today,
        )
        .select_related("group", "problem")
        .only(
            "pk",
            "rank",
            "period_end",
            "group__name",
            "group__slug",
            "problem__id",
            "problem__title",
            "problem__status",
        )
        .order_by("group__name", "rank")
    )
    problems = list(
        Problem.objects.filter(
            problems_visible_q(public),
            area_id__in=area_ids,
            status__in=Problem.OPEN_STATUSES,
            merged_into__isnull=True,
        )
        .select_related("category", "area")
        .only("pk", "title", "status", "last_raised_on", "category__name", "area__name")
        .order_by("-last_raised_on", "-pk")[: WARD_PROBLEM_LIMIT + 1]
    )
    reviews = (
        Application.objects.filter(
            area_id__in=area_ids,
            received_on__gte=dt.date(year - 1, 1, 1),
            received_on__lte=dt.date(year, 12, 31),
        )
        .annotate(year=ExtractYear("received_on"))
        .values("status", "year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    review_counts = _status_counts(reviews, Application.Status.choices, year)
    calls = list(
        CouncillorCall.objects.filter(ward_id__in=area_ids)
        .only("pk", "reference", "status", "referred_on", "responses_due_on", "ward_id")
        .order_by("-referred_on", "-pk")
    )
    return WardPage(
        ward=ward,
        this_year=year,
        groups=groups,
        priorities=priorities,
        problems=problems[:WARD_PROBLEM_LIMIT],
        more_problems=len(problems) > WARD_PROBLEM_LIMIT,
        case_reviews=review_counts,
        case_review_totals=(sum(c.this_year for c in review_counts), sum(c.last_year for c in review_counts)),
        calls=calls,
    )
