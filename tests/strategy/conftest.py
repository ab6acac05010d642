"""Fixtures for the strategy's tests: a strategy of the cast's partnership, and a clean source registry."""

import datetime as dt
from decimal import Decimal

import pytest

from tandem.strategy import services, sources
from tandem.strategy.models import Indicator, Strategy


@pytest.fixture(autouse=True)
def _no_indicator_source():
    """Each test starts with no source registered, and leaves those the apps registered as they were."""
    registered = dict(sources._sources)
    sources.unregister_indicator_source()
    yield
    sources.unregister_indicator_source()
    sources._sources.update(registered)


@pytest.fixture
def strategy(cast) -> Strategy:
    """Community Safety Strategy 2025–28 (approved), with the priority "Rural crime"."""
    strategy = services.strategy_create(
        partnership=cast.partnership,
        title="Community Safety Strategy 2025–28",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2028, 3, 31),
        approved_on=dt.date(2025, 3, 18),
    )
    services.priority_create(strategy=strategy, title="Rural crime", description="Theft from farms")
    return strategy


@pytest.fixture
def priority(strategy):
    return strategy.priorities.get()


@pytest.fixture
def indicator(priority) -> Indicator:
    """Rural burglaries: baseline 120, target 90, lower is better, entered by hand."""
    return services.indicator_create(
        priority=priority,
        name="Rural burglaries reported",
        unit="burglaries",
        baseline=Decimal(120),
        baseline_label="2024/25",
        target=Decimal(90),
        direction=Indicator.Direction.DOWN,
    )
