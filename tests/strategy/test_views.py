"""The strategy's pages as each role sees them: public reading, officers' changes, bad input."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.strategy import services, sources
from tandem.strategy.models import Indicator, IndicatorValue, Outcome, StrategicPriority, Strategy
from tandem.strategy.quarters import next_quarter, previous_quarter

pytestmark = pytest.mark.django_db

ROLES = ["public", "outsider", "member", "officer", "administrator"]


def _as(client, cast, role):
    user = cast.users()[role]
    if user is not None:
        client.force_login(user)
    return client


def _text(response) -> str:
    """The page's words, tags stripped and spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def figures(cast, indicator):
    """Three quarters of figures: 125 (off target), 104 (improving), 88 (on target)."""
    for start, value in [(dt.date(2025, 4, 1), 125), (dt.date(2025, 7, 1), 104), (dt.date(2025, 10, 1), 88)]:
        services.value_record(indicator=indicator, period_start=start, value=Decimal(value), by=cast.officer)
    return indicator


def _urls(cast, strategy, priority, indicator) -> dict[str, str]:
    return {
        "strategy-list": reverse("strategy:strategy-list", args=[cast.partnership.slug]),
        "strategy-create": reverse("strategy:strategy-create", args=[cast.partnership.slug]),
        "strategy-detail": reverse("strategy:strategy-detail", args=[strategy.slug]),
        "strategy-edit": reverse("strategy:strategy-edit", args=[strategy.slug]),
        "priority-create": reverse("strategy:priority-create", args=[strategy.slug]),
        "priority-detail": reverse("strategy:priority-detail", args=[priority.pk]),
        "priority-edit": reverse("strategy:priority-edit", args=[priority.pk]),
        "outcome-create": reverse("strategy:outcome-create", args=[priority.pk]),
        "indicator-create": reverse("strategy:indicator-create", args=[priority.pk]),
        "indicator-detail": reverse("strategy:indicator-detail", args=[indicator.pk]),
        "indicator-edit": reverse("strategy:indicator-edit", args=[indicator.pk]),
        "value-create": reverse("strategy:value-create", args=[indicator.pk]),
    }


PUBLIC_PAGES = {"strategy-list", "strategy-detail", "priority-detail", "indicator-detail"}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_expected(client, cast, strategy, priority, figures, role):
    urls = _urls(cast, strategy, priority, figures)
    _as(client, cast, role)

    statuses = {name: client.get(url).status_code for name, url in urls.items()}

    expected = {
        name: (
            200 if name in PUBLIC_PAGES else {"public": 302, "outsider": 403, "member": 403}.get(role, 200)
        )
        for name in urls
    }
    assert statuses == expected


def test_unknown_strategies_priorities_and_indicators_are_not_found(client, cast):
    client.force_login(cast.officer)
    for url in [
        reverse("strategy:strategy-detail", args=["no-such-strategy"]),
        reverse("strategy:strategy-list", args=["no-such-partnership"]),
        reverse("strategy:priority-detail", args=[999]),
        reverse("strategy:indicator-detail", args=[999]),
        reverse("strategy:value-create", args=[999]),
    ]:
        assert client.get(url).status_code == 404, url


# --- Reading -----------------------------------------------------------------------------------


def test_the_strategy_page_shows_priorities_outcomes_and_indicators_with_their_status(
    client, cast, strategy, priority, figures
):
    services.outcome_create(priority=priority, text="Fewer rural burglaries")
    services.indicator_update(indicator=figures, data={"outcome": priority.outcomes.get()})

    text = _text(client.get(strategy.get_absolute_url()))

    assert "Community Safety Strategy 2025–28" in text
    assert "Current strategy" in text
    assert "1. Rural crime" in text and "Theft from farms" in text
    assert "Fewer rural burglaries" in text
    assert "Rural burglaries reported Measures: Fewer rural burglaries" in text
    # baseline, target, direction in words, latest value and its quarter, status in words
    assert "120 burglaries 2024/25 90 burglaries Lower is better" in text
    assert "Lower is better 88 burglaries October to December 2025 On target" in text
    assert "1 indicator: 1 on target." in text
    assert "Add a strategic priority" not in text  # the public reads; officers change


def test_officers_see_the_links_to_change_the_strategy(client, cast, strategy):
    client.force_login(cast.officer)
    text = _text(client.get(strategy.get_absolute_url()))
    assert "Add a strategic priority" in text and "Change the strategy" in text and "Add an indicator" in text


