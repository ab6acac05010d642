"""The annual Community Safety Action Plan: compiled from the tagged actions of the year, edited
before approval, approved by a recorded decision, then frozen."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tandem.actionplans import annual
from tandem.actionplans.models import Action, AnnualPlan, AnnualPlanEntry
from tandem.meetings.models import Decision, Meeting
from tandem.strategy.models import StrategicPriority, Strategy
from tests.factories import make_group, make_meeting, make_membership, make_partnership, make_person

YEAR = dt.date(2026, 4, 1)


def _priority(strategy, slug) -> StrategicPriority:
    return strategy.priorities.get(slug=slug)


def _at(days: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))


def _finish(action: Action, *, completed_on: dt.date, status: str = Action.Status.DONE) -> Action:
    Action.objects.filter(pk=action.pk).update(status=status, worked="yes", completed_on=completed_on)
    action.refresh_from_db()
    return action


def _compile(cast, strategy, **kwargs) -> AnnualPlan:
    return annual.plan_compile(
        partnership=cast.partnership, strategy=strategy, starts_on=YEAR, by=cast.officer, **kwargs
    )


def _entries(plan) -> list[int]:
    """The plan's action ids in the plan's order."""
    return list(
        plan.entries.order_by("strategic_priority__position", "position").values_list("action_id", flat=True)
    )


@pytest.fixture
def asb(strategy):
    return _priority(strategy, "anti-social-behaviour")


@pytest.fixture
def rural(strategy):
    return _priority(strategy, "rural-crime")


@pytest.fixture
def roads(strategy):
    return _priority(strategy, "road-safety")


# --- Compiling --------------------------------------------------------------------------------


def test_compile_picks_the_tagged_actions_of_the_year_and_partnership_level_ones(
    cast, strategy, asb, rural, make_action
):
    # given actions that belong to the year 2026/27 …
    due_in_year = make_action("Due in the year", strategic_priority=asb, due_on=dt.date(2026, 9, 1))
    partnership_level = make_action(
        "The partnership's own",
        group=None,
        partnership=cast.partnership,
        strategic_priority=rural,
        due_on=dt.date(2027, 1, 31),
    )
    started_in_year = make_action(
        "Starts in the year", strategic_priority=asb, start_on=dt.date(2027, 3, 1), due_on=dt.date(2027, 9, 1)
    )
    open_at_start = make_action(
        "Runs across years",
        strategic_priority=rural,
        start_on=dt.date(2025, 6, 1),
        due_on=dt.date(2028, 1, 1),
    )
    overdue_from_before = make_action(
        "Overdue from last year", strategic_priority=asb, due_on=dt.date(2026, 1, 10)
    )
    finished_in_year = _finish(
        make_action(
            "Finished in April",
            strategic_priority=asb,
            start_on=dt.date(2025, 5, 1),
            due_on=dt.date(2026, 3, 1),
        ),
        completed_on=dt.date(2026, 4, 20),
    )
    # … and actions that do not
    make_action("Not tagged", due_on=dt.date(2026, 9, 1))
    _finish(
        make_action("Finished last year", strategic_priority=asb, due_on=dt.date(2026, 2, 1)),
        completed_on=dt.date(2026, 1, 20),
    )
    make_action(
        "Next year's", strategic_priority=asb, start_on=dt.date(2027, 5, 1), due_on=dt.date(2027, 6, 1)
    )
    other_strategy = Strategy.objects.create(
        partnership=cast.partnership,
        title="Old strategy",
        slug="old",
        starts_on=YEAR,
        ends_on=dt.date(2027, 3, 31),
    )
    old_priority = StrategicPriority.objects.create(strategy=other_strategy, title="Old", slug="old")
    make_action("Tagged with another strategy", strategic_priority=old_priority, due_on=dt.date(2026, 9, 1))
    elsewhere = make_partnership(name="Elsewhere CSP")
    their_group = make_group(partnership=elsewhere, name="Elsewhere LAG")
    their_lead = make_membership(group=their_group, person=make_person(name="Elsewhere lead")).person
    their_strategy = Strategy.objects.create(
        partnership=elsewhere, title="Theirs", slug="theirs", starts_on=YEAR, ends_on=dt.date(2029, 3, 31)
    )
    their_priority = StrategicPriority.objects.create(strategy=their_strategy, title="ASB", slug="asb")
    make_action(
        "Another partnership's",
        group=their_group,
        lead=their_lead,
        strategic_priority=their_priority,
        due_on=dt.date(2026, 9, 1),
    )

    # when
    plan = _compile(cast, strategy)

    # then
    assert plan.title == "Community Safety Action Plan 2026/27"
    assert plan.ends_on == dt.date(2027, 3, 31)
    assert plan.status == AnnualPlan.Status.DRAFT
    assert set(_entries(plan)) == {
        due_in_year.pk,
        partnership_level.pk,
        started_in_year.pk,
        open_at_start.pk,
        overdue_from_before.pk,
        finished_in_year.pk,
    }
    entry = plan.entries.get(action=partnership_level)
    assert entry.strategic_priority == rural


def test_entries_are_ordered_by_priority_then_partnership_level_then_group_then_date(
    cast, strategy, asb, rural, make_action
):
    board_action = make_action(
        "Board's", group=cast.board, strategic_priority=asb, due_on=dt.date(2026, 5, 1)
    )  # "Castleford Partnership Board" sorts before "Oakfield Local Action Group"
    late = make_action("Late", strategic_priority=asb, due_on=dt.date(2027, 2, 1))
    early = make_action("Early", strategic_priority=asb, due_on=dt.date(2026, 6, 1))
    own = make_action(
        "Own", group=None, partnership=cast.partnership, strategic_priority=asb, due_on=dt.date(2027, 3, 1)
    )
    rural_action = make_action("Rural", strategic_priority=rural, due_on=dt.date(2026, 4, 2))

    plan = _compile(cast, strategy)

    assert _entries(plan) == [own.pk, board_action.pk, early.pk, late.pk, rural_action.pk]
    assert list(
        plan.entries.filter(strategic_priority=asb).order_by("position").values_list("position", flat=True)
    ) == [
        1,
        2,
        3,
        4,
    ]


def test_a_second_plan_for_the_same_year_is_refused(cast, strategy, asb, make_action):
    make_action(strategic_priority=asb, due_on=dt.date(2026, 9, 1))
    _compile(cast, strategy)

    with pytest.raises(ValidationError, match="already an annual plan"):
        _compile(cast, strategy, title="Again")

    assert AnnualPlan.objects.count() == 1


def test_compile_refuses_a_year_outside_the_strategy_or_another_partnerships_strategy(cast, strategy):
    with pytest.raises(ValidationError, match="within the strategy"):
        annual.plan_compile(partnership=cast.partnership, strategy=strategy, starts_on=dt.date(2030, 4, 1))
    elsewhere = make_partnership(name="Elsewhere CSP")
    with pytest.raises(ValidationError, match="strategy of this partnership"):
        annual.plan_compile(partnership=elsewhere, strategy=strategy, starts_on=YEAR)
    assert not AnnualPlan.objects.exists()


def test_compile_makes_no_query_per_action(cast, strategy, asb, django_assert_max_num_queries):
    Action.objects.bulk_create(
        Action(
            partnership=cast.partnership,
            group=cast.group,
            description=f"Action {n}",
            issue="Speeding",
            lead_organisation=cast.police,
            strategic_priority=asb,
            due_on=dt.date(2026, 5, 1) + dt.timedelta(days=n % 300),
        )
        for n in range(200)
    )

    with django_assert_max_num_queries(12):
        plan = _compile(cast, strategy)

    assert plan.entries.count() == 200


# --- Recompiling and editing -------------------------------------------------------------------


def test_recompile_adds_new_and_newly_tagged_actions_and_keeps_removals_and_order(
    cast, strategy, asb, rural, make_action
):
    first = make_action("First", strategic_priority=asb, due_on=dt.date(2026, 5, 1))
    second = make_action("Second", strategic_priority=asb, due_on=dt.date(2026, 6, 1))
    removed = make_action("Removed", strategic_priority=asb, due_on=dt.date(2026, 7, 1))
    untagged = make_action("Tagged later", due_on=dt.date(2026, 8, 1))
    plan = _compile(cast, strategy)
    annual.entry_remove(entry=plan.entries.get(action=removed), by=cast.officer)
    annual.entry_move(entry=plan.entries.get(action=second), direction="up", by=cast.officer)
    # after the compile: a new action, and an old one tagged
    new = make_action("New", strategic_priority=asb, due_on=dt.date(2026, 4, 15))
    untagged.strategic_priority = rural
    untagged.save()

    added = annual.plan_recompile(plan=plan, by=cast.officer)

    assert {entry.action_id for entry in added} == {new.pk, untagged.pk}
    assert _entries(plan) == [second.pk, first.pk, new.pk, untagged.pk]
    assert annual.plan_recompile(plan=plan, by=cast.officer) == []


def test_entries_are_added_removed_and_moved_within_their_priority(cast, strategy, asb, rural, make_action):
    a = make_action("A", strategic_priority=asb, due_on=dt.date(2026, 5, 1))
    b = make_action("B", strategic_priority=asb, due_on=dt.date(2026, 6, 1))
    c = make_action("C", strategic_priority=rural, due_on=dt.date(2026, 6, 1))
    untagged = make_action("Untagged", due_on=dt.date(2026, 6, 1))
    plan = _compile(cast, strategy)

    annual.entry_add(plan=plan, action=untagged, strategic_priority=asb, by=cast.officer)
    annual.entry_move(entry=plan.entries.get(action=untagged), direction="up", by=cast.officer)
    annual.entry_move(entry=plan.entries.get(action=a), direction="up", by=cast.officer)  # already first
    annual.entry_move(entry=plan.entries.get(action=c), direction="down", by=cast.officer)  # alone
    annual.entry_remove(entry=plan.entries.get(action=b), by=cast.officer)

    assert _entries(plan) == [a.pk, untagged.pk, c.pk]
    assert plan.entries.get(action=untagged).strategic_priority == asb


def test_adding_refuses_an_action_already_in_the_plan_another_partnerships_or_one_without_a_priority(
    cast, strategy, asb, make_action
):
    a = make_action("A", strategic_priority=asb, due_on=dt.date(2026, 5, 1))
    untagged = make_action("Untagged", due_on=dt.date(2026, 6, 1))
    plan = _compile(cast, strategy)

    with pytest.raises(ValidationError, match="already in the plan"):
        annual.entry_add(plan=plan, action=a)
    with pytest.raises(ValidationError, match="Choose the strategic priority"):
        annual.entry_add(plan=plan, action=untagged)
    elsewhere = make_partnership(name="Elsewhere CSP")
    group = make_group(partnership=elsewhere)
    theirs = make_action(
        "Theirs", group=group, lead=make_membership(group=group).person, due_on=dt.date(2026, 6, 1)
    )
    with pytest.raises(ValidationError, match="action of this partnership"):
        annual.entry_add(plan=plan, action=theirs, strategic_priority=asb)
    with pytest.raises(ValidationError, match="up or down"):
        annual.entry_move(entry=plan.entries.get(action=a), direction="sideways")
    assert _entries(plan) == [a.pk]


# --- Approval --------------------------------------------------------------------------------------


@pytest.fixture
def plan(cast, strategy, asb, make_action) -> AnnualPlan:
    make_action("Extra patrols", strategic_priority=asb, due_on=dt.date(2026, 9, 1))
    return _compile(cast, strategy)


def test_approval_at_a_board_meeting_is_a_decision_in_its_minutes(cast, plan):
    meeting = make_meeting(group=cast.board, starts_at=_at(-7))

    annual.plan_approve(
        plan=plan,
        meeting=meeting,
        decision_text=annual.approval_text(plan),
        approved_on=None,
        by=cast.officer,
    )

    plan.refresh_from_db()
    decision = Decision.objects.get(meeting=meeting)
    assert decision.text == "RESOLVED that the Community Safety Action Plan 2026/27 be APPROVED"
    assert plan.status == AnnualPlan.Status.APPROVED
    assert plan.approval_decision == decision
    assert plan.approved_on == timezone.localtime(meeting.starts_at).date()
    assert plan.approved_by == cast.officer
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT


@pytest.mark.parametrize("case", ["future", "not the top group", "minutes approved", "cancelled"])
def test_approval_refuses_a_meeting_that_cannot_record_it(cast, plan, case):
    group, starts_at, fields = cast.board, _at(-7), {}
    if case == "future":
        starts_at = _at(7)
    elif case == "not the top group":
        group = cast.group
    elif case == "minutes approved":
        fields["minutes_status"] = Meeting.MinutesStatus.APPROVED
    else:
        fields["status"] = Meeting.Status.CANCELLED
    meeting = make_meeting(group=group, starts_at=starts_at, **fields)

    with pytest.raises(ValidationError) as refused:
        annual.plan_approve(
            plan=plan, meeting=meeting, decision_text=annual.approval_text(plan), by=cast.officer
        )

    assert "meeting" in refused.value.message_dict
    plan.refresh_from_db()
    assert plan.status == AnnualPlan.Status.DRAFT
    assert not Decision.objects.exists()


def test_approval_without_a_meeting_keeps_the_decision_its_date_and_who_recorded_it(cast, plan):
    day = timezone.localdate() - dt.timedelta(days=3)

    annual.plan_approve(
        plan=plan, decision_text="RESOLVED that the plan be APPROVED", approved_on=day, by=cast.officer
    )

    plan.refresh_from_db()
    assert (plan.status, plan.approved_on, plan.approved_by) == (
        AnnualPlan.Status.APPROVED,
        day,
        cast.officer,
    )
    assert plan.approval_text == "RESOLVED that the plan be APPROVED"
    assert plan.approval_decision is None


def test_approval_needs_a_date_not_in_the_future_and_actions_in_the_plan(cast, strategy):
    empty = _compile(cast, strategy)
    with pytest.raises(ValidationError, match="no actions"):
        annual.plan_approve(plan=empty, decision_text="RESOLVED", approved_on=timezone.localdate())
    AnnualPlanEntry.objects.create(
        plan=empty,
        action=Action.objects.create(
            partnership=cast.partnership, description="X", issue="Y", lead_organisation=cast.police
        ),
    )
    with pytest.raises(ValidationError, match="Enter the date"):
        annual.plan_approve(plan=empty, decision_text="RESOLVED")
    with pytest.raises(ValidationError, match="future"):
        annual.plan_approve(
            plan=empty, decision_text="RESOLVED", approved_on=timezone.localdate() + dt.timedelta(days=1)
        )
    empty.refresh_from_db()
    assert empty.status == AnnualPlan.Status.DRAFT


def test_an_approved_plan_is_frozen(cast, plan, asb, make_action):
    annual.plan_approve(
        plan=plan, decision_text="RESOLVED", approved_on=timezone.localdate(), by=cast.officer
    )
    entry = plan.entries.get()
    extra = make_action("Extra", strategic_priority=asb, due_on=dt.date(2026, 10, 1))

    for change in (
        lambda: annual.entry_add(plan=plan, action=extra),
        lambda: annual.entry_remove(entry=entry),
        lambda: annual.entry_move(entry=entry, direction="down"),
        lambda: annual.plan_recompile(plan=plan),
        lambda: annual.plan_approve(plan=plan, decision_text="Again", approved_on=timezone.localdate()),
    ):
        with pytest.raises(ValidationError, match="approved, so it cannot change"):
            change()

    assert _entries(plan) == [entry.action_id]


# --- Pages -----------------------------------------------------------------------------------------


def _approve(cast, plan):
    annual.plan_approve(
        plan=plan, decision_text="RESOLVED", approved_on=timezone.localdate(), by=cast.officer
    )


def test_the_public_sees_approved_plans_and_officers_also_drafts(client, cast, strategy, plan):
    url = reverse("actionplans:plan-list", kwargs={"slug": cast.partnership.slug})
    assert plan.title not in client.get(url).content.decode()
    client.force_login(cast.officer)
    html = client.get(url).content.decode()
    assert plan.title in html and "Draft" in html and "Compile an annual plan" in html

    client.logout()
    _approve(cast, plan)
    assert plan.title in client.get(url).content.decode()


@pytest.mark.parametrize(
    "role, draft, approved",
    [
        ("public", 404, 200),
        ("outsider", 404, 200),
        ("member", 404, 200),
        ("officer", 200, 200),
        ("administrator", 200, 200),
    ],
)
def test_the_plan_page_is_public_once_approved(client, cast, plan, role, draft, approved):
    user = cast.users()[role]
    if user:
        client.force_login(user)
    url = reverse("actionplans:plan-detail", kwargs={"pk": plan.pk})
    assert client.get(url).status_code == draft
    _approve(cast, plan)
    assert client.get(url).status_code == approved


def test_the_plan_page_groups_actions_under_their_priority_with_the_seed_columns(
    client, cast, strategy, asb, rural, make_action
):
    make_action(
        "Extra patrols on Mill Lane",
        issue="Motorbikes racing",
        strategic_priority=asb,
        due_on=dt.date(2026, 9, 1),
    )
    make_action(
        "Partnership speed campaign",
        group=None,
        partnership=cast.partnership,
        strategic_priority=rural,
        due_on=dt.date(2026, 10, 1),
    )
    make_action("Covert work", strategic_priority=asb, due_on=dt.date(2026, 9, 1), is_public=False)
    plan = _compile(cast, strategy)
    _approve(cast, plan)

    html = client.get(reverse("actionplans:plan-detail", kwargs={"pk": plan.pk})).content.decode()

    for heading in (
        "Issue to be resolved",
        "Action to be carried out",
        "Who leads",
        "Date for completion",
        "Did it work?",
    ):
        assert heading in html
    asb_at, rural_at = html.index(f'id="priority-{asb.pk}"'), html.index(f'id="priority-{rural.pk}"')
    assert (
        asb_at
        < html.index("Extra patrols on Mill Lane")
        < rural_at
        < html.index("Partnership speed campaign")
    )
    assert "Partnership-level" in html
    assert "Castleford Police" in html and "PC Paula Beat" not in html  # no name without agreement
    assert "Covert work" not in html
    assert "One further action is not public" in html
    status = Action.objects.get(description="Extra patrols on Mill Lane").display_status_label
    assert (
        '<strong class="govuk-tag govuk-tag--' in html and f">{status}</strong>" in html
    )  # words, not colour alone


def test_officers_compile_a_plan_by_choosing_a_strategy_and_year(client, cast, strategy, asb, make_action):
    make_action(strategic_priority=asb, due_on=dt.date(2026, 9, 1))
    url = reverse("actionplans:plan-create", kwargs={"slug": cast.partnership.slug})
    client.force_login(cast.officer)
    assert "2027/28" in client.get(url).content.decode()

    response = client.post(url, {"year": f"{strategy.pk}:2026-04-01"})

    plan = AnnualPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.entries.count() == 1


def test_compiling_with_no_year_chosen_or_a_taken_year_is_a_400(client, cast, strategy):
    url = reverse("actionplans:plan-create", kwargs={"slug": cast.partnership.slug})
    client.force_login(cast.officer)
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Select the year the plan covers" in response.content.decode()
    _compile(cast, strategy)
    response = client.post(url, {"year": f"{strategy.pk}:2026-04-01"})
    assert response.status_code == 400
    assert AnnualPlan.objects.count() == 1


@pytest.mark.parametrize("role, status", [("public", 302), ("member", 403), ("outsider", 403)])
def test_only_officers_compile_plans(client, cast, strategy, role, status):
    if cast.users()[role]:
        client.force_login(cast.users()[role])
    url = reverse("actionplans:plan-create", kwargs={"slug": cast.partnership.slug})
    response = client.post(url, {"year": f"{strategy.pk}:2026-04-01"})
    assert response.status_code == status
    assert not AnnualPlan.objects.exists()


def test_the_edit_page_removes_moves_and_adds_actions_without_javascript(
    client, cast, strategy, asb, make_action
):
    a = make_action("Alpha", strategic_priority=asb, due_on=dt.date(2026, 5, 1))
    b = make_action("Bravo", strategic_priority=asb, due_on=dt.date(2026, 6, 1))
    c = make_action("Charlie", strategic_priority=asb, due_on=dt.date(2026, 7, 1))
    untagged = make_action("Delta speed watch", due_on=dt.date(2026, 7, 1))
    plan = _compile(cast, strategy)
    url = reverse("actionplans:plan-edit", kwargs={"pk": plan.pk})
    client.force_login(cast.officer)
    html = client.get(url).content.decode()
    assert 'name="op" value="up"' in html and 'name="op" value="remove"' in html

    assert client.post(url, {"entry": plan.entries.get(action=c).pk, "op": "up"}).status_code == 302
    assert client.post(url, {"entry": plan.entries.get(action=a).pk, "op": "remove"}).status_code == 302
    found = client.get(url, {"q": "speed watch"}).content.decode()
    assert "Delta speed watch" in found
    response = client.post(
        url, {"op": "add", "action": untagged.pk, "strategic_priority": asb.pk, "q": "speed watch"}
    )
    assert response.status_code == 302

    assert _entries(plan) == [c.pk, b.pk, untagged.pk]


def test_bad_edits_are_a_400_and_change_nothing(client, cast, strategy, asb, make_action):
    a = make_action("Alpha", strategic_priority=asb, due_on=dt.date(2026, 5, 1))
    untagged = make_action("Untagged", due_on=dt.date(2026, 7, 1))
    plan = _compile(cast, strategy)
    url = reverse("actionplans:plan-edit", kwargs={"pk": plan.pk})
    client.force_login(cast.officer)

    assert client.post(url, {"entry": "999999", "op": "remove"}).status_code == 400
    assert client.post(url, {"entry": "x", "op": "up"}).status_code == 400
    response = client.post(url, {"op": "add", "action": untagged.pk, "q": "Untagged"})
    assert response.status_code == 400
    assert "Choose the strategic priority" in response.content.decode()
    assert client.post(url, {"op": "add", "action": a.pk}).status_code == 400  # already in it

    assert _entries(plan) == [a.pk]


def test_editing_an_approved_plan_is_refused(client, cast, plan):
    _approve(cast, plan)
    entry = plan.entries.get()
    url = reverse("actionplans:plan-edit", kwargs={"pk": plan.pk})
    client.force_login(cast.member)
    assert client.get(url).status_code == 403
    client.force_login(cast.officer)
    assert "cannot change" in client.get(url).content.decode()

    response = client.post(url, {"entry": entry.pk, "op": "remove"})

    assert response.status_code == 400
    assert plan.entries.filter(pk=entry.pk).exists()


def test_the_approve_page_records_the_decision_at_a_board_meeting(client, cast, plan):
    meeting = make_meeting(group=cast.board, starts_at=_at(-2))
    url = reverse("actionplans:plan-approve", kwargs={"pk": plan.pk})
    client.force_login(cast.officer)
    html = client.get(url).content.decode()
    assert "RESOLVED that the Community Safety Action Plan 2026/27 be APPROVED" in html
    assert "Castleford Partnership Board" in html

    response = client.post(url, {"meeting": meeting.pk, "decision_text": annual.approval_text(plan)})

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == AnnualPlan.Status.APPROVED
    assert plan.approval_decision.meeting == meeting
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "be APPROVED" in detail and meeting.get_absolute_url() in detail


def test_approving_without_a_meeting_or_a_date_is_a_400(client, cast, plan):
    client.force_login(cast.officer)
    response = client.post(
        reverse("actionplans:plan-approve", kwargs={"pk": plan.pk}), {"decision_text": "RESOLVED"}
    )
    assert response.status_code == 400
    assert "Enter the date the plan was approved" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == AnnualPlan.Status.DRAFT


def test_the_approve_page_records_a_decision_taken_elsewhere_with_its_date(client, cast, plan):
    url = reverse("actionplans:plan-approve", kwargs={"pk": plan.pk})
    client.force_login(cast.officer)
    assert "Somewhere else (give the date below)" in client.get(url).content.decode()
    day = timezone.localdate() - dt.timedelta(days=10)

    response = client.post(
        url,
        {
            "meeting": "",
            "decision_text": "RESOLVED by the Partnership Board in writing",
            "approved_on_0": day.day,
            "approved_on_1": day.month,
            "approved_on_2": day.year,
        },
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.approved_on, plan.approval_decision) == (AnnualPlan.Status.APPROVED, day, None)
    assert (
        "RESOLVED by the Partnership Board in writing" in client.get(plan.get_absolute_url()).content.decode()
    )


def test_the_plan_page_makes_no_query_per_action(client, cast, strategy, asb, django_assert_max_num_queries):
    Action.objects.bulk_create(
        Action(
            partnership=cast.partnership,
            group=[cast.group, cast.board, None][n % 3],
            description=f"Action {n}",
            issue="Speeding",
            lead=cast.police_rep.person,
            lead_organisation=cast.police,
            strategic_priority=asb,
            due_on=dt.date(2026, 5, 1) + dt.timedelta(days=n),
        )
        for n in range(60)
    )
    plan = _compile(cast, strategy)
    _approve(cast, plan)
    client.force_login(cast.member)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("actionplans:plan-detail", kwargs={"pk": plan.pk}))

    assert response.content.decode().count("Action to be carried out") == 1  # one table for the priority
    assert "Action 59" in response.content.decode()


# --- Long plans: the first actions of each priority, and a priority's own pages ------------------


def _many(cast, priority, count: int, *, start: int = 0, **fields) -> None:
    """``count`` actions of cast.group under ``priority``, "Action 000" … in the plan's order."""
    fields.setdefault("group", cast.group)
    Action.objects.bulk_create(
        Action(
            partnership=cast.partnership,
            description=f"Action {n:03d}",
            issue="Speeding",
            lead_organisation=cast.police,
            strategic_priority=priority,
            due_on=dt.date(2026, 5, 1) + dt.timedelta(days=n),
            **fields,
        )
        for n in range(start, start + count)
    )


