"""Escalation to the group above, its decisions, the Community Led Solution group, pages and API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import include, path, reverse
from rest_framework.routers import DefaultRouter

from tandem.meetings.models import AgendaItem, Meeting
from tandem.partnership.models import Group, Membership, Organisation
from tandem.problems import api_chain
from tandem.problems.escalation import cls_group_establish, escalation_decide, problem_escalate
from tandem.problems.models import Category, Escalation, Problem, ProblemNote, ProblemReport
from tandem.urls import urlpatterns as site_urlpatterns
from tests.factories import (
    make_group_type,
    make_meeting,
    make_membership,
    make_organisation,
    make_organiser,
    make_person,
)

pytestmark = pytest.mark.django_db

# The API collections, wired here until the lead adds them to tandem.api_urls.
_router = DefaultRouter()
api_chain.register(_router)
urlpatterns = [path("test-api/", include(_router.urls)), *site_urlpatterns]


def make_problem(cast, *, group=None, title="Drug dealing in Oak Park", **fields) -> Problem:
    fields.setdefault("category", Category.objects.get(slug="anti-social-behaviour"))
    return Problem.objects.create(
        partnership=cast.partnership, group=group or cast.group, title=title, **fields
    )


def _escalated(cast, **fields) -> Escalation:
    return problem_escalate(
        problem=make_problem(cast, **fields), reason="We have tried everything", by=cast.officer
    )


# --- Escalating -----------------------------------------------------------------------


def test_it_escalates_to_the_owning_groups_parent(cast):
    escalation = _escalated(cast)
    assert (escalation.from_group, escalation.to_group, escalation.is_open) == (cast.group, cast.board, True)
    assert escalation.escalated_by == cast.officer


def test_it_refuses_any_group_but_the_parent(cast):
    problem = make_problem(cast)
    with pytest.raises(ValidationError) as refused:
        problem_escalate(problem=problem, reason="Why", to_group=cast.private_group)
    assert refused.value.messages == [
        f"A problem can only be escalated to the group above: {cast.board.name}"
    ]
    assert not Escalation.objects.exists()


def test_it_refuses_a_group_with_no_parent(cast):
    with pytest.raises(ValidationError, match="no group above it"):
        problem_escalate(problem=make_problem(cast, group=cast.board), reason="Why")
    assert not Escalation.objects.exists()


def test_it_allows_at_most_one_open_escalation(cast):
    escalation = _escalated(cast)
    with pytest.raises(ValidationError) as refused:
        problem_escalate(problem=escalation.problem, reason="Again")
    assert refused.value.messages == [f"It is already waiting for a decision from {cast.board.name}"]
    assert Escalation.objects.count() == 1


def test_it_refuses_a_problem_that_is_not_open(cast):
    with pytest.raises(ValidationError, match="Only open problems"):
        problem_escalate(problem=make_problem(cast, status=Problem.Status.RESOLVED), reason="Why")
    assert not Escalation.objects.exists()


def test_it_puts_the_problem_on_the_parents_next_meeting_agenda(cast):
    meeting = make_meeting(group=cast.board)
    make_meeting(
        group=cast.board, status=Meeting.Status.CANCELLED, starts_at=meeting.starts_at.replace(hour=9)
    )
    escalation = _escalated(cast)
    [item] = AgendaItem.objects.filter(meeting__group=cast.board)
    assert item.meeting == meeting
    assert item.title == f"Escalated from {cast.group.name}: {escalation.problem.title}"
    assert not item.is_confidential


def test_it_adds_nothing_when_the_parent_has_no_upcoming_meeting(cast):
    _escalated(cast)
    assert not AgendaItem.objects.exists()


# --- Decisions ------------------------------------------------------------------------


def test_accepting_changes_the_owner_and_keeps_the_history(cast):
    escalation = _escalated(cast)
    problem = escalation.problem

    escalation_decide(escalation=escalation, decision="accept", by=cast.officer)

    problem.refresh_from_db()
    assert problem.group == cast.board
    assert problem.history.filter(group=cast.group).exists()
    assert ProblemNote.objects.get(problem=problem).text == (
        f"Accepted by {cast.board.name}: owner changed from {cast.group.name}"
    )
    escalation.refresh_from_db()
    assert (escalation.decision, escalation.decided_by) == ("accept", cast.officer)


def test_referring_back_needs_advice_and_keeps_it(cast):
    escalation = _escalated(cast)
    with pytest.raises(ValidationError, match="Enter the advice"):
        escalation_decide(escalation=escalation, decision="refer_back", notes=" ")
    escalation.refresh_from_db()
    assert escalation.is_open

    escalation_decide(escalation=escalation, decision="refer_back", notes="Ask the council for CCTV")

    escalation.refresh_from_db()
    assert (escalation.decision, escalation.decision_notes) == ("refer_back", "Ask the council for CCTV")
    assert Problem.objects.get().group == cast.group


def test_a_decided_escalation_cannot_be_decided_again_and_a_new_one_may_follow(cast):
    escalation = _escalated(cast)
    escalation_decide(escalation=escalation, decision="no_further_action")
    with pytest.raises(ValidationError, match="already decided"):
        escalation_decide(escalation=escalation, decision="accept")
    assert Problem.objects.get().group == cast.group
    problem_escalate(problem=escalation.problem, reason="It came back")
    assert Escalation.objects.count() == 2


@pytest.fixture
def cls_setup(cast):
    make_group_type(partnership=cast.partnership, name="Community Led Solution group", short_name="CLS")
    support = make_membership(
        group=cast.board, person=make_person(name="Sam Support"), role=Membership.Role.SUPPORT_OFFICER
    )
    police_rep = make_membership(
        group=cast.board,
        person=make_person(name="Inspector Ian"),
        role=Membership.Role.AGENCY_REPRESENTATIVE,
        organisation=cast.police,
    )
    school = make_organisation(name="Oakfield Academy", sector=Organisation.Sector.EDUCATION)
    make_membership(
        group=cast.board,
        person=make_person(name="Head Teacher"),
        role=Membership.Role.AGENCY_REPRESENTATIVE,
        organisation=school,
    )
    resident = make_person(name="Rita Resident")
    problem = make_problem(cast, area=cast.neighbourhood)
    ProblemReport.objects.create(problem=problem, raised_by="resident", person=resident)
    ProblemReport.objects.create(problem=problem, raised_by="agency", organisation=cast.police)
    return problem, support.person, police_rep.person, resident


def test_establishing_a_cls_group_sets_it_up_with_leads_support_officer_and_agencies(cast, cls_setup):
    problem, support, police, resident = cls_setup
    escalation = problem_escalate(problem=problem, reason="Persistent", by=cast.officer)

    escalation_decide(escalation=escalation, decision="establish_cls", by=cast.officer)

    escalation.refresh_from_db()
    group = escalation.established_group
    assert group.name == "Oakfield Community Led Solution group"
    assert (group.type.short_name, group.parent, group.area, group.is_public) == (
        "CLS",
        cast.board,
        cast.neighbourhood,
        False,
    )
    assert problem.title in group.purpose
    roles = set(group.memberships.values_list("person__name", "role"))
    assert roles == {
        (support.name, Membership.Role.SUPPORT_OFFICER),
        (resident.name, Membership.Role.COMMUNITY_LEAD),
        (police.name, Membership.Role.AGENCY_REPRESENTATIVE),
    }
    assert Problem.objects.get().group == cast.group


def test_establishing_a_cls_group_is_refused_without_a_cls_type_and_nothing_changes(cast):
    escalation = _escalated(cast)
    groups = Group.objects.count()
    with pytest.raises(ValidationError, match="no Community Led Solution type"):
        escalation_decide(escalation=escalation, decision="establish_cls")
    escalation.refresh_from_db()
    assert escalation.is_open and Group.objects.count() == groups


def test_cls_group_without_support_officer_leaves_the_essential_missing(cast):
    make_group_type(partnership=cast.partnership, name="Community Led Solution")
    problem = make_problem(
        cast, location_text="the alley behind Mill Lane", category=Category.objects.get(slug="fly-tipping")
    )
    group = cls_group_establish(problem=problem, decided_by_group=cast.board)
    assert group.name == "the alley behind Mill Lane Community Led Solution group"
    assert not group.memberships.exists()


# --- Pages ----------------------------------------------------------------------------------


def test_an_organiser_escalates_through_the_page(client, cast):
    problem = make_problem(cast)
    client.force_login(make_organiser(cast))
    url = reverse("problems:escalation-create", kwargs={"pk": problem.pk})
    assert cast.board.name in client.get(url).text

    response = client.post(url, {"reason": "Beyond us"})

    assert response.status_code == 302
    assert Escalation.objects.get().to_group == cast.board


def test_an_empty_reason_or_a_second_escalation_is_a_400(client, cast):
    escalation = _escalated(cast)
    client.force_login(cast.officer)
    url = reverse("problems:escalation-create", kwargs={"pk": escalation.problem.pk})
    response = client.post(url, {"reason": "Again"})
    assert response.status_code == 400
    assert "already waiting for a decision" in response.text
    assert (
        client.post(
            reverse("problems:escalation-create", kwargs={"pk": make_problem(cast).pk}), {}
        ).status_code
        == 400
    )
    assert Escalation.objects.count() == 1


def test_a_plain_member_cannot_escalate_and_an_outsider_cannot_see_a_private_problem(client, cast):
    problem = make_problem(cast, is_public=False)
    url = reverse("problems:escalation-create", kwargs={"pk": problem.pk})
    client.force_login(cast.member)
    assert client.post(url, {"reason": "Me"}).status_code == 403
    client.force_login(cast.outsider)
    assert client.post(url, {"reason": "Me"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert not Escalation.objects.exists()


def test_the_receiving_groups_page_lists_waiting_and_decided_escalations(client, cast):
    waiting = _escalated(cast, title="Waiting one")
    decided = _escalated(cast, title="Decided one")
    escalation_decide(escalation=decided, decision="refer_back", notes="Try the council")
    client.force_login(cast.officer)

    response = client.get(reverse("problems:group-escalations", kwargs={"slug": cast.board.slug}))

    assert response.status_code == 200
    assert waiting.problem.title in response.text and "Try the council" in response.text
    assert reverse("problems:escalation-decide", kwargs={"pk": waiting.pk}) in response.text


def test_the_escalations_page_is_for_the_groups_members_and_officers(client, cast):
    url = reverse("problems:group-escalations", kwargs={"slug": cast.board.slug})
    assert client.get(url).status_code == 302
    client.force_login(cast.member)
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("problems:group-escalations", kwargs={"slug": cast.group.slug})).status_code == 200
    )
    client.force_login(cast.outsider)
    assert (
        client.get(
            reverse("problems:group-escalations", kwargs={"slug": cast.private_group.slug})
        ).status_code
        == 404
    )


def test_an_officer_decides_through_the_page_and_refer_back_without_advice_is_a_400(client, cast):
    escalation = _escalated(cast)
    client.force_login(cast.officer)
    url = reverse("problems:escalation-decide", kwargs={"pk": escalation.pk})
    assert client.get(url).status_code == 200

    refused = client.post(url, {"decision": "refer_back", "decision_notes": ""})
    assert refused.status_code == 400 and "Enter the advice" in refused.text
    assert client.post(url, {"decision": "nonsense"}).status_code == 400
    escalation.refresh_from_db()
    assert escalation.is_open

    response = client.post(url, {"decision": "accept", "decision_notes": "We will take it"})
    assert response.status_code == 302
    assert Problem.objects.get().group == cast.board


def test_a_plain_member_cannot_decide_and_an_outsider_cannot_see_it(client, cast):
    escalation = _escalated(cast)
    url = reverse("problems:escalation-decide", kwargs={"pk": escalation.pk})
    client.force_login(cast.member)
    assert client.post(url, {"decision": "accept"}).status_code == 403
    client.force_login(cast.outsider)
    assert client.post(url, {"decision": "accept"}).status_code == 404
    escalation.refresh_from_db()
    assert escalation.is_open and Problem.objects.get().group == cast.group


def test_deciding_to_establish_a_cls_group_through_the_page_shows_the_new_group(client, cast, cls_setup):
    problem = cls_setup[0]
    escalation = problem_escalate(problem=problem, reason="Persistent")
    client.force_login(cast.officer)
    response = client.post(
        reverse("problems:escalation-decide", kwargs={"pk": escalation.pk}), {"decision": "establish_cls"}
    )
    escalation.refresh_from_db()
    assert response.status_code == 302
    assert response.url == escalation.established_group.get_absolute_url()


# --- API ------------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_the_api_shows_escalations_of_public_problems_only_and_no_people(client, cast):
    public = _escalated(cast, title="Public one")
    _escalated(cast, title="Private one", is_public=False)

    rows = client.get("/test-api/escalations/").json()["results"]

    assert [row["problem_title"] for row in rows] == [public.problem.title]
    assert "escalated_by" not in rows[0] and rows[0]["to_group"] == cast.board.slug
    client.force_login(cast.officer)
    assert len(client.get("/test-api/escalations/", {"waiting": "true"}).json()["results"]) == 2
    assert client.get("/test-api/escalations/", {"problem": "x"}).status_code == 400


@pytest.mark.urls(__name__)
def test_the_api_lists_priorities(client, cast):
    from tandem.problems.priorities import priority_set

    cast.lag_type.priorities_per_period = 3
    cast.lag_type.save()
    cast.group.refresh_from_db()
    priority_set(group=cast.group, problem=make_problem(cast), reason="Raised")
    rows = client.get("/test-api/priorities/", {"group": cast.group.slug, "current": "true"}).json()[
        "results"
    ]
    assert [(row["rank"], row["periods_running"]) for row in rows] == [(1, 1)]
    assert client.get(f"/test-api/priorities/{rows[0]['id']}/").json()["periods_running"] == 1
