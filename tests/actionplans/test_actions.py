"""A group's action plan: the services that change actions and the pages that show and change them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tandem.actionplans import services
from tandem.actionplans.models import Action, ActionUpdate, Reminder
from tests.factories import (
    Cast,
    make_group,
    make_membership,
    make_organisation,
    make_organiser,
    make_partnership,
    make_person,
    make_user,
)

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Pin "today" so that due dates, overdue and the timeline are predictable."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def url(name: str, **kwargs) -> str:
    return reverse(f"actionplans:{name}", kwargs=kwargs or None)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def date_fields(name: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def action_post(cast: Cast, **overrides) -> dict:
    data = {
        "problem": "",
        "issue": "Motorbikes racing on the playing field",
        "description": "Speed watch with residents",
        "lead": str(cast.police_rep.person.pk),
        "lead_organisation": str(cast.police.pk),
        "strategic_priority": "",
        "reference": "",
        "is_public": "on",
        "budget": "",
        **date_fields("start_on", days(1)),
        **date_fields("due_on", days(60)),
    }
    data.update(overrides)
    return data


def make_lead_user(cast: Cast):
    """Sign-in for the police representative who leads the actions made by ``make_action``."""
    person = cast.police_rep.person
    person.user = make_user(name=person.name, email="paula@example.org")
    person.save(update_fields=["user"])
    return person.user


# --- Services: changing an action -------------------------------------------------------------


def test_action_update_changes_the_details_and_says_which(cast: Cast, make_action, strategy) -> None:
    action = make_action()
    priority = strategy.priorities.get(slug="road-safety")
    parish = make_organisation(name="Oakfield Parish Council")
    make_membership(group=cast.group, organisation=parish)

    changed = services.action_update(
        action=action,
        data={
            "description": "Speed watch with residents on Mill Lane",
            "strategic_priority": priority,
            "budget": Decimal("250.50"),
            "supporting_organisations": [parish],
        },
        by=cast.officer,
    )

    action.refresh_from_db()
    assert set(changed) == {"description", "strategic_priority", "budget", "supporting_organisations"}
    assert action.description == "Speed watch with residents on Mill Lane"
    assert action.strategic_priority == priority
    assert action.budget == Decimal("250.50")
    assert list(action.supporting_organisations.all()) == [parish]
    assert action.history.first().history_user == cast.officer


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start_on": days(30), "due_on": days(10)}, "due_on"),
        ({"issue": "", "problem": None}, "issue"),
        ({"lead": None, "lead_organisation": None}, "lead"),
        ({"description": "  "}, "description"),
    ],
)
def test_action_update_keeps_the_rules_of_a_new_action(cast: Cast, make_action, data, field) -> None:
    action = make_action()
    before = Action.objects.values().get(pk=action.pk)

    with pytest.raises(ValidationError) as refused:
        services.action_update(action=action, data=data, by=cast.officer)

    assert field in refused.value.message_dict
    assert Action.objects.values().get(pk=action.pk) == before


def test_action_update_refuses_a_lead_from_outside_the_partnership(cast: Cast, make_action) -> None:
    action = make_action()
    stranger = make_person(name="Sam Stranger")
    elsewhere = make_organisation(name="Elsewhere Trust")

    with pytest.raises(ValidationError) as refused:
        services.action_update(
            action=action, data={"lead": stranger, "lead_organisation": elsewhere}, by=None
        )

    assert "not a member of any group" in refused.value.message_dict["lead"][0]
    assert "is not part of" in refused.value.message_dict["lead_organisation"][0]
    action.refresh_from_db()
    assert action.lead == cast.police_rep.person


def test_update_add_records_a_dated_update_and_moves_the_status(cast: Cast, make_action) -> None:
    action = make_action()

    update = services.update_add(action=action, text="Two sessions held", status="on_track", by=cast.officer)

    action.refresh_from_db()
    assert action.status == Action.Status.ON_TRACK
    assert update.status == "on_track"
    assert update.author == cast.officer
    # The same status again is an update without a status change.
    again = services.update_add(action=action, text="A third session", status="on_track", by=cast.officer)
    assert again.status == ""


@pytest.mark.parametrize(
    ("status", "message"),
    [("done", "complete it with its evaluation"), ("cancelled", "Cancel the action"), ("nonsense", "Choose")],
)
def test_update_add_never_marks_an_action_done_or_cancelled(cast: Cast, make_action, status, message) -> None:
    action = make_action()

    with pytest.raises(ValidationError) as refused:
        services.update_add(action=action, text="All finished", status=status, by=cast.officer)

    assert message in refused.value.message_dict["status"][0]
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED
    assert not ActionUpdate.objects.filter(action=action).exists()


def test_update_add_needs_words(cast: Cast, make_action) -> None:
    action = make_action()

    with pytest.raises(ValidationError):
        services.update_add(action=action, text="   ", by=cast.officer)

    assert not action.updates.exists()


def test_a_closed_actions_status_cannot_change_through_an_update(cast: Cast, make_action) -> None:
    action = make_action()
    services.action_cancel(action=action, reason="The landowner fenced the field", by=cast.officer)

    with pytest.raises(ValidationError):
        services.update_add(action=action, text="Restarting", status="on_track", by=cast.officer)

    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED


# --- Services: completion and evaluation -------------------------------------------------------


def test_an_action_is_never_done_without_an_evaluation_or_a_date(cast: Cast, make_action) -> None:
    action = make_action()

    with pytest.raises(ValidationError) as refused:
        services.action_complete(action=action, evidence="Seems quieter", by=cast.officer)

    assert "cannot be marked done without an evaluation" in refused.value.message_dict["worked"][0]
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED
    assert action.completed_on is None


def test_completing_with_an_evaluation_records_it(cast: Cast, make_action) -> None:
    action = make_action()

    services.action_complete(
        action=action,
        worked="partly",
        evidence="Speeding reports fell from 12 to 7 a month",
        learning="Residents need to see the results",
        completed_on=days(-2),
        by=cast.officer,
    )

    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.worked == "partly"
    assert action.completed_on == days(-2)
    assert action.evaluated_on == TODAY
    assert not action.reminders.exists()
    assert action.history.first().history_user == cast.officer
    assert action.updates.get().status == "done"


def test_completing_with_an_evaluate_by_date_sets_a_reminder(cast: Cast, make_action) -> None:
    action = make_action()

    services.action_complete(action=action, evaluate_by=days(90), by=cast.officer)

    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.evaluate_by == days(90)
    assert action.evaluated_on is None
    reminder = Reminder.objects.get(action=action)
    assert (reminder.kind, reminder.due_on, reminder.sent_at) == ("evaluation", days(90), None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"worked": "too_early"}, "evaluate_by"),  # too early to tell needs a date
        ({"evaluate_by": days(-1)}, "evaluate_by"),  # a date in the past
        ({"worked": "yes", "completed_on": days(3)}, "completed_on"),  # in the future
        ({"worked": "maybe"}, "worked"),
    ],
)
def test_completion_refuses_bad_answers(cast: Cast, make_action, fields, field) -> None:
    action = make_action()

    with pytest.raises(ValidationError) as refused:
        services.action_complete(action=action, by=cast.officer, **fields)

    assert field in refused.value.message_dict
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED
    assert not Reminder.objects.exists()


def test_evaluating_later_closes_the_reminder(cast: Cast, make_action) -> None:
    action = make_action()
    services.action_complete(action=action, evaluate_by=days(90), by=cast.officer)

    services.action_evaluate(
        action=action, worked="yes", evidence="No racing reported since March", learning="", by=cast.officer
    )

    action.refresh_from_db()
    assert action.worked == "yes"
    assert action.evaluated_on == TODAY
    assert action.evaluate_by is None
    assert not Reminder.objects.filter(action=action).exists()


def test_too_early_to_tell_moves_the_reminder(cast: Cast, make_action) -> None:
    action = make_action()
    services.action_complete(action=action, evaluate_by=days(30), by=cast.officer)

    services.action_evaluate(action=action, worked="too_early", evaluate_by=days(120), by=cast.officer)

    assert list(Reminder.objects.filter(action=action).values_list("due_on", flat=True)) == [days(120)]


def test_only_a_done_action_is_evaluated(cast: Cast, make_action) -> None:
    action = make_action()

    with pytest.raises(ValidationError):
        services.action_evaluate(action=action, worked="yes", by=cast.officer)

    action.refresh_from_db()
    assert action.worked == ""


def test_cancelling_needs_a_reason_and_an_open_action(cast: Cast, make_action) -> None:
    action = make_action()
    with pytest.raises(ValidationError) as refused:
        services.action_cancel(action=action, reason=" ", by=cast.officer)
    assert "reason" in refused.value.message_dict

    services.action_cancel(action=action, reason="Funding withdrawn", by=cast.officer)
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED
    assert action.updates.get().text == "Cancelled: Funding withdrawn"

    with pytest.raises(ValidationError):
        services.action_cancel(action=action, reason="Again", by=cast.officer)


# --- The plan page ----------------------------------------------------------------------------


def test_the_plan_shows_the_seeds_five_columns_first_then_the_status(client, cast: Cast, make_action) -> None:
    make_action()

    page = client.get(url("group-actions", slug=cast.group.slug)).content.decode()

    headings = [
        "Issue to be resolved",
        "Action</th>",
        "Lead</th>",
        "Date for completion",
        "Evaluation: did it work?",
        "Status</th>",
    ]
    positions = [page.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_overdue_is_derived_from_the_date_and_shown_in_words(
    client, cast: Cast, make_action, monkeypatch
) -> None:
    action = make_action(due_on=days(10))
    services.update_add(action=action, text="Started", status="on_track", by=cast.officer)

    page = client.get(url("group-actions", slug=cast.group.slug)).content.decode()
    assert "govuk-tag--green" in page and ">On track<" in page

    # when time moves past the date for completion
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: days(11))
    page = client.get(url("group-actions", slug=cast.group.slug)).content.decode()

    assert 'govuk-tag govuk-tag--red">Overdue<' in page
    action.refresh_from_db()
    assert action.status == Action.Status.ON_TRACK  # never stored


def test_the_public_see_public_actions_and_outcomes_only(client, cast: Cast, make_action) -> None:
    make_action("Public speed watch")
    make_action("Quiet word with the riders' families", is_public=False)

    public = client.get(url("group-actions", slug=cast.group.slug)).content.decode()
    client.force_login(cast.member)
    member = client.get(url("group-actions", slug=cast.group.slug)).content.decode()

    assert "Public speed watch" in public and "Quiet word" not in public
    assert "Public speed watch" in member and "Quiet word" in member


def test_a_private_action_is_not_found_by_the_public(client, cast: Cast, make_action) -> None:
    private = make_action(is_public=False)

    assert client.get(url("action-detail", pk=private.pk)).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(url("action-detail", pk=private.pk)).status_code == 404
    client.force_login(cast.member)
    assert client.get(url("action-detail", pk=private.pk)).status_code == 200


def test_the_private_groups_plan_is_not_found_by_outsiders(client, cast: Cast, make_action) -> None:
    make_action(group=cast.private_group, lead=None, lead_organisation=cast.police)
    client.force_login(cast.outsider)

    assert client.get(url("group-actions", slug=cast.private_group.slug)).status_code == 404


def test_lead_names_show_publicly_only_with_agreement(client, cast: Cast, make_action) -> None:
    make_action()

    public = client.get(url("group-actions", slug=cast.group.slug)).content.decode()
    client.force_login(cast.member)
    member = client.get(url("group-actions", slug=cast.group.slug)).content.decode()

    assert "PC Paula Beat" not in public and "Castleford Police" in public
    assert "PC Paula Beat (Castleford Police)" in member


def test_a_public_action_never_shows_a_private_problems_title(client, cast: Cast, make_action) -> None:
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
    make_action(issue="", problem=problem)

    public = client.get(url("group-actions", slug=cast.group.slug)).content.decode()
    client.force_login(cast.member)
    member = client.get(url("group-actions", slug=cast.group.slug)).content.decode()

    assert "Dealing from number 12" not in public and "A problem that is not public" in public
    assert "Dealing from number 12" in member


def test_editors_see_the_links_to_add_import_and_everyone_to_export(client, cast: Cast) -> None:
    public = client.get(url("group-actions", slug=cast.group.slug)).content.decode()
    client.force_login(make_organiser(cast))
    chair = client.get(url("group-actions", slug=cast.group.slug)).content.decode()

    for name in ("group-actions-xlsx", "group-actions-docx", "group-actions-csv", "group-actions-timeline"):
        assert url(name, slug=cast.group.slug) in public
    assert url("action-create", slug=cast.group.slug) not in public
    assert url("action-create", slug=cast.group.slug) in chair
    assert url("import-upload", slug=cast.group.slug) in chair


# --- Filters ----------------------------------------------------------------------------------


def test_the_plan_filters_by_status_lead_organisation_priority_problem_and_words(
    client, cast: Cast, make_action, strategy
) -> None:
    from tandem.problems import services as problem_services
    from tandem.problems.models import Category

    council = make_organisation(name="Castleford Council")
    warden = make_membership(group=cast.group, person=make_person(name="Wendy Warden"), organisation=council)
    problem = problem_services.problem_create(
        partnership=cast.partnership,
        group=cast.group,
        title="Litter at the bus station",
        category=Category.objects.get(slug="anti-social-behaviour"),
        by=cast.officer,
    )
    priority = strategy.priorities.get(slug="rural-crime")
    overdue = make_action("Overdue patrols", due_on=days(-5))
    on_track = make_action("Leaflet drop", due_on=days(30))
    services.update_add(action=on_track, text="Printed", status="on_track", by=cast.officer)
    late_on_track = make_action("Late cameras", due_on=days(-1))
    services.update_add(action=late_on_track, text="Ordered", status="on_track", by=cast.officer)
    wardens = make_action(
        "Litter pick", lead=warden.person, lead_organisation=council, problem=problem, issue=""
    )
    rural = make_action("Farm watch", strategic_priority=priority)
    done = make_action("Dusk patrols")
    services.action_complete(action=done, worked="yes", by=cast.officer)
    client.force_login(cast.member)

    def descriptions(**query) -> set[str]:
        response = client.get(url("group-actions", slug=cast.group.slug), query)
        assert response.status_code == 200, response.content.decode()
        return {row.action.description for row in response.context["plan"].rows}

    assert descriptions(status="overdue") == {overdue.description, late_on_track.description}
    assert descriptions(status="on_track") == {on_track.description}
    assert descriptions(status="done") == {done.description}
    assert descriptions(status="open") == {
        overdue.description,
        on_track.description,
        late_on_track.description,
        wardens.description,
        rural.description,
    }
    assert descriptions(lead=warden.person.pk) == {wardens.description}
    assert descriptions(organisation=council.slug) == {wardens.description}
    assert descriptions(priority=priority.pk) == {rural.description}
    assert descriptions(problem=problem.pk) == {wardens.description}
    assert descriptions(q="bus station") == {wardens.description}  # the problem's title
    assert descriptions(q="FARM") == {rural.description}

    counts = {
        c.status: c.count
        for c in client.get(url("group-actions", slug=cast.group.slug)).context["plan"].counts
    }
    assert counts == {
        "not_started": 2,
        "on_track": 1,
        "at_risk": 0,
        "overdue": 2,
        "done": 1,
        "cancelled": 0,
    }


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"lead": "abc"},
        {"lead": "99999999999999999999"},
        {"organisation": "no-such"},
        {"priority": "-1"},
        {"problem": "\x00"},
        {"q": "x" * 500},
    ],
)
def test_a_bad_filter_is_reported_with_400_and_left_out(client, cast: Cast, make_action, query) -> None:
    make_action("Public speed watch")

    for name in ("group-actions", "group-actions-timeline"):
        response = client.get(url(name, slug=cast.group.slug), query)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Some filters could not be used" in page
        assert "Public speed watch" in page


def test_the_public_cannot_filter_by_a_lead_who_is_not_named_publicly(
    client, cast: Cast, make_action
) -> None:
    make_action()

    response = client.get(url("group-actions", slug=cast.group.slug), {"lead": cast.police_rep.person.pk})

    assert response.status_code == 400


def test_the_plan_page_takes_a_fixed_number_of_queries(
    client, cast: Cast, make_action, strategy, django_assert_max_num_queries
) -> None:
    priority = strategy.priorities.first()
    for n in range(30):
        make_action(f"Action number {n}", due_on=days(n - 10), strategic_priority=priority)
    client.force_login(cast.member)

    with django_assert_max_num_queries(20):
        response = client.get(url("group-actions", slug=cast.group.slug), {"status": "open"})

    assert response.status_code == 200
    assert len(response.context["plan"].rows) == 30


# --- The timeline -----------------------------------------------------------------------------


def test_the_timeline_draws_a_bar_per_action_and_marks_overdue_in_words(
    client, cast: Cast, make_action
) -> None:
    make_action("Overdue patrols", start_on=days(-40), due_on=days(-5))
    make_action("Leaflet drop", start_on=days(1), due_on=days(30))

    response = client.get(url("group-actions-timeline", slug=cast.group.slug))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<rect ") == 2
    assert 'font-weight="bold">Overdue</text>' in page
    assert "overdue by 5 days" in page
    assert '<title id="timeline-title">' in page and '<desc id="timeline-desc">' in page
    assert ">Today</text>" in page
    assert 'style="' not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Overdue patrols" in page.split("<table", 1)[1]  # the same figures in a table


# --- Creating and changing actions -----------------------------------------------------------


def test_a_chair_adds_an_action_to_the_plan(client, cast: Cast, strategy) -> None:
    client.force_login(make_organiser(cast))
    priority = strategy.priorities.first()

    response = client.post(
        url("action-create", slug=cast.group.slug),
        action_post(cast, strategic_priority=str(priority.pk), budget="£1,250.50"),
    )

    action = Action.objects.get()
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    assert action.group == cast.group
    assert action.lead == cast.police_rep.person
    assert action.budget == Decimal("1250.50")
    assert action.strategic_priority == priority
    assert action.created_by == cast.chair_person.user


def test_an_organisation_alone_may_lead(client, cast: Cast) -> None:
    client.force_login(cast.officer)

    response = client.post(url("action-create", slug=cast.group.slug), action_post(cast, lead=""))

    assert response.status_code == 302
    assert Action.objects.get().lead is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {**date_fields("start_on", days(30)), **date_fields("due_on", days(10))},
            "on or after the start date",
        ),
        ({"issue": ""}, "Enter the issue the action resolves"),
        ({"lead": "", "lead_organisation": ""}, "Choose who leads the action"),
        ({"description": ""}, "Enter the action to be carried out"),
        (date_fields("due_on", None), "Enter the date for completion"),
        ({"due_on_0": "31", "due_on_1": "2", "due_on_2": "2026"}, "Enter a real date"),
        ({"budget": "lots"}, "Enter an amount in pounds and pence"),
        ({"budget": "12.345"}, "nearest penny"),
        ({"strategic_priority": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_on_the_action_form_is_refused_with_a_message(
    client, cast: Cast, overrides, message
) -> None:
    client.force_login(cast.officer)

    response = client.post(url("action-create", slug=cast.group.slug), action_post(cast, **overrides))

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert not Action.objects.exists()


def test_a_lead_from_outside_the_partnership_is_not_offered_or_accepted(client, cast: Cast) -> None:
    stranger = make_person(name="Sam Stranger")
    other = make_group(partnership=make_partnership())
    make_membership(group=other, person=stranger)
    client.force_login(cast.officer)

    form_page = client.get(url("action-create", slug=cast.group.slug)).content.decode()
    response = client.post(
        url("action-create", slug=cast.group.slug), action_post(cast, lead=str(stranger.pk))
    )

    assert "Sam Stranger" not in form_page
    assert response.status_code == 400
    assert not Action.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("public", 302), ("outsider", 403), ("member", 403)])
def test_only_the_plans_editors_add_actions(client, cast: Cast, role, status) -> None:
    user = cast.users()[role]
    if user:
        client.force_login(user)

    response = client.post(url("action-create", slug=cast.group.slug), action_post(cast))

    assert response.status_code == status
    assert not Action.objects.exists()


def test_officers_add_partnership_level_actions(client, cast: Cast, make_action) -> None:
    make_action("A group's action")
    client.force_login(cast.officer)

    response = client.post(
        url("partnership-action-create", slug=cast.partnership.slug),
        action_post(cast, description="Countywide speed awareness campaign"),
    )

    action = Action.objects.get(description="Countywide speed awareness campaign")
    assert response.status_code == 302
    assert action.group is None and action.partnership == cast.partnership
    client.logout()
    partnership_page = client.get(url("partnership-actions", slug=cast.partnership.slug)).content.decode()
    group_page = client.get(url("group-actions", slug=cast.group.slug)).content.decode()
    assert (
        "Countywide speed awareness" in partnership_page and "A group&#x27;s action" not in partnership_page
    )
    assert "Countywide speed awareness" not in group_page
    assert client.get(action.get_absolute_url()).status_code == 200


def test_members_cannot_add_partnership_level_actions(client, cast: Cast) -> None:
    client.force_login(make_organiser(cast))

    response = client.post(url("partnership-action-create", slug=cast.partnership.slug), action_post(cast))

    assert response.status_code == 403
    assert not Action.objects.exists()


def test_editing_an_action_changes_it(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(cast.officer)

    form_page = client.get(url("action-edit", pk=action.pk))
    response = client.post(
        url("action-edit", pk=action.pk), action_post(cast, description="Speed watch, twice a month")
    )

    assert form_page.status_code == 200
    assert "Extra patrols on Mill Lane at dusk" in form_page.content.decode()
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == "Speed watch, twice a month"


def test_a_refused_edit_changes_nothing(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(cast.officer)

    response = client.post(
        url("action-edit", pk=action.pk),
        action_post(cast, description="Changed", **date_fields("start_on", days(90))),
    )

    assert response.status_code == 400
    action.refresh_from_db()
    assert action.description == "Extra patrols on Mill Lane at dusk"


def test_an_action_is_cancelled_from_its_edit_page_saying_why(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(cast.officer)

    refused = client.post(url("action-edit", pk=action.pk), {"cancel-reason": "", "cancel_action": "1"})
    action.refresh_from_db()
    assert refused.status_code == 400 and action.status == Action.Status.NOT_STARTED

    response = client.post(
        url("action-edit", pk=action.pk), {"cancel-reason": "The field was sold", "cancel_action": "1"}
    )
    action.refresh_from_db()
    assert response.status_code == 302
    assert action.status == Action.Status.CANCELLED


def test_members_cannot_edit_an_action(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(cast.member)

    assert client.get(url("action-edit", pk=action.pk)).status_code == 403
    assert (
        client.post(url("action-edit", pk=action.pk), action_post(cast, description="X")).status_code == 403
    )
    action.refresh_from_db()
    assert action.description == "Extra patrols on Mill Lane at dusk"


# --- Progress updates -------------------------------------------------------------------------


def test_the_lead_posts_progress_and_internal_notes_stay_inside(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(make_lead_user(cast))

    client.post(url("update-create", pk=action.pk), {"text": "Met the landowner", "status": "on_track"})
    client.post(url("update-create", pk=action.pk), {"text": "Landowner is wary of us", "is_internal": "on"})

    action.refresh_from_db()
    assert action.status == Action.Status.ON_TRACK
    assert action.updates.count() == 2
    client.logout()
    public = client.get(action.get_absolute_url()).content.decode()
    assert "Met the landowner" in public and "wary" not in public
    client.force_login(cast.member)
    member = client.get(action.get_absolute_url()).content.decode()
    assert "Met the landowner" in member and "wary" in member


def test_an_update_cannot_mark_an_action_done(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(cast.officer)

    response = client.post(url("update-create", pk=action.pk), {"text": "Finished", "status": "done"})

    assert response.status_code == 400
    assert not action.updates.exists()
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED


def test_members_who_do_not_lead_it_cannot_post_progress(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(cast.member)

    response = client.post(url("update-create", pk=action.pk), {"text": "Hello"})

    assert response.status_code == 403
    assert not action.updates.exists()


# --- Completion and evaluation ----------------------------------------------------------------


def test_done_is_refused_on_the_form_without_an_evaluation(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(cast.officer)

    response = client.post(
        url("action-evaluate", pk=action.pk),
        {"evidence": "Quieter", "worked": "", **date_fields("evaluate_by", None)},
    )

    assert response.status_code == 400
    assert "cannot be marked done without an evaluation" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED


def test_done_with_an_evaluate_by_date_then_evaluated_later(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(cast.officer)

    response = client.post(url("action-evaluate", pk=action.pk), date_fields("evaluate_by", days(60)))
    action.refresh_from_db()
    assert response.status_code == 302
    assert action.status == Action.Status.DONE
    assert Reminder.objects.filter(action=action, due_on=days(60)).exists()
    assert "To be evaluated by 14 August 2026" in client.get(action.get_absolute_url()).content.decode()

    response = client.post(
        url("action-evaluate", pk=action.pk),
        {"worked": "no", "evidence": "Racing carried on", "learning": "Needs enforcement"},
    )
    action.refresh_from_db()
    assert response.status_code == 302
    assert action.worked == "no"
    assert not Reminder.objects.filter(action=action).exists()
    client.logout()
    public = client.get(action.get_absolute_url()).content.decode()
    assert "Racing carried on" in public and "Needs enforcement" in public  # outcomes are public


def test_evaluation_is_refused_for_members_and_for_cancelled_actions(client, cast: Cast, make_action) -> None:
    action = make_action()
    client.force_login(cast.member)
    assert client.post(url("action-evaluate", pk=action.pk), {"worked": "yes"}).status_code == 403

    services.action_cancel(action=action, reason="No longer needed", by=cast.officer)
    client.force_login(cast.officer)
    response = client.post(url("action-evaluate", pk=action.pk), {"worked": "yes"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    action.refresh_from_db()
    assert action.worked == ""


def test_a_done_action_cannot_be_cancelled(client, cast: Cast, make_action) -> None:
    action = make_action()
    services.action_complete(action=action, worked="yes", by=cast.officer)
    client.force_login(cast.officer)

    response = client.post(url("action-edit", pk=action.pk), {"cancel-reason": "Oops", "cancel_action": "1"})

    assert response.status_code == 400
    assert "it cannot be cancelled" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.DONE


def test_editing_keeps_supporters_from_outside_the_usual_list(client, cast: Cast, make_action) -> None:
    charity = make_organisation(name="Riders Trust")
    action = make_action(supporting_organisations=[charity])
    client.force_login(cast.officer)

    form_page = client.get(url("action-edit", pk=action.pk)).content.decode()
    client.post(
        url("action-edit", pk=action.pk),
        action_post(cast, description="Kept", supporting_organisations=[str(charity.pk)]),
    )

    assert "Riders Trust" in form_page
    assert list(action.supporting_organisations.all()) == [charity]


# --- The action's page and the group's page ----------------------------------------------------


def test_the_action_page_shows_everything_in_the_plan_and_the_money_to_insiders(
    client, cast: Cast, make_action, strategy
) -> None:
    action = make_action(
        start_on=days(-10),
        budget=Decimal("1250.00"),
        strategic_priority=strategy.priorities.first(),
        supporting_organisations=[cast.police],
    )
    client.force_login(cast.member)

    page = client.get(action.get_absolute_url()).content.decode()

    for text in (
        "Motorbikes racing on Mill Lane",
        "Extra patrols on Mill Lane at dusk",
        "PC Paula Beat (Castleford Police)",
        "5 June 2026",
        "29 June 2026",
        "Anti-social behaviour",
        "£1,250.00",
        "Not started",
    ):
        assert text in page, text
    client.logout()
    assert "£1,250.00" not in client.get(action.get_absolute_url()).content.decode()


def test_the_group_page_counts_open_and_overdue_actions(client, cast: Cast, make_action) -> None:
    make_action(due_on=days(-3))
    make_action(due_on=days(20))
    make_action(is_public=False, due_on=days(-1))

    public = client.get(
        reverse("partnership:group-detail", kwargs={"slug": cast.group.slug})
    ).content.decode()
    client.force_login(cast.member)
    member = client.get(
        reverse("partnership:group-detail", kwargs={"slug": cast.group.slug})
    ).content.decode()

    assert "2 open actions, 1 overdue" in public
    assert "3 open actions, 2 overdue" in member
    assert url("group-actions", slug=cast.group.slug) in public


@pytest.mark.parametrize("role", ["public", "outsider", "member", "officer", "administrator"])
def test_every_page_renders_for_every_role(client, cast: Cast, make_action, role) -> None:
    action = make_action(start_on=days(-5))
    done = make_action("Done one")
    services.action_complete(action=done, evaluate_by=days(10), by=cast.officer)
    partnership_action = services.action_create(
        partnership=cast.partnership,
        description="Countywide",
        issue="Speeding",
        lead_organisation=cast.police,
    )
    user = cast.users()[role]
    if user:
        client.force_login(user)
    pages = [
        url("group-actions", slug=cast.group.slug),
        url("group-actions-timeline", slug=cast.group.slug),
        url("partnership-actions", slug=cast.partnership.slug),
        url("action-detail", pk=action.pk),
        url("action-detail", pk=partnership_action.pk),
        url("action-create", slug=cast.group.slug),
        url("partnership-action-create", slug=cast.partnership.slug),
        url("action-edit", pk=action.pk),
        url("update-create", pk=action.pk),
        url("action-evaluate", pk=action.pk),
        url("action-evaluate", pk=done.pk),
    ]
    for path in pages:
        assert client.get(path).status_code in (200, 302, 403), path
