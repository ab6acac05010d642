"""Changes to the strategy: strategies, strategic priorities, outcomes, indicators and their figures.

Each service is keyword-only, runs in one transaction, validates with ``full_clean()`` and
the rules below (raising ``ValidationError`` with a message fit to show on the form) and saves
only what changed. django-simple-history keeps every earlier version.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from tandem.partnership.models import Partnership
from tandem.partnership.services import apply_changes, unique_slug

from . import sources
from .models import Indicator, IndicatorValue, Outcome, StrategicPriority, Strategy
from .quarters import previous_quarter, quarter_end, quarter_label, quarter_start, quarters_between

STRATEGY_FIELDS = {"title", "summary", "starts_on", "ends_on", "approved_on"}
PRIORITY_FIELDS = {"title", "description", "position"}
INDICATOR_FIELDS = {
    "name",
    "unit",
    "outcome",
    "baseline",
    "baseline_label",
    "target",
    "direction",
    "tolerance",
    "source",
    "crime_types",
    "position",
}
COUNTED_NOTE = "Counted from recorded incidents."


def _slug_text(title: str) -> str:
    """The title with its dashes and slashes as spaces, so "2025–28" makes "2025-28", not "202528"."""
    for mark in "–—/":
        title = title.replace(mark, " ")
    return title


def _place(siblings: Iterable[models.Model], item: models.Model, position: int | None) -> None:
    """Put ``item`` at ``position`` (0 is first; None or past the end: last) among ``siblings``
    and number them all 0, 1, 2 … again. The siblings that move are saved; ``item`` is not."""
    others = [sibling for sibling in siblings if sibling.pk != item.pk]
    if position is None or position > len(others):
        position = len(others)
    others.insert(max(position, 0), item)
    for number, row in enumerate(others):
        if row.position != number:
            row.position = number
            if row is not item:
                row.save(update_fields=["position"])


# --- Strategies ---------------------------------------------------------------------------


def _check_strategy(strategy: Strategy) -> None:
    strategy.full_clean(exclude=["slug"])
    if strategy.approved_on and strategy.approved_on > timezone.localdate():
        raise ValidationError({"approved_on": "The date it was approved must be today or in the past"})


@transaction.atomic
def strategy_create(
    *,
    partnership: Partnership,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    summary: str = "",
    approved_on: dt.date | None = None,
) -> Strategy:
    """A new strategy, with a slug made from its title that no other strategy has."""
    strategy = Strategy(
        partnership=partnership,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        summary=summary,
        approved_on=approved_on,
    )
    _check_strategy(strategy)
    strategy.slug = unique_slug(Strategy, _slug_text(strategy.title))
    strategy.save()
    return strategy


@transaction.atomic
def strategy_update(*, strategy: Strategy, data: dict[str, Any]) -> Strategy:
    """Change a strategy's title, summary, dates or approval. Its slug (and so its address) stays."""
    if "title" in data:
        data = {**data, "title": data["title"].strip()}
    changed = apply_changes(strategy, allowed=STRATEGY_FIELDS, data=data)
    if not changed:
        return strategy
    _check_strategy(strategy)
    strategy.save(update_fields=changed)
    return strategy


# --- Strategic priorities --------------------------------------------------------------------


