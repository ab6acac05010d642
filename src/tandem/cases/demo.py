"""Demo cases: an information-sharing agreement signed by the demo's police, council and housing
trust, and three cases about obviously fictional people — an older resident targeted by scams,
a family harassed by anti-social behaviour, and the household causing it — with risk
assessments, timelines (one entry kept to its own agency), tasks and interventions.

Called by ``manage.py load_demo`` after the meetings and problems demos. The demo officer
(officer@example.org, of Trafford Council) is staff of a signatory agency and leads the scams
case, so signing in as them shows the caseload; the demo administrator (admin@example.org) is the
partnership's data protection officer and reads the audit log. Everything is keyed on its title
or its person, so running the demo again adds nothing.
"""

import datetime as dt
import importlib
from collections.abc import Callable

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.meetings.models import Meeting
from tandem.partnership.models import Organisation, Partnership
from tandem.problems.models import Problem

from . import services
from .audit import Actor
from .models import (
    AgencyStaff,
    Agreement,
    Case,
    DataProtectionOfficer,
    InterventionType,
    Purpose,
    Questionnaire,
    Subject,
)

AGREEMENT_TITLE = "Trafford community safety information-sharing agreement (demo)"
POLICE, COUNCIL, HOUSING = "gmp-trafford", "trafford-council", "trafford-housing-trust"
OFFICER_EMAIL, DPO_EMAIL = "officer@example.org", "admin@example.org"

# Case workers without a demo sign-in: they write the other agencies' entries.
STAFF = [
    ("demo.pc@example.org", "PC Sample Officer (fictional)", POLICE, "Neighbourhood Beat Officer"),
    ("demo.housing@example.org", "Harper Placeholder (fictional)", HOUSING, "Tenancy Enforcement Officer"),
]

SCAMS = "Older resident targeted by telephone and doorstep scams"
ASB_VICTIM = "Family harassed by neighbours on the Example Estate"
ASB_HOUSEHOLD = "Household causing anti-social behaviour on the Example Estate"


def _count(created: dict, what: str, is_new: bool = True) -> None:
    if is_new:
        created[what] = created.get(what, 0) + 1


def _at(days_ago: int, hour: int = 11) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def demo_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    progress("Cases, their agreement and the audit log's officer")
    orgs = {org.slug: org for org in Organisation.objects.filter(slug__in=[POLICE, COUNCIL, HOUSING])}
    officer = User.objects.filter(email=OFFICER_EMAIL).first()
    if len(orgs) < 3 or officer is None:
        return  # not the demo partnership
    with transaction.atomic():
        # The purposes, interventions and risk questionnaire Tandem ships come with migration 0002;
        # a database emptied since (a test database flushed between tests) has none, so make sure.
        importlib.import_module("tandem.cases.migrations.0002_seed_configuration").seed(apps, None)
        people = _staff(orgs, officer, created)
        dpo = User.objects.filter(email=DPO_EMAIL).first()
        if dpo is not None:
            _, is_new = DataProtectionOfficer.objects.get_or_create(partnership=partnership, user=dpo)
            _count(created, "data protection officers", is_new)
        agreement = _agreement(partnership, orgs, created)
        existing = set(Case.objects.filter(partnership=partnership).values_list("title", flat=True))
        if SCAMS not in existing:
            _scams_case(partnership, agreement, orgs, people)
            _count(created, "cases")
        if ASB_VICTIM not in existing:
            _asb_victim_case(agreement, orgs, people)
            _count(created, "cases")
        if ASB_HOUSEHOLD not in existing:
            _asb_household_case(agreement, orgs, people)
            _count(created, "cases")


