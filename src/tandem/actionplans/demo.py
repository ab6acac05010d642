"""Demo action plans: every group's actions at different stages, an approved annual Community
Safety Action Plan compiled from them, its quarterly reviews, and one group's funds.

Called by ``manage.py load_demo`` after the strategy and problems demos. Each group gets
actions for its problems (tagged with the strategic priority of the problem's category),
some on track, some at risk, some overdue, some done with an evaluation. The annual plan
is for the financial year containing today, compiled and approved; each quarter of it that
has ended gets a final review (two by late November). Partington Local Action Group, whose
accountable body is the town council, keeps a small ledger. Keyed on group and action text,
plan start date, review quarter and ledger description, so a second run adds nothing.
"""

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tandem.actionplans import annual, funds, review, services
from tandem.actionplans.models import Action, AnnualPlan, LedgerEntry, QuarterlyReview
from tandem.partnership.models import Group, Membership, Organisation, Partnership
from tandem.problems.models import Problem
from tandem.strategy.models import StrategicPriority, Strategy

# Category of the problem → the strategic priority (slug) it serves.
PRIORITY_OF = {
    "anti-social-behaviour": "anti-social-behaviour",
    "youth-nuisance": "anti-social-behaviour",
    "noise": "anti-social-behaviour",
    "criminal-damage": "anti-social-behaviour",
    "drugs": "drug-related-crime",
    "scams-fraud": "vulnerable-people-and-scams",
    "speeding-road-safety": "road-safety",
    "cyclists-safety": "road-safety",
    "fly-tipping": "rural-crime",
    "rural-crime": "rural-crime",
    "violence": "violence-reduction-and-young-people",
}
# Category → (action, evaluation evidence if it worked)
ACTIONS = {
    "speeding-road-safety": (
        "Community Speedwatch sessions with residents, and police enforcement on the worst evenings",
        "Speeding complaints fell from 14 to 5 a month after six weeks of Speedwatch.",
    ),
    "drugs": (
        "Closure order on the flat used for dealing; housing provider to support the tenant",
        "Reports of dealing outside the shops fell by half in the three months after the closure.",
    ),
    "fly-tipping": (
        "CCTV on the alley, letters to every household about bulky waste collections, and a clean-up day",
        "Two prosecutions; fly-tipping reports fell from weekly to twice a month.",
    ),
    "scams-fraud": (
        "Scam awareness sessions with Age UK at the community centre and call blockers for repeat victims",
        "Forty residents attended; no repeat victims among those given call blockers.",
    ),
    "youth-nuisance": (
        "Youth service detached sessions on Friday evenings and a new kickabout pitch",
        "Complaints about the park fell from 11 to 3 over the summer.",
    ),
    "cyclists-safety": (
        "Highways review of the junction and a school cycle-safety week",
        "The junction was re-painted; near misses reported by parents fell.",
    ),
}
GENERIC = (
    "Extra visible patrols at the times residents report, and feedback at the next meeting",
    "Residents reported feeling safer at the next meeting; incidents down slightly.",
)
STAGES = ["on_track", "at_risk", "overdue", "done", "not_started", "done_too_early"]


def _financial_year(day: dt.date) -> tuple[dt.date, dt.date]:
    start = dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    return start, dt.date(start.year + 1, 3, 31)


def demo_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    progress("Action plans, the annual plan and group funds")
    _leicester_action(created)
    today = timezone.localdate()
    strategy = Strategy.objects.filter(partnership=partnership).order_by("-starts_on").first()
    if strategy is None:
        return
    priorities = {p.slug: p for p in StrategicPriority.objects.filter(strategy=strategy)}
    year_start, year_end = _financial_year(today)
    with transaction.atomic():
        groups = list(
            partnership.groups.filter(is_public=True).select_related("type", "partnership").order_by("slug")
        )
        for group in groups:
            _group_actions(group, priorities, today, year_start, created)
        _partnership_actions(partnership, priorities, today, year_start, created)
        plan = _plan(partnership, strategy, year_start, year_end, today, created)
        if plan is not None:
            _reviews(plan, today, created)
        _funds(partnership, today, created)


def _lead(group: Group, rng: random.Random):
    """An agency representative of the group with their organisation, else its chair."""
    memberships = list(
        Membership.objects.current()
        .filter(group=group)
        .select_related("person", "organisation")
        .order_by("role", "person__name")
    )
    agencies = [
        m for m in memberships if m.organisation_id and m.role == Membership.Role.AGENCY_REPRESENTATIVE
    ]
    if agencies:
        chosen = rng.choice(agencies)
        return chosen.person, chosen.organisation
    if memberships:
        return memberships[0].person, memberships[0].organisation
    return None, None