def _priority_slug(strategy: Strategy, title: str, *, exclude_pk: int | None = None) -> str:
    max_length = StrategicPriority._meta.get_field("slug").max_length
    base = (slugify(_slug_text(title)) or "priority")[: max_length - 8].strip("-")
    taken = set(
        StrategicPriority.objects.filter(strategy=strategy, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _check_priority(priority: StrategicPriority) -> None:
    priority.full_clean(exclude=["slug", "position"])
    same = StrategicPriority.objects.filter(strategy=priority.strategy, title__iexact=priority.title)
    if same.exclude(pk=priority.pk).exists():
        raise ValidationError(
            {"title": f"{priority.strategy.title} already has a strategic priority called “{priority.title}”"}
        )


@transaction.atomic
def priority_create(
    *, strategy: Strategy, title: str, description: str = "", position: int | None = None
) -> StrategicPriority:
    """A new strategic priority at ``position`` (0 is first; None: after the others)."""
    priority = StrategicPriority(strategy=strategy, title=title.strip(), description=description)
    _check_priority(priority)
    priority.slug = _priority_slug(strategy, priority.title)
    siblings = (
        StrategicPriority.objects.select_for_update().filter(strategy=strategy).order_by("position", "pk")
    )
    _place(list(siblings), priority, position)
    priority.save()
    return priority


@transaction.atomic
def priority_update(*, priority: StrategicPriority, data: dict[str, Any]) -> StrategicPriority:
    """Change a priority's title, description or position (0 is first). Its slug stays."""
    data = dict(data)
    if "title" in data:
        data["title"] = data["title"].strip()
    position = data.pop("position", priority.position)
    changed = apply_changes(priority, allowed=PRIORITY_FIELDS, data=data)
    if changed:
        _check_priority(priority)
    if position != priority.position:
        siblings = (
            StrategicPriority.objects.select_for_update()
            .filter(strategy_id=priority.strategy_id)
            .order_by("position", "pk")
        )
        before = priority.position
        _place(list(siblings), priority, position)
        if priority.position != before:
            changed.append("position")
    if changed:
        priority.save(update_fields=changed)
    return priority


# --- Outcomes ---------------------------------------------------------------------------------


@transaction.atomic
def outcome_create(*, priority: StrategicPriority, text: str, position: int | None = None) -> Outcome:
    """An outcome the partnership wants under a priority, e.g. "Fewer rural burglaries"."""
    outcome = Outcome(priority=priority, text=text.strip())
    outcome.full_clean(exclude=["position"])
    if Outcome.objects.filter(priority=priority, text__iexact=outcome.text).exists():
        raise ValidationError({"text": f"“{priority.title}” already has this outcome"})
    siblings = Outcome.objects.select_for_update().filter(priority=priority).order_by("position", "pk")
    _place(list(siblings), outcome, position)
    outcome.save()
    return outcome


# --- Indicators -------------------------------------------------------------------------------


def _figure(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def _check_indicator(indicator: Indicator) -> None:
    indicator.full_clean(exclude=["position"])
    errors: dict[str, str] = {}
    if indicator.outcome_id is not None and indicator.outcome.priority_id != indicator.priority_id:
        errors["outcome"] = f"Select one of the outcomes of “{indicator.priority.title}”"
    baseline, target = indicator.baseline, indicator.target
    if indicator.direction == Indicator.Direction.DOWN and target > baseline:
        errors["target"] = (
            f"When lower is better, the target must not be higher than the baseline ({_figure(baseline)})"
        )
    elif indicator.direction == Indicator.Direction.UP and target < baseline:
        errors["target"] = (
            f"When higher is better, the target must not be lower than the baseline ({_figure(baseline)})"
        )
    if indicator.tolerance < 0:
        errors["tolerance"] = "The tolerance must be 0 or more"
    if indicator.source == Indicator.Source.INCIDENTS:
        unknown = [name for name in indicator.crime_types if name not in sources.POLICE_UK_CRIME_TYPES]
        if unknown:
            errors["crime_types"] = f"“{unknown[0]}” is not a police.uk crime type"
        elif not indicator.crime_types:
            errors["crime_types"] = "Select the crime types to count from recorded incidents"
    same = Indicator.objects.filter(priority_id=indicator.priority_id, name__iexact=indicator.name)
    if same.exclude(pk=indicator.pk).exists():
        errors["name"] = f"“{indicator.priority.title}” already has an indicator called “{indicator.name}”"
    if errors:
        raise ValidationError(errors)


def _tidy_indicator(indicator: Indicator) -> None:
    """What does not apply is not kept: crime types of an indicator entered by hand, the tolerance
    of one that is not kept at its target."""
    indicator.name = indicator.name.strip()
    if not isinstance(indicator.crime_types, list):
        indicator.crime_types = list(indicator.crime_types or [])
    if indicator.source == Indicator.Source.MANUAL:
        indicator.crime_types = []
    if indicator.direction != Indicator.Direction.MAINTAIN and indicator.tolerance is not None:
        indicator.tolerance = Decimal(0)


@transaction.atomic
def indicator_create(
    *,
    priority: StrategicPriority,
    name: str,
    baseline: Decimal,
    target: Decimal,
    direction: str = Indicator.Direction.DOWN,
    unit: str = "",
    baseline_label: str = "",
    tolerance: Decimal = Decimal(0),
    source: str = Indicator.Source.MANUAL,
    crime_types: Iterable[str] = (),
    outcome: Outcome | None = None,
    position: int | None = None,
) -> Indicator:
    """A named measure of a priority with its baseline, target and the direction that is better."""
    indicator = Indicator(
        priority=priority,
        outcome=outcome,
        name=name,
        unit=unit.strip(),
        baseline=baseline,
        baseline_label=baseline_label.strip(),
        target=target,
        direction=direction,
        tolerance=tolerance,
        source=source,
        crime_types=list(crime_types),
    )
    _tidy_indicator(indicator)
    _check_indicator(indicator)
    siblings = Indicator.objects.select_for_update().filter(priority=priority).order_by("position", "pk")
    _place(list(siblings), indicator, position)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: dict[str, Any]) -> Indicator:
    """Change an indicator's definition (its priority and its figures stay)."""
    data = dict(data)
    if "crime_types" in data:
        data["crime_types"] = list(data["crime_types"] or [])
    position = data.pop("position", indicator.position)
    changed = set(apply_changes(indicator, allowed=INDICATOR_FIELDS, data=data))
    before = (indicator.crime_types, indicator.tolerance, indicator.name)
    _tidy_indicator(indicator)
    for name, value in zip(("crime_types", "tolerance", "name"), before, strict=True):
        if getattr(indicator, name) != value:
            changed.add(name)
    if changed:
        _check_indicator(indicator)
    if position != indicator.position:
        siblings = (
            Indicator.objects.select_for_update()
            .filter(priority_id=indicator.priority_id)
            .order_by("position", "pk")
        )
        _place(list(siblings), indicator, position)
        changed.add("position")
    if changed:
        indicator.save(update_fields=sorted(changed))
    return indicator


# --- Figures ----------------------------------------------------------------------------------


def _upsert(*, indicator: Indicator, start: dt.date, value: Decimal, note: str, by) -> IndicatorValue:
    row = IndicatorValue(indicator=indicator, period_start=start, value=value, note=note, recorded_by=by)
    row.full_clean(validate_unique=False, validate_constraints=False)
    existing = (
        IndicatorValue.objects.select_for_update().filter(indicator=indicator, period_start=start).first()
    )
    if existing is None:
        row.save()
        return row
    existing.value, existing.note, existing.recorded_by = row.value, row.note, by
    existing.save(update_fields=["value", "note", "recorded_by", "recorded_at"])
    return existing


@transaction.atomic
def value_record(
    *, indicator: Indicator, period_start: dt.date, value: Decimal, note: str = "", by=None
) -> IndicatorValue:
    """Record the indicator's figure for the quarter containing ``period_start``.

    A second figure for the same quarter replaces the first (the earlier one stays in the
    history). Quarters that have not started yet are refused, and so are figures typed for an
    indicator whose figures are counted from recorded incidents."""
    start = quarter_start(period_start)
    this_quarter = quarter_start(timezone.localdate())
    if start > this_quarter:
        raise ValidationError(
            {"period_start": f"{quarter_label(start)} has not started yet: record figures for past quarters"}
        )
    if sources.counts_from_incidents(indicator):
        raise ValidationError(
            f"The figures of this indicator are counted from {sources.COUNTED_FROM[indicator.source]}"
        )
    if value is None:
        raise ValidationError({"value": "Enter the figure"})
    return _upsert(indicator=indicator, start=start, value=value, note=note.strip(), by=by)


@transaction.atomic
def indicator_values_count(
    *, indicator: Indicator, on: dt.date | None = None, by=None
) -> list[IndicatorValue]:
    """Count an incident-based indicator's figure for each full quarter of its strategy up to ``on``
    (today) with the registered source, replacing what was there. Quarters the source has no data
    for are left as they are. Returns the figures counted."""
    if indicator.source == Indicator.Source.MANUAL:
        raise ValidationError("The figures of this indicator are entered by hand, not counted")
    source = sources.indicator_source(indicator.source)
    if source is None:
        raise ValidationError(sources.NO_SOURCE_TEXTS[indicator.source])
    strategy = indicator.priority.strategy
    last = min(previous_quarter(on or timezone.localdate()), quarter_start(strategy.ends_on))
    counted = []
    for start in quarters_between(strategy.starts_on, last):
        value = source(indicator, start, quarter_end(start))
        if value is not None:
            figure = Decimal(str(value)).quantize(Decimal("0.01"))
            counted.append(_upsert(indicator=indicator, start=start, value=figure, note=COUNTED_NOTE, by=by))
    return counted
