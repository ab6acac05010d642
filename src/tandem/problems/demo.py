"""Demo problems: the problem-solving chain at different stages in every Neighbourhood Action Panel.

Called by ``manage.py load_demo``. Each NAP gets a handful of problems (some raised
many times), its three priorities for this quarter and last quarter (some carried
over), and the chain above it: one problem waiting for the JAG's decision, one the
JAG accepted, and the persistent problem on the Sale West estate for which the JAG
set up the Community Led Solution group. Problems are keyed on group and title, so
running the demo again adds nothing.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.accounts.models import User
from tandem.partnership.models import Group, Membership, Partnership
from tandem.places.models import Area
from tandem.problems.models import (
    Category,
    Escalation,
    Priority,
    PriorityPoll,
    PriorityPollRanking,
    Problem,
    ProblemNote,
    ProblemReport,
    ProblemStatusChange,
    quarter_of,
)
from tandem.problems.polls import default_period_start, poll_candidates
from tandem.problems.priorities import period_label

# (title, category slug, description, status)
PROBLEMS = [
    (
        "Motorbikes racing on {street} at night",
        "speeding-road-safety",
        "Residents report off-road bikes racing after 22:00, most nights in summer.",
        Problem.Status.RESPONSE,
    ),
    (
        "Drug dealing near the {street} shops",
        "drugs",
        "Cars stopping briefly outside the shops; needles found in the alley.",
        Problem.Status.ANALYSIS,
    ),
    (
        "Fly-tipping in the alley behind {street}",
        "fly-tipping",
        "Mattresses and builders' waste dumped every week.",
        Problem.Status.ASSESSMENT,
    ),
    (
        "Doorstep scams targeting older residents",
        "scams-fraud",
        "Rogue roofers calling door to door; two residents lost money.",
        Problem.Status.SCANNING,
    ),
    (
        "Young people gathering at {street} park",
        "youth-nuisance",
        "Groups gathering late, litter and noise; residents feel intimidated.",
        Problem.Status.RESOLVED,
    ),
    (
        "Cyclists' safety at the {street} junction",
        "cyclists-safety",
        "Near misses reported by parents on the school run.",
        Problem.Status.SCANNING,
    ),
]
STREETS = [
    "Mill Lane",
    "Church Road",
    "Station Road",
    "Moss Lane",
    "Park Avenue",
    "Victoria Street",
    "Chester Road",
    "Manor Avenue",
]
FLOW = [
    Problem.Status.SCANNING,
    Problem.Status.ANALYSIS,
    Problem.Status.RESPONSE,
    Problem.Status.ASSESSMENT,
    Problem.Status.RESOLVED,
]


def demo_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    progress("Problems, priorities and escalations")
    today = timezone.localdate()
    this_quarter = quarter_of(today)
    last_quarter = quarter_of(this_quarter[0] - dt.timedelta(days=1))
    if not Category.objects.exists():
        # The categories come from a data migration; a flushed test database has lost them.
        from importlib import import_module

        from django.apps import apps

        import_module("tandem.problems.migrations.0002_seed_categories").seed(apps, None)
    categories = {category.slug: category for category in Category.objects.all()}
    with transaction.atomic():
        naps = list(
            partnership.groups.filter(type__priorities_per_period__gt=0)
            .select_related("area", "parent", "type")
            .order_by("slug")
        )
        for index, nap in enumerate(naps):
            rng = random.Random(nap.slug)  # noqa: S311 (demo data, not security)
            members = list(
                Membership.objects.current().filter(group=nap).select_related("person", "organisation")
            )
            problems = []
            for number, (title, category, description, status) in enumerate(PROBLEMS):
                street = STREETS[(index + number) % len(STREETS)]
                problem, is_new = _problem(
                    nap,
                    title.format(street=street),
                    categories[category],
                    description,
                    status,
                    rng,
                    members,
                    today,
                    created,
                )
                problems.append(problem)
            open_problems = [p for p in problems if p.is_open]
            for rank, problem in enumerate(open_problems[:3], start=1):
                previous = None
                if rank <= 2:  # two of the three were priorities last quarter too
                    previous, _ = Priority.objects.get_or_create(
                        group=nap,
                        problem=problem,
                        period_start=last_quarter[0],
                        defaults={
                            "period_end": last_quarter[1],
                            "rank": rank,
                            "reason": "Raised at every meeting; the evidence shows a rising trend.",
                        },
                    )
                Priority.objects.get_or_create(
                    group=nap,
                    problem=problem,
                    period_start=this_quarter[0],
                    defaults={
                        "period_end": this_quarter[1],
                        "rank": rank,
                        "carried_over_from": previous,
                        "reason": "Carried over: still the residents' top concern."
                        if previous
                        else "New this quarter after residents' reports.",
                    },
                )
            if nap.parent_id and index % 3 == 0 and open_problems:
                _escalate(open_problems[0], nap, decision="", notes="")
            if nap.parent_id and index % 3 == 1 and open_problems:
                _escalate(
                    open_problems[-1],
                    nap,
                    decision=Escalation.Decision.ACCEPT,
                    notes="The JAG takes this on: it crosses three neighbourhoods.",
                )
        cls_group = (
            Group.objects.filter(partnership=partnership, slug="sale-west-cls")
            .select_related("parent")
            .first()
        )
        if cls_group and cls_group.parent_id:
            _cls_chain(cls_group, categories, today, created)
        poll_nap = next((nap for nap in naps if nap.slug == "stretford-nap"), naps[0] if naps else None)
        if poll_nap is not None:
            _poll(poll_nap, today, created)
        _leicester_chain(categories, created)


def _problem(group, title, category, description, status, rng, members, today, created):
    # Owned by the group, or by the group above that accepted it from this one.
    problem = (
        Problem.objects.filter(title=title).filter(Q(group=group) | Q(escalations__from_group=group)).first()
    )
    if problem is not None:
        return problem, False
    times = rng.randint(1, 9)
    first = today - dt.timedelta(days=rng.randint(120, 400))
    lat = lng = None
    if group.area and group.area.centroid_lat is not None:
        lat = round(group.area.centroid_lat + rng.uniform(-0.004, 0.004), 6)
        lng = round(group.area.centroid_lng + rng.uniform(-0.006, 0.006), 6)
    problem = Problem.objects.create(
        partnership=group.partnership,
        group=group,
        title=title,
        description=description,
        category=category,
        area=group.area,
        latitude=lat,
        longitude=lng,
        raised_by=Problem.RaisedBy.RESIDENT,
        first_raised_on=first,
        last_raised_on=first,
        times_raised=times,
        status=status,
        victim="Residents of the street, especially older people living alone." if times > 3 else "",
        location_analysis="Poor lighting and an unadopted alley with no overlooking windows."
        if times > 5
        else "",
    )
    created["problems"] = created.get("problems", 0) + 1
    last = first
    for n in range(times):
        raised_on = first + dt.timedelta(days=n * rng.randint(10, 40))
        raised_on = min(raised_on, today)
        last = max(last, raised_on)
        member = members[n % len(members)] if members and n % 2 else None
        ProblemReport.objects.create(
            problem=problem,
            raised_on=raised_on,
            raised_by=Problem.RaisedBy.AGENCY
            if member and member.organisation_id
            else Problem.RaisedBy.RESIDENT,
            person=member.person if member else None,
            organisation=member.organisation if member else None,
            note="Raised again at the Panel's meeting." if n else "First reported by a resident.",
        )
    problem.last_raised_on = last
    problem.save(update_fields=["last_raised_on"])
    steps = FLOW[: FLOW.index(status) + 1] if status in FLOW else [Problem.Status.SCANNING, status]
    moment = timezone.make_aware(dt.datetime.combine(first, dt.time(19, 0)))
    previous = ""
    for step in steps:
        ProblemStatusChange.objects.create(
            problem=problem,
            from_status=previous,
            to_status=step,
            changed_at=moment,
            reason={
                "scanning": "Reported",
                "analysis": "Persistent: the Panel asked for the evidence",
                "response": "Agencies agreed a plan",
                "assessment": "Plan carried out; checking the effect",
                "resolved": "No reports for three months",
            }.get(step, ""),
        )
        previous = step
        moment += dt.timedelta(days=30)
    if times > 4:
        ProblemNote.objects.create(problem=problem, text="Police and council walked the area with residents.")
    return problem, True


def _escalate(problem, group, *, decision, notes):
    if problem.escalations.exists():
        return
    escalation = Escalation.objects.create(
        problem=problem,
        from_group=group,
        to_group=group.parent,
        reason="Raised at every meeting for two quarters; the Panel cannot solve it with local resources.",
        decision=decision,
        decision_notes=notes,
        decided_at=timezone.now() if decision else None,
    )
    if decision == Escalation.Decision.ACCEPT:
        problem.group = group.parent
        problem.save(update_fields=["group"])
        ProblemNote.objects.create(
            problem=problem, text=f"Accepted by {group.parent}: owner changed from {group}."
        )
    return escalation


def _cls_chain(cls_group, categories, today, created):
    jag = cls_group.parent
    nap = Group.objects.filter(parent=jag, type__priorities_per_period__gt=0).order_by("slug").first()
    if nap is None:
        return
    title = "Persistent anti-social behaviour on the Sale West estate"
    problem, is_new = _problem(
        nap,
        title,
        categories["anti-social-behaviour"],
        "Groups on motorbikes, intimidation of residents and damage to the community centre, "
        "for over a year.",
        Problem.Status.RESPONSE,
        random.Random(title),  # noqa: S311 (demo data, not security)
        [],
        today,
        created,
    )
    if cls_group.area_id and problem.area_id != cls_group.area_id:
        problem.area = cls_group.area
        problem.save(update_fields=["area"])
    if not problem.escalations.exists():
        Escalation.objects.create(
            problem=problem,
            from_group=nap,
            to_group=jag,
            reason="A priority for four quarters running; reports keep rising.",
            decision=Escalation.Decision.ESTABLISH_CLS,
            decision_notes="Residents are ready to lead; the support officer will facilitate.",
            decided_at=timezone.now(),
            established_group=cls_group,
        )


DEMO_RESIDENTS = 16


def _demo_residents(created) -> list[User]:
    """Residents who voted in the demo's public vote. They cannot sign in (no usable password)."""
    residents = []
    for n in range(1, DEMO_RESIDENTS + 1):
        email = f"demo-resident-{n:02}@example.org"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=None, name=f"Demo resident {n}", role=User.Role.MEMBER
            )
            created["demo residents"] = created.get("demo residents", 0) + 1
        residents.append(user)
    return residents


