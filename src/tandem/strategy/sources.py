"""Where counted indicators get their figures: providers the apps above register.

The strategy counts each quarter's figure with the provider registered here
(``services.indicator_values_count``)::

    register_indicator_source(count_incidents)  # (indicator, period_start, period_end) -> Decimal | None

The strategy's ``AppConfig.ready()`` registers one that counts the evidence app's incidents in
the partnership's district (``tandem.evidence.selectors.incidents_counted``); the evidence app
stands lower and knows nothing of strategies. The community app registers one for survey-based
indicators (``kind="survey"``): the share of a linked survey question's answers that are one of
the two best, per quarter. Without a provider (tests unregister it), the
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
NO_SOURCE_TEXTS = {
    Indicator.Source.INCIDENTS: NO_SOURCE_TEXT,
    Indicator.Source.SURVEY: (
        "Figures will be counted from a survey question once one is linked to this indicator; "
        "until then enter them each quarter"
    ),
}
# What a counted figure is counted from, as a sentence ends: "counted from …".
COUNTED_FROM = {
    Indicator.Source.INCIDENTS: "recorded incidents",
    Indicator.Source.SURVEY: "the answers to its survey question",
}

_sources: dict[str, IndicatorSource] = {}


def register_indicator_source(provider: IndicatorSource, *, kind: str = Indicator.Source.INCIDENTS) -> None:
    """Count the figures of indicators of this kind (incidents, survey) with ``provider`` from now on.

    ``provider(indicator, period_start, period_end)`` returns the figure for the quarter (both
    days included), or None when there are no data for it. Registering again replaces it."""
    _sources[kind] = provider


def unregister_indicator_source(kind: str | None = None) -> None:
    """Go back to entering figures by hand (every kind when none is named: for tests)."""
    if kind is None:
        _sources.clear()
    else:
        _sources.pop(kind, None)


def indicator_source(kind: str = Indicator.Source.INCIDENTS) -> IndicatorSource | None:
    return _sources.get(kind)


def counts_from_incidents(indicator: Indicator) -> bool:
    """Whether this indicator's figures are counted for it (from incidents or from a survey),
    not entered by hand."""
    return indicator.source != Indicator.Source.MANUAL and indicator.source in _sources


def awaits_source(indicator: Indicator) -> bool:
    """Counted figures, but nothing registered to count them with yet."""
    return indicator.source != Indicator.Source.MANUAL and indicator.source not in _sources
