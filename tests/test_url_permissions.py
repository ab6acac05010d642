"""Every URL pattern, walked as every role: a new view cannot ship without deciding who sees it.

Each named Tandem URL must appear in EXPECTED with the status each role gets on GET.
Third-party URLs (admin, allauth, the API router) are walked too and must never fail
with a server error; the API's own permission tests live in tests/api/.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import Cast, make_meeting

ROLES = ["public", "outsider", "member", "officer", "administrator"]

# status on GET for: public, outsider (signed in, in no group), member (of cast.group),
# officer, administrator. 302 for the public means "sent to sign in".
OPEN = (200, 200, 200, 200, 200)
SIGNED_IN = (302, 200, 200, 200, 200)
OFFICERS = (302, 403, 403, 200, 200)
INSIDERS = (404, 404, 200, 200, 200)  # the group's members and officers; "not found" for others
POST_ONLY = (302, 405, 405, 405, 405)
ADMINISTRATORS = (302, 403, 403, 403, 200)
OFFICERS_POST = (302, 403, 403, 405, 405)  # officers' forms that only take POST


def _meeting_args(cast: Cast) -> dict[str, dict[str, object]]:
    """A public meeting of cast.group with an item, a paper, a decision and an action."""
    from django.core.files.base import ContentFile

    from tandem.meetings.calendar import person_token
    from tandem.meetings.models import ActionArising, AgendaItem, Decision, Paper
    from tests.factories import make_meeting

    meeting = make_meeting(group=cast.group)
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Speeding on Mill Lane")
    paper = Paper(item=item, title="Speed survey", content_type="text/plain", size=5)
    paper.file.save("survey.txt", ContentFile(b"hello"), save=True)
    decision = Decision.objects.create(meeting=meeting, item=item, text="RESOLVED that a survey be done.")
    action = ActionArising.objects.create(meeting=meeting, item=item, description="Do the survey")
    on_meeting = {"pk": meeting.pk}
    on_item = {"pk": item.pk}
    group = {"slug": cast.group.slug}
    names = {
        "group-meetings": group,
        "meeting-create": group,
        "series-create": group,
        "settings-edit": group,
        "group-ics": group,
        "item-edit": on_item,
        "item-move": on_item,
        "item-delete": on_item,
        "paper-upload": on_item,
        "paper-download": {"pk": paper.pk},
        "decision-delete": {"pk": decision.pk},
        "action-delete": {"pk": action.pk},
        "person-ics": {"token": person_token(cast.member_person)},
    }
    for name in (
        "meeting-detail",
        "meeting-edit",
        "meeting-cancel",
        "item-create",
        "meeting-circulate",
        "circulation-log",
        "agenda-pdf",
        "agenda-docx",
        "minutes-pdf",
        "minutes-docx",
        "meeting-ics",
        "attendance-edit",
        "minutes-edit",
        "decision-create",
        "action-create",
        "minutes-approve",
        "correction-create",
    ):
        names[name] = on_meeting
    return {f"meetings:{name}": kwargs for name, kwargs in names.items()}


def _problem_args(cast: Cast) -> dict[str, dict[str, object]]:
    """A public problem of cast.group (whose type now sets three priorities a quarter), one of
    its priorities, and its escalation to the board."""
    from django.utils import timezone

    from tandem.problems.models import Category, Escalation, Priority, PriorityPoll, Problem, quarter_of

    cast.lag_type.priorities_per_period = 3
    cast.lag_type.save(update_fields=["priorities_per_period"])
    problem = Problem.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        title="Speeding on Mill Lane",
        category=Category.objects.get(slug="speeding-road-safety"),
    )
    start, end = quarter_of(timezone.localdate())
    priority = Priority.objects.create(
        group=cast.group, problem=problem, period_start=start, period_end=end, reason="Residents' top concern"
    )
    escalation = Escalation.objects.create(
        problem=problem, from_group=cast.group, to_group=cast.board, reason="Beyond local resources"
    )
    other = Problem.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        title="Litter on the green",
        category=Category.objects.get(slug="fly-tipping"),
    )
    poll = PriorityPoll.objects.create(
        group=cast.group, title="What should we tackle next?", period_start=end, closes_on=end
    )
    poll.candidates.set([problem, other])
    on_problem = {"pk": problem.pk}
    names = {
        "poll-create": {"slug": cast.group.slug},
        "poll-detail": {"pk": poll.pk},
        "poll-close": {"pk": poll.pk},
        "group-priorities": {"slug": cast.group.slug},
        "priority-create": {"slug": cast.group.slug},
        "priorities-carry-over": {"slug": cast.group.slug},
        "priority-board": {"slug": cast.board.slug},
        "priority-remove": {"pk": priority.pk},
        "group-escalations": {"slug": cast.board.slug},
        "escalation-decide": {"pk": escalation.pk},
    }
    for name in (
        "problem-detail",
        "problem-edit",
        "problem-status",
        "note-create",
        "problem-raise",
        "problem-merge",
        "escalation-create",
        "problem-agenda-add",
    ):
        names[name] = on_problem
    return {f"problems:{name}": kwargs for name, kwargs in names.items()}


def _plan_args(cast: Cast) -> dict[str, dict[str, object]]:
    """A strategy with a priority and an indicator; a public action of cast.group led by its police
    representative, an action arising from its last meeting, an import waiting for confirmation,
    a ledger entry with a receipt, and an approved annual plan with a final quarterly review."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tandem.actionplans import services
    from tandem.actionplans.digest import progress_token
    from tandem.actionplans.models import ActionImport, AnnualPlan, LedgerEntry, QuarterlyReview
    from tandem.meetings import minutes
    from tandem.strategy.models import Indicator, StrategicPriority, Strategy

    strategy = Strategy.objects.create(
        partnership=cast.partnership,
        title="Community Safety Strategy 2026–28",
        slug="strategy-2026-28",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2029, 3, 31),
    )
    priority = StrategicPriority.objects.create(strategy=strategy, title="Road safety", slug="road-safety")
    indicator = Indicator.objects.create(
        priority=priority, name="Speeding complaints", baseline=75, target=55, direction="down"
    )
    action = services.action_create(
        group=cast.group,
        issue="Speeding on Mill Lane",
        description="Speed watch with residents",
        lead=cast.police_rep.person,
        lead_organisation=cast.police,
        due_on=timezone.localdate() + dt.timedelta(days=30),
        strategic_priority=priority,
    )
    meeting = make_meeting(group=cast.group, starts_at=timezone.now() - dt.timedelta(days=7))
    arising = minutes.action_arising_record(
        meeting=meeting,
        item=None,
        description="Council to trim the hedges",
        lead_organisation=cast.police,
        due_on=timezone.localdate() + dt.timedelta(days=21),
    )
    upload = ActionImport.objects.create(group=cast.group, file_name="plan.csv", content_hash="x" * 64)
    entry = LedgerEntry.objects.create(
        group=cast.group,
        kind=LedgerEntry.Kind.GRANT,
        date=timezone.localdate(),
        amount="250.00",
        counterparty="Castleford Town Council",
        description="Community safety grant",
        receipt=SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf"),
    )
    plan = AnnualPlan.objects.create(
        partnership=cast.partnership,
        strategy=strategy,
        title="Community Safety Action Plan 2026/27",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2027, 3, 31),
        status=AnnualPlan.Status.APPROVED,
        approved_on=dt.date(2026, 5, 1),
    )
    review = QuarterlyReview.objects.create(
        plan=plan,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        status=QuarterlyReview.Status.FINAL,
    )
    group = {"slug": cast.group.slug}
    partnership = {"slug": cast.partnership.slug}
    on_action = {"pk": action.pk}
    names = {
        "actionplans:group-actions": group,
        "actionplans:group-actions-timeline": group,
        "actionplans:action-create": group,
        "actionplans:partnership-actions": partnership,
        "actionplans:partnership-action-create": partnership,
        "actionplans:action-detail": on_action,
        "actionplans:action-edit": on_action,
        "actionplans:update-create": on_action,
        "actionplans:action-evaluate": on_action,
        "actionplans:group-actions-xlsx": group,
        "actionplans:group-actions-docx": group,
        "actionplans:group-actions-csv": group,
        "actionplans:import-upload": group,
        "actionplans:import-preview": {"pk": upload.pk},
        "actionplans:arising-adopt": {"pk": arising.pk},
        "actionplans:progress-by-link": {
            "pk": action.pk,
            "token": progress_token(action_id=action.pk, person_id=cast.police_rep.person_id),
        },
        "actionplans:plan-list": partnership,
        "actionplans:plan-create": partnership,
        "actionplans:plan-detail": {"pk": plan.pk},
        "actionplans:plan-edit": {"pk": plan.pk},
        "actionplans:plan-approve": {"pk": plan.pk},
        "actionplans:review-create": {"pk": plan.pk},
        "actionplans:review-detail": {"pk": review.pk},
        "actionplans:review-edit": {"pk": review.pk},
        "actionplans:review-pdf": {"pk": review.pk},
        "actionplans:review-docx": {"pk": review.pk},
        "actionplans:review-agenda": {"pk": review.pk},
        "actionplans:group-funds": group,
        "actionplans:entry-create": group,
        "actionplans:statement-pdf": group,
        "actionplans:statement-xlsx": group,
        "actionplans:entry-edit": {"pk": entry.pk},
        "actionplans:entry-receipt": {"pk": entry.pk},
        "strategy:strategy-list": partnership,
        "strategy:strategy-create": partnership,
        "strategy:strategy-detail": {"slug": strategy.slug},
        "strategy:strategy-edit": {"slug": strategy.slug},
        "strategy:priority-create": {"slug": strategy.slug},
        "strategy:priority-detail": {"pk": priority.pk},
        "strategy:priority-edit": {"pk": priority.pk},
        "strategy:outcome-create": {"pk": priority.pk},
        "strategy:indicator-create": {"pk": priority.pk},
        "strategy:indicator-detail": {"pk": indicator.pk},
        "strategy:indicator-edit": {"pk": indicator.pk},
        "strategy:value-create": {"pk": indicator.pk},
    }
    return names


