"""Demo data for ASB Case Reviews: a year of applications (last calendar year, so the published
figures page has a whole year to show) at every outcome, two open ones this year, and two
Councillor Calls for Action. Every applicant is obviously fictional ("Demo Applicant …").

Found by ``load_demo`` (no import points upward). Keyed on the demo applicants' names and the
demo councillor's: running it again adds nothing.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from tandem.actionplans.forms import lead_organisations
from tandem.partnership.models import Partnership
from tandem.places.models import Area
from tandem.places.selectors import area_descendant_ids

from . import services
from .models import Application, CouncillorCall

PREFIX = "Demo Applicant"
COUNCILLOR = "Cllr Demo Councillor"

# (name, month received last year, outcome): "not_met", "escalated", "reviewed", "recommended",
# "withdrawn". Recommended reviews make one recommendation each.
LAST_YEAR = [
    ("Demo Applicant Ash", 2, "recommended"),
    ("Demo Applicant Birch", 3, "not_met"),
    ("Demo Applicant Cedar", 5, "recommended"),
    ("Demo Applicant Damson", 6, "escalated"),
    ("Demo Applicant Elm", 7, "reviewed"),
    ("Demo Applicant Fir", 9, "not_met"),
    ("Demo Applicant Hazel", 10, "recommended"),
    ("Demo Applicant Juniper", 11, "withdrawn"),
]


def demo_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    progress("ASB Case Reviews and Councillor Calls for Action")
    if Application.objects.filter(partnership=partnership, applicant_name__startswith=PREFIX).exists():
        return
    # A ward, so that the ward's summary for councillors shows them; any area if there is none.
    areas = Area.objects.defer("boundary").filter(pk__in=area_descendant_ids(partnership.area))
    area = (
        areas.filter(kind=Area.Kind.WARD).order_by("name").first()
        or areas.order_by("name").first()
        or partnership.area
    )
    agencies = list(lead_organisations(partnership)[:3])
    if not agencies:
        return
    with transaction.atomic():
        count = _last_year(partnership, area, agencies)
        count += _this_year(area)
        calls = _calls(partnership, area, agencies)
    created["ASB Case Review applications"] = created.get("ASB Case Review applications", 0) + count
    created["Councillor Calls for Action"] = created.get("Councillor Calls for Action", 0) + calls


def _complaints(received_on: dt.date, count: int, *, hate: bool = False) -> list[dict]:
    rows = []
    for index in range(count):
        incident = received_on - dt.timedelta(days=12 + 25 * index)
        rows.append(
            {
                "incident_on": incident,
                "reported_on": incident + dt.timedelta(days=1),
                "reported_to": ("Police", "Council ASB team", "Housing provider")[index % 3],
                "reference": f"DEMO-{incident:%y%m%d}",
                "hate_motivated": hate and index == 0,
            }
        )
    return rows


def _apply(area: Area, name: str, received_on: dt.date, complaints: int, **extra) -> Application:
    return services.application_submit(
        area=area,
        summary="Demo data: repeated noise, shouting and damage to the door of a flat over several months.",
        applicant_name=name,
        applicant_phone="01632 960000",
        via=Application.Via.PHONE,
        received_on=received_on,
        complaints=_complaints(received_on, complaints),
        **extra,
    )


def _last_year(partnership: Partnership, area: Area, agencies) -> int:
    year = timezone.localdate().year - 1
    for name, month, outcome in LAST_YEAR:
        received = dt.date(year, month, 6)
        met = outcome in ("recommended", "reviewed")
        application = _apply(area, name, received, 3 if met else 1)
        if outcome == "withdrawn":
            services.application_set_status(
                application=application, status="withdrawn", reason="The applicant asked to withdraw."
            )
            continue
        decided = received + dt.timedelta(days=9)
        services.threshold_decide(
            application=application,
            met=met,
            decided_on=decided,
            reason="Three separate incidents reported in time."
            if met
            else "One incident in the last six months.",
            by=None,
        )
        if outcome == "escalated":
            services.dissatisfaction_record(
                application=application,
                received_on=decided + dt.timedelta(days=5),
                reason="The applicant says other incidents were not recorded.",
                escalated_on=decided + dt.timedelta(days=6),
                by=None,
            )
            services.escalation_outcome_record(
                dissatisfaction=application.dissatisfaction,
                outcome="The threshold decision was reasonable on the complaints recorded.",
                outcome_on=decided + dt.timedelta(days=30),
                by=None,
            )
            continue
        if not met:
            services.application_set_status(application=application, status="closed", reason="Letter sent.")
            continue
        review = services.review_open(application=application, panel=agencies, by=None)
        held = decided + dt.timedelta(days=14)
        if outcome == "recommended":
            services.recommendation_add(
                review=review,
                description="Demo data: a joint visit by the housing officer and the PCSO, and a "
                "fortnightly call to the victim for three months.",
                lead_organisation=agencies[0],
                due_on=timezone.localdate() + dt.timedelta(days=30),
                by=None,
            )
        services.review_record(
            review=review,
            held_on=held,
            findings="Demo data: the agencies had each acted, but had not shared what they knew.",
            by=None,
        )
        services.outcome_send(application=application, sent_on=held + dt.timedelta(days=3), by=None)
    return len(LAST_YEAR)


def _this_year(area: Area) -> int:
    today = timezone.localdate()
    _apply(area, "Demo Applicant Larch", today - dt.timedelta(days=3), 2)
    waiting = _apply(area, "Demo Applicant Maple", today - dt.timedelta(days=20), 3)
    services.threshold_decide(
        application=waiting,
        met=True,
        decided_on=today - dt.timedelta(days=12),
        reason="Three separate incidents reported in time.",
        by=None,
    )
    return 2


def _calls(partnership: Partnership, area: Area, agencies) -> int:
    if CouncillorCall.objects.filter(partnership=partnership, councillor_name=COUNCILLOR).exists():
        return 0
    today = timezone.localdate()
    reported = services.call_refer(
        ward=area,
        councillor_name=COUNCILLOR,
        matter="Demo data: speeding and racing cars on the ring road most weekend nights.",
        referred_on=today - dt.timedelta(days=90),
    )
    services.call_decide(
        call=reported,
        accept=True,
        decided_on=today - dt.timedelta(days=80),
        reason="A local matter, in scope.",
    )
    services.call_report(
        call=reported,
        report="Demo data: enforcement had been occasional; residents had not been told of it.",
        reported_on=today - dt.timedelta(days=40),
        recommendations=[
            {"organisation": a, "text": f"Demo data: {a.name} to report its enforcement."}
            for a in agencies[:2]
        ],
    )
    first = reported.recommendations.first()
    services.call_response_record(
        recommendation=first,
        response="Demo data: monthly figures will be published.",
        responded_on=today - dt.timedelta(days=20),
    )
    services.call_refer(
        ward=area,
        councillor_name=COUNCILLOR,
        matter="Demo data: repeated fly-tipping and intimidation at the garages behind the shops.",
        referred_on=today - dt.timedelta(days=2),
    )
    return 2
