"""What the Open311 interface reads: the services (the active problem categories), their
definitions, residents' reports as service requests and their updates, each as the spec's rows.

No row ever carries personal data: no names, email addresses or phone numbers, whoever asks.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from tandem.problems.models import Category

from .inputs import Window

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-03T00:00:00Z"  # when this interface last changed shape (discovery's changeset)
GROUP = "Community safety"
REQUEST_LIMIT = 1000  # the spec's default: the first 1000 requests of the window

# Every service asks the same optional question, whose answer joins the report's description.
WHEN = {
    "daytime": "In the daytime",
    "evening": "In the evening",
    "night": "At night",
    "all-times": "At all times",
    "once": "It happened once",
}
ATTRIBUTES = [
    {
        "variable": True,
        "code": "when",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": 1,
        "description": "When does it usually happen?",
        "values": [{"key": key, "name": name} for key, name in WHEN.items()],
    }
]

# The statuses FixMyStreet understands beyond open and closed (its "Open311 FMS extended
# statuses"); a problem's SARA stage maps onto them.
EXTENDED_STATUSES = (
    "open",
    "closed",
    "fixed",
    "in_progress",
    "action_scheduled",
    "investigating",
    "duplicate",
    "not_councils_responsibility",
    "no_further_action",
    "internal_referral",
)


def w3c(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with the offset of local time, to the second: 2010-04-14T06:37:38-08:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def active_categories():
    return Category.objects.filter(is_active=True).order_by("position", "name")


def service_row(category: Category) -> dict:
    """One service, its fields in the spec's order."""
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": bool(ATTRIBUTES),
        "type": "realtime",
        "keywords": ", ".join(category.police_uk_crime_types or []),
        "group": GROUP,
    }


def service_list() -> list[dict]:
    return [service_row(category) for category in active_categories()]


def service_get(code: str) -> Category | None:
    return active_categories().filter(slug=code).first()


def service_definition(category: Category) -> dict:
    return {"service_code": category.slug, "attributes": ATTRIBUTES}


def discovery(base_url: str) -> dict:
    """The Service Discovery document: this one production endpoint and its formats."""
    return {
        "changeset": CHANGESET,
        "contact": f"Send questions about this interface to the partnership through {settings.SITE_URL}/",
        "key_service": f"Partnership administrators issue API keys: ask through {settings.SITE_URL}/",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


ALIASES = {"not_responsible": "not_councils_responsibility"}


def extended_status(value: str) -> str:
    """An extended status as FixMyStreet reads it (lower case), from the community app's."""
    value = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    value = ALIASES.get(value, value)
    return value if value in EXTENDED_STATUSES else "open"


def _reports():
    from tandem.community.models import Report

    return Report.objects.select_related("category", "problem__group")


def _published(prefix: str = ""):
    """Reports whose words and place may be shown: accepted by the moderators, and not part of a
    problem kept off the public site (``prefix`` for a lookup through a relation)."""
    from django.db.models import Q

    from tandem.community.models import Report

    return Q(**{f"{prefix}status": Report.Status.ACCEPTED}) & (
        Q(**{f"{prefix}problem__isnull": True}) | Q(**{f"{prefix}problem__is_public": True})
    )


def report_is_published(report) -> bool:
    problem = report.problem
    return report.status == type(report).Status.ACCEPTED and (problem is None or problem.is_public)


def request_row(report) -> dict:
    """One service request, in the spec's order. A report still waiting for moderation (or
    rejected) shows its status and service but not its words or place."""
    published = report_is_published(report)
    extended = extended_status(report.extended_status())
    problem = report.problem
    return {
        "service_request_id": report.reference,
        "status": report.open311_status(),
        "status_notes": extended,
        "service_name": report.category.name,
        "service_code": report.category.slug,
        "description": report.description if published else None,
        "agency_responsible": problem.group.name
        if published and problem and problem.group.is_public
        else None,
        "service_notice": None,
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(report.updated_at),
        "expected_datetime": None,
        "address": (report.location_text or None) if published else None,
        "address_id": None,
        "zipcode": None,
        "lat": report.latitude if published else None,
        "long": report.longitude if published else None,
        "media_url": None,
    }


def request_list(*, ids: list[str], codes: list[str], statuses: list[str], span: Window | None) -> list[dict]:
    """GET requests: by ids (which override every other filter), or the published reports
    requested in the window, of the given services and statuses, newest first, at most 1000."""
    reports = _reports()
    if ids:
        return [request_row(report) for report in reports.filter(reference__in=ids).order_by("-created_at")]
    reports = reports.filter(_published(), created_at__range=(span.start, span.end))
    if codes:
        reports = reports.filter(category__slug__in=codes)
    rows = []
    for report in reports.order_by("-created_at", "-pk").iterator(chunk_size=500):
        if statuses and report.open311_status() not in statuses:
            continue
        rows.append(request_row(report))
        if len(rows) >= REQUEST_LIMIT:
            break
    return rows


def requests_version() -> str:
    """Changes whenever a report is added or changes (a problem's change of status updates its
    reports too): the newest updated_at, read from its index."""
    from django.db.models import Max

    from tandem.community.models import Report

    newest = Report.objects.aggregate(newest=Max("updated_at"))["newest"]
    return newest.isoformat() if newest else "none"


def request_get(reference: str):
    return _reports().filter(reference=reference).first()


def request_by_token(token: str):
    return _reports().filter(token=token).first()


def update_row(update) -> dict:
    """One FixMyStreet service request update: its status is the extended one (lower case, as
    FixMyStreet reads it), external_status_code the same as Tandem keeps it."""
    return {
        "update_id": str(update.pk),
        "service_request_id": update.report.reference,
        "status": extended_status(update.extended_status),
        "updated_datetime": w3c(update.created_at),
        "description": update.text,
        "media_url": "",
        "external_status_code": update.extended_status,
    }


def update_list(*, span: Window) -> list[dict]:
    """The updates made in the window to published reports, oldest first (as FixMyStreet applies them)."""
    from tandem.community.models import ReportUpdate

    updates = (
        ReportUpdate.objects.select_related("report")
        .filter(_published("report__"), created_at__range=(span.start, span.end))
        .order_by("created_at", "pk")
    )
    return [update_row(update) for update in updates[:REQUEST_LIMIT]]
