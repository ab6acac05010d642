"""Every change to an ASB Case Review: applying, the threshold decision, the review, its
recommendations, the outcome letter and the escalation. One ``application_set_status`` moves
an application through TRANSITIONS and writes the status-change row."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.actionplans import services as action_services
from tandem.meetings.services import meeting_schedule
from tandem.partnership.models import Group, Organisation, Partnership, Person
from tandem.places.models import Area

from .deadlines import add_working_days
from .models import (
    Application,
    CallRecommendation,
    CaseReviewSettings,
    Complaint,
    CouncillorCall,
    Dissatisfaction,
    Recommendation,
    Review,
    StatusChange,
)
from .threshold import ComplaintFacts, Threshold, Verdict, threshold_check

MAX_COMPLAINTS = 30

S = Application.Status
TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.MET, S.NOT_MET, S.WITHDRAWN},
    S.NOT_MET: {S.ESCALATED, S.CLOSED},
    S.MET: {S.REVIEWED, S.WITHDRAWN},
    S.REVIEWED: {S.OUTCOME_SENT},
    S.OUTCOME_SENT: {S.ESCALATED, S.CLOSED},
    S.ESCALATED: {S.CLOSED},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
}


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def settings_for(partnership: Partnership) -> CaseReviewSettings:
    """The partnership's Case Review settings, created with the defaults the first time."""
    found, _ = CaseReviewSettings.objects.get_or_create(partnership=partnership)
    return found


def threshold_of(case_settings: CaseReviewSettings) -> Threshold:
    return Threshold(
        complaints_needed=case_settings.complaints_needed,
        window_months=case_settings.window_months,
        report_within_months=case_settings.report_within_months,
        hate_incident_suffices=case_settings.hate_incident_suffices,
    )


def application_verdict(application: Application, complaints: Iterable[Complaint] | None = None) -> Verdict:
    """Tandem's check of the threshold against the complaints recorded."""
    rows = list(application.complaints.all() if complaints is None else complaints)
    facts = [
        ComplaintFacts(
            incident_on=row.incident_on,
            reported_on=row.reported_on,
            hate_motivated=row.hate_motivated,
            label=f"Complaint {index}",
        )
        for index, row in enumerate(rows, start=1)
    ]
    return threshold_check(
        complaints=facts,
        applied_on=application.received_on,
        threshold=threshold_of(settings_for(application.partnership)),
    )


def partnership_for_area(area: Area) -> Partnership | None:
    """The partnership whose area is this one or contains it (the nearest, walking up)."""
    by_area = {p.area_id: p for p in Partnership.objects.all()}
    seen: set[int] = set()
    current: Area | None = area
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.pk in by_area:
            return by_area[current.pk]
        current = current.parent
    return None


def _complaint_rows(application: Application, complaints: list[dict]) -> list[Complaint]:
    rows = []
    for index, data in enumerate(complaints, start=1):
        row = Complaint(
            application=application,
            incident_on=data["incident_on"],
            reported_on=data["reported_on"],
            reported_to=(data.get("reported_to") or "").strip(),
            reference=(data.get("reference") or "").strip(),
            hate_motivated=bool(data.get("hate_motivated")),
            description=(data.get("description") or "").strip(),
        )
        try:
            row.full_clean(exclude=["application"])
        except ValidationError as exc:
            raise ValidationError([f"Complaint {index}: {message}" for message in exc.messages]) from exc
        rows.append(row)
    return rows


