"""Issue 9's case journey in a browser: an officer of a signatory agency opens a case for a
vulnerable resident targeted by scams, adds her, assesses the risk, sets a task for another
agency and puts the case on a Joint Action Group meeting as a confidential item; an officer of an
agency that has not signed gets "Page not found"; the data protection officer's audit log shows
both. axe checks every page."""

import datetime as dt
import re
from importlib import import_module

import django.apps
import pytest
from django.utils import timezone

from tandem.accounts.models import User
from tandem.cases import services
from tandem.cases.audit import Actor
from tandem.cases.models import AgencyStaff, Case, CaseAgendaItem, DataProtectionOfficer, Purpose, Task
from tests.factories import Cast, make_group, make_group_type, make_meeting, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _staff(name: str, organisation) -> User:
    user = make_user(role=User.Role.OFFICER, name=name)
    AgencyStaff.objects.create(user=user, organisation=organisation, start_date=dt.date(2020, 1, 1))
    return user


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def _main(page) -> str:
    return page.locator("main").inner_text()


def test_a_signatory_officer_opens_a_case_and_the_dpo_sees_it_and_the_refused_attempt(
    page, visit, audit, sign_in_as
) -> None:
    # given: the seeded purposes and questionnaire (a transactional test starts empty)
    import_module("tandem.cases.migrations.0002_seed_configuration").seed(django.apps.apps, None)
    cast = Cast()
    council = make_organisation(name="Castleford Council")
    charity = make_organisation(name="Bright Charity")  # has signed nothing
    police_officer = _staff("Sam Signatory", cast.police)
    _staff("Carla Council", council)
    outsider = _staff("Otis Outside", charity)
    dpo = make_user(name="Dana Protection")
    DataProtectionOfficer.objects.create(partnership=cast.partnership, user=dpo)
    today = timezone.localdate()
    actor = Actor(user=cast.administrator)
    agreement = services.agreement_create(
        partnership=cast.partnership,
        purposes=[Purpose.objects.get(slug="vulnerable-adults")],
        organisations=[cast.police, council],
        actor=actor,
        title="Protecting vulnerable adults",
        purpose="Scams and exploitation",
        data_categories="Names, addresses, contacts",
        starts_on=today - dt.timedelta(days=30),
        expires_on=today + dt.timedelta(days=300),
        review_on=today + dt.timedelta(days=100),
    )
    for organisation in (cast.police, council):
        services.agreement_sign(agreement=agreement, organisation=organisation, signer_name="S", actor=actor)
    jag = make_group(
        partnership=cast.partnership,
        group_type=make_group_type(partnership=cast.partnership, name="Joint Action Group"),
        name="Castleford Joint Action Group",
        is_public=False,
    )
    meeting = make_meeting(group=jag)

    # when: the police officer opens a case from the caseload
    sign_in_as(page, police_officer)
    visit(page, "/cases/")
    visit(page, "/cases/new/")
    page.get_by_label("Information-sharing agreement").select_option(label=str(agreement))
    page.get_by_label("Purpose").select_option(label="Protecting vulnerable people (including scam targets)")
    page.get_by_label("Short description").fill("Older resident targeted by phone scams")
    page.get_by_label("Lead agency").select_option(label="Castleford Police")
    page.get_by_role("group", name="Other agencies involved").get_by_label("Castleford Council").check()
    _submit(page, "Open the case")
    audit(page)
    case = Case.objects.get(title="Older resident targeted by phone scams")
    assert page.url.endswith(case.get_absolute_url())
    assert f"Case {case.reference} is open" in _main(page)

    # the person it is about
    page.get_by_role("link", name="Add a person").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("Role in this case").select_option(label="Vulnerable person")
    page.get_by_label("Name", exact=True).fill("Ivy Example")
    _submit(page, "Add to the case")
    audit(page)
    assert "Ivy Example has been added" in _main(page)

    # a risk assessment: elderly and living alone (2), health affected (2), getting worse (2),
    # no support (2) = 8, medium
    page.get_by_role("link", name="Assess the risk").click()
    page.wait_for_load_state()
    audit(page)
    for text in ("elderly, isolated", "health, sleep or work", "getting worse", "lack support"):
        page.get_by_label(re.compile(re.escape(text))).check()
    _submit(page, "Record the assessment")
    audit(page)
    assert "Risk assessed as medium (score 8)" in _main(page)

    # a task for the council
    page.get_by_role("link", name="Set a task for an agency").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("Agency").select_option(label="Castleford Council")
    page.get_by_label("Task").fill("Safeguarding visit by adult social care")
    due = today + dt.timedelta(days=7)
    group = page.get_by_role("group", name="Due date")
    group.get_by_label("Day").fill(str(due.day))
    group.get_by_label("Month").fill(str(due.month))
    group.get_by_label("Year").fill(str(due.year))
    _submit(page, "Set the task")
    audit(page)
    assert "Task set for Castleford Council" in _main(page)
    assert Task.objects.get(case=case).organisation == council

    # on the JAG's next meeting, as a confidential item
    page.get_by_role("link", name="Discuss the case at a meeting").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("Meeting", exact=True).select_option(label=str(meeting))
    _submit(page, "Add to the agenda")
    audit(page)
    assert "as a confidential item" in _main(page)
    link = CaseAgendaItem.objects.get(case=case)
    assert link.item.is_confidential and "Ivy" not in link.item.title

    # then: an officer of an agency that has not signed gets "Page not found"
    sign_in_as(page, outsider)
    visit(page, case.get_absolute_url(), status=404)
    assert "Page not found" in _main(page)
    assert "Ivy Example" not in page.content()

    # and the data protection officer's audit log shows the case opened and the refused attempt
    sign_in_as(page, dpo)
    visit(page, f"/cases/audit/?case={case.pk}")
    log = _main(page)
    assert "Sam Signatory" in log and "Opened the case" in log
    assert "Otis Outside" in log and "Refused access" in log
    page.get_by_label("Action").select_option(label="Refused access")
    _submit(page, "Search")
    audit(page)
    log = _main(page)
    assert "Otis Outside" in log and "Opened the case" not in log
