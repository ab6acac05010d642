"""Incidents month by month as a bar chart drawn on the server (SVG), with the same months a
year earlier as a dashed line so that seasonality shows.

Pure: numbers in, coordinates out; ``evidence/_month_chart.html`` draws them, and the page
repeats every figure in a table, so the chart is never the only way to read them.
"""

import datetime as dt
import math
from dataclasses import dataclass

from tandem.web.charts import AxisLabel, Tick, figure_text, nice_step

WIDTH = 900
HEIGHT = 300
LEFT = 60
RIGHT = 16
TOP = 16
BOTTOM = 48
MAX_X_LABELS = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str


@dataclass
class MonthChart:
    width: int
    height: int
    left: int
    plot_right: int
    plot_bottom: int
    bars: list[Bar]
    ticks: list[Tick]
    x_labels: list[AxisLabel]
    earlier: str  # polyline points of the year-earlier line, or ""

    @property
    def has_earlier(self) -> bool:
        return bool(self.earlier)


def month_words(month: dt.date) -> str:
    return f"{month:%B %Y}"


def month_chart(
    months: list[dt.date], counts: list[int], earlier: list[int | None] | None = None
) -> MonthChart:
    """Bars of ``counts`` for ``months`` (oldest first); ``earlier`` the same months a year before
    (None where there is no figure), drawn as a line."""
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot_width, plot_height = plot_right - LEFT, plot_bottom - TOP
    values = [*counts, *[value for value in (earlier or []) if value is not None]]
    high = max(values, default=0)
    step = nice_step(high) if high else 1.0
    high = max(step, math.ceil(high / step) * step)
    slot = plot_width / max(len(months), 1)
    gap = min(6.0, slot * 0.2)

    def y_of(value: float) -> float:
        return plot_bottom - value / high * plot_height

    bars = [
        Bar(
            x=round(LEFT + index * slot + gap / 2, 1),
            y=round(y_of(count), 1),
            width=round(slot - gap, 1),
            height=round(plot_bottom - y_of(count), 1),
            label=month_words(month),
            value_text=figure_text(count),
        )
        for index, (month, count) in enumerate(zip(months, counts, strict=True))
    ]
    ticks = [
        Tick(y=round(y_of(n * step), 1), text=figure_text(round(n * step, 10)))
        for n in range(round(high / step) + 1)
    ]
    every = max(1, math.ceil(len(months) / MAX_X_LABELS))
    x_labels = [
        AxisLabel(
            x=round(LEFT + (index + 0.5) * slot, 1),
            lines=(f"{month:%b}", f"{month:%Y}") if index == 0 or month.month == 1 else (f"{month:%b}",),
        )
        for index, month in enumerate(months)
        if index % every == 0
    ]
    line = ""
    if earlier and any(value is not None for value in earlier):
        line = " ".join(
            f"{LEFT + (index + 0.5) * slot:.1f},{y_of(value):.1f}"
            for index, value in enumerate(earlier)
            if value is not None
        )
    return MonthChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        plot_right=plot_right,
        plot_bottom=plot_bottom,
        bars=bars,
        ticks=ticks,
        x_labels=x_labels,
        earlier=line,
    )
