"""Reading the strategy: indicators judged against their targets, the strategy page, the series."""

import datetime as dt
from decimal import Decimal

import pytest

from tandem.strategy import selectors, services
from tandem.strategy.models import Indicator
from tandem.strategy.selectors import judge

pytestmark = pytest.mark.django_db


def _unsaved(direction: str, baseline: int, target: int, tolerance: int = 0) -> Indicator:
    return Indicator(
        name="Measure",
        direction=direction,
        baseline=Decimal(baseline),
        target=Decimal(target),
        tolerance=Decimal(tolerance),
    )


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (None, "no_data"),
        (80, "on_target"),  # below the target
        (90, "on_target"),  # exactly the target
        (100, "improving"),  # between the baseline and the target
        (120, "off_target"),  # no better than the baseline
        (130, "off_target"),  # worse than the baseline
    ],
)
def test_lower_is_better(value, status):
    indicator = _unsaved("down", baseline=120, target=90)
    assert judge(indicator, None if value is None else Decimal(value)) == status


@pytest.mark.parametrize(
    ("value", "status"),
    [(60, "on_target"), (55, "on_target"), (48, "improving"), (41, "off_target"), (30, "off_target")],
)
def test_higher_is_better(value, status):
    indicator = _unsaved("up", baseline=41, target=55)
    assert judge(indicator, Decimal(value)) == status


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (50, "on_target"),
        (53, "on_target"),  # within the tolerance of 3
        (47, "on_target"),
        (56, "improving"),  # closer to the target than the baseline (60) was
        (60, "off_target"),  # as far off as the baseline
        (39, "off_target"),  # further off than the baseline, on the other side
    ],
)
def test_keep_at_the_target(value, status):
    indicator = _unsaved("maintain", baseline=60, target=50, tolerance=3)
    assert judge(indicator, Decimal(value)) == status


def test_progress_takes_the_latest_figure_up_to_a_day(indicator):
    for start, value in [(dt.date(2025, 4, 1), 118), (dt.date(2025, 7, 1), 95), (dt.date(2025, 10, 1), 85)]:
        services.value_record(indicator=indicator, period_start=start, value=Decimal(value))

    latest = selectors.indicator_progress(indicator)
    in_september = selectors.indicator_progress(indicator, on=dt.date(2025, 9, 30))

    assert (latest.latest.value, latest.status, latest.text) == (Decimal(85), "on_target", "On target")
    assert (in_september.latest.value, in_september.status, in_september.rag) == (
        Decimal(95),
        "improving",
        "amber",
    )


def test_the_current_strategy_is_the_approved_one_covering_the_day(cast, strategy):
    draft = services.strategy_create(
        partnership=cast.partnership,
        title="Draft",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2028, 12, 31),
    )

    assert selectors.current_strategy(cast.partnership, on=dt.date(2026, 6, 1)) == strategy
    assert selectors.current_strategy(cast.partnership, on=dt.date(2028, 6, 1)) == draft
    assert selectors.current_strategy(cast.partnership, on=dt.date(2024, 6, 1)) is None


def _fill(strategy, priorities: int, indicators: int) -> None:
    """Priorities with an outcome each and indicators with two quarters of figures each."""
    for p in range(priorities):
        priority = services.priority_create(strategy=strategy, title=f"Priority {p}")
        outcome = services.outcome_create(priority=priority, text=f"Outcome {p}")
        for i in range(indicators):
            indicator = services.indicator_create(
                priority=priority,
                name=f"Indicator {p}.{i}",
                baseline=Decimal(100),
                target=Decimal(80),
                outcome=outcome,
            )
            for start, value in [(dt.date(2025, 4, 1), 95), (dt.date(2025, 7, 1), 75 + i * 10)]:
                services.value_record(indicator=indicator, period_start=start, value=Decimal(value))


def test_the_strategy_page_reads_in_a_fixed_number_of_queries(strategy, django_assert_num_queries):
    _fill(strategy, 6, 4)

    with django_assert_num_queries(4):
        page = selectors.strategy_page(strategy)
        statuses = [[progress.status for progress in row.indicators] for row in page.priorities]
        outcomes = [progress.indicator.outcome.text for row in page.priorities for progress in row.indicators]

    assert len(page.priorities) == 7  # "Rural crime" from the fixture, then the six
    assert page.indicator_count == 24
    assert statuses[1] == ["on_target", "improving", "improving", "off_target"]
    assert outcomes[0] == "Outcome 0"
    assert page.priorities[1].status_summary == (
        "4 indicators: 1 on target, 2 improving but not yet on target, 1 off target."
    )


def test_the_series_is_oldest_first_and_judged(indicator):
    services.value_record(indicator=indicator, period_start=dt.date(2025, 10, 1), value=Decimal(85))
    services.value_record(
        indicator=indicator, period_start=dt.date(2025, 4, 1), value=Decimal(125), note="Floods"
    )

    series = selectors.indicator_series(indicator)

    assert [(p.label, p.value, p.status_text, p.note) for p in series] == [
        ("April to June 2025", Decimal(125), "Off target", "Floods"),
        ("October to December 2025", Decimal(85), "On target", ""),
    ]
    assert [p.short_label for p in selectors.indicator_series(indicator, until=dt.date(2025, 9, 30))] == [
        "Apr–Jun 2025"
    ]
