""" "Has it changed?": the before/after panel of a problem, the indicator figures, and the demo's data."""

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse

from tandem.evidence import demo as evidence_demo
from tandem.evidence.models import AreaMonthCount, ImportRun, Incident
from tandem.evidence.selectors import evidence_panel, incidents_counted
from tandem.places.models import Area
from tandem.problems.models import Category, Problem, ProblemStatusChange
from tests.factories import make_area

pytestmark = pytest.mark.django_db

BURGLARY = "Burglary"


def _months(first: dt.date, count: int) -> list[dt.date]:
    months, month = [], first
    for _ in range(count):
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


@pytest.fixture
def places():
    district = make_area(name="Oakshire", kind=Area.Kind.DISTRICT)
    estate = make_area(name="Elm Estate", kind=Area.Kind.NEIGHBOURHOOD, parent=district)
    return district, estate


def _counts(area: Area, by_month: dict[dt.date, int], crime_type: str = BURGLARY) -> None:
    AreaMonthCount.objects.bulk_create(
        AreaMonthCount(area=area, month=month, crime_type=crime_type, count=count)
        for month, count in by_month.items()
    )


def _eighteen_months(places, *, estate_after: int = 10):
    """January 2023 to June 2024: the estate has 20 burglaries a month until March 2024 and
    ``estate_after`` a month from April; the rest of the district has 200 a month throughout."""
    district, estate = places
    months = _months(dt.date(2023, 1, 1), 18)
    estate_counts = {m: (estate_after if m >= dt.date(2024, 4, 1) else 20) for m in months}
    _counts(estate, estate_counts)
    _counts(district, {m: 200 + estate_counts[m] for m in months})
    return district, estate


def test_a_fall_beyond_the_rest_of_the_district_is_reported_as_such(places):
    district, estate = _eighteen_months(places, estate_after=10)

    panel = evidence_panel(area=estate, crime_types=[BURGLARY], change_date=dt.date(2024, 4, 1), months=3)

    assert panel.result is not None, panel.reason
    assert (panel.before, panel.after) == (
        (dt.date(2024, 1, 1), dt.date(2024, 3, 1)),
        (dt.date(2024, 4, 1), dt.date(2024, 6, 1)),
    )
    assert (panel.result.target.before, panel.result.target.after) == (60, 30)
    assert (panel.result.comparison.before, panel.result.comparison.after) == (600, 600)
    assert panel.comparison == district
    assert "fell by 50%" in panel.result.summary
    assert [row["what"] for row in panel.rows] == [
        "Elm Estate",
        "The rest of Oakshire",
        "Elm Estate, the same months a year earlier",
    ]


def test_a_month_the_date_falls_inside_belongs_to_neither_side(places):
    _, estate = _eighteen_months(places)

    panel = evidence_panel(area=estate, crime_types=[BURGLARY], change_date=dt.date(2024, 3, 15), months=3)

    assert panel.before == (dt.date(2023, 12, 1), dt.date(2024, 2, 1))
    assert panel.after == (dt.date(2024, 4, 1), dt.date(2024, 6, 1))


def test_too_few_months_after_the_date_are_said_so(places):
    _, estate = _eighteen_months(places)

    panel = evidence_panel(area=estate, crime_types=[BURGLARY], change_date=dt.date(2024, 5, 1))

    assert panel.result is None
    assert panel.reason == (
        "There are 2 months of police data after 1 May 2024 so far; "
        "a fair comparison needs at least 3 on each side."
    )


def test_an_area_without_data_is_said_so(places):
    _, estate = places

    panel = evidence_panel(area=estate, crime_types=[BURGLARY], change_date=dt.date(2024, 5, 1))

    assert panel.result is None and panel.reason == "No incidents have been imported for Elm Estate yet."


def test_incidents_are_counted_only_for_months_the_data_covers(places):
    district, _ = _eighteen_months(places)

    assert (
        incidents_counted(
            area=district, crime_types=[BURGLARY], start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31)
        )
        == 660
    )
    assert (
        incidents_counted(area=district, crime_types=[], start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30))
        == 630
    )
    assert (
        incidents_counted(
            area=district, crime_types=[BURGLARY], start=dt.date(2024, 6, 1), end=dt.date(2024, 8, 31)
        )
        is None
    )


