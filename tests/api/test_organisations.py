import pytest
from django.db.models import QuerySet

from tandem.partnership.models import Organisation
from tests.factories import Cast, make_organisation

LIST = "/api/v1/organisations/"


def _snapshot(queryset: QuerySet) -> list[dict]:
    return list(queryset.order_by("pk").values())


def test_it_lists_and_filters_organisations(api, cast: Cast) -> None:
    make_organisation(name="Oakfield Youth Club", sector=Organisation.Sector.VOLUNTARY)
    client = api("public")

    police = client.get(f"{LIST}?sector=police").json()["results"]
    youth = client.get(f"{LIST}?q=youth").json()["results"]

    assert [row["slug"] for row in police] == ["castleford-police"]
    assert police[0]["stakeholder_kind"] == "police"
    assert [row["slug"] for row in youth] == ["oakfield-youth-club"]


@pytest.mark.parametrize("query", ["sector=pirates", "q=" + "x" * 101])
def test_it_refuses_bad_filters_with_a_message(api, cast: Cast, query: str) -> None:
    response = api("public").get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert response.json()[query.split("=")[0]]


def test_it_lists_organisations_in_a_fixed_number_of_queries(
    api, cast: Cast, django_assert_max_num_queries
) -> None:
    for n in range(20):
        organisation = make_organisation(name=f"Organisation number {n}", stakeholder_kind=cast.youth)
        organisation.partnerships.add(cast.partnership)

    with django_assert_max_num_queries(3):
        response = api("public").get(LIST)

    assert response.json()["count"] == 21


def test_an_administrator_can_add_and_change_an_organisation(api, cast: Cast) -> None:
    client = api("administrator")

    created = client.post(
        LIST,
        {
            "name": "Oakfield Homes",
            "sector": "housing",
            "stakeholder_kind": cast.rsl.slug,
            "partnerships": [cast.partnership.slug],
        },
        format="json",
    )
    changed = client.patch(
        f"{LIST}oakfield-homes/", {"website": "https://oakfield-homes.example.org"}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert changed.status_code == 200, changed.json()
    organisation = Organisation.objects.get(slug="oakfield-homes")
    assert list(organisation.partnerships.all()) == [cast.partnership]
    assert organisation.website == "https://oakfield-homes.example.org"
    assert organisation.history.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "sector": "pirates"}, "sector"),
        ({"name": "A", "sector": "police", "stakeholder_kind": "nope"}, "stakeholder_kind"),
        ({"name": "A", "sector": "police", "website": "not a url"}, "website"),
        ({"sector": "police"}, "name"),
    ],
)
def test_it_refuses_bad_organisations(api, cast: Cast, body: dict, field: str) -> None:
    before = _snapshot(Organisation.objects.all())

    response = api("administrator").post(LIST, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert _snapshot(Organisation.objects.all()) == before


def test_it_refuses_to_delete_an_organisation_someone_represents(api, cast: Cast) -> None:
    before = _snapshot(Organisation.objects.all())

    response = api("administrator").delete(f"{LIST}{cast.police.slug}/")

    assert response.status_code == 409
    assert _snapshot(Organisation.objects.all()) == before


@pytest.mark.parametrize("role", ["public", "outsider", "officer"])
def test_it_refuses_organisation_changes_from_anyone_but_an_administrator(api, cast: Cast, role: str) -> None:
    before = _snapshot(Organisation.objects.all())
    client = api(role)

    responses = [
        client.post(LIST, {"name": "X", "sector": "other"}, format="json"),
        client.patch(f"{LIST}{cast.police.slug}/", {"name": "Renamed"}, format="json"),
        client.delete(f"{LIST}{cast.police.slug}/"),
    ]

    assert {r.status_code for r in responses} <= {401, 403}
    assert _snapshot(Organisation.objects.all()) == before
