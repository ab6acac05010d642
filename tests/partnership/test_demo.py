from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction

from tandem.accounts.models import User
from tandem.partnership.demo.loader import PASSWORD, demo_name
from tandem.partnership.models import Group, GroupType, Membership, Organisation, Partnership, Person
from tandem.partnership.selectors import essentials_check, representation_coverage
from tandem.places.models import LSOA, Area

pytestmark = pytest.mark.django_db

MODELS = [Area, LSOA, Partnership, GroupType, Organisation, Person, Group, Membership, User]


def counts() -> dict[str, int]:
    rows = {model.__name__: model.objects.count() for model in MODELS}
    history = {f"history of {model.__name__}": model.history.count() for model in MODELS}
    return rows | history


def test_demo_accounts_exist_only_when_the_demo_is_loaded(db):
    assert not User.objects.filter(email__in=["admin@example.org", "chair@example.org"]).exists()


# Runs after the test above: the module-wide fixture loads the demo once for the tests below.
@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded twice, once for the whole module (it takes a few seconds), then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        first_out = StringIO()
        call_command("load_demo", stdout=first_out)
        first = counts()
        second_out = StringIO()
        call_command("load_demo", stdout=second_out)
        second = counts()
        yield {"first": first, "second": second, "out": first_out.getvalue(), "again": second_out.getvalue()}
        transaction.set_rollback(True)


def test_loading_the_demo_twice_adds_nothing(loaded):
    assert loaded["first"] == loaded["second"]
    assert "Created: nothing new." in loaded["again"]


def test_the_demo_is_one_partnership_on_traffords_real_boundaries(loaded):
    # beside the small Leicester partnership the problems demo adds for the evidence (its own test)
    partnership = Partnership.objects.exclude(slug="leicester-csp-demo").get()
    assert partnership.name == "Trafford Community Safety Partnership (demo)"
    trafford = partnership.area
    assert (trafford.code, trafford.kind) == ("E08000009", Area.Kind.DISTRICT)
    assert trafford.boundary["type"] == "MultiPolygon"
    localities = Area.objects.filter(parent=trafford, kind=Area.Kind.AREA)
    assert sorted(localities.values_list("name", flat=True)) == [
        "Central Trafford",
        "North Trafford",
        "South Trafford",
        "West Trafford",
    ]
    wards = Area.objects.filter(kind=Area.Kind.WARD, parent__in=localities)
    assert wards.count() == 21
    assert not wards.filter(boundary__isnull=True).exists()
    assert LSOA.objects.filter(area__in=wards, census_year=2021).count() == 139
    assert Area.objects.get(code="E05000836").lsoas.count() > 0
    for ward in wards:
        assert 53.3 < ward.centroid_lat < 53.5 and -2.5 < ward.centroid_lng < -2.2
    assert Area.objects.get(slug="partington").kind == Area.Kind.PARISH
    assert Area.objects.filter(is_priority_neighbourhood=True).get().name == "Sale West estate"
    assert "Open Government Licence" in trafford.boundary_source


def test_the_demo_has_the_community_led_solution_structure_and_one_group_of_each_other_preset(loaded):
    by_type = {}
    for group in Group.objects.exclude(partnership__slug="leicester-csp-demo").select_related("type"):
        by_type.setdefault(group.type.slug, []).append(group)
    assert len(by_type["partnership-board"]) == 1
    assert len(by_type["joint-action-group"]) == 4
    assert 10 <= len(by_type["neighbourhood-action-panel"]) <= 16
    assert len(by_type["community-led-solution-group"]) == 1
    assert by_type["community-led-solution-group"][0].parent.type.slug == "joint-action-group"
    for nap in by_type["neighbourhood-action-panel"]:
        assert nap.parent.type.slug == "joint-action-group"
    lag = by_type["local-action-group"][0]
    assert lag.parent.type.slug == "area-action-panel"
    assert lag.accountable_body.name == "Partington Town Council"
    cag = by_type["community-action-group"][0]
    assert cag.theme == "Safer & Stronger"
    assert cag.parent.type.slug == "local-neighbourhood-partnership"


def test_the_demo_has_a_few_dozen_organisations_and_60_to_100_made_up_people(loaded):
    assert 25 <= Organisation.objects.count() <= 50
    assert set(Organisation.objects.values_list("sector", flat=True)) >= {
        "police",
        "local_authority",
        "fire",
        "health",
        "housing",
        "education",
        "faith",
        "business",
        "parish_council",
        "voluntary",
    }
    assert not Organisation.objects.filter(stakeholder_kind__isnull=True).exists()
    people = Person.objects.all()
    assert 60 <= people.count() <= 100
    assert not people.exclude(email__endswith="@example.org").exists()
    assert people.values("name").distinct().count() == people.count()
    assert len({demo_name(n) for n in range(120)}) == 120


def test_the_demo_leaves_some_essentials_missing_and_some_representation_gaps(loaded):
    missing, gaps = {}, {}
    trafford = Group.objects.exclude(partnership__slug="leicester-csp-demo")
    for group in trafford.select_related("type", "parent", "accountable_body"):
        memberships = list(group.memberships.current().select_related("organisation__stakeholder_kind"))
        missing[group.slug] = [c.key for c in essentials_check(group, memberships) if not c.in_place]
        recommended = list(group.type.recommended_stakeholders.all())
        gaps[group.slug] = [
            c.kind.gap_text for c in representation_coverage(memberships, recommended) if not c.covered
        ]
    assert missing["partington-lag"] == ["note_taker"]
    assert missing["longford-nap"] == ["venue"]
    assert missing["timperley-village-nap"] == ["chair"]
    assert missing["trafford-csp-board"] == []
    assert "No youth representation" in gaps["partington-lag"]
    assert "No registered social landlord" in gaps["partington-lag"]
    assert gaps["trafford-csp-board"] == []


def test_the_demo_creates_the_four_sign_in_accounts(loaded):
    admin = authenticate(username="admin@example.org", password=PASSWORD)
    assert admin.is_superuser and admin.is_staff and admin.role == User.Role.ADMINISTRATOR
    officer = authenticate(username="officer@example.org", password=PASSWORD)
    assert officer.role == User.Role.OFFICER and not officer.is_staff
    chair = authenticate(username="chair@example.org", password=PASSWORD)
    assert chair.role == User.Role.MEMBER
    assert Membership.objects.current().filter(person__user=chair, role=Membership.Role.CHAIR).exists()
    assert chair.person.memberships.get().group.type.short_name == "NAP"
    resident = authenticate(username="resident@example.org", password=PASSWORD)
    assert resident.person.memberships.filter(role=Membership.Role.MEMBER).exists()
    # Four sign-in accounts; the demo residents who voted in a public vote cannot sign in.
    assert sorted(u.email for u in User.objects.all() if u.has_usable_password()) == [
        "admin@example.org",
        "chair@example.org",
        "officer@example.org",
        "resident@example.org",
    ]
    for email in ["admin@example.org", "officer@example.org", "chair@example.org", "resident@example.org"]:
        assert email in loaded["out"]
    assert PASSWORD in loaded["out"]
