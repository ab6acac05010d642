"""Monthly incident counts: filled series, rolling 12-month totals, year-on-year change and
category breakdowns.

What and why
------------
police.uk publishes street-level crime and anti-social behaviour **by month** (no day), so
every count in Tandem is a count per calendar month. This module turns the database's sparse
rows (only months with incidents have a row) into dense, gap-free series that the trend charts,
the dashboards and the before/after comparison (:mod:`.beforeafter`) can use directly.

Conventions
-----------
* **A month is a** :class:`datetime.date` **on the first day of that month** — the same value
  the ``month`` fields of ``Incident``, ``AreaMonthCount`` and ``CellMonthCount`` hold. Any other
  day raises :class:`ValueError` rather than being quietly moved, because a date that is not a
  first-of-month almost always means the caller mixed up an incident date and a month.
* Ranges are **inclusive** at both ends: ``monthly_series(rows, March 2024, February 2025)``
  covers 12 months.
* A month with no row is a month with **no incidents** (a zero), not a missing value. This is
  right for police.uk, whose monthly files cover every month; if a source has a genuine gap
  (a month never imported) the page must not ask for that range, or must say so.
* Counts outside the requested range are left out, so callers may pass more rows than they need.
* Percentage changes are ``None`` ("no figure") when the earlier figure is zero, never a
  division by zero or an infinity.

This module depends only on the standard library and numpy (architecture rule for
``tandem.evidence.analysis``: no Django, no ORM, no h3).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import numpy as np

__all__ = [
    "MONTH_NAMES",
    "CategoryBreakdown",
    "CategoryShare",
    "MonthlySeries",
    "YearOnYear",
    "add_months",
    "category_breakdown",
    "category_for",
    "counts_by_category",
    "format_date",
    "format_month",
    "month_range",
    "monthly_series",
    "monthly_series_by",
    "months_between",
    "percent_change",
    "rolling_totals",
    "series_by_category",
    "windows_around",
    "year_on_year",
    "year_on_year_series",
]

K = TypeVar("K", bound=Hashable)

#: English month names, so formatting does not depend on the process's locale.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --- months ---------------------------------------------------------------------------------


def _check_month(month: date, name: str = "month") -> date:
    if not isinstance(month, date):
        raise TypeError(f"{name} must be a datetime.date on the first of a month, not {month!r}")
    if month.day != 1:
        raise ValueError(f"{name} must be the first day of a month, not {month.isoformat()}")
    return month


def add_months(month: date, n: int) -> date:
    """The first-of-month ``n`` months after ``month`` (before it when ``n`` is negative)."""
    _check_month(month)
    index = month.year * 12 + (month.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """How many months ``end`` is after ``start`` (0 for the same month; negative if before)."""
    _check_month(start, "start")
    _check_month(end, "end")
    return (end.year - start.year) * 12 + (end.month - start.month)


def month_range(start: date, end: date) -> list[date]:
    """Every month from ``start`` to ``end`` inclusive (empty if ``end`` is before ``start``)."""
    return [add_months(start, i) for i in range(months_between(start, end) + 1)]


def format_month(month: date) -> str:
    """``"March 2025"``."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def format_date(day: date) -> str:
    """``"1 March 2025"`` (British style: day, month name, year; no leading zero)."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def percent_change(before: float, after: float) -> float | None:
    """``100 * (after - before) / before``; ``None`` when ``before`` is zero (no figure)."""
    if before == 0:
        return None
    return 100.0 * (after - before) / before


# --- series ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlySeries:
    """Counts for consecutive months from ``start``: ``counts[i]`` is the month ``start + i``."""

    start: date
    counts: tuple[int, ...]

    def __post_init__(self) -> None:
        _check_month(self.start, "start")

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def end(self) -> date:
        """The last month covered (the month before ``start`` for an empty series)."""
        return add_months(self.start, len(self.counts) - 1)

    @property
    def months(self) -> tuple[date, ...]:
        return tuple(add_months(self.start, i) for i in range(len(self.counts)))

    @property
    def total(self) -> int:
        return sum(self.counts)

    def items(self) -> list[tuple[date, int]]:
        """``[(month, count), ...]`` oldest first."""
        return list(zip(self.months, self.counts, strict=True))

    def __getitem__(self, month: date) -> int:
        i = months_between(self.start, month)
        if not 0 <= i < len(self.counts):
            raise KeyError(month)
        return self.counts[i]

    def between(self, start: date, end: date) -> MonthlySeries:
        """The part of the series from ``start`` to ``end`` inclusive; both must be covered."""
        i, j = months_between(self.start, start), months_between(self.start, end)
        if i < 0 or j >= len(self.counts) or j < i - 1:
            raise ValueError(
                f"{format_month(start)} to {format_month(end)} is not within "
                f"{format_month(self.start)} to {format_month(self.end)}"
            )
        return MonthlySeries(start, self.counts[i : j + 1])

    def as_array(self) -> np.ndarray:
        return np.asarray(self.counts, dtype=np.int64)


def _pairs(counts: Mapping[date, int] | Iterable[tuple[date, int]]) -> Iterable[tuple[date, int]]:
    return counts.items() if isinstance(counts, Mapping) else counts


def monthly_series(
    counts: Mapping[date, int] | Iterable[tuple[date, int]], start: date, end: date
) -> MonthlySeries:
    """A gap-free series from ``start`` to ``end`` inclusive.

    ``counts`` is a mapping month → count or an iterable of ``(month, count)`` pairs; pairs for
    the same month are added together (so rows per month *and crime type* can be passed
    straight in). Months with no entry are zero; months outside the range are left out.
    """
    _check_month(start, "start")
    _check_month(end, "end")
    n = months_between(start, end) + 1
    if n < 0:
        raise ValueError("end is before start")
    filled = [0] * n
    for month, count in _pairs(counts):
        i = months_between(start, _check_month(month))
        if 0 <= i < n:
            filled[i] += int(count)
    return MonthlySeries(start, tuple(filled))


def monthly_series_by(
    rows: Iterable[tuple[date, K, int]],
    start: date,
    end: date,
    key: Callable[[K], Hashable | None] | None = None,
) -> dict[Hashable, MonthlySeries]:
    """One gap-free series per key (area, crime type, category…) from ``(month, key, count)`` rows.

    ``key``, if given, maps each row's key to the key to group by (``None`` drops the row) — e.g.
    crime type → problem category. Only keys that occur in ``rows`` get a series.
    """
    grouped: dict[Hashable, list[tuple[date, int]]] = defaultdict(list)
    for month, raw_key, count in rows:
        group = key(raw_key) if key is not None else raw_key
        if group is not None:
            grouped[group].append((month, count))
    return {group: monthly_series(pairs, start, end) for group, pairs in grouped.items()}


def rolling_totals(series: MonthlySeries, window: int = 12) -> MonthlySeries:
    """Rolling ``window``-month totals: the value at month *m* is the total of *m* and the
    ``window - 1`` months before it.

    Only months with a full window inside the series get a value, so the result starts
    ``window - 1`` months after the series does (and is empty if the series is shorter than the
    window) — a part-window total would look like a fall.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    counts = series.counts
    if len(counts) < window:
        return MonthlySeries(add_months(series.start, window - 1), ())
    cumulative = np.concatenate([[0], np.cumsum(np.asarray(counts, dtype=np.int64))])
    totals = cumulative[window:] - cumulative[:-window]
    return MonthlySeries(add_months(series.start, window - 1), tuple(int(t) for t in totals))