def _approved_plan(cast, strategy) -> AnnualPlan:
    plan = _compile(cast, strategy)
    _approve(cast, plan)
    return plan


def test_the_plan_page_shows_the_first_50_actions_of_a_priority_and_links_to_the_rest(
    client, cast, strategy, asb, rural
):
    # (closed statuses: an open action past its date would count as overdue, whatever the day)
    _many(cast, asb, 60, status=Action.Status.CANCELLED)
    Action.objects.filter(description__in=["Action 000", "Action 059"]).update(
        status=Action.Status.DONE, worked="yes"
    )
    _many(cast, rural, 3, start=100)
    plan = _approved_plan(cast, strategy)

    html = client.get(plan.get_absolute_url()).content.decode()

    asb_section = html[html.index(f'id="priority-{asb.pk}"') : html.index(f'id="priority-{rural.pk}"')]
    assert "Anti-social behaviour</a> (60 actions)" in html
    # the counts are of every action, the 51st to 60th too …
    assert ">Done</strong> 2<" in asb_section and ">Cancelled</strong> 58<" in asb_section
    # … the table the first 50 in the plan's order …
    assert "The first 50 of 60 actions, in the plan's order." in asb_section
    assert asb_section.index("Action 000") < asb_section.index("Action 001") < asb_section.index("Action 049")
    assert "Action 050" not in html and "Action 059" not in html
    # … and a link to all of them; the short priority needs none
    assert f'href="?priority={asb.slug}">See all 60 actions under Anti-social behaviour</a>' in asb_section
    assert "Action 102" in html and f"?priority={rural.slug}" not in html