def _case_args(cast: Cast) -> dict[str, dict[str, object]]:
    """An agreement in force between the police and a council, a case under it with a person, a
    task and an intervention. Nobody in the cast is agency staff, so every case page is "not
    found" for all of them (tests/cases/ covers the staff who may open it)."""
    import datetime as dt

    from django.utils import timezone

    from tandem.cases import services
    from tandem.cases.audit import Actor
    from tandem.cases.models import InterventionType, Purpose
    from tests.factories import make_organisation

    council = make_organisation(name="Castleford Council", sector="local_authority")
    actor = Actor(user=cast.administrator)
    purpose = Purpose.objects.get(slug="vulnerable-adults")
    today = timezone.localdate()
    agreement = services.agreement_create(
        partnership=cast.partnership,
        purposes=[purpose],
        organisations=[cast.police, council],
        actor=actor,
        title="Vulnerable adults sharing agreement",
        purpose="Protecting people targeted by scams",
        data_categories="Names, addresses",
        starts_on=today - dt.timedelta(days=30),
        expires_on=today + dt.timedelta(days=365),
        review_on=today + dt.timedelta(days=180),
    )
    for organisation in (cast.police, council):
        services.agreement_sign(
            agreement=agreement, organisation=organisation, signer_name="A Signer", actor=actor
        )
    case = services.case_open(
        agreement=agreement, purpose=purpose, title="Scam target", lead_organisation=cast.police, actor=actor
    )
    link = services.case_subject_add(case=case, role="vulnerable", name="Edna Example", actor=actor)
    task = services.task_create(
        case=case,
        organisation=cast.police,
        description="Visit",
        due_on=today + dt.timedelta(days=7),
        actor=actor,
    )
    intervention = services.intervention_record(
        case=case,
        type=InterventionType.objects.get(slug="target-hardening"),
        organisation_id=cast.police.pk,
        actor=actor,
    )
    on_case = {"pk": case.pk}
    names = {
        "agreement-detail": {"pk": agreement.pk},
        "agreement-edit": {"pk": agreement.pk},
        "agreement-sign": {"pk": agreement.pk},
        "agreement-document": {"pk": agreement.pk},
        "subject-remove": {"pk": case.pk, "link_pk": link.pk},
        "subject-access": {"pk": case.pk, "subject_pk": link.subject_id},
        "task-done": {"pk": task.pk},
        "task-cancel": {"pk": task.pk},
        "intervention-outcome": {"pk": intervention.pk},
        "problem-unlink": {"pk": case.pk, "problem_pk": 1},
    }
    for name in (
        "case-detail",
        "case-edit",
        "case-status",
        "subject-add",
        "agency-add",
        "risk-add",
        "entry-add",
        "task-add",
        "intervention-add",
        "problem-link",
        "agenda-add",
    ):
        names[name] = on_case
    return {f"cases:{name}": kwargs for name, kwargs in names.items()}


