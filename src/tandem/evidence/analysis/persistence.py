""" "Is it still a hotspot?" — a cell's or area's hotspot status over the last N periods.

What and why
------------
The guidance a partnership works to counts "no longer raised as a priority or hotspot" as a
sign that a problem has been dealt with. One month's map cannot say that: hotspots flicker.
This module takes the hotspot status of one cell or area for each period (a month, a quarter),
**oldest first and newest last**, and says how persistent it is, in a sentence the problem page
can show as it is:

* "A hotspot in each of the last 6 months."
* "Not a hotspot in any of the last 6 months."
* "A hotspot in 4 of the last 6 months, not in the last 2."
* "A hotspot in 2 of the last 6 months, including the latest month."

Deciding *whether* a cell is a hotspot in a period (Getis–Ord, a count threshold, …) is the
hotspot code's job; this module only counts. Statuses may be booleans or classifications
(e.g. ``"hot-99"``, ``"not significant"``) with an ``is_hot`` predicate. Every period given is
taken as observed: a period with no data should be left out by the caller or counted as not a
hotspot deliberately, because the sentence cannot tell the two apart.

Pure standard library (architecture rule for ``tandem.evidence.analysis``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Persistence", "hotspot_persistence"]


@dataclass(frozen=True)
class Persistence:
    """How persistent a hotspot is over the periods considered (oldest first)."""

    #: The statuses considered, oldest first, as booleans.
    statuses: tuple[bool, ...]
    #: How many periods were considered.
    periods: int
    #: How many of them were hot.
    hot_periods: int
    #: Whether the newest period was hot.
    hot_now: bool
    #: Length of the run of the newest status at the end (hot or not), e.g. 2 for
    #: "... not in the last 2"; 0 when there are no periods.
    current_run: int
    #: 0 if hot now; k if the newest hot period was k periods before the newest; ``None`` if
    #: never hot in the periods considered.
    periods_since_hot: int | None
    #: Index of the newest hot period in the sequence passed in (``None`` if never hot).
    last_hot_index: int | None
    #: The label (e.g. the month's date) of the newest hot period, if labels were given.
    last_hot_label: Any
    #: The longest run of consecutive hot periods.
    longest_hot_run: int
    unit: str
    units: str
    summary: str

    @property
    def share_hot(self) -> float | None:
        return self.hot_periods / self.periods if self.periods else None


def hotspot_persistence(
    statuses: Sequence[Any],
    last: int | None = None,
    *,
    is_hot: Callable[[Any], bool] | None = None,
    labels: Sequence[Any] | None = None,
    unit: str = "month",
    units: str | None = None,
    noun: str = "a hotspot",
) -> Persistence:
    """Persistence of hotspot status over the last ``last`` periods (all given, by default).

    ``statuses`` is one status per period, **newest last**. ``is_hot`` turns a status into
    hot / not hot (default: ``bool``). ``labels``, if given, are one per status (e.g. the
    periods' first-of-month dates) and give ``last_hot_label``. ``unit``/``units`` are the
    period words ("month"/"months", "quarter"/"quarters"); ``noun`` is what the place is when
    hot ("a hotspot", "a priority").
    """
    if labels is not None and len(labels) != len(statuses):
        raise ValueError("labels must have one entry per status")
    if last is not None and last < 0:
        raise ValueError("last must not be negative")
    test = is_hot if is_hot is not None else bool
    offset = 0 if last is None else max(len(statuses) - last, 0)
    window = tuple(bool(test(s)) for s in statuses[offset:])
    plural = units if units is not None else unit + "s"

    n = len(window)
    hot = sum(window)
    hot_now = bool(window) and window[-1]
    run = 0
    for status in reversed(window):
        if status != window[-1]:
            break
        run += 1
    newest_hot = max((i for i, s in enumerate(window) if s), default=None)
    since = None if newest_hot is None else n - 1 - newest_hot
    longest = current = 0
    for status in window:
        current = current + 1 if status else 0
        longest = max(longest, current)
    last_index = None if newest_hot is None else offset + newest_hot
    return Persistence(
        statuses=window,
        periods=n,
        hot_periods=hot,
        hot_now=hot_now,
        current_run=run,
        periods_since_hot=since,
        last_hot_index=last_index,
        last_hot_label=None if labels is None or last_index is None else labels[last_index],
        longest_hot_run=longest,
        unit=unit,
        units=plural,
        summary=_sentence(n, hot, hot_now, run, unit, plural, noun),
    )


def _sentence(n: int, hot: int, hot_now: bool, run: int, unit: str, units: str, noun: str) -> str:
    a_hotspot = noun[:1].upper() + noun[1:]
    if n == 0:
        return f"No {units} of hotspot data yet."
    if n == 1:
        return f"{a_hotspot} in the latest {unit}." if hot_now else f"Not {noun} in the latest {unit}."
    if hot == n:
        return f"{a_hotspot} in each of the last {n} {units}."
    if hot == 0:
        return f"Not {noun} in any of the last {n} {units}."
    head = f"{a_hotspot} in {hot} of the last {n} {units}"
    tail = f"the latest {unit}" if run == 1 else f"the last {run}"
    return f"{head}, including {tail}." if hot_now else f"{head}, not in {tail}."