@dataclass(frozen=True)
class YearOnYear:
    """A ``window``-month total against the same months a year earlier."""

    window: int
    current_start: date
    current_end: date
    current_total: int
    previous_start: date
    previous_end: date
    previous_total: int
    change: int
    #: ``None`` when the earlier total is zero: no percentage can be given.
    percent_change: float | None
    subject: str = "incidents"

    @property
    def summary(self) -> str:
        """E.g. "312 incidents in the 12 months to March 2025, up 12% on the year before (279)."."""
        if self.window == 1:
            current, previous = format_month(self.current_end), format_month(self.previous_end)
        else:
            current, previous = (
                f"the {self.window} months to {format_month(self.current_end)}",
                "the year before",
            )
        if self.current_total == 0:
            head = f"No {self.subject} in {current}"
        else:
            noun = _singular(self.subject) if self.current_total == 1 else self.subject
            head = f"{self.current_total:,} {noun} in {current}"
        if self.percent_change is None:
            if self.current_total == 0:
                return f"{head}, and none in {previous}."
            return f"{head}; none in {previous}, so there is no percentage change to give."
        if self.change == 0:
            return f"{head}, the same as {previous}."
        direction = "up" if self.change > 0 else "down"
        pct = _whole_percent(self.percent_change)
        return f"{head}, {direction} {pct} on {previous} ({self.previous_total:,})."


def _singular(plural: str) -> str:
    return plural[:-1] if plural.endswith("s") else plural


def _whole_percent(pct: float) -> str:
    rounded = math.floor(abs(pct) + 0.5)
    return "less than 1%" if rounded == 0 else f"{rounded:,}%"