def _args(cast: Cast) -> dict[str, dict[str, object]]:
    """URL keyword arguments for each URL name that takes them."""
    group = {"slug": cast.group.slug}
    membership = {"pk": cast.chair.pk}
    organisation = {"slug": cast.police.slug}
    person = {"pk": cast.chair_person.pk}
    return {
        "partnership:overview-detail": {"slug": cast.partnership.slug},
        "partnership:group-detail": group,
        "partnership:group-edit": group,
        "partnership:group-history": group,
        "partnership:membership-create": group,
        "partnership:membership-edit": membership,
        "partnership:membership-end": membership,
        "partnership:organisation-detail": organisation,
        "partnership:organisation-edit": organisation,
        "partnership:person-detail": person,
        "partnership:person-edit": person,
        "places:area-detail": {"slug": cast.neighbourhood.slug},
        **_meeting_args(cast),
        **_problem_args(cast),
        **_plan_args(cast),
        **_evidence_args(cast),
        **_report_args(cast),
        **_open311_args(cast),
        **_survey_args(cast),
        **_neighbourhood_args(cast),
        **_case_args(cast),
        **_case_review_args(cast),
    }


def _case_review_args(cast: Cast) -> dict[str, dict[str, object]]:
    """An ASB Case Review application whose threshold was not met (so its letter is ready)."""
    from django.utils import timezone

    from tandem.accountability import services
    from tandem.places.models import Area
    from tests.factories import make_area

    today = timezone.localdate()
    ward = make_area(name="Oakfield Ward", kind=Area.Kind.WARD, parent=cast.district)

    application = services.application_submit(
        area=cast.neighbourhood,
        summary="Noise every night.",
        applicant_name="Pat Applicant",
        via="phone",
        by=cast.officer,
        complaints=[{"incident_on": today, "reported_on": today, "reported_to": "Police"}],
    )
    services.threshold_decide(
        application=application, met=False, decided_on=today, reason="One incident", by=cast.officer
    )
    call = services.call_refer(ward=cast.neighbourhood, councillor_name="Cllr Example", matter="Speeding")
    services.call_decide(call=call, accept=True, decided_on=today, reason="In scope")
    services.call_report(
        call=call,
        report="Report",
        reported_on=today,
        recommendations=[{"organisation": cast.police, "text": "Enforce the limit"}],
    )
    on_application = {"pk": application.pk}
    names = {
        "call-detail": {"pk": call.pk},
        "call-decide": {"pk": call.pk},
        "call-report": {"pk": call.pk},
        "call-response": {"pk": call.recommendations.get().pk},
        "applied": {"token": application.token},
        "settings": {"slug": cast.partnership.slug},
        "figures-year": {"slug": cast.partnership.slug, "year": today.year},
        "figures-csv": {"slug": cast.partnership.slug, "year": today.year},
        "ward-detail": {"slug": ward.slug},
    }
    for name in (
        "application-detail",
        "threshold-decide",
        "complaint-add",
        "status-change",
        "review-panel",
        "review-meeting",
        "review-record",
        "recommendation-add",
        "outcome-sent",
        "dissatisfaction",
        "escalation-outcome",
        "letter-pdf",
        "letter-docx",
    ):
        names[name] = on_application
    return {f"accountability:{name}": kwargs for name, kwargs in names.items()}


