"""Query counts of the pages that list things: they must not grow with the number of cases,
people, tasks or timeline entries (an N+1 shows up as a count that does)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.cases import services
from tandem.cases.audit import Actor
from tandem.cases.models import InterventionType, Questionnaire


def _fill_case(cc, case, *, entries: int) -> None:
    actor = Actor(user=cc.signatory)
    today = timezone.localdate()
    questionnaire = Questionnaire.objects.get(slug="asb-victim-risk-assessment")
    letter = InterventionType.objects.get(slug="warning-letter")
    for n in range(3):
        link = services.case_subject_add(case=case, role="victim", name=f"Person {case.pk}-{n}", actor=actor)
        services.intervention_record(
            case=case, type=letter, organisation_id=cc.police.pk, subject=link.subject, actor=actor
        )
        services.task_create(
            case=case,
            organisation=cc.council if n % 2 else cc.police,
            description=f"Task {n}",
            due_on=today - dt.timedelta(days=n),  # some overdue
            actor=actor,
        )
        services.risk_assessment_record(
            case=case,
            questionnaire=questionnaire,
            yes_ids=[q.pk for q in questionnaire.questions.all()[: n + 1]],
            organisation_id=cc.police.pk,
            review_on=today + dt.timedelta(days=n + 1),
            actor=actor,
        )
    for n in range(entries):
        services.timeline_entry_add(
            case=case,
            text=f"Entry {n}",
            organisation_id=(cc.police if n % 3 else cc.council).pk,
            is_shared=bool(n % 2),
            actor=actor,
        )


def _open_cases(cc, count: int) -> list:
    cases = []
    for n in range(count):
        case = services.case_open(
            agreement=cc.agreement,
            purpose=cc.purpose,
            title=f"Case {n}",
            lead_organisation=cc.police,
            lead_officer=cc.signatory if n % 2 else None,
            agencies=[cc.council],
            actor=Actor(user=cc.signatory),
        )
        _fill_case(cc, case, entries=2)
        cases.append(case)
    return cases


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, HTTP_HOST="localhost").status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/cases/", "/cases/all/"])
def test_the_caseload_and_case_list_do_not_grow_with_the_cases(
    client, cc, django_assert_max_num_queries, url
):
    client.force_login(cc.signatory)
    _open_cases(cc, 2)
    few = _count(client, url)
    assert few <= {"/cases/": 10, "/cases/all/": 8}[url]
    _open_cases(cc, 25)
    with django_assert_max_num_queries(few):
        response = client.get(url, HTTP_HOST="localhost")
    assert response.status_code == 200
    assert "Case 24" in response.content.decode()


@pytest.mark.parametrize("user", ["signatory", "council_officer"])
def test_the_case_page_does_not_grow_with_its_entries(client, cc, django_assert_max_num_queries, user):
    client.force_login(getattr(cc, user))
    _fill_case(cc, cc.case, entries=3)
    few = _count(client, cc.case.get_absolute_url())
    _fill_case(cc, cc.case, entries=150)
    with django_assert_max_num_queries(few):
        response = client.get(cc.case.get_absolute_url(), HTTP_HOST="localhost")
    assert response.status_code == 200
    assert few <= 18


def test_the_audit_log_does_not_grow_with_its_entries(client, cc, django_assert_max_num_queries):
    from tandem.cases.models import DataProtectionOfficer

    DataProtectionOfficer.objects.create(partnership=cc.cast.partnership, user=cc.signatory)
    client.force_login(cc.signatory)
    few = _count(client, "/cases/audit/")
    _open_cases(cc, 5)
    with django_assert_max_num_queries(few):
        assert client.get("/cases/audit/", HTTP_HOST="localhost").status_code == 200


def test_a_long_timeline_shows_the_newest_entries_and_links_to_them_all(client, cc):
    actor = Actor(user=cc.signatory)
    for n in range(105):
        services.timeline_entry_add(
            case=cc.case, text=f"Entry number {n:03d}", organisation_id=cc.police.pk, actor=actor
        )
    client.force_login(cc.signatory)
    page = client.get(cc.case.get_absolute_url(), HTTP_HOST="localhost").content.decode()
    assert "Entry number 104" in page and "Entry number 000" not in page
    assert "Show all 105 entries" in page
    everything = client.get(
        cc.case.get_absolute_url() + "?timeline=all", HTTP_HOST="localhost"
    ).content.decode()
    assert "Entry number 000" in everything and "Show all" not in everything