def test_a_priority_page_shows_all_its_actions_100_to_a_page(client, cast, strategy, asb, rural):
    _many(cast, asb, 150)
    _many(cast, rural, 1, start=900)
    plan = _approved_plan(cast, strategy)
    url = plan.get_absolute_url()

    first = client.get(url, {"priority": asb.slug})
    second = client.get(url, {"priority": asb.slug, "page": 2})

    assert first.status_code == second.status_code == 200
    html = first.content.decode()
    assert '<h1 class="govuk-heading-xl">Anti-social behaviour</h1>' in html
    assert "Actions 1 to 100 of 150, in the plan's order." in html
    assert "Action 000" in html and "Action 099" in html and "Action 100" not in html
    assert "Action 900" not in html  # another priority's
    assert 'class="govuk-pagination"' in html and f'href="?priority={asb.slug}&amp;page=2" rel="next"' in html
    assert 'aria-current="page">1</a>' in html and 'rel="prev"' not in html
    html = second.content.decode()
    assert "Actions 101 to 150 of 150" in html
    assert "Action 100" in html and "Action 149" in html and "Action 099" not in html
    assert f'href="?priority={asb.slug}&amp;page=1" rel="prev"' in html and 'rel="next"' not in html
    assert 'aria-current="page">2</a>' in html
    assert f'href="{url}#priority-{asb.pk}">Back to the whole plan</a>' in html