def _survey_args(cast: Cast) -> dict[str, dict[str, object]]:
    """An open survey of cast.neighbourhood with one question and no answers yet."""
    from tandem.community.models import Survey, SurveyQuestion

    survey = Survey.objects.create(
        partnership=cast.partnership, area=cast.neighbourhood, title="Feeling safe", status=Survey.Status.OPEN
    )
    SurveyQuestion.objects.create(survey=survey, text="How safe do you feel after dark?", scale="safety")
    on_survey = {"pk": survey.pk}
    return {
        "community:survey-detail": on_survey,
        "community:survey-manage": on_survey,
        "community:survey-results": on_survey,
        "community:survey-results-csv": on_survey,
    }


def _report_args(cast: Cast) -> dict[str, dict[str, object]]:
    """A resident's report (with a photo) on a public problem of cast.group, a routing rule and a
    flagged word."""
    from tandem.community.models import FlaggedWord, RoutingRule
    from tandem.community.services import report_submit
    from tandem.problems.models import Category
    from tests.community.report_fixtures import jpeg_with_gps, upload

    RoutingRule.objects.create(partnership=cast.partnership, area=None, category=None, group=cast.group)
    word = FlaggedWord.objects.create(partnership=cast.partnership, word="idiot")
    report = report_submit(
        category=Category.objects.get(slug="anti-social-behaviour"),
        description="Stones thrown at buses",
        area=cast.neighbourhood,
        location_text="Mill Lane bus stop",
        photo=upload(jpeg_with_gps()),
    )
    rule = RoutingRule.objects.get(partnership=cast.partnership, area=None)
    token = {"token": report.token}
    on_report = {"pk": report.pk}
    return {
        "community:report-sent": token,
        "community:report-follow": token,
        "community:report-photo": token,
        "community:problem-support": {"pk": report.problem_id},
        "community:report-detail": on_report,
        "community:report-accept": on_report,
        "community:report-reject": on_report,
        "community:report-detail-photo": on_report,
        "community:routing-rules": {"slug": cast.partnership.slug},
        "community:routing-rule-delete": {"pk": rule.pk},
        "community:flagged-word-delete": {"pk": word.pk},
    }


def _open311_args(cast: Cast) -> dict[str, dict[str, object]]:
    """A resident's report routed to cast.group, and a client application; the API in XML."""
    from tandem.community.services import report_submit
    from tandem.open311.services import client_create
    from tandem.problems.models import Category

    report = report_submit(  # routed by the partnership-wide rule of _report_args
        category=Category.objects.get(slug="noise"),
        description="Music until 3am most nights",
        location_text="Mill Lane",
    )
    application, _ = client_create(name="Castleford FixMyStreet")
    xml = {"fmt": "xml"}
    return {
        "open311:discovery": xml,
        "open311:services": xml,
        "open311:service-definition": {"code": "noise", **xml},
        "open311:requests": xml,
        "open311:request-detail": {"reference": report.reference, **xml},
        "open311:token": {"token": report.token, **xml},
        "open311:updates": xml,
        "open311:client-revoke": {"pk": application.pk},
    }


