"""Before and after a date, chosen by hand: a circle drawn round a point, and a chosen comparison area."""

import datetime as dt

import h3
import numpy as np
import pytest
from django.urls import reverse

from tandem.evidence import cells as h3cells
from tandem.evidence.models import AreaMonthCount, CellMonthCount
from tandem.evidence.selectors import evidence_panel
from tandem.places.models import Area
from tests.factories import make_area

pytestmark = pytest.mark.django_db

BURGLARY = "Burglary"
POINT = (52.6365, -1.1338)  # Leicester city centre
# A square round the point, about 11 km across: the district's boundary.
BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[-1.21, 52.59], [-1.05, 52.59], [-1.05, 52.68], [-1.21, 52.68], [-1.21, 52.59]]],
}


def _months(first: dt.date, count: int) -> list[dt.date]:
    months, month = [], first
    for _ in range(count):
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


MONTHS = _months(dt.date(2024, 1, 1), 6)  # three before April 2024, three after


@pytest.fixture
def places():
    district = make_area(name="Oakshire", kind=Area.Kind.DISTRICT, boundary=BOUNDARY)
    estate = make_area(name="Elm Estate", kind=Area.Kind.NEIGHBOURHOOD, parent=district)
    other = make_area(name="Ashdale", kind=Area.Kind.DISTRICT)
    return district, estate, other


def _cell(point: tuple[float, float]) -> int:
    return h3.str_to_int(h3.latlng_to_cell(*point, 9))


def _circle_data(district: Area, estate: Area) -> tuple[int, int]:
    """20 burglaries a month in the pin's hexagon until April, then 5; 30 a month throughout in a
    hexagon 1.7 km away; the district counts both plus 100 elsewhere."""
    inside, outside = _cell(POINT), _cell((POINT[0] + 0.015, POINT[1]))  # 1.7 km north
    for month in MONTHS:
        near = 20 if month < dt.date(2024, 4, 1) else 5
        CellMonthCount.objects.create(
            h3_cell=inside, month=month, crime_type=BURGLARY, area=estate, count=near
        )
        CellMonthCount.objects.create(
            h3_cell=outside, month=month, crime_type=BURGLARY, area=district, count=30
        )
        AreaMonthCount.objects.create(area=district, month=month, crime_type=BURGLARY, count=near + 30 + 100)
        AreaMonthCount.objects.create(area=estate, month=month, crime_type=BURGLARY, count=near + 30)
    return inside, outside


def test_the_cells_of_a_circle_are_those_whose_centre_lies_inside_it():
    for metres in (250, 1000, 2000):
        found = h3cells.within_radius(*POINT, metres)
        disk = np.array(h3.grid_disk(h3.latlng_to_cell(*POINT, 9), 12))
        expected = {
            h3.str_to_int(cell)
            for cell in disk
            if h3.great_circle_distance(POINT, h3.cell_to_latlng(cell), unit="m") <= metres
        } | {_cell(POINT)}
        assert set(found.tolist()) == expected
    # about the circle's area in hexagons of about 0.105 km²
    assert 110 <= len(h3cells.within_radius(*POINT, 2000)) <= 130 + 10


def test_a_tiny_circle_still_counts_the_hexagon_of_its_centre():
    assert h3cells.within_radius(*POINT, 10).tolist() == [_cell(POINT)]


def test_a_circle_counts_only_its_hexagons_against_the_rest_of_the_district(places):
    district, estate, _ = places
    _circle_data(district, estate)

    panel = evidence_panel(
        area=estate,
        crime_types=[BURGLARY],
        change_date=dt.date(2024, 4, 1),
        months=3,
        point=POINT,
        radius=500,
    )

    assert panel.result is not None, panel.reason
    assert (panel.result.target.before, panel.result.target.after) == (60, 15)
    # the rest of the district: its 130 a month less the circle's
    assert (panel.result.comparison.before, panel.result.comparison.after) == (390, 390)
    assert [row["what"] for row in panel.rows][:2] == ["Within 500 m of the point", "The rest of Oakshire"]
    assert "fell by 75%" in panel.result.summary