def _group_actions(group, priorities, today, year_start, created) -> None:
    rng = random.Random(group.slug)  # noqa: S311 (demo data, not security)
    problems = list(
        Problem.objects.filter(group=group, merged_into__isnull=True)
        .select_related("category")
        .order_by("pk")[:4]
    )
    if not problems and group.type.priorities_per_period == 0 and not group.parent_id:
        return
    lead, organisation = _lead(group, rng)
    if lead is None:
        return
    rows = [(problem, *ACTIONS.get(problem.category.slug, GENERIC)) for problem in problems]
    rows.append((None, *GENERIC))
    existing = set(Action.objects.filter(group=group).values_list("description", flat=True))
    for number, (problem, description, evidence) in enumerate(rows):
        if description in existing:
            continue
        stage = STAGES[(number + len(group.slug)) % len(STAGES)]
        start = year_start + dt.timedelta(days=rng.randint(10, 120))
        due = start + dt.timedelta(days=rng.randint(60, 200))
        if stage == "overdue":
            due = min(due, today - dt.timedelta(days=rng.randint(5, 40)))
            start = min(start, due - dt.timedelta(days=30))
        elif stage in ("on_track", "at_risk", "not_started"):
            due = max(due, today + dt.timedelta(days=rng.randint(10, 90)))
        category = problem.category.slug if problem else ""
        priority = priorities.get(PRIORITY_OF.get(category, "anti-social-behaviour"))
        action = services.action_create(
            group=group,
            problem=problem,
            issue="" if problem else "Residents' concerns raised at the open meeting",
            description=description,
            lead=lead,
            lead_organisation=organisation,
            start_on=start,
            due_on=due,
            status="not_started" if stage == "not_started" else "on_track",
            strategic_priority=priority,
            is_public=problem.is_public if problem else True,
            budget=Decimal("150.00") if number == 0 and group.accountable_body_id else None,
        )
        created["actions"] = created.get("actions", 0) + 1
        if stage == "not_started":
            continue
        services.update_add(action=action, text="Started: partners agreed who does what.", by=None)
        if stage == "at_risk":
            services.update_add(
                action=action,
                text="Waiting for the housing provider's go-ahead; may slip.",
                status="at_risk",
                by=None,
            )
        elif stage == "overdue":
            services.update_add(
                action=action,
                text="Delayed by staff absence; new date to be agreed.",
                is_internal=True,
                by=None,
            )
        elif stage in ("done", "done_too_early"):
            finished = min(today - dt.timedelta(days=3), max(start + dt.timedelta(days=30), due))
            if stage == "done":
                services.action_complete(
                    action=action,
                    worked=rng.choice(["yes", "yes", "partly"]),
                    evidence=evidence,
                    learning="Working with residents from the start made the difference.",
                    completed_on=finished,
                    by=None,
                )
            else:
                services.action_complete(
                    action=action,
                    evaluate_by=today + dt.timedelta(days=60),
                    completed_on=finished,
                    by=None,
                )


def _partnership_actions(partnership, priorities, today, year_start, created) -> None:
    board = partnership.groups.filter(parent__isnull=True).order_by("pk").first()
    if board is None:
        return
    lead, organisation = _lead(board, random.Random("board"))  # noqa: S311 (demo data)
    if lead is None:
        return
    rows = [
        ("vulnerable-people-and-scams", "Borough-wide scams campaign with Age UK and Trading Standards"),
        ("road-safety", "Work with Highways to reduce speeding motorbikes through villages"),
        (
            "violence-reduction-and-young-people",
            "Violence reduction network sessions in every secondary school",
        ),
    ]
    existing = set(
        Action.objects.filter(partnership=partnership, group=None).values_list("description", flat=True)
    )
    for number, (slug, description) in enumerate(rows):
        if description in existing or slug not in priorities:
            continue
        services.action_create(
            partnership=partnership,
            issue="Community Safety Strategy priority",
            description=description,
            lead=lead,
            lead_organisation=organisation,
            start_on=year_start + dt.timedelta(days=14 + 30 * number),
            due_on=max(today + dt.timedelta(days=45 * (number + 1)), year_start + dt.timedelta(days=200)),
            status="on_track",
            strategic_priority=priorities[slug],
        )
        created["actions"] = created.get("actions", 0) + 1


