"""The cases demo: an agreement the demo's police, council and housing trust signed, three cases
about fictional people that the demo officer can open, a DPO; running it twice adds nothing."""

import pytest

from tandem.accounts.models import User
from tandem.cases import demo
from tandem.cases.access import case_list_for_user
from tandem.cases.models import (
    AgencyStaff,
    Agreement,
    AuditEntry,
    Case,
    CaseAgendaItem,
    DataProtectionOfficer,
    Intervention,
    RiskAssessment,
    Subject,
    Task,
    TimelineEntry,
)
from tests.factories import make_group, make_group_type, make_meeting, make_organisation

MODELS = [
    Agreement,
    Case,
    Subject,
    RiskAssessment,
    TimelineEntry,
    Task,
    Intervention,
    AgencyStaff,
    DataProtectionOfficer,
    CaseAgendaItem,
    AuditEntry,
    User,
]


@pytest.fixture
def demo_partnership(cast):
    for slug in (demo.POLICE, demo.COUNCIL, demo.HOUSING):
        make_organisation(name=slug.replace("-", " ").title(), slug=slug)
    # The cast's officer and administrator have the demo's sign-in addresses.
    assert (cast.officer.email, cast.administrator.email) == (demo.OFFICER_EMAIL, demo.DPO_EMAIL)
    jag_type = make_group_type(partnership=cast.partnership, name="Joint Action Group")
    make_meeting(group=make_group(partnership=cast.partnership, group_type=jag_type, name="North JAG"))
    return cast.partnership


def _load(partnership) -> dict:
    created: dict = {}
    demo.demo_load(partnership=partnership, progress=lambda step: None, created=created)
    return created


def test_the_demo_officer_sees_every_demo_case_and_the_administrator_is_the_dpo(demo_partnership):
    created = _load(demo_partnership)
    assert created["cases"] == 3
    agreement = Agreement.objects.get(title=demo.AGREEMENT_TITLE)
    assert agreement.is_in_force()
    assert set(agreement.signatories.values_list("organisation__slug", flat=True)) == {
        demo.POLICE,
        demo.COUNCIL,
        demo.HOUSING,
    }
    officer = User.objects.get(email=demo.OFFICER_EMAIL)
    visible = set(case_list_for_user(officer).values_list("title", flat=True))
    assert visible == {demo.SCAMS, demo.ASB_VICTIM}  # the household's case does not involve the council
    police_officer = User.objects.get(email="demo.pc@example.org")
    assert case_list_for_user(police_officer).count() == 3
    assert DataProtectionOfficer.objects.filter(
        user__email=demo.DPO_EMAIL, partnership=demo_partnership
    ).exists()

    scams = Case.objects.get(title=demo.SCAMS)
    assert scams.risk_level and scams.lead_officer == officer
    assert scams.tasks.filter(status="open").count() == 2
    assert CaseAgendaItem.objects.filter(case=scams, item__is_confidential=True).exists()
    assert TimelineEntry.objects.filter(case=scams, is_shared=False).exists()
    # One record for each member of the household, in both the victim's case and their own.
    gary = Subject.objects.get(name="Gary Testwood (fictional)")
    assert set(gary.case_roles.values_list("case__title", flat=True)) == {demo.ASB_VICTIM, demo.ASB_HOUSEHOLD}
    assert all("(fictional)" in name for name in Subject.objects.values_list("name", flat=True))


def test_running_the_demo_again_adds_nothing(demo_partnership):
    _load(demo_partnership)
    counts = {model: model.objects.count() for model in MODELS}
    assert _load(demo_partnership) == {}
    assert {model: model.objects.count() for model in MODELS} == counts


def test_the_demo_does_nothing_outside_the_demo_partnership(cast):
    assert _load(cast.partnership) == {}
    assert not Case.objects.exists() and not Agreement.objects.exists()


def test_a_demo_login_opens_the_scams_case(client, demo_partnership):
    _load(demo_partnership)
    client.force_login(User.objects.get(email=demo.OFFICER_EMAIL))
    response = client.get("/cases/", HTTP_HOST="localhost")
    assert response.status_code == 200 and demo.SCAMS in response.content.decode()
    page = client.get(Case.objects.get(title=demo.SCAMS).get_absolute_url(), HTTP_HOST="localhost")
    assert "Ivy Example (fictional)" in page.content.decode()


def test_the_demo_loads_into_a_database_emptied_of_the_shipped_lists(demo_partnership):
    # given a database whose purposes, interventions and questionnaire (migration 0002's) are gone,
    # as a test database flushed between tests leaves it
    from tandem.cases.models import InterventionType, Purpose, Questionnaire

    Questionnaire.objects.all().delete()
    InterventionType.objects.all().delete()
    Purpose.objects.all().delete()

    # then the demo puts them back and loads its cases
    assert _load(demo_partnership)["cases"] == 3
    assert Purpose.objects.filter(slug="vulnerable-adults").exists()
    assert Questionnaire.objects.get(slug="asb-victim-risk-assessment").questions.count() == 13