def test_the_list_marks_the_current_strategy_and_drafts(client, cast, strategy):
    services.strategy_create(
        partnership=cast.partnership,
        title="Next strategy",
        starts_on=dt.date(2028, 4, 1),
        ends_on=dt.date(2031, 3, 31),
    )

    text = _text(client.get(reverse("strategy:strategy-list", args=[cast.partnership.slug])))

    assert "Next strategy 1 April 2028 31 March 2031 Draft" in text
    assert (
        "Community Safety Strategy 2025–28 1 April 2025 31 March 2028 Current Approved 18 March 2025" in text
    )


def test_the_indicator_page_draws_the_figures_and_repeats_them_in_a_table(client, cast, figures):
    response = client.get(reverse("strategy:indicator-detail", args=[figures.pk]))
    html = response.content.decode()
    text = _text(response)

    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", html, re.S).group(0)
    assert '<title id="chart-title">Rural burglaries reported: figures each quarter</title>' in svg
    assert "from 125 burglaries in April to June 2025 to 88 burglaries in October to December 2025" in svg
    assert len(re.findall(r"<circle ", svg)) == 3
    assert "Baseline 120" in svg and "Target 90" in svg
    assert "style=" not in html and "<script>" not in html
    assert "April to June 2025 125 Off target" in text
    assert "July to September 2025 104 Improving, not yet on target" in text
    assert "October to December 2025 88 On target" in text
    assert "Record a figure" not in text  # the public reads only


def test_an_indicator_without_figures_says_so_and_draws_no_chart(client, indicator):
    response = client.get(reverse("strategy:indicator-detail", args=[indicator.pk]))
    assert "<svg" not in response.content.decode().split('id="main-content"')[1]
    assert "No figures have been recorded for this indicator yet." in _text(response)


def test_an_incident_based_indicator_asks_for_figures_until_police_data_can_be_counted(
    client, cast, priority
):
    indicator = services.indicator_create(
        priority=priority,
        name="Burglaries recorded",
        baseline=Decimal(140),
        target=Decimal(120),
        source=Indicator.Source.INCIDENTS,
        crime_types=["Burglary"],
    )
    url = reverse("strategy:indicator-detail", args=[indicator.pk])
    client.force_login(cast.officer)

    text = _text(client.get(url))

    assert (
        "Figures will be counted from recorded incidents once police data is imported; "
        "until then enter them each quarter." in text
    )
    assert "Record a figure" in text

    # Once the evidence app registers a source, officers count instead of typing.
    sources.register_indicator_source(
        lambda indicator, start, end: 131 if start == dt.date(2025, 4, 1) else None
    )
    text = _text(client.get(url))
    assert "once police data is imported" not in text
    assert "Count the figures from recorded incidents" in text and "Record the figure" not in text

    response = client.post(reverse("strategy:value-create", args=[indicator.pk]), {"count": "1"}, follow=True)

    assert "1 quarter counted from recorded incidents." in _text(response)
    assert indicator.values.get().value == Decimal(131)


# --- Changing ---------------------------------------------------------------------------------


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_an_officer_starts_a_strategy(client, cast):
    client.force_login(cast.officer)
    data = {
        "title": "Community Safety Strategy 2028–31",
        "summary": "Three years",
        **_date("starts_on", dt.date(2028, 4, 1)),
        **_date("ends_on", dt.date(2031, 3, 31)),
    }

    response = client.post(reverse("strategy:strategy-create", args=[cast.partnership.slug]), data)

    strategy = Strategy.objects.get()
    assert response.status_code == 302 and response.url == strategy.get_absolute_url()
    assert (strategy.slug, strategy.partnership, strategy.approved_on) == (
        "community-safety-strategy-2028-31",
        cast.partnership,
        None,
    )


@pytest.mark.parametrize("role", ["outsider", "member"])
def test_others_cannot_start_or_change_a_strategy_and_nothing_changes(client, cast, strategy, priority, role):
    client.force_login(cast.users()[role])

    created = client.post(
        reverse("strategy:strategy-create", args=[cast.partnership.slug]),
        {
            "title": "Mine",
            **_date("starts_on", dt.date(2028, 4, 1)),
            **_date("ends_on", dt.date(2031, 3, 31)),
        },
    )
    renamed = client.post(
        reverse("strategy:priority-edit", args=[priority.pk]), {"title": "Farm crime", "position": "0"}
    )

    assert (created.status_code, renamed.status_code) == (403, 403)
    assert list(Strategy.objects.values_list("title", flat=True)) == ["Community Safety Strategy 2025–28"]
    assert StrategicPriority.objects.get().title == "Rural crime"


