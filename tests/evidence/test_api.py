"""/api/v1/incident-counts/ and /api/v1/hotspots/: public aggregates, bad parameters a 400."""

import datetime as dt

import pytest

from tandem.evidence.models import AreaMonthCount, CellMonthCount
from tandem.places.models import Area
from tests.factories import make_area

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-1.2, 52.6], [-1.18, 52.6], [-1.18, 52.62], [-1.2, 52.62], [-1.2, 52.6]]],
}


@pytest.fixture
def district():
    area = make_area(name="Squareton", kind=Area.Kind.DISTRICT, boundary=SQUARE)
    for month, count in ((dt.date(2024, 1, 1), 30), (dt.date(2024, 2, 1), 20)):
        AreaMonthCount.objects.create(area=area, month=month, crime_type="Burglary", count=count)
        AreaMonthCount.objects.create(area=area, month=month, crime_type="Drugs", count=5)
    # A cell in the square: H3 resolution 9 at 52.61, -1.19
    import h3

    cell = h3.str_to_int(h3.latlng_to_cell(52.61, -1.19, 9))
    CellMonthCount.objects.create(
        h3_cell=cell, month=dt.date(2024, 1, 1), crime_type="Burglary", area=area, count=30
    )
    return area


def test_counts_per_month_and_crime_type(client, district):
    response = client.get("/api/v1/incident-counts/", {"area": district.slug})

    assert response.status_code == 200
    body = response.json()
    assert body["months"] == [{"month": "2024-01", "count": 35}, {"month": "2024-02", "count": 25}]
    assert body["by_crime_type"] == {"Burglary": [30, 20], "Drugs": [5, 5]}
    assert body["total"] == 60


def test_counts_for_chosen_months_and_types(client, district):
    response = client.get(
        "/api/v1/incident-counts/",
        {"area": district.slug, "start": "2024-02", "end": "2024-02", "crime_type": "Drugs"},
    )

    assert response.json()["months"] == [{"month": "2024-02", "count": 5}]


def test_hotspots_as_json_and_as_geojson(client, district):
    cells = client.get("/api/v1/hotspots/", {"area": district.slug}).json()
    shapes = client.get("/api/v1/hotspots/", {"area": district.slug, "output": "geojson"})

    assert cells["cells_analysed"] > 30
    assert [cell["count"] for cell in cells["cells"]] == [30]
    assert shapes.status_code == 200 and shapes["Content-Type"].startswith("application/geo+json")
    collection = shapes.json()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 1
    assert collection["properties"]["area"] == district.slug


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "area"),
        ({"area": "atlantis"}, "area"),
        ({"area": "squareton", "start": "2024-13"}, "start"),
        ({"area": "squareton", "start": "2024-03", "end": "2024-01"}, "end"),
        ({"area": "squareton", "output": "shapefile"}, "output"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(client, district, params, field):
    response = client.get("/api/v1/hotspots/", params)

    assert response.status_code == 400
    assert field in response.json()