@transaction.atomic
def application_submit(
    *,
    area: Area,
    summary: str,
    applicant_name: str,
    complaints: list[dict],
    applicant_email: str = "",
    applicant_phone: str = "",
    applicant_address: str = "",
    relationship: str = Application.Relationship.VICTIM,
    victim_name: str = "",
    victim_contact: str = "",
    consent: bool = False,
    location_text: str = "",
    via: str = Application.Via.WEB,
    received_on: dt.date | None = None,
    by=None,
) -> Application:
    """A new application, from the public form or taken by an officer (by phone, email…).
    It gets its reference and its decision due date; the applicant is emailed the reference."""
    partnership = partnership_for_area(area)
    if partnership is None:
        raise ValidationError({"area": "Choose an area that a Community Safety Partnership covers"})
    if not complaints:
        raise ValidationError("Give at least one complaint: when it happened and whom you told")
    if len(complaints) > MAX_COMPLAINTS:
        raise ValidationError(f"Give at most {MAX_COMPLAINTS} complaints")
    if via == Application.Via.WEB and _user(by) is None:
        received_on = timezone.localdate()
    received_on = received_on or timezone.localdate()
    case_settings = settings_for(partnership)
    application = Application(
        partnership=partnership,
        area=area,
        summary=summary.strip(),
        location_text=location_text.strip(),
        applicant_name=applicant_name.strip(),
        applicant_email=applicant_email.strip(),
        applicant_phone=applicant_phone.strip(),
        applicant_address=applicant_address.strip(),
        relationship=relationship,
        victim_name=victim_name.strip() if relationship != Application.Relationship.VICTIM else "",
        victim_contact=victim_contact.strip() if relationship != Application.Relationship.VICTIM else "",
        consent=consent if relationship != Application.Relationship.VICTIM else True,
        via=via,
        received_on=received_on,
        due_on=add_working_days(received_on, case_settings.response_working_days),
        created_by=_user(by),
    )
    application.full_clean(exclude=["reference"])
    rows = _complaint_rows(application, complaints)
    for row in rows:
        if row.incident_on > received_on:
            raise ValidationError(
                "A complaint cannot be about an incident after the application was received"
            )
    application.save()
    application.reference = f"CR{received_on.year}-{application.pk:05d}"
    application.save(update_fields=["reference"])
    for row in rows:
        row.application = application
    Complaint.objects.bulk_create(rows)
    StatusChange.objects.create(
        application=application,
        from_status="",
        to_status=application.status,
        by=_user(by),
        reason=f"Application received ({application.get_via_display().lower()}).",
    )
    if application.applicant_email:
        _email_confirmation(application)
    return application


def _email_confirmation(application: Application) -> None:
    subject = f"Your ASB Case Review application {application.reference}"
    body = render_to_string("accountability/email_confirmation.txt", {"application": application})
    recipient = application.applicant_email
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=True)
    )


@transaction.atomic
def complaint_add(*, application: Application, data: dict, by=None) -> Complaint:
    """An officer adds a complaint the applicant mentioned later (until the threshold is decided)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.RECEIVED:
        raise ValidationError("Complaints can be added only until the threshold is decided")
    if application.complaints.count() >= MAX_COMPLAINTS:
        raise ValidationError(f"An application can record at most {MAX_COMPLAINTS} complaints")
    (row,) = _complaint_rows(application, [data])
    if row.incident_on > application.received_on:
        raise ValidationError({"incident_on": "The incident cannot be after the application was received"})
    row.save()
    return row


@transaction.atomic
def application_set_status(
    *, application: Application, status: str, by=None, reason: str = ""
) -> Application:
    """Move the application to ``status`` if TRANSITIONS allows it, writing who, when and why."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if status not in TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            f"An application that is “{locked.get_status_display()}” cannot become "
            f"“{Application.Status(status).label}”."
        )
    StatusChange.objects.create(
        application=locked, from_status=locked.status, to_status=status, by=_user(by), reason=reason.strip()
    )
    locked.status = status
    fields = ["status"]
    if status in Application.CLOSED_STATUSES:
        locked.closed_on = timezone.localdate()
        fields.append("closed_on")
    locked.save(update_fields=fields)
    application.status = locked.status
    application.closed_on = locked.closed_on
    return application