def test_the_public_is_sent_to_sign_in_and_nothing_changes(client, cast, indicator):
    response = client.post(
        reverse("strategy:value-create", args=[indicator.pk]), {"period_start": "2025-04-01", "value": "100"}
    )
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not IndicatorValue.objects.exists()


def test_dates_in_the_wrong_order_are_refused_with_a_message(client, cast, strategy):
    client.force_login(cast.officer)

    response = client.post(
        reverse("strategy:strategy-edit", args=[strategy.slug]),
        {
            "title": strategy.title,
            **_date("starts_on", dt.date(2025, 4, 1)),
            **_date("ends_on", dt.date(2025, 3, 1)),
        },
    )

    assert response.status_code == 400
    assert "The date it ends must be after the date it starts" in _text(response)
    strategy.refresh_from_db()
    assert strategy.ends_on == dt.date(2028, 3, 31)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Enter the title"),
        (
            {"title": "Rural crime", "starts_on_0": "31", "starts_on_1": "2", "starts_on_2": "2026"},
            "Enter a real date",
        ),
        ({"title": "Rural crime", "approved_on_0": "3"}, "Enter a day, month and year"),
    ],
)
def test_bad_strategy_input_gets_a_400_and_a_message(client, cast, data, message):
    client.force_login(cast.officer)
    data = {**_date("starts_on", dt.date(2026, 4, 1)), **_date("ends_on", dt.date(2029, 3, 31)), **data}

    response = client.post(reverse("strategy:strategy-create", args=[cast.partnership.slug]), data)

    assert response.status_code == 400
    assert "There is a problem" in _text(response) and message in _text(response)
    assert not Strategy.objects.exists()


def test_an_officer_adds_and_moves_priorities_and_adds_an_outcome(client, cast, strategy, priority):
    client.force_login(cast.officer)

    added = client.post(
        reverse("strategy:priority-create", args=[strategy.slug]), {"title": "Road safety", "description": ""}
    )
    road = StrategicPriority.objects.get(title="Road safety")
    moved = client.post(
        reverse("strategy:priority-edit", args=[road.pk]), {"title": "Road safety", "position": "0"}
    )
    outcome = client.post(reverse("strategy:outcome-create", args=[road.pk]), {"text": "Safer roads"})

    assert added.status_code == moved.status_code == outcome.status_code == 302
    assert list(strategy.priorities.order_by("position").values_list("title", flat=True)) == [
        "Road safety",
        "Rural crime",
    ]
    assert Outcome.objects.get().priority == road
    duplicate = client.post(
        reverse("strategy:priority-create", args=[strategy.slug]), {"title": "Road Safety"}
    )
    assert duplicate.status_code == 400
    assert "already has a strategic priority called “Road Safety”" in _text(duplicate)
    bad_place = client.post(
        reverse("strategy:priority-edit", args=[road.pk]), {"title": "Road safety", "position": "9"}
    )
    assert bad_place.status_code == 400 and "Select one of the places in the list" in _text(bad_place)


def _indicator_data(**fields) -> dict[str, str]:
    data = {
        "name": "Speeding complaints",
        "unit": "complaints",
        "outcome": "",
        "baseline": "75",
        "baseline_label": "2024/25",
        "target": "55",
        "direction": "down",
        "tolerance": "",
        "source": "manual",
    }
    data.update(fields)
    return data


def test_an_officer_adds_an_indicator(client, cast, priority):
    client.force_login(cast.officer)

    response = client.post(
        reverse("strategy:indicator-create", args=[priority.pk]), _indicator_data(baseline="1,075.5")
    )

    indicator = Indicator.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "strategy:indicator-detail", args=[indicator.pk]
    )
    assert (indicator.baseline, indicator.target, indicator.direction) == (
        Decimal("1075.5"),
        Decimal(55),
        "down",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"target": "80"}, "When lower is better, the target must not be higher than the baseline (75)"),
        ({"baseline": "lots"}, "Enter a number, like 42 or 12.5"),
        ({"baseline": "NaN"}, "Enter a number, like 42 or 12.5"),
        ({"target": "1.234"}, "Enter a number with no more than 2 decimal places"),
        ({"direction": "sideways"}, "Select one of the directions"),
        ({"tolerance": "-2", "direction": "maintain"}, "Enter a tolerance of 0 or more"),
        ({"source": "incidents"}, "Select the crime types to count from recorded incidents"),
        ({"source": "incidents", "crime_types": ["Sheep rustling"]}, "Select crime types from the list"),
        ({"outcome": "999"}, "Select one of this priority’s outcomes"),
        ({"name": ""}, "Enter the name"),
    ],
)
def test_bad_indicator_input_gets_a_400_and_a_message(client, cast, priority, fields, message):
    client.force_login(cast.officer)

    response = client.post(
        reverse("strategy:indicator-create", args=[priority.pk]), _indicator_data(**fields)
    )

    assert response.status_code == 400
    assert message in _text(response)
    assert not Indicator.objects.exists()


