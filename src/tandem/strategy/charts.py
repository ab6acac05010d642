"""A line chart of an indicator's quarterly figures, drawn on the server as SVG.

Pure functions: numbers in, coordinates out (the template ``strategy/_chart.html`` draws
them). The chart has the baseline and the target as labelled horizontal lines, told apart
by their dashes and their labels as well as their colour, and the page repeats every figure
in a table below it.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from tandem.web.charts import AxisLabel, Tick, figure_text, nice_step

__all__ = ["figure_text", "line_chart", "nice_step"]

WIDTH = 900
HEIGHT = 320
LEFT = 64  # room for the value axis' labels
RIGHT = 132  # room for the baseline and target labels
TOP = 20
BOTTOM = 52  # room for two lines of quarter labels
MAX_X_LABELS = 8
LABEL_GAP = 16  # the least distance between the baseline and target labels


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the quarter, in words
    value_text: str


@dataclass(frozen=True)
class Level:
    """The baseline or the target: a horizontal line across the plot, labelled at its right end."""

    name: str
    y: float
    label_y: float
    text: str


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_right: int
    plot_bottom: int
    points: list[Point]
    ticks: list[Tick]
    x_labels: list[AxisLabel]
    levels: list[Level] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)

    @property
    def label_x(self) -> int:
        return self.plot_right + 8


def line_chart(
    *,
    points: list[tuple[str, tuple[str, ...], Decimal]],
    baseline: Decimal,
    target: Decimal,
) -> LineChart:
    """The chart of ``points`` — (quarter in words, axis label lines, value), oldest first —
    with the baseline and target lines. The value axis starts at 0 unless a figure is negative."""
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot_width, plot_height = plot_right - LEFT, plot_bottom - TOP
    numbers = [float(value) for _, _, value in points] + [float(baseline), float(target)]
    low, high = min(0.0, *numbers), max(numbers)
    step = nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if high <= low:
        high = low + step

    def y_of(value: float) -> float:
        return plot_bottom - (value - low) / (high - low) * plot_height

    def x_of(index: int) -> float:
        if len(points) == 1:
            return LEFT + plot_width / 2
        return LEFT + index * plot_width / (len(points) - 1)

    ticks = []
    count = round((high - low) / step)
    for n in range(count + 1):
        value = low + n * step
        ticks.append(Tick(y=round(y_of(value), 1), text=figure_text(round(value, 10))))

    every = max(1, math.ceil(len(points) / MAX_X_LABELS))
    x_labels = [
        AxisLabel(x=round(x_of(index), 1), lines=lines)
        for index, (_, lines, _) in enumerate(points)
        if index % every == 0 or index == len(points) - 1
    ]
    if len(x_labels) > 1 and x_labels[-1].x - x_labels[-2].x < plot_width / MAX_X_LABELS:
        # The last quarter is always labelled; the one before it gives way when they would touch.
        del x_labels[-2]

    baseline_y, target_y = y_of(float(baseline)), y_of(float(target))
    baseline_label_y, target_label_y = baseline_y, target_y
    if abs(baseline_y - target_y) < LABEL_GAP:
        middle = (baseline_y + target_y) / 2
        upper, lower = middle - LABEL_GAP / 2, middle + LABEL_GAP / 2
        # The higher value's label goes above; equal values: the target above.
        if float(target) >= float(baseline):
            target_label_y, baseline_label_y = upper, lower
        else:
            baseline_label_y, target_label_y = upper, lower
    levels = [
        Level(
            "baseline",
            round(baseline_y, 1),
            round(baseline_label_y + 4, 1),
            f"Baseline {figure_text(baseline)}",
        ),
        Level("target", round(target_y, 1), round(target_label_y + 4, 1), f"Target {figure_text(target)}"),
    ]
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        plot_right=plot_right,
        plot_bottom=plot_bottom,
        points=[
            Point(
                x=round(x_of(index), 1),
                y=round(y_of(float(value)), 1),
                label=label,
                value_text=figure_text(value),
            )
            for index, (label, _, value) in enumerate(points)
        ],
        ticks=ticks,
        x_labels=x_labels,
        levels=levels,
    )