def test_an_incident_based_indicator_counts_its_quarters_from_the_evidence(places):
    from tandem.strategy import services as strategy_services
    from tandem.strategy.models import Indicator, StrategicPriority, Strategy
    from tests.factories import make_partnership

    district, _ = _eighteen_months(places)
    apps.get_app_config("strategy").ready()  # (re)register the evidence as the indicators' source
    partnership = make_partnership(area=district)
    strategy = Strategy.objects.create(
        partnership=partnership,
        title="Strategy 2023–25",
        slug="s",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    priority = StrategicPriority.objects.create(strategy=strategy, title="Burglary", slug="burglary")
    indicator = Indicator.objects.create(
        priority=priority,
        name="Burglaries",
        baseline=600,
        target=500,
        source=Indicator.Source.INCIDENTS,
        crime_types=[BURGLARY],
    )

    counted = strategy_services.indicator_values_count(indicator=indicator, on=dt.date(2024, 12, 1))

    figures = {value.period_start: int(value.value) for value in counted}
    assert figures == {
        dt.date(2023, 1, 1): 660,
        dt.date(2023, 4, 1): 660,
        dt.date(2023, 7, 1): 660,
        dt.date(2023, 10, 1): 660,
        dt.date(2024, 1, 1): 660,
        dt.date(2024, 4, 1): 630,
    }


def test_a_problem_page_shows_the_panel_for_a_category_police_data_covers(client, cast, places):
    _, estate = _eighteen_months(places)
    burglary = Category.objects.get(slug="burglary-theft")
    problem = Problem.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        title="Burglaries on the Elm Estate",
        category=burglary,
        area=estate,
        first_raised_on=dt.date(2023, 12, 1),
    )
    ProblemStatusChange.objects.create(
        problem=problem,
        from_status="analysis",
        to_status="response",
        changed_at=dt.datetime(2024, 4, 1, 9, tzinfo=dt.UTC),
    )
    fly_tipping = Problem.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        title="Fly-tipping on the Elm Estate",
        category=Category.objects.get(slug="fly-tipping"),
        area=estate,
    )

    page = client.get(reverse("problems:problem-detail", kwargs={"pk": problem.pk}))
    other = client.get(reverse("problems:problem-detail", kwargs={"pk": fly_tipping.pk}))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Police data: has it changed?" in text
    assert "Incidents fell by 50%" in text and "The rest of Oakshire" in text
    assert "Police data: has it changed?" not in other.content.decode()


def test_the_demo_loads_real_police_data_for_leicester_and_the_city_once():
    created: dict = {}

    evidence_demo.demo_load(partnership=None, progress=lambda step: None, created=created)

    leicester = Area.objects.get(code="E06000016")
    city = Area.objects.get(code="E09000001")
    assert Area.objects.filter(parent=leicester).count() == 192
    assert Area.objects.filter(parent=city).count() == 6
    assert created["police.uk incidents"] == Incident.objects.count() > 70_000
    months = sorted(set(AreaMonthCount.objects.filter(area=leicester).values_list("month", flat=True)))
    assert (months[0], months[-1], len(months)) == (dt.date(2021, 11, 1), dt.date(2022, 10, 1), 12)
    assert ImportRun.objects.filter(status=ImportRun.Status.DONE).count() == 36
    assert not ImportRun.objects.filter(file_name__startswith="/").exists()  # no machine's folders

    again: dict = {}
    evidence_demo.demo_load(partnership=None, progress=lambda step: None, created=again)

    assert again == {} and ImportRun.objects.count() == 36


def test_an_actions_evaluation_shows_what_the_police_data_says(client, cast, places):
    from tandem.actionplans import services as plan_services

    _, estate = _eighteen_months(places)
    problem = Problem.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        title="Burglaries on the Elm Estate",
        category=Category.objects.get(slug="burglary-theft"),
        area=estate,
    )
    action = plan_services.action_create(
        group=cast.group,
        problem=problem,
        description="Target hardening: locks and lights for every house on the estate",
        lead_organisation=cast.police,
        start_on=dt.date(2024, 4, 1),
        due_on=dt.date(2024, 6, 30),
    )

    page = client.get(reverse("actionplans:action-detail", kwargs={"pk": action.pk}))
    client.force_login(cast.officer)
    form = client.get(reverse("actionplans:action-evaluate", kwargs={"pk": action.pk}))

    for response in (page, form):
        assert response.status_code == 200
        text = response.content.decode()
        assert "What the police data says" in text and "Incidents fell by 50%" in text


def test_the_ring_around_the_place_shows_whether_incidents_moved_next_door(places):
    import h3

    from tandem.evidence import cells as h3cells
    from tandem.evidence.models import CellMonthCount

    district, estate = _eighteen_months(places)
    point = (52.6365, -1.1338)
    centre = h3.str_to_int(h3.latlng_to_cell(*point, 9))
    next_door = int(h3cells.ring(h3cells.as_int64([centre]), 2)[-1])  # two steps away: in the ring
    for month in _months(dt.date(2024, 1, 1), 6):
        count = 4 if month < dt.date(2024, 4, 1) else 12  # trebles once the estate is hardened
        CellMonthCount.objects.create(
            h3_cell=next_door, month=month, crime_type=BURGLARY, area=district, count=count
        )

    panel = evidence_panel(
        area=estate, crime_types=[BURGLARY], change_date=dt.date(2024, 4, 1), months=3, point=point
    )

    ring = panel.rows[-1]
    assert ring["what"].startswith("The hexagons around it")
    assert (ring["change"].before, ring["change"].after) == (12, 36)
