"""Reads of action plans: the plan and its counts, the timeline's geometry, labels and the group page row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.actionplans import selectors, services
from tandem.actionplans.models import Action
from tandem.partnership.access import viewer_for
from tests.factories import Cast, make_person

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def descriptions(page) -> list[str]:
    return [row.action.description for row in page.rows]


def test_the_plan_is_soonest_due_first_with_undated_actions_last(cast: Cast, make_action) -> None:
    make_action("Later", due_on=days(30))
    make_action("No date", due_on=None)
    make_action("Sooner", due_on=days(3))

    page = selectors.group_plan(group=cast.group, viewer=viewer_for(cast.officer))

    assert descriptions(page) == ["Sooner", "Later", "No date"]


def test_overdue_is_computed_in_the_query_for_open_actions_only(cast: Cast, make_action) -> None:
    late = make_action("Late", due_on=days(-1))
    at_risk_late = make_action("At risk and late", due_on=days(-20))
    services.update_add(action=at_risk_late, text="Stuck", status="at_risk", by=cast.officer)
    done_late = make_action("Done late", due_on=days(-10))
    services.action_complete(action=done_late, worked="yes", by=cast.officer)
    cancelled_late = make_action("Cancelled late", due_on=days(-10))
    services.action_cancel(action=cancelled_late, reason="Not needed", by=cast.officer)
    make_action("Due today", due_on=TODAY)

    page = selectors.group_plan(group=cast.group, viewer=viewer_for(cast.officer))
    shown = {row.action.description: row.status for row in page.rows}

    assert shown == {
        "Late": "overdue",
        "At risk and late": "overdue",
        "Done late": "done",
        "Cancelled late": "cancelled",
        "Due today": "not_started",
    }
    assert page.overdue_count == 2
    assert page.open_count == 3
    assert {row.action.pk: row.tag_class for row in page.rows}[late.pk] == "govuk-tag--red"
    # the model agrees with the query
    assert all(row.action.display_status == row.status for row in page.rows)


def test_counts_cover_the_whole_plan_whatever_the_filters(cast: Cast, make_action) -> None:
    make_action("Late", due_on=days(-1))
    make_action("On time", due_on=days(10))

    page = selectors.group_plan(
        group=cast.group, viewer=viewer_for(None), filters=selectors.PlanFilters(status="overdue")
    )

    assert descriptions(page) == ["Late"]
    assert page.total == 2
    assert {c.status: c.count for c in page.counts if c.count} == {"overdue": 1, "not_started": 1}


def test_the_public_plan_leaves_out_private_actions(cast: Cast, make_action) -> None:
    make_action("Public")
    make_action("Private", is_public=False)

    assert descriptions(selectors.group_plan(group=cast.group, viewer=viewer_for(None))) == ["Public"]
    assert descriptions(selectors.group_plan(group=cast.group, viewer=viewer_for(cast.outsider))) == [
        "Public"
    ]
    assert set(descriptions(selectors.group_plan(group=cast.group, viewer=viewer_for(cast.member)))) == {
        "Public",
        "Private",
    }


def test_the_partnership_plan_has_only_actions_of_no_group(cast: Cast, make_action) -> None:
    make_action("A group's")
    services.action_create(
        partnership=cast.partnership,
        description="Partnership-wide",
        issue="Speeding across the district",
        lead_organisation=cast.police,
    )

    page = selectors.partnership_plan(partnership=cast.partnership, viewer=viewer_for(None))

    assert descriptions(page) == ["Partnership-wide"]
    assert descriptions(selectors.group_plan(group=cast.group, viewer=viewer_for(None))) == ["A group's"]


def test_the_text_search_never_matches_on_a_private_problems_title(cast: Cast, make_action) -> None:
    from tandem.problems import services as problem_services
    from tandem.problems.models import Category

    problem = problem_services.problem_create(
        partnership=cast.partnership,
        group=cast.group,
        title="Dealing from number 12",
        category=Category.objects.get(slug="anti-social-behaviour"),
        is_public=False,
        by=cast.officer,
    )
    make_action("Visits", issue="", problem=problem)
    filters = selectors.PlanFilters(q="number 12")

    assert (
        descriptions(selectors.group_plan(group=cast.group, viewer=viewer_for(None), filters=filters)) == []
    )
    assert descriptions(
        selectors.group_plan(group=cast.group, viewer=viewer_for(cast.member), filters=filters)
    ) == ["Visits"]


def test_a_plan_takes_the_same_number_of_queries_for_3_or_30_actions(
    cast: Cast, make_action, django_assert_num_queries
) -> None:
    viewer = viewer_for(cast.member)
    for n in range(3):
        make_action(f"Action {n}")
    with django_assert_num_queries(2):  # the counts and the rows (no problems to check)
        selectors.group_plan(group=cast.group, viewer=viewer, filters=selectors.PlanFilters(q="Action"))
    for n in range(27):
        make_action(f"Action {n + 3}")
    with django_assert_num_queries(2):
        page = selectors.group_plan(
            group=cast.group, viewer=viewer, filters=selectors.PlanFilters(q="Action")
        )
    assert len(page.rows) == 30


# --- Labels ----------------------------------------------------------------------------------


def test_the_lead_is_named_publicly_only_with_agreement(cast: Cast, make_action) -> None:
    action = make_action()
    agreed = make_person(name="Nina Named", show_name_publicly=True)

    assert selectors.lead_label(action, show_names=True) == "PC Paula Beat (Castleford Police)"
    assert selectors.lead_label(action, show_names=False) == "Castleford Police"
    action.lead = agreed
    assert selectors.lead_label(action, show_names=False) == "Nina Named (Castleford Police)"
    action.lead_organisation = None
    action.lead = cast.police_rep.person
    assert selectors.lead_label(action, show_names=False) == "A named member of the group"


def test_the_evaluation_column_says_what_is_known(cast: Cast, make_action) -> None:
    action = make_action()
    assert selectors.evaluation_label(action) == "Not yet"

    services.action_complete(action=action, evaluate_by=days(30), by=cast.officer)
    assert selectors.evaluation_label(action) == "To be evaluated by 15 July 2026"

    services.action_evaluate(action=action, worked="too_early", evaluate_by=days(60), by=cast.officer)
    assert selectors.evaluation_label(action) == "Too early to tell: to be evaluated by 14 August 2026"

    services.action_evaluate(action=action, worked="partly", by=cast.officer)
    assert selectors.evaluation_label(action) == "Partly"


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1234.5"), "£1,234.50"), (Decimal("0"), "£0.00"), (Decimal("-12.30"), "-£12.30"), (None, "")],
)
def test_money_is_shown_in_pounds_and_pence(value, text) -> None:
    assert selectors.money(value) == text


# --- The timeline ----------------------------------------------------------------------------


def row(description: str, *, start, due, status: str = "not_started", created=None) -> selectors.PlanRow:
    action = Action(description=description, start_on=start, due_on=due)
    action.created_at = timezone.make_aware(dt.datetime.combine(created or TODAY, dt.time(12)))
    label, tag = selectors.DISPLAY_STATUSES[status]
    return selectors.PlanRow(
        action=action,
        status=status,
        status_label=label,
        tag_class=tag,
        issue="",
        issue_url="",
        lead="",
        evaluation="",
    )


def test_the_timeline_spans_whole_months_around_the_bars_and_today() -> None:
    rows = [
        row("Patrols", start=dt.date(2026, 3, 10), due=dt.date(2026, 5, 31), status="overdue"),
        row("Leaflets", start=dt.date(2026, 7, 1), due=dt.date(2026, 8, 15)),
        row("Undated", start=None, due=None),
    ]

    timeline = selectors.plan_timeline(rows, today=TODAY)

    assert (timeline.first, timeline.last) == (dt.date(2026, 3, 1), dt.date(2026, 9, 1))
    assert [label for _, label in timeline.months] == [
        "Mar 2026",
        "Apr 2026",
        "May 2026",
        "Jun 2026",
        "Jul 2026",
        "Aug 2026",
    ]
    assert [r.action.description for r in timeline.undated] == ["Undated"]
    patrols, leaflets = timeline.bars
    # Bars start and end where their dates fall, left to right, and never overlap the labels.
    assert selectors.LABEL_WIDTH <= patrols.x < patrols.end_x < timeline.today_x < leaflets.x < leaflets.end_x
    assert leaflets.end_x <= timeline.chart_right
    # The overdue bar carries its days overdue and a stretch from its date to today.
    assert patrols.overdue_days == 15
    assert patrols.overdue_x == timeline.today_x
    assert leaflets.overdue_days == 0
    assert patrols.colour == selectors.BAR_COLOURS["overdue"]


def test_a_bar_without_a_start_date_starts_when_the_action_was_recorded() -> None:
    recorded = row("Recorded", start=None, due=days(40), created=days(-20))
    late_record = row("Recorded after its date", start=None, due=days(-60), created=days(-5))

    timeline = selectors.plan_timeline([recorded, late_record], today=TODAY)

    first, second = timeline.bars
    assert (first.start, first.start_given) == (days(-20), False)
    assert second.start == second.end == days(-60)  # never a bar running backwards
    assert second.width >= 2


def test_an_empty_timeline_has_no_bars() -> None:
    timeline = selectors.plan_timeline([row("Undated", start=None, due=None)], today=TODAY)

    assert timeline.bars == [] and timeline.width == 0
    assert len(timeline.undated) == 1


# --- The group page --------------------------------------------------------------------------


def test_the_group_page_row_counts_in_one_query(cast: Cast, make_action, django_assert_num_queries) -> None:
    make_action(due_on=days(-2))
    make_action(due_on=days(5))
    done = make_action(due_on=days(-9))
    services.action_complete(action=done, worked="no", by=cast.officer)
    viewer = viewer_for(None)

    with django_assert_num_queries(1):
        rows = selectors.group_page_rows(cast.group, viewer)

    assert rows[0].label == "Action plan"
    assert rows[0].values == (
        ("Its action plan: 2 open actions, 1 overdue", f"/groups/{cast.group.slug}/actions/"),
    )
    assert len(rows) == 1  # the funds are for the group's members and officers only


def test_the_groups_insiders_also_get_a_link_to_its_funds(cast: Cast) -> None:
    rows = selectors.group_page_rows(cast.group, viewer_for(cast.member))

    assert [row.label for row in rows] == ["Action plan", "Funds"]
    assert rows[1].values == (("Its funds: ledger and statements", f"/groups/{cast.group.slug}/funds/"),)


def test_the_group_page_row_says_when_there_are_no_actions(cast: Cast) -> None:
    rows = selectors.group_page_rows(cast.group, viewer_for(None))

    assert rows[0].values[0][0] == "Its action plan: no actions yet"