def _plan(partnership, strategy, year_start, year_end, today, created) -> AnnualPlan | None:
    plan = AnnualPlan.objects.filter(partnership=partnership, starts_on=year_start).first()
    if plan is not None:
        return plan
    if not (strategy.starts_on <= year_start <= strategy.ends_on):
        return None
    plan = annual.plan_compile(
        partnership=partnership, strategy=strategy, starts_on=year_start, ends_on=year_end
    )
    annual.plan_approve(
        plan=plan,
        decision_text=(
            f"RESOLVED that the {plan.title} be APPROVED, and that the Partnership review it each quarter."
        ),
        approved_on=min(today, year_start + dt.timedelta(days=44)),
    )
    created["annual plans"] = created.get("annual plans", 0) + 1
    return plan


NARRATIVES = [
    "Most actions are on track. Partners report good joint working in the neighbourhoods.",
    "One action is overdue because of staff absence; the lead has agreed a new date.",
    "The figures are moving towards the target; residents' feedback at the open meetings is positive.",
]


def _reviews(plan: AnnualPlan, today, created) -> None:
    have = set(QuarterlyReview.objects.filter(plan=plan).values_list("period_start", flat=True))
    for start, end in review.plan_quarters(plan):
        if end >= today or start in have:
            continue
        the_review = review.review_create(plan=plan, period_start=start)
        narratives = {
            narrative.strategic_priority_id: NARRATIVES[index % len(NARRATIVES)]
            for index, narrative in enumerate(the_review.narratives.order_by("strategic_priority__position"))
        }
        review.review_update(
            review=the_review,
            summary=f"Progress of the plan in the quarter to {end:%-d %B %Y}.",
            recommendation=the_review.recommendation,
            narratives=narratives,
        )
        review.review_finalise(review=the_review)
        created["quarterly reviews"] = created.get("quarterly reviews", 0) + 1


def _funds(partnership, today, created) -> None:
    group = (
        partnership.groups.filter(accountable_body__isnull=False)
        .select_related("accountable_body")
        .order_by("slug")
        .first()
    )
    if group is None:
        return
    year_start, _ = _financial_year(today)
    action = Action.objects.filter(group=group, budget__isnull=False).order_by("pk").first()
    council: Organisation = group.accountable_body
    rows = [
        ("grant", 10, "500.00", council.name, "Community safety small grant", None),
        ("donation", 24, "75.00", "Partington Bowling Club", "Donation after the summer fun day", None),
        ("spending", 40, "96.50", "PrintWorks Partington", "Leaflets about bulky waste collections", action),
        ("spending", 75, "42.00", "Partington Hardware", "Signs for the alley clean-up day", action),
    ]
    existing = set(LedgerEntry.objects.filter(group=group).values_list("description", flat=True))
    for kind, days, amount, counterparty, description, linked in rows:
        day = year_start + dt.timedelta(days=days)
        if description in existing or day > today:
            continue
        funds.entry_record(
            group=group,
            kind=kind,
            date=day,
            amount=Decimal(amount),
            counterparty=counterparty,
            description=description,
            action=linked,
            by=None,
        )
        created["ledger entries"] = created.get("ledger entries", 0) + 1


LEICESTER_PROBLEM = "Shoplifting on Gallowtree Gate and in the Haymarket"  # from the problems demo


def _leicester_action(created: dict) -> None:
    """The Leicester city centre NAP's retail crime action, done and evaluated, whose page shows
    what the police data says before and after it started (the evidence demo's real months)."""
    from tandem.problems.models import Problem

    problem = Problem.objects.filter(title=LEICESTER_PROBLEM).select_related("group").first()
    if problem is None or Action.objects.filter(problem=problem).exists():
        return
    from tandem.partnership.models import Membership

    police = (
        Membership.objects.filter(group=problem.group, organisation__isnull=False)
        .select_related("person")
        .first()
    )
    if police is None:
        return
    action = services.action_create(
        group=problem.group,
        problem=problem,
        issue=problem.title,
        description=(
            "Retail crime partnership: shared radio, banning notices and a PCSO on Gallowtree Gate "
            "on Saturdays"
        ),
        lead=police.person,
        lead_organisation=police.organisation,
        start_on=dt.date(2022, 5, 1),
        due_on=dt.date(2022, 10, 31),
        status=Action.Status.ON_TRACK,
    )
    services.action_complete(
        action=action,
        worked=Action.Worked.NO,
        evidence=(
            "Shoplifting and thefts rose by 9% in the six months after, no less than in the rest of "
            "Leicester (police.uk data on the action's page)."
        ),
        learning="Banning notices alone did not change much; the BID will try store design advice next.",
        completed_on=dt.date(2022, 11, 7),
        by=None,
    )
    created["actions"] = created.get("actions", 0) + 1
