"""Actions arising from minutes go into the action plan without re-typing, once; the meeting page
offers it; the standing "action plan review" agenda item lists what is due or overdue."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.actionplans import arising
from tandem.actionplans.models import Action
from tandem.meetings import minutes
from tandem.meetings.models import ActionArising, AgendaItem, Meeting
from tandem.partnership.access import viewer_for
from tandem.partnership.models import Membership
from tandem.problems.models import Category, Problem, ProblemAgendaItem
from tests.factories import make_meeting, make_membership, make_organiser, make_person, make_user

pytestmark = pytest.mark.django_db


def _at(days: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))


@pytest.fixture
def meeting(cast) -> Meeting:
    """Last week's meeting of the Oakfield LAG: an item about a problem, a plain one, a confidential one."""
    meeting = make_meeting(group=cast.group, starts_at=_at(-7))
    AgendaItem.objects.create(meeting=meeting, position=1, title="Problem: Motorbikes on Mill Lane")
    AgendaItem.objects.create(meeting=meeting, position=2, title="Litter at the bus station")
    AgendaItem.objects.create(
        meeting=meeting, position=3, title="Family at 12 Elm Close", is_confidential=True
    )
    return meeting


@pytest.fixture
def problem(cast, meeting) -> Problem:
    problem = Problem.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        title="Motorbikes racing on Mill Lane",
        category=Category.objects.get(slug="anti-social-behaviour"),
    )
    ProblemAgendaItem.objects.create(problem=problem, item=meeting.items.get(position=1))
    return problem


def _record(cast, meeting, position, description="Police to patrol Mill Lane at dusk", **fields):
    fields.setdefault("lead", cast.police_rep.person)
    fields.setdefault("lead_organisation", cast.police)
    fields.setdefault("due_on", timezone.localdate() + dt.timedelta(days=21))
    item = meeting.items.get(position=position) if position else None
    return minutes.action_arising_record(meeting=meeting, item=item, description=description, **fields)


def _adopt_url(action_arising) -> str:
    return reverse("actionplans:arising-adopt", kwargs={"pk": action_arising.pk})


# --- From the minutes to the plan ------------------------------------------------------------


def test_an_action_arising_becomes_a_plan_action_with_its_problem_linked(cast, meeting, problem):
    # given
    recorded = _record(cast, meeting, 1)

    # when
    action = arising.action_from_arising(arising=recorded, by=cast.officer)

    # then
    action.refresh_from_db()
    assert action.group == cast.group and action.partnership == cast.partnership
    assert action.description == "Police to patrol Mill Lane at dusk"
    assert action.lead == cast.police_rep.person and action.lead_organisation == cast.police
    assert action.due_on == recorded.due_on
    assert action.problem == problem and action.issue_text == "Motorbikes racing on Mill Lane"
    assert action.arising_from == recorded and action.created_by == cast.officer
    assert action.is_public


def test_without_a_problem_the_issue_is_the_agenda_items_title(cast, meeting):
    action = arising.action_from_arising(arising=_record(cast, meeting, 2), by=cast.officer)
    assert action.problem is None and action.issue == "Litter at the bus station"


def test_an_action_under_no_item_names_the_meeting_as_its_issue(cast, meeting):
    action = arising.action_from_arising(arising=_record(cast, meeting, None), by=cast.officer)
    assert action.issue.startswith("Arising from Oakfield Local Action Group meeting")


def test_an_action_arising_under_a_confidential_item_is_not_public(cast, meeting):
    action = arising.action_from_arising(arising=_record(cast, meeting, 3), by=cast.officer)
    assert not action.is_public


def test_what_the_form_changes_replaces_what_the_minutes_said(cast, meeting, strategy):
    priority = strategy.priorities.get(slug="anti-social-behaviour")
    action = arising.action_from_arising(
        arising=_record(cast, meeting, 2),
        by=cast.officer,
        description="Council to add two litter bins",
        strategic_priority=priority,
    )
    assert action.description == "Council to add two litter bins" and action.strategic_priority == priority


def test_the_same_action_arising_is_refused_a_second_time(cast, meeting):
    # given
    recorded = _record(cast, meeting, 2)
    first = arising.action_from_arising(arising=recorded, by=cast.officer)

    # when / then
    with pytest.raises(arising.AlreadyInPlan) as refused:
        arising.action_from_arising(arising=recorded, by=cast.officer)
    assert refused.value.action == first
    assert "already in the action plan" in refused.value.messages[0]
    assert Action.objects.count() == 1


def test_all_of_a_meetings_actions_go_in_at_once_except_those_nobody_leads(cast, meeting):
    # given: three actions arising, one already in the plan and one whose lead has gone
    done_before = _record(cast, meeting, 1, description="Already in the plan")
    arising.action_from_arising(arising=done_before, by=cast.officer)
    _record(cast, meeting, 2, description="Council to clear the litter")
    orphan = _record(cast, meeting, None, description="Speak to the bus company")
    ActionArising.objects.filter(pk=orphan.pk).update(lead=None, lead_organisation=None)

    # when
    result = arising.actions_from_meeting(meeting=meeting, by=cast.officer)

    # then
    assert [a.description for a in result.created] == ["Council to clear the litter"]
    assert [(a.pk, reason) for a, reason in result.skipped] == [(orphan.pk, "nobody is named to lead it")]
    assert "Speak to the bus company" in result.summary
    assert Action.objects.count() == 2

    # and again: nothing more
    again = arising.actions_from_meeting(meeting=meeting, by=cast.officer)
    assert again.created == [] and Action.objects.count() == 2


