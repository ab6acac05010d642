import pytest
from django.db.models import QuerySet

from tandem.places.models import LSOA, Area
from tests.factories import Cast, make_area

LIST = "/api/v1/areas/"

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-1.0, 52.0], [-0.9, 52.0], [-0.9, 52.1], [-1.0, 52.1], [-1.0, 52.0]]],
}


def _snapshot(queryset: QuerySet) -> list[dict]:
    return list(queryset.order_by("pk").values())


def test_it_lists_areas_without_boundaries(api, cast: Cast) -> None:
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save()
    LSOA.objects.create(code="E01000001", area=cast.neighbourhood)

    rows = {row["slug"]: row for row in api("public").get(LIST).json()["results"]}

    assert "boundary" not in rows["oakfield"]
    assert rows["oakfield"]["lsoa_codes"] == ["E01000001"]
    assert rows["oakfield"]["parent"] == cast.district.slug
    assert rows["castleford-district"]["code"] == "E07999999"


def test_it_gives_boundaries_on_request_and_on_the_detail(api, cast: Cast) -> None:
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save()
    client = api("public")

    rows = {row["slug"]: row for row in client.get(f"{LIST}?include=boundary").json()["results"]}
    detail = client.get(f"{LIST}oakfield/").json()

    assert rows["oakfield"]["boundary"] == SQUARE
    assert detail["boundary"] == SQUARE


def test_it_filters_areas(api, cast: Cast) -> None:
    client = api("public")

    by_kind = client.get(f"{LIST}?kind=neighbourhood").json()["results"]
    by_parent = client.get(f"{LIST}?parent=castleford-district").json()["results"]

    assert [row["slug"] for row in by_kind] == ["oakfield"]
    assert [row["slug"] for row in by_parent] == ["oakfield"]


@pytest.mark.parametrize("query", ["kind=county", "parent=atlantis", "include=everything"])
def test_it_refuses_bad_filters_with_a_message(api, cast: Cast, query: str) -> None:
    response = api("public").get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert response.json()[query.split("=")[0]]


def test_it_lists_areas_in_a_fixed_number_of_queries(api, cast: Cast, django_assert_max_num_queries) -> None:
    for n in range(20):
        area = make_area(name=f"Estate {n}", kind=Area.Kind.ESTATE, parent=cast.neighbourhood)
        LSOA.objects.create(code=f"E0100{n:04d}", area=area)

    with django_assert_max_num_queries(3):
        response = api("public").get(LIST)

    assert response.json()["count"] == 22


def test_an_administrator_can_add_an_area_with_a_boundary(api, cast: Cast) -> None:
    response = api("administrator").post(
        LIST,
        {
            "name": "Elm Park",
            "slug": "elm-park",
            "kind": "neighbourhood",
            "parent": "castleford-district",
            "boundary": SQUARE,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    area = Area.objects.get(slug="elm-park")
    assert area.centroid_lat == pytest.approx(52.05)
    assert area.centroid_lng == pytest.approx(-0.95)
    assert response.json()["centroid"] == {"lat": area.centroid_lat, "lng": area.centroid_lng}
    assert area.history.get().history_user == cast.administrator


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"parent": "oakfield"}, "parent"),  # the district inside its own neighbourhood
        ({"parent": "atlantis"}, "parent"),
        ({"boundary": {"type": "Point", "coordinates": [0, 0]}}, "boundary"),
        ({"boundary": {"type": "Polygon", "coordinates": "nonsense"}}, "boundary"),
        (
            {"boundary": {"type": "Polygon", "coordinates": [[[500, 0], [501, 0], [501, 1], [500, 0]]]}},
            "boundary",
        ),
        ({"code": ""}, None),
    ],
)
def test_it_refuses_bad_area_changes(api, cast: Cast, change: dict, field: str | None) -> None:
    before = _snapshot(Area.objects.all())

    response = api("administrator").patch(f"{LIST}castleford-district/", change, format="json")

    if field is None:  # a valid change, for contrast
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert _snapshot(Area.objects.all()) == before


def test_it_refuses_a_duplicate_official_code(api, cast: Cast) -> None:
    before = _snapshot(Area.objects.all())

    response = api("administrator").patch(f"{LIST}oakfield/", {"code": "E07999999"}, format="json")

    assert response.status_code == 400
    assert _snapshot(Area.objects.all()) == before


def test_it_refuses_to_delete_an_area_in_use(api, cast: Cast) -> None:
    before = _snapshot(Area.objects.all())

    response = api("administrator").delete(f"{LIST}castleford-district/")

    assert response.status_code == 409
    assert _snapshot(Area.objects.all()) == before


@pytest.mark.parametrize("role", ["public", "member", "officer"])
def test_it_refuses_area_changes_from_anyone_but_an_administrator(api, cast: Cast, role: str) -> None:
    before = _snapshot(Area.objects.all())
    client = api(role)

    responses = [
        client.post(LIST, {"name": "X", "slug": "x", "kind": "estate"}, format="json"),
        client.patch(f"{LIST}oakfield/", {"name": "Renamed"}, format="json"),
        client.delete(f"{LIST}oakfield/"),
    ]

    assert {r.status_code for r in responses} <= {401, 403}
    assert _snapshot(Area.objects.all()) == before
