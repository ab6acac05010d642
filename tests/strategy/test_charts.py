"""The indicator chart's geometry and the way figures are written: known answers."""

from decimal import Decimal

import pytest

from tandem.strategy.charts import (
    BOTTOM,
    HEIGHT,
    LEFT,
    MAX_X_LABELS,
    RIGHT,
    TOP,
    WIDTH,
    figure_text,
    line_chart,
    nice_step,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("120.00"), "120"),
        (Decimal("1E+2"), "100"),
        (Decimal("1234.50"), "1,234.5"),
        (Decimal("0.00"), "0"),
        (Decimal("-3.25"), "-3.25"),
        (7, "7"),
        (None, ""),
    ],
)
def test_figures_are_written_as_people_write_them(value, text):
    assert figure_text(value) == text


@pytest.mark.parametrize(("span", "step"), [(100, 20), (37, 10), (3, 1), (1300, 500), (0.4, 0.1), (0, 1)])
def test_the_value_axis_steps_are_round(span, step):
    assert nice_step(span) == pytest.approx(step)


def _points(*values):
    return [(f"Quarter {n}", ("Q", str(n)), Decimal(v)) for n, v in enumerate(values)]


def test_values_baseline_and_target_are_placed_on_a_zero_based_axis():
    chart = line_chart(points=_points(100, 75, 50), baseline=Decimal(100), target=Decimal(50))
    bottom = HEIGHT - BOTTOM

    assert [tick.text for tick in chart.ticks] == ["0", "20", "40", "60", "80", "100"]
    assert [(p.x, p.y) for p in chart.points] == [
        (LEFT, TOP),
        ((LEFT + WIDTH - RIGHT) / 2, 82.0),
        (WIDTH - RIGHT, 144.0),
    ]
    assert chart.ticks[0].y == bottom
    assert [(level.name, level.y, level.text) for level in chart.levels] == [
        ("baseline", TOP, "Baseline 100"),
        ("target", 144.0, "Target 50"),
    ]
    middle = (LEFT + WIDTH - RIGHT) / 2
    assert chart.polyline == f"{LEFT:.1f},20.0 {middle:.1f},82.0 {WIDTH - RIGHT:.1f},144.0"


def test_one_figure_sits_in_the_middle():
    chart = line_chart(points=_points(30), baseline=Decimal(40), target=Decimal(20))
    assert chart.points[0].x == LEFT + (WIDTH - RIGHT - LEFT) / 2


def test_close_baseline_and_target_labels_are_pulled_apart():
    chart = line_chart(points=_points(99), baseline=Decimal(100), target=Decimal(99))
    baseline, target = chart.levels

    assert baseline.label_y < target.label_y  # the higher value's label stays above
    assert target.label_y - baseline.label_y >= 16


def test_long_series_label_some_quarters_and_always_the_last():
    chart = line_chart(points=_points(*range(20)), baseline=Decimal(0), target=Decimal(20))

    assert len(chart.x_labels) <= MAX_X_LABELS
    assert chart.x_labels[0].lines == ("Q", "0")
    assert chart.x_labels[-1].lines == ("Q", "19")


def test_negative_figures_extend_the_axis_below_zero():
    chart = line_chart(points=_points(-12, 5), baseline=Decimal(0), target=Decimal(10))
    assert chart.ticks[0].text == "-15"
    assert chart.ticks[-1].text == "10"