def _neighbourhood_args(cast: Cast) -> dict[str, dict[str, object]]:
    """An event, a published update and newsletter of cast.group, and a confirmed subscriber."""
    import datetime as dt

    from django.utils import timezone

    from tandem.community import events, updates
    from tandem.community.models import Subscription

    start = timezone.now() + dt.timedelta(days=3)
    event = events.event_create(
        group=cast.group,
        title="Beat surgery",
        kind="beat_surgery",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        venue_name="Oakfield Library",
    )
    update = updates.update_create(
        group=cast.group, title="Speeding", you_said="Cars speed", we_did="Speed watch", publish=True
    )
    newsletter = updates.newsletter_create(group=cast.group, title="Oakfield news", updates=[update])
    updates.newsletter_publish(newsletter=newsletter)
    subscription = Subscription.objects.create(area=cast.neighbourhood, email="resident@example.org")
    area = {"slug": cast.neighbourhood.slug}
    group = {"slug": cast.group.slug}
    names = {
        "neighbourhood-detail": area,
        "neighbourhood-atom": area,
        "neighbourhood-rss": area,
        "neighbourhood-ics": area,
        "neighbourhood-priorities-json": area,
        "neighbourhood-problems-geojson": area,
        "subscribe": area,
        "subscription-confirm": {"token": subscription.token},
        "subscription-unsubscribe": {"token": subscription.token},
        "group-events": group,
        "event-create": group,
        "group-updates": group,
        "update-create": group,
        "newsletter-create": group,
        "update-detail": {"pk": update.pk},
        "update-publish": {"pk": update.pk},
    }
    for name in ("event-detail", "event-ics", "event-edit", "event-cancel"):
        names[name] = {"pk": event.pk}
    for name in (
        "newsletter-detail",
        "newsletter-publish",
        "newsletter-send",
        "newsletter-deliveries",
        "newsletter-pdf",
        "newsletter-text",
    ):
        names[name] = {"pk": newsletter.pk}
    return {f"community:{name}": kwargs for name, kwargs in names.items()}


def _evidence_args(cast: Cast) -> dict[str, dict[str, object]]:
    """The dashboard of cast.neighbourhood (no incidents: the page says so) and an upload's report."""
    from tandem.evidence.models import ImportRun

    run = ImportRun.objects.create(file_name="2024-01-test-street.csv", status=ImportRun.Status.DONE)
    area = {"slug": cast.neighbourhood.slug}
    generic = _generic_import_args()
    return {
        "evidence:area-dashboard": area,
        "evidence:area-figures-csv": area,
        "evidence:area-hotspots-geojson": area,
        "evidence:area-before-after": area,
        "evidence:import-detail": {"pk": run.pk},
        **generic,
    }


def _generic_import_args() -> dict[str, dict[str, object]]:
    """A council's log with its columns chosen, a file of it waiting to be checked, and an import done."""
    from django.core.files.base import ContentFile

    from tandem.evidence.models import ImportRun, Source

    source = Source.objects.create(
        name="Castleford Council ASB log",
        slug="castleford-council-asb-log",
        kind=Source.Kind.GENERIC,
        column_mapping={"date": "Date", "category": "Type"},
    )
    generic = ImportRun.FileKind.GENERIC
    waiting = ImportRun(source=source, file_name="asb.csv", file_kind=generic, status=ImportRun.Status.QUEUED)
    waiting.uploaded_file.save("asb.csv", ContentFile(b"Date,Type\r\n01/02/2024,Noise\r\n"), save=True)
    done = ImportRun.objects.create(
        source=source, file_name="asb-old.csv", file_kind=generic, status=ImportRun.Status.DONE
    )
    return {
        "evidence:generic-upload": {"slug": source.slug},
        "evidence:generic-map": {"pk": waiting.pk},
        "evidence:generic-preview": {"pk": waiting.pk},
        "evidence:generic-report": {"pk": done.pk},
    }


