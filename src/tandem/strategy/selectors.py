"""Reads of the strategy: indicators against their targets, and the strategy's pages."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from tandem.partnership.models import Partnership

from .models import Indicator, IndicatorValue, Outcome, StrategicPriority, Strategy
from .quarters import quarter_label, quarter_short_label


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    latest: IndicatorValue | None
    status: str  # "on_target", "improving", "off_target", "no_data"

    STATUS_TEXT = {
        "on_target": "On target",
        "improving": "Improving, not yet on target",
        "off_target": "Off target",
        "no_data": "No figures yet",
    }
    # Red / amber / green, always shown with its words.
    RAG = {"on_target": "green", "improving": "amber", "off_target": "red", "no_data": "grey"}

    @property
    def text(self) -> str:
        return self.STATUS_TEXT[self.status]

    @property
    def rag(self) -> str:
        return self.RAG[self.status]


def judge(indicator: Indicator, value: Decimal | None) -> str:
    """Where a value stands against the indicator's baseline and target, given its direction."""
    if value is None:
        return "no_data"
    baseline, target = indicator.baseline, indicator.target
    if indicator.direction == Indicator.Direction.DOWN:
        if value <= target:
            return "on_target"
        return "improving" if value < baseline else "off_target"
    if indicator.direction == Indicator.Direction.UP:
        if value >= target:
            return "on_target"
        return "improving" if value > baseline else "off_target"
    # Maintain: within the tolerance of the target.
    distance = abs(value - target)
    if distance <= indicator.tolerance:
        return "on_target"
    return "improving" if distance < abs(baseline - target) else "off_target"


def indicator_progress(indicator: Indicator, *, on: dt.date | None = None, values=None) -> IndicatorProgress:
    """The indicator's latest figure (up to the quarter containing ``on``) and its status.

    ``values`` may be given (the indicator's values, any order) to avoid a query per indicator."""
    if values is None:
        values = list(indicator.values.all())
    if on is not None:
        values = [v for v in values if v.period_start <= on]
    latest = max(values, key=lambda v: v.period_start) if values else None
    return IndicatorProgress(
        indicator=indicator, latest=latest, status=judge(indicator, latest.value if latest else None)
    )


# --- Pages ------------------------------------------------------------------------------------


def strategy_list(*, partnership: Partnership) -> QuerySet[Strategy]:
    """The partnership's strategies, newest first."""
    return Strategy.objects.filter(partnership=partnership).order_by("-starts_on", "-pk")


def current_strategy(partnership: Partnership, on: dt.date | None = None) -> Strategy | None:
    """The strategy in force on ``on`` (today): of those whose years include it, an approved one
    before a draft, then the one that started last. None when no strategy covers the day."""
    on = on or timezone.localdate()
    covering = list(
        Strategy.objects.filter(partnership=partnership, starts_on__lte=on, ends_on__gte=on).order_by(
            "-starts_on", "-pk"
        )
    )
    approved = [strategy for strategy in covering if strategy.approved_on]
    return (approved or covering or [None])[0]


@dataclass
class PriorityRow:
    """A strategic priority with its outcomes and its indicators' progress, in order."""

    priority: StrategicPriority
    outcomes: list[Outcome]
    indicators: list[IndicatorProgress]

    SUMMARY_WORDS = {
        "on_target": "on target",
        "improving": "improving but not yet on target",
        "off_target": "off target",
        "no_data": "with no figures yet",
    }

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        """(status, how many) for each status its indicators have, best first."""
        counts = Counter(progress.status for progress in self.indicators)
        return [(status, counts[status]) for status in IndicatorProgress.STATUS_TEXT if counts[status]]

    @property
    def status_summary(self) -> str:
        """ "4 indicators: 1 on target, 2 improving but not yet on target, 1 off target." """
        if not self.indicators:
            return ""
        total = len(self.indicators)
        parts = ", ".join(f"{count} {self.SUMMARY_WORDS[status]}" for status, count in self.status_counts)
        return f"{total} indicator{'' if total == 1 else 's'}: {parts}."


@dataclass
class StrategyPage:
    strategy: Strategy
    priorities: list[PriorityRow]
    on: dt.date | None = None

    @property
    def indicator_count(self) -> int:
        return sum(len(row.indicators) for row in self.priorities)


def _indicators_prefetch() -> Prefetch:
    return Prefetch(
        "indicators",
        queryset=Indicator.objects.select_related("outcome").prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("period_start"))
        ),
    )


def _priority_row(priority: StrategicPriority, on: dt.date | None) -> PriorityRow:
    return PriorityRow(
        priority=priority,
        outcomes=list(priority.outcomes.all()),
        indicators=[
            indicator_progress(indicator, on=on, values=list(indicator.values.all()))
            for indicator in priority.indicators.all()
        ],
    )


def strategy_page(strategy: Strategy, *, on: dt.date | None = None) -> StrategyPage:
    """The strategy's priorities with their outcomes and indicators (latest figure up to ``on``,
    and status), in four queries however many there are."""
    priorities = (
        StrategicPriority.objects.filter(strategy=strategy)
        .order_by("position", "pk")
        .prefetch_related("outcomes", _indicators_prefetch())
    )
    rows = []
    for priority in priorities:
        priority.strategy = strategy
        rows.append(_priority_row(priority, on))
    return StrategyPage(strategy=strategy, priorities=rows, on=on)


def priority_page(priority: StrategicPriority, *, on: dt.date | None = None) -> PriorityRow:
    """One priority's outcomes and indicators with their progress (three queries)."""
    prefetch_related_objects([priority], "outcomes", _indicators_prefetch())
    return _priority_row(priority, on)


@dataclass(frozen=True)
class SeriesPoint:
    """An indicator's figure for one quarter, with its status against the target."""

    period_start: dt.date
    value: Decimal
    status: str
    note: str
    recorded_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return quarter_label(self.period_start)

    @property
    def short_label(self) -> str:
        return quarter_short_label(self.period_start)

    @property
    def status_text(self) -> str:
        return IndicatorProgress.STATUS_TEXT[self.status]

    @property
    def rag(self) -> str:
        return IndicatorProgress.RAG[self.status]


def indicator_series(indicator: Indicator, *, until: dt.date | None = None, values=None) -> list[SeriesPoint]:
    """The indicator's quarterly figures, oldest first (up to the quarter containing ``until``),
    each judged against the target: what its chart and table show."""
    if values is None:
        values = indicator.values.order_by("period_start")
    points = [
        SeriesPoint(
            period_start=row.period_start,
            value=row.value,
            status=judge(indicator, row.value),
            note=row.note,
            recorded_at=row.recorded_at,
        )
        for row in values
        if until is None or row.period_start <= until
    ]
    return sorted(points, key=lambda point: point.period_start)
