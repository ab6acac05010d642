"""Reads for ASB Case Reviews: the officers' list and an application's page."""

from django.db.models import Count, Q, QuerySet

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