def _poll(nap, today, created):
    """An open public vote on the Panel's next priorities, with the demo residents' rankings.

    Keyed on the group and its title (which names the period), so running again adds nothing."""
    start = default_period_start(nap)
    title = f"Which problems should {nap.name} tackle in {period_label(nap.type.priority_period, start)}?"
    poll = PriorityPoll.objects.filter(group=nap, title=title).first()
    if poll is None:
        candidates = list(poll_candidates(group=nap, period_start=start)[:5])
        if len(candidates) < 2:
            return
        poll = PriorityPoll.objects.create(
            group=nap,
            title=title,
            description=f"{nap.name} chooses its top {nap.type.priorities_per_period} problems at its "
            "next meeting. Rank the ones that matter most to you: the Panel will see how many people "
            "chose each, never who.",
            period_start=start,
            opens_on=today - dt.timedelta(days=7),
            closes_on=today + dt.timedelta(days=14),
            max_ranks=min(nap.type.priorities_per_period, len(candidates)),
        )
        poll.candidates.set(candidates)
        created["public votes"] = created.get("public votes", 0) + 1
    candidates = list(poll.candidates.order_by("-times_raised", "title", "pk"))
    voted = set(PriorityPollRanking.objects.filter(poll=poll).values_list("voter_id", flat=True))
    rankings = []
    for user in _demo_residents(created):
        if user.pk in voted:
            continue
        rng = random.Random(user.email)  # noqa: S311 (demo data, not security)
        # Residents lean towards the problems raised most often, as they would.
        weights = [len(candidates) - i + 1 for i in range(len(candidates))]
        choice = []
        pool = list(zip(candidates, weights, strict=True))
        for _ in range(rng.randint(1, poll.max_ranks)):
            problem = rng.choices([p for p, _ in pool], weights=[w for _, w in pool])[0]
            choice.append(problem)
            pool = [(p, w) for p, w in pool if p != problem]
        moment = timezone.make_aware(dt.datetime.combine(poll.opens_on, dt.time(12, 0)))
        moment += dt.timedelta(hours=rng.randint(0, 24 * 7))
        rankings += [
            PriorityPollRanking(poll=poll, voter=user, problem=problem, rank=rank, created_at=moment)
            for rank, problem in enumerate(choice, start=1)
        ]
    if rankings:
        PriorityPollRanking.objects.bulk_create(rankings)
        created["public vote rankings"] = created.get("public vote rankings", 0) + len(rankings)


