"""Deadlines in calendar months and in working days (Monday to Friday, skipping the bank
holidays of England and Wales).

Pure functions: dates in, dates out. The bank holidays come from the ``holidays`` package
(``GB``, subdivision ``ENG``: England and Wales share one list of bank holidays)
so no list needs keeping up to date by hand.
"""

import calendar
import datetime as dt
from functools import lru_cache

import holidays


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier, if negative), kept within the month:
    31 January plus one month is the last day of February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """The bank holidays of England and Wales in ``year`` (substitute days included)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


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
