"""Quarters: an indicator's figures are kept per calendar quarter, stored as its first day.

Calendar quarters line up with the financial year's (April to June is the first quarter of
2026/27), so both ways of counting see the same quarters.
"""

import datetime as dt

from tandem.problems.models import quarter_of


def quarter_start(day: dt.date) -> dt.date:
    """The first day of the quarter containing ``day``."""
    return quarter_of(day)[0]


def quarter_end(day: dt.date) -> dt.date:
    """The last day of the quarter containing ``day``."""
    return quarter_of(day)[1]


def next_quarter(day: dt.date) -> dt.date:
    """The first day of the quarter after the one containing ``day``."""
    return quarter_end(day) + dt.timedelta(days=1)


def previous_quarter(day: dt.date) -> dt.date:
    """The first day of the quarter before the one containing ``day``."""
    return quarter_start(quarter_start(day) - dt.timedelta(days=1))


def quarters_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of every quarter from the one containing ``first`` to the one containing
    ``last``, oldest first (empty when ``last`` is before ``first``)."""
    quarters, start, stop = [], quarter_start(first), quarter_start(last)
    while start <= stop:
        quarters.append(start)
        start = next_quarter(start)
    return quarters


def quarter_label(day: dt.date) -> str:
    """ "April to June 2026"."""
    start, end = quarter_of(day)
    return f"{start:%B} to {end:%B %Y}"


def quarter_short_label(day: dt.date) -> str:
    """ "Apr–Jun 2026" (for a chart's axis)."""
    start, end = quarter_of(day)
    return f"{start:%b}–{end:%b %Y}"
