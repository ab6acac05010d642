"""Deadlines in calendar months and in working days (Monday to Friday, skipping the bank
holidays of England and Wales).

Pure functions: dates in, dates out. The bank holidays of England and Wales are worked out
from their rules (the Banking and Financial Dealings Act 1971 and the royal proclamations that
follow it each year), with the one-off changes gov.uk lists in ``ONE_OFF``: a new one-off
(a jubilee, a coronation) is one line there.
"""

import calendar
import datetime as dt
from functools import lru_cache

from dateutil.easter import easter

MONDAY, FRIDAY, SATURDAY, SUNDAY = 0, 4, 5, 6

# Year -> (regular holidays moved: {usual date: new date}, extra holidays added).
ONE_OFF: dict[int, tuple[dict[dt.date, dt.date], tuple[dt.date, ...]]] = {
    # The early May bank holiday moved to Friday 8 May for the 75th anniversary of VE Day.
    2020: ({dt.date(2020, 5, 4): dt.date(2020, 5, 8)}, ()),
    # Platinum Jubilee: the spring bank holiday moved to Thursday 2 June, plus Friday 3 June;
    # the State Funeral of Queen Elizabeth II on Monday 19 September.
    2022: (
        {dt.date(2022, 5, 30): dt.date(2022, 6, 2)},
        (dt.date(2022, 6, 3), dt.date(2022, 9, 19)),
    ),
    # The Coronation of King Charles III.
    2023: ({}, (dt.date(2023, 5, 8),)),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier, if negative), kept within the month:
    31 January plus one month is the last day of February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(MONDAY - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, calendar.monthrange(year, month)[1])
    return day - dt.timedelta(days=(day.weekday() - MONDAY) % 7)


def _new_year(year: int) -> dt.date:
    """1 January, or the Monday after when it falls at a weekend."""
    day = dt.date(year, 1, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= SATURDAY else day


def _christmas(year: int) -> tuple[dt.date, dt.date]:
    """Christmas Day and Boxing Day, each moved to the next weekday not already taken:
    Christmas on a Saturday gives Monday 27 and Tuesday 28; on a Sunday, Boxing Day stays on
    Monday 26 and Christmas's substitute is Tuesday 27; Boxing Day on a Saturday goes to Monday 28."""
    christmas = dt.date(year, 12, 25)
    boxing = dt.date(year, 12, 26)
    if christmas.weekday() == SATURDAY:
        return christmas + dt.timedelta(days=2), boxing + dt.timedelta(days=2)
    if christmas.weekday() == SUNDAY:
        return christmas + dt.timedelta(days=2), boxing
    if boxing.weekday() == SATURDAY:
        return christmas, boxing + dt.timedelta(days=2)
    return christmas, boxing


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """The bank holidays of England and Wales in ``year`` (substitute days included)."""
    sunday = easter(year)
    regular = [
        _new_year(year),
        sunday - dt.timedelta(days=2),  # Good Friday
        sunday + dt.timedelta(days=1),  # Easter Monday
        _first_monday(year, 5),  # early May
        _last_monday(year, 5),  # spring
        _last_monday(year, 8),  # summer
        *_christmas(year),
    ]
    moved, extra = ONE_OFF.get(year, ({}, ()))
    return frozenset([moved.get(day, day) for day in regular] + list(extra))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count):
    ten working days from a Monday with no bank holiday is the Monday a fortnight later."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days after ``start`` up to and including ``end`` (0 if ``end`` is not
    after ``start``)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