def _staff(orgs: dict, officer: User, created: dict) -> dict[str, User]:
    people = {COUNCIL: officer}
    for email, name, slug, _ in STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, name=name, role=User.Role.OFFICER)
            _count(created, "users")
        people[slug] = user
    for slug, user in people.items():
        title = next((job for email, _, s, job in STAFF if s == slug), "Partnership Support Officer")
        _, is_new = AgencyStaff.objects.get_or_create(
            user=user,
            organisation=orgs[slug],
            defaults={"job_title": title, "start_date": _ago(400)},
        )
        _count(created, "agency staff", is_new)
    return people


def _agreement(partnership: Partnership, orgs: dict, created: dict) -> Agreement:
    agreement = Agreement.objects.filter(partnership=partnership, title=AGREEMENT_TITLE).first()
    if agreement is not None:
        return agreement
    actor = Actor.system("Demo loader")
    agreement = services.agreement_create(
        partnership=partnership,
        purposes=Purpose.objects.filter(
            slug__in=["vulnerable-adults", "asb-victim-support", "perpetrator-management"]
        ),
        organisations=list(orgs.values()),
        actor=actor,
        title=AGREEMENT_TITLE,
        purpose=(
            "To protect vulnerable residents and victims of anti-social behaviour, and to tackle those "
            "causing it, the police, the council and the housing trust share what each knows about "
            "the people in a case, only as far as the case needs."
        ),
        lawful_basis=Agreement.LawfulBasis.choices[0][0],
        data_categories="Names, addresses, dates of birth, contact details, incident history, "
        "vulnerabilities, support and enforcement taken.",
        retention_months=24,
        starts_on=_ago(365),
        expires_on=_ago(-730),
        review_on=_ago(-180),
    )
    signers = {POLICE: "Superintendent (fictional)", COUNCIL: "Director of Place (fictional)"}
    for slug, org in orgs.items():
        services.agreement_sign(
            agreement=agreement,
            organisation=org,
            signer_name=signers.get(slug, "Chief Executive (fictional)"),
            signer_role="Signatory for the demo",
            signed_on=_ago(360),
            actor=actor,
        )
    _count(created, "information-sharing agreements")
    return agreement


def _assess(
    case: Case, organisation: Organisation, user: User, positions: list[int], days_ago: int, notes: str
):
    questionnaire = Questionnaire.objects.get(slug="asb-victim-risk-assessment")
    services.risk_assessment_record(
        case=case,
        questionnaire=questionnaire,
        yes_ids=[q.pk for q in questionnaire.questions.all() if q.position in positions],
        organisation_id=organisation.pk,
        assessed_on=_ago(days_ago),
        notes=notes,
        actor=Actor(user=user),
    )


def _entries(case: Case, rows: list[tuple]) -> None:
    for days_ago, kind, org, user, text, shared in rows:
        services.timeline_entry_add(
            case=case,
            kind=kind,
            text=text,
            organisation_id=org.pk,
            is_shared=shared,
            happened_at=_at(days_ago),
            actor=Actor(user=user),
        )


