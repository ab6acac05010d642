"""The strategy's services: strategies, priorities, outcomes, indicators and their quarterly figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.strategy import services, sources
from tandem.strategy.models import Indicator, IndicatorValue, Outcome, StrategicPriority, Strategy
from tandem.strategy.quarters import next_quarter, previous_quarter, quarter_start

pytestmark = pytest.mark.django_db


# --- Strategies ---------------------------------------------------------------------------------


def test_it_makes_a_unique_slug_from_the_title(cast, strategy):
    again = services.strategy_create(
        partnership=cast.partnership,
        title="Community Safety Strategy 2025–28",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2028, 3, 31),
    )

    assert strategy.slug == "community-safety-strategy-2025-28"
    assert again.slug == "community-safety-strategy-2025-28-2"


def test_it_refuses_a_strategy_that_ends_before_it_starts_and_saves_nothing(cast):
    with pytest.raises(ValidationError) as refused:
        services.strategy_create(
            partnership=cast.partnership,
            title="Backwards",
            starts_on=dt.date(2026, 4, 1),
            ends_on=dt.date(2026, 3, 31),
        )

    assert refused.value.message_dict == {"ends_on": ["The strategy must end after it starts."]}
    assert not Strategy.objects.exists()


def test_it_refuses_an_approval_date_in_the_future(cast):
    with pytest.raises(ValidationError) as refused:
        services.strategy_create(
            partnership=cast.partnership,
            title="Not yet",
            starts_on=dt.date(2026, 4, 1),
            ends_on=dt.date(2029, 3, 31),
            approved_on=timezone.localdate() + dt.timedelta(days=1),
        )

    assert "approved_on" in refused.value.message_dict
    assert not Strategy.objects.exists()


def test_updating_keeps_the_slug_and_refuses_dates_in_the_wrong_order(strategy):
    services.strategy_update(strategy=strategy, data={"title": "Safer Castleford 2025–28"})
    strategy.refresh_from_db()
    assert (strategy.title, strategy.slug) == (
        "Safer Castleford 2025–28",
        "community-safety-strategy-2025-28",
    )

    with pytest.raises(ValidationError):
        services.strategy_update(strategy=strategy, data={"ends_on": dt.date(2024, 1, 1)})

    strategy.refresh_from_db()
    assert strategy.ends_on == dt.date(2028, 3, 31)


# --- Priorities and outcomes ----------------------------------------------------------------


def _titles(strategy) -> list[tuple[str, int]]:
    return list(strategy.priorities.order_by("position").values_list("title", "position"))


def test_new_priorities_go_last_or_where_they_are_put(strategy):
    services.priority_create(strategy=strategy, title="Road safety")
    services.priority_create(strategy=strategy, title="Anti-social behaviour", position=0)

    assert _titles(strategy) == [("Anti-social behaviour", 0), ("Rural crime", 1), ("Road safety", 2)]


def test_moving_a_priority_renumbers_the_others(strategy, priority):
    services.priority_create(strategy=strategy, title="Road safety")
    services.priority_create(strategy=strategy, title="Drug-related crime")

    services.priority_update(priority=priority, data={"position": 2})

    assert _titles(strategy) == [("Road safety", 0), ("Drug-related crime", 1), ("Rural crime", 2)]


def test_priority_slugs_are_unique_within_the_strategy(cast, strategy):
    other = services.strategy_create(
        partnership=cast.partnership,
        title="Next",
        starts_on=dt.date(2028, 4, 1),
        ends_on=dt.date(2031, 3, 31),
    )
    there = services.priority_create(strategy=other, title="Rural crime")
    again = services.priority_create(strategy=strategy, title="Rural crime / farms")

    assert there.slug == "rural-crime"
    assert again.slug == "rural-crime-farms"


def test_it_refuses_a_second_priority_with_the_same_title(strategy):
    with pytest.raises(ValidationError) as refused:
        services.priority_create(strategy=strategy, title="rural crime")

    assert refused.value.message_dict["title"] == [
        "Community Safety Strategy 2025–28 already has a strategic priority called “rural crime”"
    ]
    assert StrategicPriority.objects.count() == 1


def test_it_refuses_the_same_outcome_twice(priority):
    services.outcome_create(priority=priority, text="Fewer rural burglaries")
    with pytest.raises(ValidationError):
        services.outcome_create(priority=priority, text="Fewer rural burglaries ")
    assert Outcome.objects.count() == 1


# --- Indicators -------------------------------------------------------------------------------


def _indicator(priority, **fields) -> Indicator:
    fields.setdefault("name", "Fly-tipping reports")
    fields.setdefault("baseline", Decimal(150))
    fields.setdefault("target", Decimal(120))
    return services.indicator_create(priority=priority, **fields)


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "message"),
    [
        ("down", 100, 110, "When lower is better, the target must not be higher than the baseline (100)"),
        ("up", 40, 35.5, "When higher is better, the target must not be lower than the baseline (40)"),
    ],
)
def test_it_refuses_a_target_on_the_wrong_side_of_the_baseline(
    priority, direction, baseline, target, message
):
    with pytest.raises(ValidationError) as refused:
        _indicator(priority, direction=direction, baseline=Decimal(baseline), target=Decimal(str(target)))

    assert refused.value.message_dict == {"target": [message]}
    assert not Indicator.objects.exists()


def test_an_incident_based_indicator_needs_known_crime_types(priority):
    with pytest.raises(ValidationError) as none:
        _indicator(priority, source=Indicator.Source.INCIDENTS)
    with pytest.raises(ValidationError) as unknown:
        _indicator(priority, source=Indicator.Source.INCIDENTS, crime_types=["Sheep rustling"])

    assert none.value.message_dict == {
        "crime_types": ["Select the crime types to count from recorded incidents"]
    }
    assert unknown.value.message_dict == {"crime_types": ["“Sheep rustling” is not a police.uk crime type"]}
    counted = _indicator(priority, source=Indicator.Source.INCIDENTS, crime_types=["Burglary"])
    assert counted.crime_types == ["Burglary"]


def test_what_does_not_apply_is_not_kept(priority):
    indicator = _indicator(priority, crime_types=["Burglary"], tolerance=Decimal(5))

    assert indicator.crime_types == []
    assert indicator.tolerance == 0
    kept = services.indicator_update(
        indicator=indicator, data={"direction": Indicator.Direction.MAINTAIN, "tolerance": Decimal(5)}
    )
    kept.refresh_from_db()
    assert (kept.direction, kept.tolerance) == ("maintain", Decimal(5))


def test_it_refuses_a_negative_tolerance_and_an_outcome_of_another_priority(strategy, priority):
    road = services.priority_create(strategy=strategy, title="Road safety")
    elsewhere = services.outcome_create(priority=road, text="Safer roads")

    with pytest.raises(ValidationError) as refused:
        _indicator(priority, direction="maintain", tolerance=Decimal(-1), outcome=elsewhere)

    assert set(refused.value.message_dict) == {"tolerance", "outcome"}


def test_an_update_that_breaks_a_rule_changes_nothing(indicator):
    with pytest.raises(ValidationError):
        services.indicator_update(indicator=indicator, data={"target": Decimal(130)})

    indicator.refresh_from_db()
    assert indicator.target == Decimal(90)


# --- Figures ------------------------------------------------------------------------------------


def test_a_figure_is_kept_for_the_quarter_containing_the_day_given(cast, indicator):
    row = services.value_record(
        indicator=indicator, period_start=dt.date(2025, 8, 17), value=Decimal("101.5"), by=cast.officer
    )

    row.refresh_from_db()
    assert (row.period_start, row.value, row.recorded_by) == (
        dt.date(2025, 7, 1),
        Decimal("101.5"),
        cast.officer,
    )


def test_a_second_figure_for_the_same_quarter_replaces_the_first(cast, indicator):
    services.value_record(indicator=indicator, period_start=dt.date(2025, 7, 1), value=Decimal(110))
    services.value_record(
        indicator=indicator,
        period_start=dt.date(2025, 9, 30),
        value=Decimal(104),
        note="Corrected",
        by=cast.officer,
    )

    rows = list(IndicatorValue.objects.filter(indicator=indicator))
    assert [(r.period_start, r.value, r.note) for r in rows] == [
        (dt.date(2025, 7, 1), Decimal(104), "Corrected")
    ]
    assert rows[0].history.count() == 2  # the first figure is kept in the history


def test_it_refuses_a_quarter_that_has_not_started_and_saves_nothing(indicator):
    coming = next_quarter(timezone.localdate())

    with pytest.raises(ValidationError) as refused:
        services.value_record(indicator=indicator, period_start=coming, value=Decimal(80))

    assert "has not started yet" in refused.value.message_dict["period_start"][0]
    assert not IndicatorValue.objects.exists()
    # The quarter under way may be recorded.
    services.value_record(indicator=indicator, period_start=timezone.localdate(), value=Decimal(80))
    assert IndicatorValue.objects.get().period_start == quarter_start(timezone.localdate())


def test_incident_based_figures_are_typed_until_a_source_is_registered_then_counted(priority):
    indicator = _indicator(
        priority, name="Burglaries", source=Indicator.Source.INCIDENTS, crime_types=["Burglary"]
    )
    services.value_record(indicator=indicator, period_start=dt.date(2025, 4, 1), value=Decimal(140))
    with pytest.raises(ValidationError):
        services.indicator_values_count(indicator=indicator)

    calls = []

    def count(indicator, period_start, period_end):
        calls.append((period_start, period_end))
        return None if period_start == dt.date(2025, 10, 1) else 100 + len(calls)

    sources.register_indicator_source(count)
    with pytest.raises(ValidationError):
        services.value_record(indicator=indicator, period_start=dt.date(2025, 7, 1), value=Decimal(1))
    counted = services.indicator_values_count(indicator=indicator, on=dt.date(2026, 2, 10))

    # Every full quarter from the strategy's start: April 2025 to December 2025 (not the current one).
    assert calls == [
        (dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ]
    assert [row.period_start for row in counted] == [dt.date(2025, 4, 1), dt.date(2025, 7, 1)]
    figures = dict(indicator.values.values_list("period_start", "value"))
    assert figures == {dt.date(2025, 4, 1): Decimal(101), dt.date(2025, 7, 1): Decimal(102)}
    assert indicator.values.first().note == services.COUNTED_NOTE


def test_quarters_are_calendar_quarters():
    assert quarter_start(dt.date(2026, 3, 31)) == dt.date(2026, 1, 1)
    assert next_quarter(dt.date(2026, 11, 23)) == dt.date(2027, 1, 1)
    assert previous_quarter(dt.date(2026, 1, 1)) == dt.date(2025, 10, 1)