# --- The page that does it ------------------------------------------------------------------


def test_the_chair_gets_the_form_filled_in_from_the_minutes_and_adds_it(client, cast, meeting, problem):
    # given
    recorded = _record(cast, meeting, 1)
    client.force_login(make_organiser(cast))

    # when
    page = client.get(_adopt_url(recorded))

    # then: prefilled
    assert page.status_code == 200
    html = page.content.decode()
    assert "Police to patrol Mill Lane at dusk</textarea>" in html
    assert f'<option value="{cast.police_rep.person.pk}" selected>' in html
    assert f'<option value="{cast.police.pk}" selected>' in html
    assert f"Problem #{problem.pk}: Motorbikes racing on Mill Lane" in html

    # when: they add it as it is
    due = recorded.due_on
    response = client.post(
        _adopt_url(recorded),
        {
            "issue": "",
            "description": "Police to patrol Mill Lane at dusk",
            "lead": cast.police_rep.person.pk,
            "lead_organisation": cast.police.pk,
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
        },
    )

    # then
    action = Action.objects.get()
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert action.arising_from == recorded and action.problem == problem


def test_adding_it_twice_from_the_page_shows_where_it_is(client, cast, meeting):
    recorded = _record(cast, meeting, 2)
    action = arising.action_from_arising(arising=recorded, by=cast.officer)
    client.force_login(cast.officer)

    page = client.get(_adopt_url(recorded))
    assert page.status_code == 200
    assert "Already in the action plan" in page.content.decode()
    assert action.get_absolute_url() in page.content.decode()

    posted = client.post(_adopt_url(recorded), {"description": "Again"})
    assert posted.status_code == 409 and Action.objects.count() == 1


def test_bad_input_is_refused_with_messages_and_nothing_is_added(client, cast, meeting):
    recorded = _record(cast, meeting, 2)
    client.force_login(cast.officer)
    response = client.post(
        _adopt_url(recorded),
        {"issue": "", "description": "", "due_on_0": "31", "due_on_1": "2", "due_on_2": "2026"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the action to be carried out" in html
    assert "Choose who leads the action" in html
    assert "Enter the issue the action resolves" in html
    assert "Enter a real date" in html
    assert not Action.objects.exists()


def test_a_lead_from_outside_the_partnership_is_refused(client, cast, meeting):
    recorded = _record(cast, meeting, 2)
    stranger = make_person(name="Sam Stranger")
    client.force_login(cast.officer)
    due = recorded.due_on
    response = client.post(
        _adopt_url(recorded),
        {
            "issue": "Litter",
            "description": "Sweep",
            "lead": stranger.pk,
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
        },
    )
    assert response.status_code == 400 and not Action.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("public", 302), ("outsider", 404), ("member", 403), ("officer", 200), ("administrator", 200)],
)
def test_only_plan_editors_may_add_actions_from_minutes(client, cast, meeting, role, status):
    recorded = _record(cast, meeting, 2)
    user = cast.users()[role]
    if user:
        client.force_login(user)
    assert client.get(_adopt_url(recorded)).status_code == status
    response = client.post(_adopt_url(recorded), {"issue": "x", "description": "x"})
    assert response.status_code == (400 if status == 200 else status) and not Action.objects.exists()


def test_outsiders_who_may_read_approved_minutes_still_may_not_add_actions(client, cast, meeting):
    # Draft minutes are for insiders (404 above); approved ones are public, the plan is not theirs.
    recorded = _record(cast, meeting, 2)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.MinutesStatus.APPROVED)
    client.force_login(cast.outsider)
    assert client.get(_adopt_url(recorded)).status_code == 403


def test_a_support_officer_of_the_group_may_add_them(client, cast, meeting):
    recorded = _record(cast, meeting, 2)
    user = make_user(name="Sue Support")
    make_membership(group=cast.group, person=make_person(user=user), role=Membership.Role.SUPPORT_OFFICER)
    client.force_login(user)
    assert client.get(_adopt_url(recorded)).status_code == 200


def test_those_who_cannot_see_the_meeting_get_not_found(client, cast):
    # given: an action arising at a meeting of the private case panel
    meeting = make_meeting(group=cast.private_group, starts_at=_at(-7), is_public=False)
    chair = Membership.objects.get(group=cast.private_group).person
    recorded = minutes.action_arising_record(
        meeting=meeting, description="Visit", lead=chair, due_on=timezone.localdate() + dt.timedelta(days=9)
    )
    client.force_login(cast.outsider)
    assert client.get(_adopt_url(recorded)).status_code == 404
    client.force_login(cast.member)
    assert client.get(_adopt_url(recorded)).status_code == 404
    assert client.get(reverse("actionplans:arising-adopt", kwargs={"pk": 999_999})).status_code == 404