def test_a_priority_page_counts_every_action_and_says_how_many_are_not_public(client, cast, strategy, asb):
    _many(cast, asb, 3, status=Action.Status.DONE, worked="yes")
    _many(cast, asb, 2, start=10, is_public=False)
    plan = _approved_plan(cast, strategy)

    html = client.get(plan.get_absolute_url(), {"priority": asb.slug}).content.decode()

    assert ">Done</strong> 3<" in html and "Not started" not in html and "Overdue" not in html
    assert "Action 010" not in html and "2 further actions are not public." in html
    assert 'class="govuk-pagination"' not in html  # one page: no pagination


@pytest.mark.parametrize(
    "query, message, shows",
    [
        (
            {"priority": "no-such-priority"},
            "There is no strategic priority “no-such-priority” in this plan",
            "000",
        ),
        (
            {"priority": "anti-social-behaviour", "page": "x"},
            "“x” is not a page number: this is page 1 of 2",
            "000",
        ),
        (
            {"priority": "anti-social-behaviour", "page": "0"},
            "There is no page 0: this is page 1 of 2",
            "000",
        ),
        (
            {"priority": "anti-social-behaviour", "page": "9"},
            "There is no page 9: this is page 2 of 2",
            "100",
        ),
        ({"priority": "anti-social-behaviour", "page": "1" * 30}, "is not a page number", "000"),
    ],
)
def test_a_priority_or_page_that_does_not_exist_is_a_400_that_still_shows_the_plan(
    client, cast, strategy, asb, query, message, shows
):
    _many(cast, asb, 101)
    plan = _approved_plan(cast, strategy)

    response = client.get(plan.get_absolute_url(), query)

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html and "<title>Error: " in html
    assert f"Action {shows}" in html