# --- Leicester: problems on real police data -------------------------------------------------

LEICESTER_CODE = "E06000016"  # loaded, with its LSOAs and a year of police.uk data, by the evidence demo
CLOCK_TOWER = (52.63645, -1.13380)  # Leicester's Clock Tower, at the heart of the city centre
LEICESTER_PROBLEMS = [
    (
        "Shoplifting on Gallowtree Gate and in the Haymarket",
        "burglary-theft",
        "Traders report the same people shoplifting every week; staff feel unsafe challenging them.",
        dt.date(2021, 11, 20),
        dt.date(2022, 5, 1),  # the response began: a retail crime partnership with the BID
    ),
    (
        "Violence around the Clock Tower late at night",
        "violence",
        "Fights at closing time around the Clock Tower and the bus stops on Humberstone Gate.",
        dt.date(2021, 12, 4),
        dt.date(2022, 4, 15),  # the response began: more patrols and taxi marshals on Fridays and Saturdays
    ),
]


def _leicester_chain(categories: dict, created: dict) -> None:
    """A second, small demo partnership for Leicester, whose city centre NAP works on two
    problems that have real police.uk data before and after their response began, so that a
    problem page shows its "has it changed?" panel. Only when the evidence demo loaded Leicester."""
    from shapely.geometry import Point, shape

    from tandem.partnership.presets import preset_install
    from tandem.partnership.services import group_create

    district = Area.objects.filter(code=LEICESTER_CODE).first()
    if district is None:
        return
    partnership = Partnership.objects.filter(slug="leicester-csp-demo").first()
    if partnership is None:
        partnership = Partnership.objects.create(
            name="Leicester Community Safety Partnership (demo)",
            short_name="Leicester CSP",
            slug="leicester-csp-demo",
            area=district,
            description=(
                "A small demo partnership on real police.uk data for Leicester "
                "(November 2021 to October 2022)."
            ),
        )
        created["partnerships"] = created.get("partnerships", 0) + 1
    types = {
        group_type.slug: group_type
        for group_type in preset_install(partnership=partnership, key="community-led-solution")
    }
    centre = Point(CLOCK_TOWER[1], CLOCK_TOWER[0])
    area = next(
        (
            neighbourhood
            for neighbourhood in Area.objects.filter(parent=district).exclude(boundary=None)
            if shape(neighbourhood.boundary).contains(centre)
        ),
        district,
    )
    jag = Group.objects.filter(partnership=partnership, slug="leicester-city-jag").first() or group_create(
        partnership=partnership, type=types["joint-action-group"], name="Leicester City JAG", area=district
    )
    nap = Group.objects.filter(partnership=partnership, slug="leicester-city-centre-nap").first()
    if nap is None:
        nap = group_create(
            partnership=partnership,
            type=types["neighbourhood-action-panel"],
            name="Leicester City Centre NAP",
            area=area,
            parent=jag,
            purpose=(
                "Residents, traders, the BID, police and the council working on the city centre's problems."
            ),
            venue_name="Leicester Town Hall",
            venue_address="Town Hall Square, Leicester LE1 9BG",
        )
        created["groups"] = created.get("groups", 0) + 1
    if not Membership.objects.filter(group=nap).exists():
        from tandem.partnership.models import Organisation
        from tandem.partnership.presets import stakeholder_kind_ensure
        from tandem.partnership.services import membership_create, organisation_create, person_find_or_create

        police = Organisation.objects.filter(slug="leicestershire-police").first() or organisation_create(
            name="Leicestershire Police",
            sector=Organisation.Sector.POLICE,
            stakeholder_kind=stakeholder_kind_ensure("police"),
            partnerships=[partnership],
        )
        membership_create(
            group=nap,
            # fictional, like every demo person
            person=person_find_or_create(name="Sergeant Asha Mistral", email="asha.mistral@example.org"),
            role=Membership.Role.AGENCY_REPRESENTATIVE,
            organisation=police,
        )
    for title, category, description, first_raised, response_began in LEICESTER_PROBLEMS:
        if Problem.objects.filter(group=nap, title=title).exists():
            continue
        problem = Problem.objects.create(
            partnership=partnership,
            group=nap,
            title=title,
            description=description,
            category=categories[category],
            area=area,
            latitude=CLOCK_TOWER[0],
            longitude=CLOCK_TOWER[1],
            raised_by=Problem.RaisedBy.AGENCY,
            first_raised_on=first_raised,
            last_raised_on=response_began,
            times_raised=6,
            status=Problem.Status.ASSESSMENT,
        )
        steps = [
            ("", Problem.Status.SCANNING, "Raised by the police and the BID.", first_raised),
            (
                Problem.Status.SCANNING,
                Problem.Status.ANALYSIS,
                "A persistent problem: analysed.",
                first_raised + dt.timedelta(days=30),
            ),
            (Problem.Status.ANALYSIS, Problem.Status.RESPONSE, "The response began.", response_began),
            (
                Problem.Status.RESPONSE,
                Problem.Status.ASSESSMENT,
                "Six months on: is it working?",
                dt.date(2022, 11, 1),
            ),
        ]
        for from_status, to_status, reason, day in steps:
            ProblemStatusChange.objects.create(
                problem=problem,
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                changed_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
            )
        created["problems"] = created.get("problems", 0) + 1
