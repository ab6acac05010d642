"""Reads for ASB Case Reviews: the officers' list and an application's page."""

from django.db.models import Count, Q, QuerySet

from .models import Application, Review


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


def overdue_q() -> Q:
    from django.utils import timezone

    return Q(decision_on__isnull=True, due_on__lt=timezone.localdate())