def test_a_priority_page_makes_no_query_per_action(
    client, cast, strategy, asb, django_assert_max_num_queries
):
    _many(cast, asb, 250)
    plan = _approved_plan(cast, strategy)
    client.force_login(cast.member)

    with django_assert_max_num_queries(12):
        response = client.get(plan.get_absolute_url(), {"priority": asb.slug, "page": 3})

    html = response.content.decode()
    assert "Actions 201 to 250 of 250" in html and "Action 249" in html and "Action 199" not in html


def test_the_edit_page_shows_one_priority_in_full_and_returns_to_it_after_a_change(
    client, cast, strategy, asb
):
    _many(cast, asb, 120)
    plan = _compile(cast, strategy)
    url = reverse("actionplans:plan-edit", kwargs={"pk": plan.pk})
    client.force_login(cast.officer)

    overview = client.get(url).content.decode()
    assert "Action 049" in overview and "Action 050" not in overview
    assert f'href="?priority={asb.slug}">See all 120 actions under Anti-social behaviour</a>' in overview
    html = client.get(url, {"priority": asb.slug, "page": 2}).content.decode()
    assert "Action 100" in html and "Action 119" in html and "Action 099" not in html
    assert html.count('value="down"') == 19  # the last action of the priority cannot move down
    moved = plan.entries.get(action__description="Action 110")

    response = client.post(f"{url}?priority={asb.slug}&page=2", {"entry": moved.pk, "op": "up"})

    assert response.status_code == 302
    assert response["Location"] == f"{url}?priority={asb.slug}&page=2"
    order = [Action.objects.get(pk=pk).description for pk in _entries(plan)[108:111]]
    assert order == ["Action 108", "Action 110", "Action 109"]