def test_a_wider_circle_takes_in_the_hexagon_beyond_the_smaller_one(places):
    district, estate, _ = places
    _circle_data(district, estate)

    panel = evidence_panel(
        area=estate, crime_types=[], change_date=dt.date(2024, 4, 1), months=3, point=POINT, radius=2000
    )

    assert (panel.result.target.before, panel.result.target.after) == (60 + 90, 15 + 90)


def test_an_area_chosen_beside_the_place_is_compared_whole(places):
    district, estate, other = places
    _circle_data(district, estate)
    for month in MONTHS:
        AreaMonthCount.objects.create(area=other, month=month, crime_type=BURGLARY, count=50)

    panel = evidence_panel(
        area=estate, crime_types=[BURGLARY], change_date=dt.date(2024, 4, 1), months=3, comparison=other
    )

    assert (panel.result.comparison.before, panel.result.comparison.after) == (150, 150)
    assert panel.comparison == other and not panel.comparison_is_rest
    assert panel.rows[1]["what"] == "Ashdale"
    assert "Ashdale" in panel.result.summary


def _query(**fields) -> dict:
    query = {
        "change_date_0": "1",
        "change_date_1": "4",
        "change_date_2": "2024",
        "months": "3",
        "place": "area",
    }
    query.update(fields)
    return query


def test_the_page_shows_the_form_then_the_comparison(client, places):
    district, estate, _ = places
    _circle_data(district, estate)
    url = reverse("evidence:area-before-after", args=[estate.slug])

    response = client.get(url)
    assert response.status_code == 200
    assert b"The comparison" not in response.content

    response = client.get(
        url, _query(place="circle", latitude=str(POINT[0]), longitude=str(POINT[1]), radius="500")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Within 500 m of the point" in text
    assert "fell by 75%" in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"place": "circle", "radius": "500"}, "Enter the latitude of the centre of the circle"),
        (
            {"place": "circle", "latitude": "51.5", "longitude": "-0.1", "radius": "500"},
            "Put the centre of the circle inside Oakshire",
        ),
        (
            {"place": "circle", "latitude": "52.63", "longitude": "-1.13", "radius": "123"},
            "Select a valid choice",
        ),
        ({"change_date_0": "31", "change_date_1": "2"}, "Enter a real date"),
        ({"comparison": "nowhere"}, "Select a valid choice"),
        ({"comparison": "elm-estate"}, "Choose an area other than Elm Estate itself"),
        ({"months": "7"}, "Select a valid choice"),
        ({"latitude": "north"}, "Enter a number"),
    ],
)
def test_bad_choices_are_refused_with_a_message(client, places, fields, message):
    district, estate, _ = places
    _circle_data(district, estate)

    response = client.get(reverse("evidence:area-before-after", args=[estate.slug]), _query(**fields))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_the_areas_inside_the_place_are_not_offered_for_comparison(client, places):
    district, estate, other = places
    _circle_data(district, estate)
    AreaMonthCount.objects.create(area=other, month=MONTHS[0], crime_type=BURGLARY, count=1)

    response = client.get(reverse("evidence:area-before-after", args=[district.slug]))

    choices = [area.slug for area in response.context["form"].fields["comparison"].queryset]
    assert choices == ["ashdale", "oakshire"]  # not the estate inside it


def test_the_dashboard_and_the_panel_link_to_the_page(client, places):
    district, estate, _ = places
    _circle_data(district, estate)

    dashboard = client.get(reverse("evidence:area-dashboard", args=[estate.slug]))
    assert reverse("evidence:area-before-after", args=[estate.slug]).encode() in dashboard.content

    panel = evidence_panel(
        area=estate,
        crime_types=[BURGLARY],
        change_date=dt.date(2024, 4, 1),
        months=3,
        point=POINT,
        radius=750,
    )
    response = client.get(
        reverse("evidence:area-before-after", args=[estate.slug]) + "?" + panel.before_after_query
    )
    assert response.status_code == 200
    assert "Within 750 m of the point" in response.content.decode()


def test_the_comparison_shows_rates_a_month_as_well_as_counts(client, places):
    district, estate, _ = places
    _circle_data(district, estate)

    response = client.get(
        reverse("evidence:area-before-after", args=[estate.slug]),
        _query(place="circle", latitude=str(POINT[0]), longitude=str(POINT[1]), radius="500"),
    )

    text = response.content.decode()
    assert "A month, before and after" in text
    assert "20.0 → 5.0" in text  # 60 in three months, then 15