def year_on_year(
    series: MonthlySeries, month: date | None = None, window: int = 12, subject: str = "incidents"
) -> YearOnYear:
    """The ``window`` months ending at ``month`` (default: the series' last month) against the
    same ``window`` months a year earlier.

    ``window=12`` compares rolling years; ``window=1`` compares a month with the same month a
    year before; ``window=3`` a quarter. Raises :class:`ValueError` if the series does not
    cover both periods (ask for a longer range rather than compare against a part-period).
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    end = series.end if month is None else _check_month(month)
    start = add_months(end, -(window - 1))
    previous_end, previous_start = add_months(end, -12), add_months(start, -12)
    current = series.between(start, end).total
    previous = series.between(previous_start, previous_end).total
    return YearOnYear(
        window=window,
        current_start=start,
        current_end=end,
        current_total=current,
        previous_start=previous_start,
        previous_end=previous_end,
        previous_total=previous,
        change=current - previous,
        percent_change=percent_change(previous, current),
        subject=subject,
    )


def year_on_year_series(
    series: MonthlySeries, window: int = 12, subject: str = "incidents"
) -> tuple[YearOnYear, ...]:
    """:func:`year_on_year` for every month that has both periods inside the series."""
    first = add_months(series.start, 12 + window - 1)
    return tuple(
        year_on_year(series, m, window, subject) for m in series.months if months_between(first, m) >= 0
    )


def windows_around(series: MonthlySeries, first_after: date, months: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``months`` months before ``first_after`` and the ``months`` months from it, as arrays
    ready for :func:`tandem.evidence.analysis.beforeafter.before_after`.

    ``first_after`` is the first month of the "after" period. For an action dated mid-month the
    page chooses whether that month counts as after (its first-of-month) or is skipped (the next
    month's first) — monthly data cannot split a month. Shift ``first_after`` back 12 months to
    get the same months a year earlier.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    before = series.between(add_months(first_after, -months), add_months(first_after, -1))
    after = series.between(first_after, add_months(first_after, months - 1))
    return before.as_array(), after.as_array()


# --- categories -----------------------------------------------------------------------------


def _normalise(crime_type: str) -> str:
    return " ".join(crime_type.split()).casefold()


def category_for(crime_type: str, mapping: Mapping[str, str], unmapped: str | None = "Other") -> str | None:
    """The Tandem problem category for a police.uk crime type (e.g. "Anti-social behaviour").

    ``mapping`` is crime type → category name, as stored in the database. Matching ignores case
    and runs of spaces, because police.uk's spelling of types has varied between releases.
    Types not in the mapping go to ``unmapped`` (``None`` means leave them out).
    """
    wanted = _normalise(crime_type)
    for known, category in mapping.items():
        if _normalise(known) == wanted:
            return category
    return unmapped


def counts_by_category(
    counts_by_crime_type: Mapping[str, int], mapping: Mapping[str, str], unmapped: str | None = "Other"
) -> dict[str, int]:
    """Add crime-type counts up into category counts (see :func:`category_for`)."""
    lookup = {_normalise(k): v for k, v in mapping.items()}
    totals: dict[str, int] = defaultdict(int)
    for crime_type, count in counts_by_crime_type.items():
        category = lookup.get(_normalise(crime_type), unmapped)
        if category is not None:
            totals[category] += int(count)
    return dict(totals)


def series_by_category(
    rows: Iterable[tuple[date, str, int]],
    mapping: Mapping[str, str],
    start: date,
    end: date,
    unmapped: str | None = "Other",
) -> dict[str, MonthlySeries]:
    """One gap-free monthly series per problem category from ``(month, crime type, count)`` rows."""
    lookup = {_normalise(k): v for k, v in mapping.items()}
    return monthly_series_by(rows, start, end, key=lambda t: lookup.get(_normalise(t), unmapped))  # type: ignore[return-value]


@dataclass(frozen=True)
class CategoryShare:
    category: str
    count: int
    #: Fraction of the total (0 to 1); ``None`` when the total is zero.
    share: float | None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else 100.0 * self.share


@dataclass(frozen=True)
class CategoryBreakdown:
    """Counts per category, largest first (ties by name), with each one's share of the total."""

    rows: tuple[CategoryShare, ...]
    total: int


def category_breakdown(
    counts: Mapping[str, int],
    mapping: Mapping[str, str] | None = None,
    unmapped: str | None = "Other",
) -> CategoryBreakdown:
    """Breakdown by category with shares.

    ``counts`` is category → count, or crime type → count when ``mapping`` (crime type →
    category) is given, in which case the types are first added up into categories.
    """
    by_category = dict(counts) if mapping is None else counts_by_category(counts, mapping, unmapped)
    total = sum(int(c) for c in by_category.values())
    ordered: Sequence[tuple[str, int]] = sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = tuple(CategoryShare(cat, int(n), (int(n) / total) if total else None) for cat, n in ordered)
    return CategoryBreakdown(rows=rows, total=total)