def test_open_actions_past_their_date_are_counted_as_overdue(client, cast, strategy, asb, make_action):
    plan = _compile(cast, strategy)
    today = timezone.localdate()
    for description, due_on in (
        ("Late one", today - dt.timedelta(days=1)),
        ("On time", today + dt.timedelta(days=30)),
    ):
        action = make_action(
            description, strategic_priority=asb, due_on=due_on, status=Action.Status.ON_TRACK
        )
        annual.entry_add(plan=plan, action=action, by=cast.officer)
    client.force_login(cast.officer)

    html = client.get(plan.get_absolute_url()).content.decode()

    assert ">Overdue</strong> 1<" in html and ">On track</strong> 1<" in html


def test_actions_whose_priority_was_deleted_have_a_section_and_page_of_their_own(
    client, cast, strategy, asb, rural
):
    _many(cast, rural, 2)
    plan = _approved_plan(cast, strategy)
    rural.delete()

    html = client.get(plan.get_absolute_url()).content.decode()
    page = client.get(plan.get_absolute_url(), {"priority": annual.NO_PRIORITY})

    assert "No strategic priority</a> (2 actions)" in html and "Action 001" in html
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-xl">No strategic priority</h1>' in page.content.decode()
    assert "Action 000" in page.content.decode() and "Action 001" in page.content.decode()