EXPECTED: dict[str, tuple[int, ...]] = {
    # People at risk (cases): nobody in the cast is agency staff, so every case is "not found"
    # (and the attempt audited); tests/cases/ walks the staff who may open them.
    "cases:caseload": OFFICERS,
    "cases:case-list": OFFICERS,
    "cases:case-open": (302, 403, 403, 403, 403),
    "cases:case-detail": (302, 404, 404, 404, 404),
    "cases:case-edit": (302, 404, 404, 404, 404),
    "cases:case-status": (302, 404, 404, 404, 404),
    "cases:subject-add": (302, 404, 404, 404, 404),
    "cases:subject-access": (302, 404, 404, 404, 404),
    "cases:agency-add": (302, 404, 404, 404, 404),
    "cases:risk-add": (302, 404, 404, 404, 404),
    "cases:entry-add": (302, 404, 404, 404, 404),
    "cases:task-add": (302, 404, 404, 404, 404),
    "cases:task-cancel": (302, 404, 404, 404, 404),
    "cases:intervention-add": (302, 404, 404, 404, 404),
    "cases:intervention-outcome": (302, 404, 404, 404, 404),
    "cases:problem-link": (302, 404, 404, 404, 404),
    "cases:agenda-add": (302, 404, 404, 404, 404),
    "cases:subject-remove": POST_ONLY,
    "cases:task-done": POST_ONLY,
    "cases:problem-unlink": POST_ONLY,
    "cases:agreement-list": OFFICERS,
    "cases:agreement-detail": OFFICERS,
    "cases:agreement-create": ADMINISTRATORS,
    "cases:agreement-edit": ADMINISTRATORS,
    "cases:agreement-sign": (302, 403, 403, 403, 200),
    "cases:agreement-document": (302, 403, 403, 404, 404),
    "cases:audit-log": (302, 403, 403, 403, 403),
    "cases:audit-csv": (302, 403, 403, 403, 403),
    # Neighbourhood pages, events, updates, newsletters (community). Writing is for the group's
    # organisers (chair, vice-chair, note taker) and officers: tests/community/ checks organisers.
    "community:neighbourhood-finder": OPEN,
    "community:neighbourhood-detail": OPEN,
    "community:neighbourhood-atom": OPEN,
    "community:neighbourhood-rss": OPEN,
    "community:neighbourhood-ics": OPEN,
    "community:neighbourhood-priorities-json": OPEN,
    "community:neighbourhood-problems-geojson": OPEN,
    "community:subscribe": OPEN,
    "community:subscription-confirm": OPEN,
    "community:subscription-unsubscribe": OPEN,
    "community:group-events": OPEN,
    "community:event-create": OFFICERS,
    "community:event-detail": OPEN,
    "community:event-ics": OPEN,
    "community:event-edit": OFFICERS,
    "community:event-cancel": OFFICERS,
    "community:group-updates": OPEN,
    "community:update-create": OFFICERS,
    "community:update-detail": OPEN,
    "community:update-publish": POST_ONLY,
    "community:newsletter-create": OFFICERS,
    "community:newsletter-detail": OPEN,
    "community:newsletter-publish": POST_ONLY,
    "community:newsletter-send": POST_ONLY,
    "community:newsletter-deliveries": OFFICERS,
    "community:newsletter-pdf": OPEN,
    "community:newsletter-text": OPEN,
    "web:home": OPEN,
    "web:healthz": OPEN,
    "web:accessibility": OPEN,
    "web:privacy": OPEN,
    "accounts:profile": SIGNED_IN,
    "partnership:overview": OPEN,
    "partnership:overview-detail": OPEN,
    "partnership:directory": OPEN,
    "partnership:group-detail": OPEN,
    "partnership:organisation-detail": OPEN,
    "places:area-list": OPEN,
    "places:area-detail": OPEN,
    "partnership:group-create": OFFICERS,
    "partnership:group-edit": OFFICERS,
    "partnership:group-history": OFFICERS,
    "partnership:membership-create": OFFICERS,
    "partnership:membership-edit": OFFICERS,
    "partnership:membership-end": OFFICERS,
    "partnership:organisation-create": OFFICERS,
    "partnership:organisation-edit": OFFICERS,
    "partnership:person-create": OFFICERS,
    "partnership:person-edit": OFFICERS,
    # a person's page: officers and fellow members of one of their groups; "not found" for others
    "partnership:person-detail": (404, 404, 200, 200, 200),
    # Meetings. Organisers (the group's chair, vice-chair, note taker) get what officers get;
    # tests/meetings/ checks them. POST-only changes answer 405 to a GET once signed in.
    "meetings:group-meetings": OPEN,
    "meetings:meeting-detail": OPEN,
    "meetings:paper-download": OPEN,
    "meetings:agenda-pdf": OPEN,
    "meetings:agenda-docx": OPEN,
    "meetings:meeting-ics": OPEN,
    "meetings:group-ics": OPEN,
    "meetings:person-ics": OPEN,  # the secret token in the address is the key
    "meetings:minutes-pdf": INSIDERS,
    "meetings:minutes-docx": INSIDERS,
    "meetings:circulation-log": (302, 404, 200, 200, 200),
    "meetings:my-calendar": (302, 404, 200, 404, 404),  # only people with a person record
    "meetings:meeting-create": OFFICERS,
    "meetings:series-create": OFFICERS,
    "meetings:settings-edit": OFFICERS,
    "meetings:meeting-edit": OFFICERS,
    "meetings:meeting-cancel": OFFICERS,
    "meetings:item-create": OFFICERS,
    "meetings:item-edit": OFFICERS,
    "meetings:item-delete": OFFICERS,
    "meetings:paper-upload": OFFICERS,
    "meetings:meeting-circulate": OFFICERS,
    "meetings:attendance-edit": OFFICERS,
    "meetings:minutes-edit": OFFICERS,
    "meetings:decision-create": OFFICERS,
    "meetings:action-create": OFFICERS,
    "meetings:minutes-approve": OFFICERS,
    "meetings:correction-create": OFFICERS,
    "meetings:item-move": POST_ONLY,
    "meetings:decision-delete": POST_ONLY,
    "meetings:action-delete": POST_ONLY,
    # Problems. Group workers (chair, note taker, agency representatives …) get what officers get
    # for their own group's problems; tests/problems/ checks them.
    "problems:problem-list": OPEN,
    "problems:problem-map": OPEN,
    "problems:problem-detail": OPEN,
    # Residents' reports
    "accountability:apply": OPEN,
    "accountability:applied": OPEN,
    "accountability:application-list": OFFICERS,
    "accountability:application-create": OFFICERS,
    "accountability:application-detail": OFFICERS,
    "accountability:threshold-decide": OFFICERS_POST,
    "accountability:complaint-add": OFFICERS_POST,
    "accountability:status-change": OFFICERS_POST,
    "accountability:review-panel": OFFICERS_POST,
    "accountability:review-meeting": OFFICERS_POST,
    "accountability:review-record": OFFICERS_POST,
    "accountability:recommendation-add": OFFICERS_POST,
    "accountability:outcome-sent": OFFICERS_POST,
    "accountability:dissatisfaction": OFFICERS_POST,
    "accountability:escalation-outcome": OFFICERS_POST,
    "accountability:letter-pdf": OFFICERS,
    "accountability:letter-docx": OFFICERS,
    "accountability:settings": ADMINISTRATORS,
    "accountability:figures": OPEN,
    "accountability:call-list": OFFICERS,
    "accountability:call-create": OFFICERS,
    "accountability:call-detail": OFFICERS,
    "accountability:call-decide": OFFICERS_POST,
    "accountability:call-report": OFFICERS_POST,
    "accountability:call-response": OFFICERS_POST,
    "accountability:figures-year": OPEN,
    "accountability:figures-csv": OPEN,
    "accountability:ward-detail": (302, 404, 200, 200, 200),  # signed-in partnership members
    "community:report-create": OPEN,
    "community:report-sent": OPEN,
    "community:report-follow": OPEN,
    "community:report-photo": OPEN,
    "community:problem-support": OPEN,
    "community:report-moderation": OFFICERS,
    "community:report-detail": OFFICERS,
    "community:report-accept": POST_ONLY,
    "community:report-reject": POST_ONLY,
    "community:report-detail-photo": OFFICERS,
    "community:routing-rules": ADMINISTRATORS,
    "community:routing-rule-delete": POST_ONLY,
    "community:flagged-word-delete": POST_ONLY,
    "community:survey-list": OPEN,
    "community:survey-create": OFFICERS,
    "community:survey-detail": OPEN,
    "community:survey-manage": OFFICERS,
    "community:survey-results": OPEN,
    # the counts only once enough people have answered (officers sooner)
    "community:survey-results-csv": (403, 403, 403, 200, 200),
    "problems:group-priorities": OPEN,
    "problems:priority-board": OPEN,
    "problems:problem-create": OFFICERS,
    "problems:problem-edit": OFFICERS,
    "problems:problem-status": OFFICERS,
    "problems:note-create": OFFICERS,
    "problems:problem-raise": OFFICERS,
    "problems:problem-merge": OFFICERS,
    "problems:escalation-create": OFFICERS,
    "problems:problem-agenda-add": OFFICERS,
    "problems:poll-detail": OPEN,
    "problems:poll-create": OFFICERS,
    "problems:poll-close": POST_ONLY,
    # The strategy is a published document: public to read, officers change it.
    "strategy:strategy-list": OPEN,
    "strategy:strategy-detail": OPEN,
    "strategy:priority-detail": OPEN,
    "strategy:indicator-detail": OPEN,
    "strategy:strategy-create": OFFICERS,
    "strategy:strategy-edit": OFFICERS,
    "strategy:priority-create": OFFICERS,
    "strategy:priority-edit": OFFICERS,
    "strategy:outcome-create": OFFICERS,
    "strategy:indicator-create": OFFICERS,
    "strategy:indicator-edit": OFFICERS,
    "strategy:value-create": OFFICERS,
    # Action plans: public actions for everyone; the group's officers (chair, note taker, support
    # officers — tests/actionplans/ checks them) and partnership officers edit.
    "actionplans:group-actions": OPEN,
    "actionplans:group-actions-timeline": OPEN,
    "actionplans:partnership-actions": OPEN,
    "actionplans:action-detail": OPEN,
    "actionplans:group-actions-xlsx": OPEN,
    "actionplans:group-actions-docx": OPEN,
    "actionplans:group-actions-csv": OPEN,
    "actionplans:action-create": OFFICERS,
    "actionplans:partnership-action-create": OFFICERS,
    "actionplans:action-edit": OFFICERS,
    "actionplans:update-create": OFFICERS,  # and the action's lead
    "actionplans:action-evaluate": OFFICERS,
    "actionplans:import-upload": OFFICERS,
    "actionplans:import-preview": OFFICERS,
    "actionplans:arising-adopt": (302, 404, 403, 200, 200),  # draft minutes: insiders only
    "actionplans:progress-by-link": OPEN,  # the signed link in the lead's digest is the key
    # Group funds: the group's insiders read; its treasurer, accountable body and administrators write.
    "actionplans:group-funds": INSIDERS,
    "actionplans:statement-pdf": INSIDERS,
    "actionplans:statement-xlsx": INSIDERS,
    "actionplans:entry-receipt": INSIDERS,
    "actionplans:entry-create": (404, 404, 403, 403, 200),
    "actionplans:entry-edit": (404, 404, 403, 403, 200),
    # The annual plan and its reviews: approved plans and final reviews are public.
    "actionplans:plan-list": OPEN,
    "actionplans:plan-detail": OPEN,
    "actionplans:review-detail": OPEN,
    "actionplans:review-pdf": OPEN,
    "actionplans:review-docx": OPEN,
    "actionplans:plan-create": OFFICERS,
    "actionplans:plan-edit": OFFICERS,
    "actionplans:plan-approve": OFFICERS,
    "actionplans:review-create": OFFICERS,
    "actionplans:review-edit": OFFICERS,
    "actionplans:review-agenda": OFFICERS,
    "problems:priority-create": OFFICERS,
    "problems:priorities-carry-over": OFFICERS,
    "problems:priority-remove": OFFICERS,
    "problems:group-escalations": OFFICERS,  # the board's; its own members would see it too
    # deciding is for the receiving group's organisers and officers; outsiders are told "not found"
    "problems:escalation-decide": (302, 404, 403, 200, 200),
    # Evidence: counts and hotspots are public; importing is for officers, whose reports are theirs.
    "evidence:index": OPEN,
    "evidence:area-dashboard": OPEN,
    "evidence:area-figures-csv": OPEN,
    "evidence:area-hotspots-geojson": OPEN,
    "evidence:area-before-after": OPEN,
    "evidence:import-list": OFFICERS,
    "evidence:import-create": OFFICERS,
    "evidence:import-detail": (302, 404, 404, 200, 200),
    # Other organisations' logs: importing them is for officers, like police.uk files.
    "evidence:source-list": OFFICERS,
    "evidence:source-create": OFFICERS,
    "evidence:generic-upload": OFFICERS,
    "evidence:generic-map": OFFICERS,
    "evidence:generic-preview": OFFICERS,
    "evidence:generic-report": OFFICERS,
    # Open311 GeoReport v2: public to read (no personal data; posting needs a client's api_key,
    # tests/open311/ checks it); client applications and their keys are the administrators'.
    "open311:discovery": OPEN,
    "open311:services": OPEN,
    "open311:service-definition": OPEN,
    "open311:requests": OPEN,
    "open311:request-detail": OPEN,
    "open311:token": OPEN,
    "open311:updates": OPEN,
    "open311:client-list": ADMINISTRATORS,
    "open311:client-create": ADMINISTRATORS,
    "open311:client-revoke": POST_ONLY,
}


