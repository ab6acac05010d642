"""Problems on meeting agendas, the meetings in a problem's timeline, the Community Led Solution
group's page naming its problem, and who oversees a private group set up below theirs."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tandem.meetings.models import AgendaItem, Meeting
from tandem.partnership.models import Membership
from tandem.problems import services
from tandem.problems.escalation import escalation_decide, problem_escalate
from tandem.problems.models import (
    Category,
    Priority,
    Problem,
    ProblemAgendaItem,
    ProblemStatusChange,
    quarter_of,
)
from tests.factories import make_group_type, make_meeting, make_membership, make_person, make_user

pytestmark = pytest.mark.django_db


def make_problem(cast, *, group=None, title="Drug dealing in Oak Park", **fields) -> Problem:
    fields.setdefault("category", Category.objects.get(slug="anti-social-behaviour"))
    return Problem.objects.create(
        partnership=cast.partnership, group=group or cast.group, title=title, **fields
    )


def _timeline_titles(client, problem) -> str:
    response = client.get(problem.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- Putting a problem on an agenda -------------------------------------------------------


def test_an_officer_puts_a_problem_on_the_groups_next_meeting(client, cast):
    problem = make_problem(cast)
    meeting = make_meeting(group=cast.group)
    client.force_login(cast.officer)
    url = reverse("problems:problem-agenda-add", kwargs={"pk": problem.pk})
    page = client.get(url).content.decode()
    assert cast.group.name in page and "Which meeting should discuss it?" in page

    response = client.post(url, {"meeting": meeting.pk, "description": "Three reports this month"})
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting, title=f"Problem: {problem.title}")
    assert item.description == "Three reports this month" and not item.is_confidential
    assert ProblemAgendaItem.objects.get(problem=problem).item == item

    # The meeting page links to the problem, for the public too.
    client.logout()
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert f"Problem #{problem.pk}: {problem.title}" in meeting_page
    assert problem.get_absolute_url() in meeting_page
    # And the problem's timeline shows the meeting to come.
    day = f"{timezone.localtime(meeting.starts_at):%-d %B %Y}"
    assert f"On the agenda of {cast.group.name}&#x27;s meeting on {day}" in _timeline_titles(client, problem)


def test_the_same_meeting_twice_or_another_groups_meeting_is_refused(client, cast):
    problem = make_problem(cast)
    meeting = make_meeting(group=cast.group)
    elsewhere = make_meeting(group=cast.board)
    client.force_login(cast.officer)
    url = reverse("problems:problem-agenda-add", kwargs={"pk": problem.pk})
    assert client.post(url, {"meeting": meeting.pk}).status_code == 302

    again = client.post(url, {"meeting": meeting.pk})
    assert again.status_code == 400
    assert "already on that meeting" in again.content.decode()
    other = client.post(url, {"meeting": elsewhere.pk})
    assert other.status_code == 400
    assert "Select one of the meetings listed" in other.content.decode()
    assert client.post(url, {"meeting": "not-a-number"}).status_code == 400
    assert AgendaItem.objects.filter(title__startswith="Problem:").count() == 1


def test_a_group_with_no_upcoming_meeting_is_told_to_schedule_one(client, cast):
    problem = make_problem(cast)
    make_meeting(group=cast.group, starts_at=timezone.now() - dt.timedelta(days=3))
    client.force_login(cast.officer)
    page = client.get(reverse("problems:problem-agenda-add", kwargs={"pk": problem.pk})).content.decode()
    assert "no upcoming meeting" in page and "Schedule a meeting first" in page


def test_a_private_problem_is_a_confidential_item_the_public_never_sees(client, cast):
    problem = make_problem(cast, title="Exploitation at a flat on Birch Road", is_public=False)
    meeting = make_meeting(group=cast.group)
    link = services.problem_add_to_agenda(problem=problem, meeting=meeting, by=cast.officer)
    assert link.item.is_confidential
    public_page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Birch Road" not in public_page
    client.force_login(cast.member)
    assert "Birch Road" in client.get(meeting.get_absolute_url()).content.decode()


def test_the_service_refuses_past_meetings(cast):
    problem = make_problem(cast)
    past = make_meeting(group=cast.group, starts_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="has not happened yet"):
        services.problem_add_to_agenda(problem=problem, meeting=past, by=None)
    assert not ProblemAgendaItem.objects.exists()


def test_a_member_without_a_role_cannot_put_it_on_an_agenda(client, cast):
    problem = make_problem(cast)
    client.force_login(cast.member)
    assert client.get(reverse("problems:problem-agenda-add", kwargs={"pk": problem.pk})).status_code == 403


# --- Escalation puts it on the parent's agenda, linked ------------------------------------


def test_an_escalated_problem_is_linked_from_the_parents_next_agenda(client, cast):
    meeting = make_meeting(group=cast.board)
    escalation = problem_escalate(problem=make_problem(cast), reason="Beyond us", by=cast.officer)
    link = ProblemAgendaItem.objects.get(problem=escalation.problem)
    assert link.escalation == escalation and link.item.meeting == meeting
    assert link.item.title == f"Escalated from {cast.group.name}: {escalation.problem.title}"
    assert escalation.problem.get_absolute_url() in client.get(meeting.get_absolute_url()).content.decode()


def test_a_meeting_that_has_happened_shows_as_discussed_with_its_approved_minutes(client, cast):
    problem = make_problem(cast)
    meeting = make_meeting(group=cast.group)
    link = services.problem_add_to_agenda(problem=problem, meeting=meeting, by=cast.officer)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=2),
        minutes_status=Meeting.MinutesStatus.APPROVED,
    )
    AgendaItem.objects.filter(pk=link.item_id).update(minutes="Police to increase patrols at dusk.")
    page = _timeline_titles(client, problem)
    assert f"Discussed at {cast.group.name}&#x27;s meeting on" in page
    assert "Police to increase patrols at dusk." in page


def test_meetings_held_while_it_was_a_priority_are_in_the_timeline(client, cast):
    problem = make_problem(cast)
    start, end = quarter_of(timezone.localdate())
    Priority.objects.create(
        group=cast.group, problem=problem, period_start=start, period_end=end, reason="Top"
    )
    held = make_meeting(group=cast.group, starts_at=timezone.now() - dt.timedelta(minutes=5))
    AgendaItem.objects.create(meeting=held, title="The group's priorities", standing="priorities")
    unrelated = make_meeting(group=cast.group, starts_at=timezone.now() - dt.timedelta(minutes=10))
    AgendaItem.objects.create(meeting=unrelated, title="Any other business", standing="any_other_business")
    page = _timeline_titles(client, problem)
    assert page.count("as one of its priorities") == (1 if held.starts_at.date() >= start else 0)


# --- The Community Led Solution group ---------------------------------------------------


@pytest.fixture
def cls_group(cast):
    make_group_type(partnership=cast.partnership, name="Community Led Solution group", short_name="CLS")
    escalation = problem_escalate(problem=make_problem(cast), reason="Beyond us", by=cast.officer)
    escalation = escalation_decide(escalation=escalation, decision="establish_cls", by=cast.officer)
    return escalation.established_group


def test_the_cls_group_page_names_its_problem(client, cast, cls_group):
    client.force_login(cast.officer)
    page = client.get(cls_group.get_absolute_url()).content.decode()
    assert "Set up to work on" in page
    assert (
        "Drug dealing in Oak Park" in page
        and reverse("problems:problem-detail", kwargs={"pk": Problem.objects.get().pk}) in page
    )
    assert f"set up by {cast.board.name}" in page


def test_the_chair_of_the_group_above_sees_the_private_cls_group_but_a_plain_member_does_not(
    client, cast, cls_group
):
    assert not cls_group.is_public
    chair = make_user(name="Jo Board Chair", email="jo@example.org")
    make_membership(
        group=cast.board, person=make_person(name="Jo Board Chair", user=chair), role=Membership.Role.CHAIR
    )
    member = make_user(name="Sam Board Member", email="sam@example.org")
    make_membership(group=cast.board, person=make_person(name="Sam Board Member", user=member))

    client.force_login(chair)
    assert client.get(cls_group.get_absolute_url()).status_code == 200
    assert cls_group.name in client.get(cast.board.get_absolute_url()).content.decode()
    client.force_login(member)
    assert client.get(cls_group.get_absolute_url()).status_code == 404
    assert cls_group.name not in client.get(cast.board.get_absolute_url()).content.decode()
    # Overseeing shows the group, not its members' contact details.
    make_membership(
        group=cls_group,
        person=make_person(name="Lee Lead", email="lee.lead@example.org", phone="01632 960999"),
        role=Membership.Role.COMMUNITY_LEAD,
    )
    client.force_login(chair)
    page = client.get(cls_group.get_absolute_url()).content.decode()
    assert "lee.lead@example.org" not in page and "01632 960999" not in page
    client.force_login(cast.officer)
    assert "lee.lead@example.org" in client.get(cls_group.get_absolute_url()).content.decode()


# --- A problem entered after the event ---------------------------------------------------


def test_a_backdated_problem_starts_its_timeline_on_the_day_it_was_first_raised(cast):
    day = timezone.localdate() - dt.timedelta(days=40)
    problem = services.problem_create(
        group=cast.group,
        title="Fly-tipping behind the shops",
        category=Category.objects.get(slug="fly-tipping"),
        raised_on=day,
        by=cast.officer,
    )
    change = ProblemStatusChange.objects.get(problem=problem)
    assert timezone.localtime(change.changed_at).date() == day
    today = services.problem_create(
        group=cast.group, title="Noise", category=Category.objects.get(slug="noise"), by=cast.officer
    )
    assert (
        timezone.localtime(ProblemStatusChange.objects.get(problem=today).changed_at).date()
        == timezone.localdate()
    )
