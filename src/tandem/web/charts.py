"""What every server-drawn SVG chart shares: round axis steps and figures written as people write them.

The charts themselves (an indicator's quarterly line, a month-by-month bar chart of incidents)
live with their apps; these two helpers know no domain.
"""

import math
from dataclasses import dataclass
from decimal import Decimal


def figure_text(value: Decimal | int | float | None) -> str:
    """1234.50 → "1,234.5", 120.00 → "120" (a figure as people write it)."""
    if value is None:
        return ""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return f"{number:,f}"


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts ``span`` into about ``ticks`` parts."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power  # pragma: no cover (the loop always returns)


@dataclass(frozen=True)
class Tick:
    """A line across the plot at a round value, labelled on the value axis."""

    y: float
    text: str


@dataclass(frozen=True)
class AxisLabel:
    """A label under the plot (one or more lines, e.g. the month and, under it, the year)."""

    x: float
    lines: tuple[str, ...]