def _named_patterns(resolver=None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(_named_patterns(entry, inner))
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def _tandem_names() -> list[str]:
    tandem_namespaces = (
        "web:",
        "accounts:",
        "places:",
        "partnership:",
        "meetings:",
        "problems:",
        "strategy:",
        "actionplans:",
        "evidence:",
        "community:",
        "open311:",
        "cases:",
        "accountability:",
    )
    return sorted({name for name, _ in _named_patterns() if name.startswith(tandem_namespaces)})


def test_every_tandem_url_declares_who_may_see_it():
    undeclared = [name for name in _tandem_names() if name not in EXPECTED]
    assert not undeclared, f"Add these URL names to EXPECTED with a status per role: {undeclared}"


def test_the_matrix_has_no_stale_entries():
    stale = sorted(set(EXPECTED) - set(_tandem_names()))
    assert not stale, f"EXPECTED names URLs that no longer exist: {stale}"


@pytest.mark.django_db
def test_every_role_gets_the_declared_status_on_every_url(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    args = _args(cast)
    users = cast.users()
    failures = []
    checked = 0
    for role_index, role in enumerate(ROLES):
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for name, statuses in sorted(EXPECTED.items()):
            url = reverse(name, kwargs=args.get(name, {}))
            response = client.get(url)
            checked += 1
            if response.status_code != statuses[role_index]:
                failures.append(
                    f"{role:>13} GET {url} ({name}): {response.status_code}, expected {statuses[role_index]}"
                )
    assert not failures, "\n".join(failures)
    assert checked == len(EXPECTED) * len(ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["public", "member", "administrator"])
def test_no_third_party_url_fails_with_a_server_error(client, cast, role):
    """allauth, the Django admin and the API router: every URL that needs no arguments."""
    user = cast.users()[role]
    if user is not None:
        client.force_login(user)
    tandem = set(_tandem_names())
    walked = []
    for name, pattern in _named_patterns():
        if name in tandem or pattern.pattern.regex.groups:
            continue
        try:
            url = reverse(name)
        except Exception:  # noqa: S112 (patterns with converters we cannot fill are skipped)
            continue
        response = client.get(url)
        walked.append(name)
        assert response.status_code < 500, f"{role} GET {url} ({name}): {response.status_code}"
        if role == "public" and name.startswith("admin:") and name != "admin:login":
            assert response.status_code == 302
    assert len(walked) > 20
