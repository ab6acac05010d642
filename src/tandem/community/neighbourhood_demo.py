"""Demo data for the neighbourhood pages: a PCSO's fortnightly beat surgery, a community safety
day and an annual open meeting; "you said, we did" updates written from the demo's resolved
problem and evaluated actions; a published newsletter (left unsent, so that a demo user can
send it and see the delivery log); and four subscribers, three of them confirmed.

Called by the community demo after the reports, so the resolved report's problem is there to
write an update from. Keyed on titles and addresses: running it again adds nothing. The events
start from the day it first runs, so a fresh demo always has events to come.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from tandem.partnership.models import Group, Partnership

from . import events, subscriptions, updates
from .models import Event, EventSeries, Newsletter, Subscription, Update

SURGERY = "PCSO beat surgery"
SAFETY_DAY = "Community safety day: bike marking and doorstep scams advice"
OPEN_MEETING = "Annual open meeting"
NEWSLETTER = "You said, we did: news from your Neighbourhood Action Panel"
SUBSCRIBERS = ["resident.one@example.org", "resident.two@example.org", "resident.three@example.org"]
PENDING = "not.yet.confirmed@example.org"


def demo_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    progress("Neighbourhood events, updates and newsletters")
    group = (
        partnership.groups.filter(type__priorities_per_period__gt=0, area__isnull=False)
        .select_related("area")
        .order_by("slug")
        .first()
    )
    if group is None:
        return
    # The reports demo resolves a problem in the second NAP; its updates come from there.
    updates_group = _group_with_closed_work(partnership) or group
    with transaction.atomic():
        _events(group, created)
        if updates_group != group:
            _events(updates_group, created)
        _updates(updates_group, created)
        _subscribers(updates_group, created)


def _events(group: Group, created: dict) -> None:
    today = timezone.localdate()
    if not EventSeries.objects.filter(group=group).exists():
        saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
        events.event_series_create(
            group=group,
            frequency=EventSeries.Frequency.FORTNIGHTLY,
            weekday=5,
            week_of_month=None,
            starts_on=saturday,
            ends_on=saturday + dt.timedelta(weeks=12),
            start_time=dt.time(10, 0),
            end_time=dt.time(11, 30),
            title=SURGERY,
            kind=Event.Kind.BEAT_SURGERY,
            description="Drop in to talk to your local PCSO about anything that worries you. "
            "No appointment needed.",
            venue_name=f"{group.area.name} library",
            venue_address="The library, High Street",
            hosts="PCSO Alex Demo",
            accessibility_notes="Step-free entrance; hearing loop at the front desk.",
        )
        created["beat surgery series"] = created.get("beat surgery series", 0) + 1
    for title, kind, days, start, hours, description in (
        (
            SAFETY_DAY,
            Event.Kind.COMMUNITY_SAFETY,
            24,
            dt.time(11, 0),
            4,
            "Free bike marking by the police, and Trading Standards on how to spot a doorstep scam.",
        ),
        (
            OPEN_MEETING,
            Event.Kind.OPEN_MEETING,
            45,
            dt.time(18, 30),
            2,
            "Hear what the panel did this year, and tell it what to work on next. Everyone is welcome.",
        ),
    ):
        if Event.objects.filter(group=group, title=title).exists():
            continue
        starts_at = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), start))
        events.event_create(
            group=group,
            title=title,
            kind=kind,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=hours),
            venue_name=f"{group.area.name} community centre",
            venue_address="The community centre, Church Road",
            description=description,
            hosts="PCSO Alex Demo and the panel's chair",
            accessibility_notes="Step-free access and an accessible toilet.",
        )
        created["neighbourhood events"] = created.get("neighbourhood events", 0) + 1


def _group_with_closed_work(partnership: Partnership) -> Group | None:
    """The group whose resolved problems or evaluated actions the updates are written from:
    the one that already has the demo newsletter, on a second run."""
    done = Newsletter.objects.filter(group__partnership=partnership, title=NEWSLETTER).select_related(
        "group__area"
    )
    if done:
        return done[0].group
    for group in partnership.groups.filter(area__isnull=False).select_related("area").order_by("slug"):
        if updates.update_suggestions(group=group):
            return group
    return None


def _updates(group: Group, created: dict) -> None:
    for suggestion in updates.update_suggestions(group=group)[:3]:
        updates.update_create(
            group=group,
            title=suggestion.title,
            you_said=suggestion.you_said or suggestion.title,
            # A suggestion leaves "we did" empty when nothing is recorded to say it from; the demo
            # fills it in as an officer would.
            we_did=suggestion.we_did or _we_did(suggestion),
            problem=suggestion.problem,
            action=suggestion.action,
            publish=True,
        )
        created['"you said, we did" updates'] = created.get('"you said, we did" updates', 0) + 1
    published = list(Update.objects.filter(group=group, status=Update.Status.PUBLISHED)[:5])
    if published and not Newsletter.objects.filter(group=group, title=NEWSLETTER).exists():
        newsletter = updates.newsletter_create(
            group=group,
            title=NEWSLETTER,
            introduction="Here is what you told us, and what we did about it. Come to the open meeting!",
            updates=published,
        )
        updates.newsletter_publish(newsletter=newsletter)
        created["newsletters"] = created.get("newsletters", 0) + 1


def _we_did(suggestion: updates.Suggestion) -> str:
    if suggestion.problem is not None:
        status = suggestion.problem.get_status_display().lower()
        return f"The panel took it up with the council and the police, and it is now {status}."
    return "The panel's partners acted on it."


def _subscribers(group: Group, created: dict) -> None:
    for email in [*SUBSCRIBERS, PENDING]:
        if Subscription.objects.filter(area=group.area, email=email).exists():
            continue
        subscription = Subscription.objects.create(area=group.area, email=email)
        if email != PENDING:
            subscriptions.subscription_confirm(subscription=subscription)
        created["subscribers"] = created.get("subscribers", 0) + 1
