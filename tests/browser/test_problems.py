"""Issue 5's "Done when": a problem goes from a PCSO's report to a Community Led Solution group.

A PCSO enters problems for their Neighbourhood Action Panel; the Panel's chair carries last
quarter's priority over and chooses two more (a fourth is refused); the PCSO escalates the
persistent one to the Joint Action Group, whose chair decides to set up a Community Led
Solution group; that group's page shows the problem, the community lead and the support
officer; the problem's timeline shows every step. A resident then sees the public problem
without who raised it. Every page visited passes axe.
"""

import datetime as dt
from importlib import import_module

import django.apps
import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.meetings.models import AgendaItem
from tandem.partnership.models import GroupType, Membership, Organisation
from tandem.problems.models import Escalation, Priority, Problem, ProblemReport, quarter_of
from tests.browser.conftest import PageProblems
from tests.factories import (
    make_area,
    make_group,
    make_group_type,
    make_meeting,
    make_membership,
    make_organisation,
    make_partnership,
    make_person,
    make_user,
)

pytestmark = pytest.mark.browser

PERSISTENT = "Motorbikes racing through Sale West at night"
PROBLEMS = [
    (PERSISTENT, "Off-road bikes race round the estate after 22:00, most nights.", "Sale West estate"),
    ("Drug dealing outside the Moss Lane shops", "Cars stop briefly outside the shops.", "Moss Lane"),
    ("Fly-tipping in the alley behind Mill Lane", "Mattresses dumped every week.", "Mill Lane alley"),
    ("Young people gathering at Firs Park", "Groups gather late; residents feel intimidated.", "Firs Park"),
]
ESCALATION_REASON = "A priority for two quarters running and reports keep rising: we need the JAG."
DECISION_NOTES = "Residents are ready to lead; the support officer will facilitate."


class Chain:
    """A partnership with a Joint Action Group above a Neighbourhood Action Panel, and its people."""

    def __init__(self) -> None:
        district = make_area(name="Trafford District", kind="district")
        self.area = make_area(name="Sale West", kind="neighbourhood", parent=district)
        self.partnership = make_partnership(name="Trafford Community Safety Partnership", area=district)
        jag_type = make_group_type(
            partnership=self.partnership, name="Joint Action Group", short_name="JAG", tier=1
        )
        nap_type = make_group_type(
            partnership=self.partnership,
            name="Neighbourhood Action Panel",
            short_name="NAP",
            tier=0,
            escalates_to=jag_type,
            priorities_per_period=3,
            priority_period=GroupType.Period.QUARTER,
        )
        self.cls_type = GroupType.objects.create(
            partnership=self.partnership,
            name="Community Led Solution group",
            short_name="CLS",
            slug="community-led-solution-group",
            tier=0,
        )
        self.jag = make_group(
            partnership=self.partnership,
            group_type=jag_type,
            name="Trafford Joint Action Group",
            area=district,
        )
        self.nap = make_group(
            partnership=self.partnership,
            group_type=nap_type,
            name="Sale West Neighbourhood Action Panel",
            area=self.area,
            parent=self.jag,
        )
        self.police = make_organisation(name="Trafford Police", sector=Organisation.Sector.POLICE)

        self.pcso = make_user(name="PCSO Priya Patrol", email="priya@example.org")
        make_membership(
            group=self.nap,
            person=make_person(name="PCSO Priya Patrol", email="priya@example.org", user=self.pcso),
            role=Membership.Role.AGENCY_REPRESENTATIVE,
            organisation=self.police,
        )
        self.nap_chair = make_user(name="Nina Napchair", email="nina@example.org")
        make_membership(
            group=self.nap,
            person=make_person(name="Nina Napchair", email="nina@example.org", user=self.nap_chair),
            role=Membership.Role.CHAIR,
        )
        self.jag_chair = make_user(name="Jack Jagchair", email="jack@example.org")
        make_membership(
            group=self.jag,
            person=make_person(name="Jack Jagchair", email="jack@example.org", user=self.jag_chair),
            role=Membership.Role.CHAIR,
        )
        self.support_officer = make_user(name="Sam Support", email="sam@example.org")
        make_membership(
            group=self.jag,
            person=make_person(name="Sam Support", email="sam@example.org", user=self.support_officer),
            role=Membership.Role.SUPPORT_OFFICER,
        )
        make_membership(
            group=self.jag,
            person=make_person(name="Inspector Ian Beat"),
            role=Membership.Role.AGENCY_REPRESENTATIVE,
            organisation=self.police,
        )
        # The resident who first reported the motorbikes to the PCSO: no account, not on any group.
        self.resident = make_person(name="Rita Resident", email="rita@example.org")
        # The NAP met last quarter (its priorities a standing item); the JAG meets next week.
        today = timezone.localdate()
        last_quarter = quarter_of(quarter_of(today)[0] - dt.timedelta(days=1))
        held = make_meeting(
            group=self.nap,
            starts_at=timezone.make_aware(
                dt.datetime.combine(last_quarter[1] - dt.timedelta(days=5), dt.time(18))
            ),
        )
        AgendaItem.objects.create(meeting=held, title="The group's priorities", standing="priorities")
        self.jag_meeting = make_meeting(
            group=self.jag,
            starts_at=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=7), dt.time(18))),
        )