def _scams_case(partnership, agreement, orgs, people) -> Case:
    council, police = orgs[COUNCIL], orgs[POLICE]
    officer, pc = people[COUNCIL], people[POLICE]
    case = services.case_open(
        agreement=agreement,
        purpose=Purpose.objects.get(slug="vulnerable-adults"),
        title=SCAMS,
        summary="Lost savings to a caller claiming to be from her bank, then a doorstep 'roofer' asked "
        "for cash up front. Lives alone; daughter lives abroad.",
        lead_organisation=council,
        lead_officer=officer,
        agencies=[police],
        opened_on=_ago(30),
        actor=Actor(user=officer),
    )
    actor = Actor(user=officer)
    ivy = services.case_subject_add(
        case=case,
        role="vulnerable",
        name="Ivy Example (fictional)",
        date_of_birth=dt.date(1938, 4, 12),
        address="12 Sample Street, Demo Town, XX1 1XX",
        phone="01632 960001",
        notes="Hard of hearing: phone in the morning, speak slowly. Prefers visits with a friend present.",
        actor=actor,
    ).subject
    services.case_subject_add(case=case, role="carer", name="Olive Example (fictional)", actor=actor)
    _assess(case, council, officer, [4, 6, 10, 11], 28, "Anxious about answering the door or the phone.")
    _entries(
        case,
        [
            (
                29,
                "contact",
                police,
                pc,
                "Report of a bank impersonation call; £2,400 transferred. Crime recorded.",
                True,
            ),
            (
                27,
                "visit",
                council,
                officer,
                "Home visit with Ivy. Agreed a call blocker and a 'no cold callers' sign.",
                True,
            ),
            (
                26,
                "note",
                council,
                officer,
                "Adult social care already knows Ivy: a carers' assessment is pending.",
                False,
            ),
            (
                12,
                "contact",
                police,
                pc,
                "Doorstep trader returned; Ivy did not open the door and rang us. Area searched.",
                True,
            ),
        ],
    )
    services.intervention_record(
        case=case,
        type=InterventionType.objects.get(slug="target-hardening"),
        organisation_id=council.pk,
        subject=ivy,
        started_on=_ago(20),
        outcome="complied",
        notes="Call blocker fitted; door chain and spy-hole.",
        actor=actor,
    )
    services.intervention_record(
        case=case,
        type=InterventionType.objects.get(slug="referral-to-support"),
        organisation_id=police.pk,
        subject=ivy,
        started_on=_ago(25),
        notes="Referred to the victims' service for fraud support.",
        actor=Actor(user=pc),
    )
    done = services.task_create(
        case=case, organisation=council, description="Fit a call blocker", due_on=_ago(21), actor=actor
    )
    services.task_complete(task=done, done_on=_ago(20), actor=actor)
    services.task_create(
        case=case,
        organisation=police,
        description="Ask the bank's fraud team whether the money can be recovered",
        due_on=_ago(-7),
        actor=actor,
    )
    services.task_create(
        case=case,
        organisation=council,
        description="Check Trading Standards' records for the doorstep 'roofer'",
        due_on=_ago(3),  # overdue: shows on the caseload
        actor=actor,
    )
    meeting = (
        Meeting.objects.filter(
            group__partnership=partnership,
            group__type__slug="joint-action-group",
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .select_related("group")
        .order_by("starts_at")
        .first()
    )
    if meeting is not None:
        services.case_agenda_add(case=case, meeting=meeting, organisation_id=council.pk, actor=actor)
    problem = (
        Problem.objects.filter(partnership=partnership, title__icontains="scam", merged_into__isnull=True)
        .order_by("pk")
        .first()
    )
    if problem is not None:  # its page then lists the case to the demo officer, and to nobody else
        services.case_problem_link(case=case, problem=problem, actor=actor)
    return case


def _asb_victim_case(agreement, orgs, people) -> Case:
    housing, police, council = orgs[HOUSING], orgs[POLICE], orgs[COUNCIL]
    housing_officer, pc = people[HOUSING], people[POLICE]
    actor = Actor(user=housing_officer)
    case = services.case_open(
        agreement=agreement,
        purpose=Purpose.objects.get(slug="asb-victim-support"),
        title=ASB_VICTIM,
        summary="Repeated noise at night, abuse in the stairwell and a damaged car since the summer.",
        about=Case.About.HOUSEHOLD,
        lead_organisation=housing,
        lead_officer=housing_officer,
        agencies=[police, council],
        opened_on=_ago(60),
        actor=actor,
    )
    services.case_subject_add(
        case=case,
        role="victim",
        name="Jordan Placeholder (fictional)",
        date_of_birth=dt.date(1986, 9, 3),
        address="Flat 4, 1 Example Court, Demo Town, XX1 2XX",
        phone="07700 900123",
        actor=actor,
    )
    services.case_subject_add(
        case=case, role="household_member", name="Sam Placeholder (fictional)", actor=actor
    )
    for name in ("Gary Testwood (fictional)", "Kelly Testwood (fictional)"):
        services.case_subject_add(case=case, role="alleged_perpetrator", name=name, actor=actor)
    _assess(
        case,
        housing,
        housing_officer,
        [1, 5, 6, 7, 9],
        58,
        "Children not sleeping; afraid to use the stairs.",
    )
    _assess(
        case,
        housing,
        housing_officer,
        [1, 5, 6],
        14,
        "Better since the warning; noise continues at weekends.",
    )
    _entries(
        case,
        [
            (
                59,
                "visit",
                housing,
                housing_officer,
                "Visited Jordan; diary sheets and noise app explained.",
                True,
            ),
            (
                45,
                "contact",
                police,
                pc,
                "Attended a report of shouting in the stairwell; words of advice given.",
                True,
            ),
            (
                40,
                "note",
                housing,
                housing_officer,
                "Tenancy file: two earlier complaints about flat 6 in 2024.",
                False,
            ),
            (
                15,
                "contact",
                housing,
                housing_officer,
                "Jordan reports quieter weekdays since the warning letter.",
                True,
            ),
        ],
    )
    services.intervention_record(
        case=case,
        type=InterventionType.objects.get(slug="target-hardening"),
        organisation_id=police.pk,
        started_on=_ago(40),
        notes="Doorbell camera fitted with the victim's agreement.",
        actor=Actor(user=pc),
    )
    services.task_create(
        case=case,
        organisation=council,
        description="Environmental health: install noise monitoring equipment in flat 4",
        due_on=_ago(-10),
        actor=actor,
    )
    return case


def _asb_household_case(agreement, orgs, people) -> Case:
    housing, police = orgs[HOUSING], orgs[POLICE]
    housing_officer, pc = people[HOUSING], people[POLICE]
    actor = Actor(user=housing_officer)
    case = services.case_open(
        agreement=agreement,
        purpose=Purpose.objects.get(slug="perpetrator-management"),
        title=ASB_HOUSEHOLD,
        summary="Tenants of flat 6: noise, abuse of neighbours and damage. Warning given; an Acceptable "
        "Behaviour Agreement offered.",
        about=Case.About.HOUSEHOLD,
        lead_organisation=housing,
        lead_officer=housing_officer,
        agencies=[police],
        opened_on=_ago(50),
        actor=actor,
    )
    # The same two people as in the victim's case: one record each, in both cases.
    gary = None
    for name in ("Gary Testwood (fictional)", "Kelly Testwood (fictional)"):
        subject = Subject.objects.filter(partnership=case.partnership, name=name).first()
        link = services.case_subject_add(
            case=case,
            role="perpetrator",
            subject=subject,
            name="" if subject else name,
            address="" if subject else "Flat 6, 1 Example Court, Demo Town, XX1 2XX",
            actor=actor,
        )
        gary = gary or link.subject
    _entries(
        case,
        [
            (
                49,
                "visit",
                housing,
                housing_officer,
                "Tenancy warning visit; Gary and Kelly told what was reported.",
                True,
            ),
            (
                30,
                "contact",
                police,
                pc,
                "Gary spoken to after a neighbour's car was scratched; denies it.",
                True,
            ),
        ],
    )
    services.intervention_record(
        case=case,
        type=InterventionType.objects.get(slug="warning-letter"),
        organisation_id=housing.pk,
        subject=gary,
        started_on=_ago(48),
        outcome="partly",
        actor=actor,
    )
    services.intervention_record(
        case=case,
        type=InterventionType.objects.get(slug="acceptable-behaviour-agreement"),
        organisation_id=police.pk,
        subject=gary,
        started_on=_ago(20),
        ends_on=_ago(-160),
        notes="Six months: no noise after 11pm, no contact with flat 4.",
        actor=Actor(user=pc),
    )
    services.task_create(
        case=case,
        organisation=police,
        description="Review the Acceptable Behaviour Agreement with Gary",
        due_on=_ago(-30),
        actor=actor,
    )
    return case
