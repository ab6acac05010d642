"""Events a group publishes: one-off events and repeating ones (beat surgeries).

A series is kept as a pattern (``EventSeries``) and its occurrences are generated as
ordinary events, with the same dates as a meeting series would give
(``meetings.services.series_dates``), so that one occurrence can be moved or cancelled on
its own and every occurrence has its own iCalendar UID.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.meetings.services import series_dates
from tandem.partnership.models import Group

from .models import Event, EventSeries

MAX_OCCURRENCES = 104
EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "venue_name",
    "venue_address",
    "hosts",
    "accessibility_notes",
)


def event_create(
    *,
    group: Group,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue_name: str,
    venue_address: str = "",
    description: str = "",
    hosts: str = "",
    accessibility_notes: str = "",
    by=None,
) -> Event:
    event = Event(
        group=group,
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_name=venue_name,
        venue_address=venue_address,
        description=description,
        hosts=hosts,
        accessibility_notes=accessibility_notes,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    with transaction.atomic():
        event.full_clean()
        event.save()
    return event


def event_occurrence_dates(
    *, frequency: str, weekday: int, week_of_month: int | None, starts_on: dt.date, ends_on: dt.date
) -> list[dt.date]:
    """The days a repeating event falls on, from ``starts_on`` to ``ends_on`` (at most 104)."""
    if frequency not in EventSeries.Frequency.values:
        raise ValidationError({"frequency": "Choose how often the event repeats."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The last date must be on or after the first date."})
    return series_dates(
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month if frequency == EventSeries.Frequency.MONTHLY else None,
        starts_on=starts_on,
        ends_on=ends_on,
        limit=MAX_OCCURRENCES,
    )


def event_series_create(
    *,
    group: Group,
    frequency: str,
    weekday: int,
    week_of_month: int | None,
    starts_on: dt.date,
    ends_on: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    by=None,
    **details,
) -> tuple[EventSeries, list[Event]]:
    """A repeating event and all its occurrences (one event per date, same details)."""
    if end_time <= start_time:
        raise ValidationError({"end_time": "The event must end after it starts."})
    unknown = set(details) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {', '.join(sorted(unknown))}")
    dates = event_occurrence_dates(
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if not dates:
        raise ValidationError({"ends_on": "This pattern gives no dates between the first and last date."})
    series = EventSeries(
        group=group,
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month if frequency == EventSeries.Frequency.MONTHLY else None,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    created_by = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        series.full_clean()
        series.save()
        events = []
        for day in dates:
            event = Event(
                group=group,
                series=series,
                starts_at=timezone.make_aware(dt.datetime.combine(day, start_time)),
                ends_at=timezone.make_aware(dt.datetime.combine(day, end_time)),
                created_by=created_by,
                **details,
            )
            event.full_clean()
            events.append(event)
        Event.objects.bulk_create(events)
    return series, events


def event_update(*, event: Event, by=None, **changes) -> Event:
    """Change an event's details or time; calendars see a new SEQUENCE."""
    allowed = {*EVENT_FIELDS, "starts_at", "ends_at"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown event fields: {', '.join(sorted(unknown))}")
    if event.is_cancelled:
        raise ValidationError("This event has been cancelled, so it cannot be changed.")
    changed = [name for name, value in changes.items() if getattr(event, name) != value]
    if not changed:
        return event
    with transaction.atomic():
        for name in changed:
            setattr(event, name, changes[name])
        event.sequence += 1
        event.full_clean()
        event.save(update_fields=[*changed, "sequence", "updated_at"])
    return event


def event_cancel(*, event: Event, reason: str = "", by=None) -> Event:
    """Cancel one event (one occurrence of a series: the others stay)."""
    if event.is_cancelled:
        raise ValidationError("This event has already been cancelled.")
    if event.ends_at <= timezone.now():
        raise ValidationError("This event is over, so it cannot be cancelled.")
    with transaction.atomic():
        event.is_cancelled = True
        event.cancellation_reason = reason.strip()
        event.sequence += 1
        event.save(update_fields=["is_cancelled", "cancellation_reason", "sequence", "updated_at"])
    return event


def group_event_list(*, group: Group) -> tuple[list[Event], list[Event]]:
    """A group's events: (upcoming, the last 20 past ones)."""
    now = timezone.now()
    rows = Event.objects.filter(group=group).select_related("group")
    upcoming = list(rows.filter(ends_at__gte=now).order_by("starts_at", "pk"))
    past = list(rows.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:20])
    return upcoming, past
