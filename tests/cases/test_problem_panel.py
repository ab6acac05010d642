"""A case can link problems; the problem's page lists the linked cases only to those who may open
them, and shows (and costs) nothing about cases to anybody else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.cases import services
from tandem.cases.audit import Actor
from tandem.cases.models import AuditEntry
from tandem.problems import services as problem_services
from tandem.problems.models import Category
from tandem.problems.page_panels import problem_panels


@pytest.fixture
def problem(cc):
    return problem_services.problem_create(
        partnership=cc.cast.partnership,
        group=cc.cast.group,
        title="Doorstep scams in Oakfield",
        category=Category.objects.get(slug="anti-social-behaviour"),
        by=cc.cast.officer,
    )


def _page(client, user, problem):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    response = client.get(f"/problems/{problem.pk}/", HTTP_HOST="localhost")
    assert response.status_code == 200
    return response.content.decode()


def test_staff_with_standing_see_the_linked_case_and_it_is_logged(client, cc, problem):
    services.case_problem_link(case=cc.case, problem=problem, actor=Actor(user=cc.signatory))
    content = _page(client, cc.signatory, problem)
    assert "Cases linked to this problem" in content
    assert cc.case.reference in content and cc.case.get_absolute_url() in content
    assert AuditEntry.objects.filter(user=cc.signatory, action="list", case_number=cc.case.pk).exists()
    assert "Cases linked to this problem" in _page(client, cc.council_officer, problem)


@pytest.mark.parametrize(
    "who",
    [
        "public",
        "member",
        "officer",
        "administrator",
        "involved_unsigned",
        "signatory_not_involved",
        "outsider",
    ],
)
def test_nobody_else_sees_anything_of_the_case(client, cc, problem, who):
    services.case_problem_link(case=cc.case, problem=problem, actor=Actor(user=cc.signatory))
    user = {"public": None, "member": cc.cast.member, "officer": cc.cast.officer}.get(who)
    if who == "administrator":
        user = cc.cast.administrator
    elif user is None and who != "public":
        user = getattr(cc, who)
    before = AuditEntry.objects.count()
    content = _page(client, user, problem)
    assert "Cases linked" not in content
    assert cc.case.reference not in content and cc.case.title not in content
    assert AuditEntry.objects.count() == before  # nothing about the case was read


@pytest.mark.parametrize("who", [None, "outsider"])
def test_a_linked_case_costs_those_without_standing_no_extra_query(client, cc, problem, who):
    if who:
        client.force_login(getattr(cc, who))
    client.get(f"/problems/{problem.pk}/", HTTP_HOST="localhost")  # the session settles

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/problems/{problem.pk}/", HTTP_HOST="localhost").status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    unlinked = queries()
    services.case_problem_link(case=cc.case, problem=problem, actor=Actor(user=cc.signatory))
    linked = queries()
    assert len(linked) == len(unlinked)
    if who is None:  # a visitor costs no query about cases at all
        assert not any("cases_" in sql for sql in linked)


def test_panels_registered_without_the_user_still_work(cc, problem):
    # The community app's panel takes (problem, is_insider) as before; the cases panel gets the user.
    titles = [panel.title for panel in problem_panels(problem, is_insider=True)]
    assert "Residents" in titles and "Cases linked to this problem" not in titles
    services.case_problem_link(case=cc.case, problem=problem, actor=Actor(user=cc.signatory))
    titles = [panel.title for panel in problem_panels(problem, is_insider=True, user=cc.signatory)]
    assert "Residents" in titles and "Cases linked to this problem" in titles


def test_the_public_problem_api_and_feeds_never_mention_the_case(client, cc, problem):
    services.case_problem_link(case=cc.case, problem=problem, actor=Actor(user=cc.signatory))
    client.logout()
    for url in (f"/api/v1/problems/{problem.pk}/", "/problems/", "/problems/map/"):
        response = client.get(url, HTTP_HOST="localhost")
        if response.status_code == 200:
            body = response.content.decode()
            assert cc.case.reference not in body and cc.case.title not in body
