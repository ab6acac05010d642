"""Partnerships, stakeholder kinds and group types: read-only through the API."""

import pytest

from tandem.partnership.models import GroupType, Partnership, StakeholderKind
from tests.factories import Cast, make_group_type

COLLECTIONS = ["partnerships", "stakeholder-kinds", "group-types"]


def test_it_lists_the_configuration_for_anyone(api, cast: Cast) -> None:
    client = api("public")

    partnerships = client.get("/api/v1/partnerships/").json()["results"]
    kinds = client.get("/api/v1/stakeholder-kinds/").json()["results"]
    types = client.get(f"/api/v1/group-types/?partnership={cast.partnership.slug}").json()["results"]

    assert [p["slug"] for p in partnerships] == [cast.partnership.slug]
    assert {k["slug"] for k in kinds} == {"youth-group", "registered-social-landlord", "police"}
    lag = next(t for t in types if t["slug"] == "local-action-group")
    assert lag["recommended_stakeholders"] == ["police", "registered-social-landlord", "youth-group"]
    assert lag["escalates_to"] == cast.board_type.pk
    detail = client.get(f"/api/v1/group-types/{cast.lag_type.pk}/").json()
    assert detail["short_name"] == "LAG"


def test_it_refuses_an_unknown_partnership_filter(api, cast: Cast) -> None:
    response = api("public").get("/api/v1/group-types/?partnership=nowhere")

    assert response.status_code == 400
    assert response.json()["partnership"]


def test_it_lists_group_types_in_a_fixed_number_of_queries(
    api, cast: Cast, django_assert_max_num_queries
) -> None:
    for n in range(20):
        make_group_type(partnership=cast.partnership, name=f"Type {n}", recommended_stakeholders=[cast.youth])

    with django_assert_max_num_queries(3):
        response = api("public").get("/api/v1/group-types/")

    assert response.json()["count"] == 22


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_not_even_an_administrator_can_change_the_configuration(api, cast: Cast, collection: str) -> None:
    before = (Partnership.objects.count(), StakeholderKind.objects.count(), GroupType.objects.count())
    client = api("administrator")
    key = {
        "partnerships": cast.partnership.slug,
        "stakeholder-kinds": "police",
        "group-types": cast.lag_type.pk,
    }

    created = client.post(f"/api/v1/{collection}/", {"name": "X"}, format="json")
    deleted = client.delete(f"/api/v1/{collection}/{key[collection]}/")

    assert created.status_code == 405
    assert deleted.status_code == 405
    assert (Partnership.objects.count(), StakeholderKind.objects.count(), GroupType.objects.count()) == before