def _follow(page, locator, status: int) -> None:
    """Click and check the status of the page it leads to (after any redirect)."""
    with page.expect_navigation() as navigation:
        locator.click()
    page.wait_for_load_state()
    assert navigation.value.status == status, f"{page.url} answered {navigation.value.status}"


def _submit(page, name: str, *, status: int = 200) -> None:
    _follow(page, page.get_by_role("button", name=name, exact=True), status)


def _click(page, name: str) -> None:
    _follow(page, page.get_by_role("link", name=name, exact=True), 200)


def _main(page) -> str:
    return page.locator("main").inner_text()


def _fill_date(page, group_name: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=group_name)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_problem_goes_from_a_pcso_to_a_community_led_solution_group_through_the_pages(
    page, visit, audit, sign_in_as
):
    # A flushed test database has lost the categories migration 0002 seeds.
    import_module("tandem.problems.migrations.0002_seed_categories").seed(django.apps.apps, None)
    chain = Chain()
    today = timezone.localdate()
    this_quarter = quarter_of(today)
    last_quarter = quarter_of(this_quarter[0] - dt.timedelta(days=1))
    first_raised = last_quarter[0] + dt.timedelta(days=7)

    # 1. The PCSO records four problems for the NAP through the create page
    sign_in_as(page, chain.pcso)
    visit(page, reverse("problems:problem-list"))
    for number, (title, description, where) in enumerate(PROBLEMS):
        _click(page, "Record a problem")
        audit(page)
        page.get_by_label("Group that owns it").select_option(label=chain.nap.name)
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Description").fill(description)
        page.get_by_label("Category").select_option(label="Anti-social behaviour")
        page.get_by_label("Area", exact=True).select_option(label="Sale West")
        page.get_by_label("Where (in words)").fill(where)
        page.get_by_label("A resident").check()
        if number == 0:  # first reported last quarter, by Rita Resident, who agrees to be contacted
            _fill_date(page, "Date first raised", first_raised)
            page.get_by_label("Their name").fill("Rita Resident")
            page.get_by_label("Email address").fill("rita@example.org")
            page.get_by_label("They agree to be contacted about it").check()
        _submit(page, "Save problem")
        audit(page)
        assert f"The problem “{title}” has been recorded" in _main(page)
        if number < len(PROBLEMS) - 1:
            visit(page, reverse("problems:problem-list"))
    problems = {p.title: p for p in Problem.objects.filter(group=chain.nap)}
    assert sorted(problems) == sorted(title for title, _, _ in PROBLEMS)
    persistent = problems[PERSISTENT]
    assert persistent.first_raised_on == first_raised
    assert persistent.category.slug == "anti-social-behaviour" and persistent.area == chain.area
    assert persistent.status == Problem.Status.SCANNING
    # Rita was already on record (same email address): she is found, not duplicated, and she is
    # the community lead the CLS group will get
    assert persistent.raised_by_person == chain.resident
    assert ProblemReport.objects.get(problem=persistent).contact_consent

    # 2. Two quarters: last quarter the NAP chose it (set up in the ORM: pages only set the
    #    current quarter); this quarter its chair carries it over and chooses two more
    earlier = Priority.objects.create(
        group=chain.nap,
        problem=persistent,
        period_start=last_quarter[0],
        period_end=last_quarter[1],
        rank=1,
        reason="Raised at every meeting since it was first reported.",
    )
    chosen = timezone.make_aware(dt.datetime.combine(first_raised + dt.timedelta(days=3), dt.time(19)))
    Priority.objects.filter(pk=earlier.pk).update(created_at=chosen)
    page.context.clear_cookies()
    sign_in_as(page, chain.nap_chair)
    priorities_url = reverse("problems:group-priorities", kwargs={"slug": chain.nap.slug})
    visit(page, priorities_url)
    _follow(page, page.get_by_role("button", name="Carry over the priorities of"), 200)
    audit(page)
    _submit(page, "Carry them over")
    audit(page)
    assert "1 priority carried over" in _main(page)
    current = page.locator("table:has(caption:text('Priorities for'))").inner_text()
    assert PERSISTENT in current and "2nd quarter running" in current

    second, third, fourth = (title for title, _, _ in PROBLEMS[1:])
    for title in (second, third):
        if title == third:
            # A second organiser opens the same page now, before the third priority is chosen
            stale = page.context.new_page()
            stale.problems = PageProblems(stale)
            stale.goto(priorities_url)
            audit(stale)
        page.get_by_label("Problem", exact=True).select_option(label=_option(page, title))
        page.get_by_label("Why is it a priority?").fill(f"Residents raise {title.lower()} at every meeting.")
        _submit(page, "Choose as a priority")
        audit(page)
        assert f"“{title}” is now priority" in _main(page)
    main = _main(page)
    assert "has its 3 priorities" in main and "Remove one before adding another" in main
    assert page.get_by_role("button", name="Choose as a priority").count() == 0

    # ... a fourth, chosen from the page opened before the third, is refused
    stale.get_by_label("Problem", exact=True).select_option(label=_option(stale, fourth))
    stale.get_by_label("Why is it a priority?").fill("Another resident complained this week.")
    _submit(stale, "Choose as a priority", status=400)
    audit(stale)
    summary = stale.locator(".govuk-error-summary").inner_text()
    assert f"{chain.nap.name} already has its 3 priorities for" in summary
    assert "Remove one before adding another" in summary
    stale.close()
    this = Priority.objects.filter(group=chain.nap, period_start=this_quarter[0]).order_by("rank")
    assert [p.problem.title for p in this] == [PERSISTENT, second, third]
    assert not Priority.objects.filter(problem__title=fourth).exists()

    # 3. The PCSO escalates the persistent problem to the JAG from its page
    page.context.clear_cookies()
    sign_in_as(page, chain.pcso)
    visit(page, persistent.get_absolute_url())
    _click(page, f"Escalate it to {chain.jag.name}")
    audit(page)
    page.get_by_label("Why does the group above need to take it up?").fill(ESCALATION_REASON)
    _submit(page, "Escalate the problem")
    audit(page)
    assert f"has been escalated to {chain.jag.name}" in _main(page)
    escalation = Escalation.objects.get(problem=persistent)
    assert (escalation.from_group, escalation.to_group, escalation.is_open) == (chain.nap, chain.jag, True)

    # 4. The JAG chair decides to establish a Community Led Solution group
    page.context.clear_cookies()
    sign_in_as(page, chain.jag_chair)
    visit(page, chain.jag.get_absolute_url())
    _click(page, "Problems escalated to it")
    audit(page)
    waiting = page.locator("table:has(caption:text('Problems escalated to'))").inner_text()
    assert PERSISTENT in waiting and chain.nap.name in waiting and ESCALATION_REASON in waiting
    _click(page, f"Decide on “{PERSISTENT}”")
    audit(page)
    page.get_by_label("Establish a Community Led Solution group").check()
    page.get_by_label("Notes or advice").fill(DECISION_NOTES)
    _submit(page, "Record the decision")
    audit(page)
    escalation.refresh_from_db()
    assert escalation.decision == Escalation.Decision.ESTABLISH_CLS
    cls_group = escalation.established_group
    assert cls_group is not None and cls_group.type == chain.cls_type and cls_group.parent == chain.jag
    # The new group is private; the JAG chair is not one of its members but runs the group
    # above it, so oversees it: the chair lands on its page, which names the problem
    assert page.url.endswith(cls_group.get_absolute_url())
    assert f"{cls_group.name} has been set up." in _main(page)
    overseen = page.locator(".govuk-summary-list__row:has(dt:text('Set up to work on'))").inner_text()
    assert PERSISTENT in overseen and f"set up by {chain.jag.name}" in overseen
    visit(page, reverse("problems:group-escalations", kwargs={"slug": chain.jag.slug}))
    decided = page.locator("table:has(caption:text('Decisions of'))").inner_text()
    assert "Establish a Community Led Solution group" in decided and DECISION_NOTES in decided
    roles = dict(Membership.objects.filter(group=cls_group).values_list("person__name", "role"))
    assert roles == {
        "Sam Support": Membership.Role.SUPPORT_OFFICER,
        "Rita Resident": Membership.Role.COMMUNITY_LEAD,
        "Inspector Ian Beat": Membership.Role.AGENCY_REPRESENTATIVE,  # police: the category needs them
    }

    # ... the new group's page (private: shown to its support officer) names the problem,
    #     its community lead and its support officer
    page.context.clear_cookies()
    sign_in_as(page, chain.support_officer)
    visit(page, cls_group.get_absolute_url())
    group_page = _main(page)
    assert PERSISTENT in group_page
    assert page.get_by_role("link", name=PERSISTENT, exact=False).count() == 1
    assert "Rita Resident" in group_page and "Community lead" in group_page
    assert "Sam Support" in group_page and "Facilitator or support officer" in group_page
    assert "Inspector Ian Beat" in group_page

    # 5. The problem's timeline shows every step, in order
    visit(page, persistent.get_absolute_url())
    timeline = page.locator("ol.tandem-timeline > li h3").all_inner_texts()
    steps = [
        "Raised",
        f"Made a priority of {chain.nap.name} for {last_quarter[0]:%-d %B %Y}",
        f"Discussed at {chain.nap.name}'s meeting on",
        f"Made a priority of {chain.nap.name} for {this_quarter[0]:%-d %B %Y}",
        f"Escalated from {chain.nap.name} to {chain.jag.name}",
        f"{chain.jag.name} decided: Establish a Community Led Solution group",
        f"On the agenda of {chain.jag.name}'s meeting on",
    ]
    positions = [next(i for i, text in enumerate(timeline) if text.startswith(step)) for step in steps]
    assert positions == sorted(positions), timeline
    assert "Status set to scanning" in timeline
    assert page.get_by_role("link", name=f"{chain.jag.name} decided:", exact=False).count() == 1
    # ... and the JAG's meeting page links back to the problem under its escalated item
    visit(page, chain.jag_meeting.get_absolute_url())
    assert page.get_by_role("link", name=f"Problem #{persistent.pk}: {PERSISTENT}", exact=False).count() == 1

    # 6. A resident (signed out) sees the public problem, but never who raised it
    page.context.clear_cookies()
    visit(page, reverse("problems:problem-list"))
    assert page.get_by_role("link", name=PERSISTENT).count() == 1
    _click(page, PERSISTENT)
    audit(page)
    public = _main(page)
    assert PERSISTENT in public and "Raised" in public
    assert "Rita Resident" not in page.content() and "Raised by" not in public
    assert "PCSO Priya Patrol" not in page.content()
    # ... and no link to the private Community Led Solution group's page
    assert page.get_by_role("link", name=f"{chain.jag.name} decided:", exact=False).count() == 0
    assert cls_group.get_absolute_url() not in page.content()


def _option(page, title: str) -> str:
    """The label of the problem's option in the priority form's select."""
    options = page.get_by_label("Problem", exact=True).locator("option").all_inner_texts()
    return next(option for option in options if option.startswith(title))