@transaction.atomic
def threshold_decide(
    *, application: Application, met: bool, decided_on: dt.date, reason: str, by
) -> Application:
    """Record the threshold decision and its date. Not before the application was received,
    not in the future, not once it is closed, and only once."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.is_closed:
        raise ValidationError("This application is closed, so no decision can be recorded")
    if locked.status != Application.Status.RECEIVED:
        raise ValidationError("The threshold decision has already been recorded")
    errors = {}
    if decided_on < locked.received_on:
        errors["decided_on"] = (
            "The decision cannot be dated before the application was received "
            f"({locked.received_on:%-d %B %Y})"
        )
    elif decided_on > timezone.localdate():
        errors["decided_on"] = "The decision cannot be dated in the future"
    if not reason.strip():
        errors["reason"] = "Enter the reason for the decision"
    if errors:
        raise ValidationError(errors)
    locked.threshold_met = met
    locked.decision_on = decided_on
    locked.decision_reason = reason.strip()
    locked.decided_by = _user(by)
    locked.save(update_fields=["threshold_met", "decision_on", "decision_reason", "decided_by"])
    application_set_status(
        application=locked,
        status=Application.Status.MET if met else Application.Status.NOT_MET,
        by=by,
        reason=reason,
    )
    for name in ("threshold_met", "decision_on", "decision_reason", "decided_by_id", "status"):
        setattr(application, name, getattr(locked, name))
    return application


# --- The review ---------------------------------------------------------------------------


def _check_panel(partnership: Partnership, panel: Iterable[Organisation]) -> list[Organisation]:
    panel = list(panel)
    if not panel:
        raise ValidationError({"panel": "Choose the agencies on the review panel"})
    return panel


@transaction.atomic
def review_open(
    *, application: Application, panel: Iterable[Organisation], group: Group | None = None, by=None
) -> Review:
    """Set up the review of an application whose threshold is met: its panel and its group."""
    if application.status != Application.Status.MET:
        raise ValidationError("A review can be set up only once the threshold is met")
    if hasattr(application, "review"):
        raise ValidationError("This application already has a review")
    if group is not None and group.partnership_id != application.partnership_id:
        raise ValidationError({"group": "Choose a group of this partnership"})
    members = _check_panel(application.partnership, panel)
    review = Review(application=application, group=group)
    review.full_clean(exclude=["application"])
    review.save()
    review.panel.set(members)
    return review


@transaction.atomic
def review_update(*, review: Review, panel: Iterable[Organisation], group: Group | None, by=None) -> Review:
    if review.application.is_closed:
        raise ValidationError("This application is closed")
    if group is not None and group.partnership_id != review.application.partnership_id:
        raise ValidationError({"group": "Choose a group of this partnership"})
    review.group = group
    review.save(update_fields=["group"])
    review.panel.set(_check_panel(review.application.partnership, panel))
    return review


@transaction.atomic
def review_schedule_meeting(*, review: Review, starts_at: dt.datetime, duration_minutes: int = 90, by=None):
    """A private meeting of the panel's group to hold the review."""
    if review.group is None:
        raise ValidationError("Choose the panel's group before scheduling its meeting")
    if review.meeting_id is not None:
        raise ValidationError("The review already has a meeting")
    if review.application.status != Application.Status.MET:
        raise ValidationError("A meeting can be scheduled only while the review is to be held")
    meeting = meeting_schedule(
        group=review.group,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=duration_minutes),
        is_public=False,
        title=f"ASB Case Review {review.application.reference}",
        by=by,
    )
    review.meeting = meeting
    review.save(update_fields=["meeting"])
    return meeting


@transaction.atomic
def review_record(*, review: Review, held_on: dt.date, findings: str, by) -> Review:
    """The review has been held: its date and findings; the application becomes "review held"."""
    application = review.application
    if held_on < (application.decision_on or application.received_on):
        raise ValidationError({"held_on": "The review cannot be before the threshold decision"})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The review cannot be dated in the future"})
    if not findings.strip():
        raise ValidationError({"findings": "Enter what the review found"})
    review.held_on = held_on
    review.findings = findings.strip()
    review.save(update_fields=["held_on", "findings"])
    application_set_status(
        application=application, status=Application.Status.REVIEWED, by=by, reason="Review held."
    )
    return review


@transaction.atomic
def recommendation_add(
    *,
    review: Review,
    description: str,
    lead_organisation: Organisation,
    due_on: dt.date,
    lead: Person | None = None,
    by,
) -> Recommendation:
    """A recommendation of the review: an action (not public) in the partnership's action plan,
    led by one of the panel's agencies, with a date for completion."""
    application = review.application
    if application.status not in (Application.Status.MET, Application.Status.REVIEWED):
        raise ValidationError("Recommendations are made while the review is held, before the outcome is sent")
    if not review.panel.filter(pk=lead_organisation.pk).exists():
        raise ValidationError({"lead_organisation": "Choose an agency on the review panel"})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The date for completion cannot be in the past"})
    action = action_services.action_create(
        partnership=application.partnership,
        group=review.group,
        issue=f"ASB Case Review {application.reference}",
        description=description,
        lead=lead,
        lead_organisation=lead_organisation,
        due_on=due_on,
        is_public=False,
        reference=application.reference,
        by=by,
    )
    return Recommendation.objects.create(review=review, action=action)


