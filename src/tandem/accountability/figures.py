"""The figures the law asks each partnership to publish every year about ASB Case Reviews
(Anti-social Behaviour, Crime and Policing Act 2014, s104(10)): applications received, those
that did not meet the threshold, reviews carried out, and reviews that led to recommendations.

Counts only: no reference, name, date or place of any application is published.
``year_figures`` reads the database (a handful of aggregate queries); ``figures_chart`` is
pure: numbers in, coordinates out, drawn by ``accountability/_figures_chart.html``.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from tandem.partnership.models import Partnership

from .models import Application, Review

WIDTH = 720
LABEL_WIDTH = 300
BAR_HEIGHT = 34
GAP = 18
TOP = 8
RIGHT = 60


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int


def year_figures(partnership: Partnership, year: int) -> list[Figure]:
    """The four published counts for applications received (and reviews held) in ``year``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    received = Application.objects.filter(partnership=partnership, received_on__range=(start, end))
    reviews = Review.objects.filter(application__partnership=partnership, held_on__range=(start, end))
    return [
        Figure("applications", "Applications for a case review", received.count()),
        Figure(
            "not_met",
            "Applications that did not meet the threshold",
            received.filter(threshold_met=False).count(),
        ),
        Figure("reviews", "Case reviews carried out", reviews.count()),
        Figure(
            "with_recommendations",
            "Case reviews that led to recommendations",
            reviews.annotate(n=Count("recommendations")).filter(n__gt=0).count(),
        ),
    ]


def figure_years(partnership: Partnership) -> list[int]:
    """The years with any application, newest first (always including this year)."""
    years = {
        day.year for day in Application.objects.filter(partnership=partnership).dates("received_on", "year")
    }
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


@dataclass(frozen=True)
class ChartBar:
    label: str
    value: int
    y: float
    width: float
    text_y: float
    value_x: float


@dataclass
class FiguresChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[ChartBar]


def figures_chart(figures: list[Figure]) -> FiguresChart:
    """Horizontal bars, one per figure, scaled to the largest (an empty year draws no bars)."""
    top = max((f.value for f in figures), default=0) or 1
    span = WIDTH - LABEL_WIDTH - RIGHT
    bars = []
    for index, figure in enumerate(figures):
        y = TOP + index * (BAR_HEIGHT + GAP)
        width = round(span * figure.value / top, 1)
        bars.append(
            ChartBar(
                label=figure.label,
                value=figure.value,
                y=y,
                width=width,
                text_y=y + BAR_HEIGHT / 2 + 5,
                value_x=LABEL_WIDTH + width + 8,
            )
        )
    height = TOP * 2 + len(figures) * (BAR_HEIGHT + GAP)
    return FiguresChart(width=WIDTH, height=height, label_width=LABEL_WIDTH, bar_height=BAR_HEIGHT, bars=bars)