# --- On the meeting page -------------------------------------------------------------------


def test_the_minutes_offer_each_action_for_the_plan_then_link_to_it(client, cast, meeting):
    # given
    recorded = _record(cast, meeting, 2)
    client.force_login(make_organiser(cast))

    # then: before
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{_adopt_url(recorded)}"' in html and "Add to the action plan" in html

    # when
    action = arising.action_from_arising(arising=recorded, by=cast.officer)

    # then: after
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{action.get_absolute_url()}"' in html and "In the action plan" in html
    assert _adopt_url(recorded) not in html


def test_members_see_whether_it_is_in_the_plan_but_are_not_offered_to_add_it(client, cast, meeting):
    _record(cast, meeting, 2)
    client.force_login(cast.member)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Not in the action plan yet" in html and "Add to the action plan" not in html


def test_the_public_sees_no_action_plan_column_in_approved_minutes(client, cast, meeting):
    recorded = _record(cast, meeting, 2)
    arising.action_from_arising(arising=recorded, by=cast.officer)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.MinutesStatus.APPROVED)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Police to patrol Mill Lane at dusk" in html
    assert "In the action plan" not in html and "Add to the action plan" not in html


# --- The "action plan review" standing agenda item -------------------------------------------


@pytest.fixture
def review_meeting(cast) -> Meeting:
    """Next week's meeting with the standing "action plan review" item."""
    meeting = make_meeting(group=cast.group, starts_at=_at(7))
    AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        title="Action plan review",
        standing=AgendaItem.Standing.ACTION_PLAN_REVIEW,
    )
    return meeting


@pytest.fixture
def due_actions(cast, make_action, review_meeting):
    """Actions of the group, relative to the meeting's day."""
    day = timezone.localtime(review_meeting.starts_at).date()
    overdue = make_action("Overdue patrols", due_on=day - dt.timedelta(days=3), status=Action.Status.AT_RISK)
    soon = make_action("Bins emptied", due_on=day + dt.timedelta(days=14), status=Action.Status.ON_TRACK)
    private = make_action("Private visit", due_on=day + dt.timedelta(days=2), is_public=False)
    make_action("Far off", due_on=day + dt.timedelta(days=15))
    make_action("Another group's", group=cast.board, due_on=day)
    done = make_action("Finished", due_on=day - dt.timedelta(days=10))
    Action.objects.filter(pk=done.pk).update(status=Action.Status.DONE, worked=Action.Worked.YES)
    return {"overdue": overdue, "soon": soon, "private": private}


def test_the_review_lists_overdue_and_soon_due_actions_with_status_words(cast, review_meeting, due_actions):
    day = timezone.localtime(review_meeting.starts_at).date()
    lines = arising.agenda_lines(review_meeting, viewer_for(cast.member))
    texts = [text for text, _ in lines]
    assert [link for _, link in lines] == [
        due_actions["overdue"].get_absolute_url(),
        due_actions["private"].get_absolute_url(),
        due_actions["soon"].get_absolute_url(),
    ]
    was_due = day - dt.timedelta(days=3)
    assert texts[0] == (
        f"Overdue (was due {was_due.day} {was_due:%B %Y}): Overdue patrols. "
        "Lead: PC Paula Beat, Castleford Police"
    )
    assert texts[2].startswith("On track (due ")


def test_the_public_sees_only_public_actions_and_no_names_without_agreement(
    cast, review_meeting, due_actions
):
    lines = arising.agenda_lines(review_meeting, viewer_for(None))
    texts = [text for text, _ in lines]
    assert len(texts) == 2 and not any("Private visit" in text for text in texts)
    assert all("PC Paula Beat" not in text and "Castleford Police" in text for text in texts)


def test_the_review_shows_on_the_meeting_page(client, cast, review_meeting, due_actions):
    html = client.get(review_meeting.get_absolute_url()).content.decode()
    assert "Overdue patrols" in html and "Bins emptied" in html
    assert "Private visit" not in html and "Far off" not in html and "Finished" not in html


def test_a_long_review_stops_with_a_link_to_the_plan_in_two_queries(
    cast, make_action, review_meeting, django_assert_max_num_queries
):
    day = timezone.localtime(review_meeting.starts_at).date()
    for n in range(arising.AGENDA_LIMIT + 3):
        make_action(f"Action {n}", due_on=day)
    viewer = viewer_for(cast.officer)
    review_meeting = Meeting.objects.select_related("group").get(pk=review_meeting.pk)
    with django_assert_max_num_queries(2):
        lines = arising.agenda_lines(review_meeting, viewer)
    assert len(lines) == arising.AGENDA_LIMIT + 1
    assert lines[-1] == (
        "And 3 more due or overdue: see the action plan",
        reverse("actionplans:group-actions", kwargs={"slug": cast.group.slug}),
    )