@transaction.atomic
def outcome_send(*, application: Application, sent_on: dt.date, by) -> Application:
    """The outcome letter has gone to the applicant."""
    if application.status != Application.Status.REVIEWED:
        raise ValidationError("The outcome is sent once the review has been held")
    if sent_on < application.review.held_on or sent_on > timezone.localdate():
        raise ValidationError({"sent_on": "The date sent must be between the review and today"})
    application.outcome_sent_on = sent_on
    application.save(update_fields=["outcome_sent_on"])
    return application_set_status(
        application=application, status=Application.Status.OUTCOME_SENT, by=by, reason="Outcome letter sent."
    )


@transaction.atomic
def dissatisfaction_record(
    *, application: Application, received_on: dt.date, reason: str, escalated_on: dt.date, by
) -> Dissatisfaction:
    """The applicant is dissatisfied: record it and escalate to the partnership's escalation body."""
    if Application.Status.ESCALATED not in TRANSITIONS[application.status]:
        raise ValidationError("Only a decided application whose outcome is known can be escalated")
    if hasattr(application, "dissatisfaction"):
        raise ValidationError("This application has already been escalated")
    start = application.outcome_sent_on or application.decision_on or application.received_on
    if received_on < start:
        raise ValidationError({"received_on": "The dissatisfaction cannot be before the outcome"})
    if escalated_on > timezone.localdate() or received_on > timezone.localdate():
        raise ValidationError({"escalated_on": "Dates cannot be in the future"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the applicant is dissatisfied"})
    row = Dissatisfaction(
        application=application,
        received_on=received_on,
        reason=reason.strip(),
        escalated_to=settings_for(application.partnership).escalation_body,
        escalated_on=escalated_on,
    )
    row.full_clean()
    row.save()
    application_set_status(
        application=application,
        status=Application.Status.ESCALATED,
        by=by,
        reason=f"Escalated to {row.escalated_to}.",
    )
    return row


@transaction.atomic
def escalation_outcome_record(
    *, dissatisfaction: Dissatisfaction, outcome: str, outcome_on: dt.date, by
) -> Dissatisfaction:
    """What the escalation body decided; the application is then closed."""
    if dissatisfaction.outcome_on is not None:
        raise ValidationError("The escalation's outcome has already been recorded")
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter the outcome of the escalation"})
    if outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": "The date of the outcome cannot be in the future"})
    dissatisfaction.outcome = outcome.strip()
    dissatisfaction.outcome_on = outcome_on
    dissatisfaction.full_clean()
    dissatisfaction.save(update_fields=["outcome", "outcome_on"])
    application_set_status(
        application=dissatisfaction.application,
        status=Application.Status.CLOSED,
        by=by,
        reason=f"Escalation outcome: {dissatisfaction.outcome}",
    )
    return dissatisfaction


@transaction.atomic
def settings_update(*, case_settings: CaseReviewSettings, data: dict, by=None) -> CaseReviewSettings:
    fields = [
        "complaints_needed",
        "window_months",
        "report_within_months",
        "hate_incident_suffices",
        "response_working_days",
        "escalation_body",
        "ccfa_response_days",
        "letter_template",
    ]
    for name in fields:
        if name in data:
            setattr(case_settings, name, data[name])
    case_settings.full_clean()
    case_settings.save(update_fields=[name for name in fields if name in data])
    return case_settings


# --- Councillor Call for Action -------------------------------------------------------------------

C = CouncillorCall.Status
CALL_TRANSITIONS: dict[str, set[str]] = {
    C.REFERRED: {C.ACCEPTED, C.DECLINED},
    C.ACCEPTED: {C.REPORTED},
    C.REPORTED: {C.CLOSED},
    C.DECLINED: set(),
    C.CLOSED: set(),
}


def _call_step(call: CouncillorCall, status: str) -> None:
    if status not in CALL_TRANSITIONS[call.status]:
        raise ValidationError(
            f"A call that is “{call.get_status_display()}” cannot become "
            f"“{CouncillorCall.Status(status).label}”."
        )
    call.status = status


@transaction.atomic
def call_refer(
    *,
    ward: Area,
    councillor_name: str,
    matter: str,
    councillor_email: str = "",
    referred_on: dt.date | None = None,
    by=None,
) -> CouncillorCall:
    """A ward councillor's referral of a local crime and disorder matter to the committee."""
    partnership = partnership_for_area(ward)
    if partnership is None:
        raise ValidationError({"ward": "Choose a ward that a Community Safety Partnership covers"})
    referred_on = referred_on or timezone.localdate()
    if referred_on > timezone.localdate():
        raise ValidationError({"referred_on": "The date referred cannot be in the future"})
    call = CouncillorCall(
        partnership=partnership,
        ward=ward,
        councillor_name=councillor_name.strip(),
        councillor_email=councillor_email.strip(),
        matter=matter.strip(),
        referred_on=referred_on,
        created_by=_user(by),
    )
    call.full_clean(exclude=["reference"])
    call.save()
    call.reference = f"CCfA{referred_on.year}-{call.pk:04d}"
    call.save(update_fields=["reference"])
    return call


@transaction.atomic
def call_decide(
    *, call: CouncillorCall, accept: bool, decided_on: dt.date, reason: str, by=None
) -> CouncillorCall:
    """The committee accepts the call for consideration or declines it, with its reasons."""
    call = CouncillorCall.objects.select_for_update().get(pk=call.pk)
    errors = {}
    if decided_on < call.referred_on:
        errors["decided_on"] = "The decision cannot be before the call was referred"
    elif decided_on > timezone.localdate():
        errors["decided_on"] = "The decision cannot be dated in the future"
    if not reason.strip():
        errors["reason"] = "Enter the committee's reasons"
    if errors:
        raise ValidationError(errors)
    _call_step(call, C.ACCEPTED if accept else C.DECLINED)
    call.decision_on = decided_on
    call.decision_reason = reason.strip()
    call.save(update_fields=["status", "decision_on", "decision_reason"])
    return call


@transaction.atomic
def call_report(
    *, call: CouncillorCall, report: str, reported_on: dt.date, recommendations: list[dict], by=None
) -> CouncillorCall:
    """The committee's report and its recommendations to the responsible authorities, whose
    responses are due within the partnership's Councillor Call for Action response days."""
    call = CouncillorCall.objects.select_for_update().get(pk=call.pk)
    if not report.strip():
        raise ValidationError({"report": "Enter the committee's report"})
    if reported_on < (call.decision_on or call.referred_on) or reported_on > timezone.localdate():
        raise ValidationError({"reported_on": "The report must be dated between the decision and today"})
    if not recommendations:
        raise ValidationError("Give at least one recommendation to a responsible authority")
    _call_step(call, C.REPORTED)
    call.report = report.strip()
    call.reported_on = reported_on
    call.responses_due_on = reported_on + dt.timedelta(days=settings_for(call.partnership).ccfa_response_days)
    call.save(update_fields=["status", "report", "reported_on", "responses_due_on"])
    rows = []
    for data in recommendations:
        row = CallRecommendation(call=call, organisation=data["organisation"], text=data["text"].strip())
        row.full_clean()
        rows.append(row)
    CallRecommendation.objects.bulk_create(rows)
    return call


@transaction.atomic
def call_response_record(
    *, recommendation: CallRecommendation, response: str, responded_on: dt.date, by=None
) -> CallRecommendation:
    """A responsible authority's response to a recommendation; the last one closes the call."""
    call = CouncillorCall.objects.select_for_update().get(pk=recommendation.call_id)
    if call.status != C.REPORTED:
        raise ValidationError("Responses are recorded once the committee has reported")
    if recommendation.responded_on is not None:
        raise ValidationError("This response has already been recorded")
    if not response.strip():
        raise ValidationError({"response": "Enter the response"})
    if responded_on < call.reported_on or responded_on > timezone.localdate():
        raise ValidationError({"responded_on": "The response must be dated between the report and today"})
    recommendation.response = response.strip()
    recommendation.responded_on = responded_on
    recommendation.save(update_fields=["response", "responded_on"])
    if not call.recommendations.filter(responded_on__isnull=True).exists():
        _call_step(call, C.CLOSED)
        call.closed_on = timezone.localdate()
        call.save(update_fields=["status", "closed_on"])
    return recommendation