def test_an_officer_changes_an_indicator(client, cast, indicator):
    client.force_login(cast.officer)
    data = _indicator_data(name="Rural burglaries", baseline="120", target="90", source="incidents")
    data["crime_types"] = ["Burglary", "Other theft"]

    response = client.post(reverse("strategy:indicator-edit", args=[indicator.pk]), data)

    indicator.refresh_from_db()
    assert response.status_code == 302
    assert (indicator.name, indicator.source, indicator.crime_types) == (
        "Rural burglaries",
        "incidents",
        ["Burglary", "Other theft"],
    )


def test_an_officer_records_a_figure_and_a_second_for_the_quarter_replaces_it(client, cast, indicator):
    client.force_login(cast.officer)
    url = reverse("strategy:value-create", args=[indicator.pk])
    quarter = previous_quarter(timezone.localdate()).isoformat()

    first = client.post(url, {"period_start": quarter, "value": "97", "note": ""})
    second = client.post(url, {"period_start": quarter, "value": "93.5", "note": "Corrected by the police"})

    assert first.status_code == second.status_code == 302
    row = IndicatorValue.objects.get()
    assert (row.period_start.isoformat(), row.value, row.note, row.recorded_by) == (
        quarter,
        Decimal("93.5"),
        "Corrected by the police",
        cast.officer,
    )
    page = _text(client.get(reverse("strategy:indicator-detail", args=[indicator.pk]), follow=True))
    assert "93.5" in page and "Corrected by the police" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period_start": "next", "value": "9"}, "Select one of the quarters in the list"),
        ({"period_start": "2025-04-02", "value": "9"}, "Select one of the quarters in the list"),
        ({"value": "9"}, "Select the quarter"),
        ({"period_start": "2025-04-01", "value": ""}, "Enter the figure"),
        ({"period_start": "2025-04-01", "value": "ninety"}, "Enter a number, like 42 or 12.5"),
        ({"period_start": "2025-04-01", "value": "1e20"}, "Enter a number smaller than 10,000,000,000"),
    ],
)
def test_bad_figures_get_a_400_and_a_message_and_nothing_is_saved(client, cast, indicator, data, message):
    client.force_login(cast.officer)

    response = client.post(reverse("strategy:value-create", args=[indicator.pk]), data)

    assert response.status_code == 400
    assert message in _text(response)
    assert not IndicatorValue.objects.exists()


def test_a_quarter_that_has_not_started_is_not_offered_and_is_refused(client, cast, indicator):
    client.force_login(cast.officer)
    coming = next_quarter(timezone.localdate()).isoformat()

    page = client.get(reverse("strategy:value-create", args=[indicator.pk])).content.decode()
    response = client.post(
        reverse("strategy:value-create", args=[indicator.pk]), {"period_start": coming, "value": "9"}
    )

    assert f'value="{coming}"' not in page
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()


# --- Query counts -----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_strategy_page_needs_no_more_queries_for_more_priorities_and_indicators(
    client, cast, strategy, priority
):
    def add(priority, n):
        indicator = services.indicator_create(
            priority=priority, name=f"Indicator {n}", baseline=Decimal(100), target=Decimal(80)
        )
        services.outcome_create(priority=priority, text=f"Outcome {n}")
        for start in (dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)):
            services.value_record(indicator=indicator, period_start=start, value=Decimal(90))

    add(priority, 0)
    client.force_login(cast.officer)
    url = strategy.get_absolute_url()
    one = _queries(client, url)
    for p in range(5):
        more = services.priority_create(strategy=strategy, title=f"Priority {p}")
        for i in range(4):
            add(more, f"{p}.{i}")
    for i in range(1, 4):
        add(priority, i)
    assert StrategicPriority.objects.count() == 6 and Indicator.objects.count() == 24

    assert _queries(client, url) == one
    assert one <= 8  # session, user, strategy, current strategy, priorities, outcomes, indicators, figures
