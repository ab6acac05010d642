"""Where incident-based indicators get their figures: a provider the evidence app registers.

The strategy counts each quarter's figure with the provider registered here
(``services.indicator_values_count``)::

    register_indicator_source(count_incidents)  # (indicator, period_start, period_end) -> Decimal | None

The strategy's ``AppConfig.ready()`` registers one that counts the evidence app's incidents in
the partnership's district (``tandem.evidence.selectors.incidents_counted``); the evidence app
stands lower and knows nothing of strategies. Without a provider (tests unregister it), the
figures of incident-based indicators are entered each quarter by hand, like any other.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from .models import Indicator

IndicatorSource = Callable[[Indicator, dt.date, dt.date], Decimal | None]

# The police.uk "Crime type" values (data.police.uk street-level crime CSV files).
POLICE_UK_CRIME_TYPES = [
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
]

NO_SOURCE_TEXT = (
    "Figures will be counted from recorded incidents once police data is imported; "
    "until then enter them each quarter"
)

_source: IndicatorSource | None = None


def register_indicator_source(provider: IndicatorSource) -> None:
    """Count the figures of incident-based indicators with ``provider`` from now on.

    ``provider(indicator, period_start, period_end)`` returns the count for the quarter (both
    days included), or None when there are no data for it. Registering again replaces it."""
    global _source
    _source = provider


def unregister_indicator_source() -> None:
    """Go back to entering every figure by hand (for tests and for an app being unloaded)."""
    global _source
    _source = None


def indicator_source() -> IndicatorSource | None:
    return _source


def counts_from_incidents(indicator: Indicator) -> bool:
    """Whether this indicator's figures are counted for it (not entered by hand)."""
    return indicator.source == Indicator.Source.INCIDENTS and _source is not None
