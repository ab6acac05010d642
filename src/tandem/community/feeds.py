"""A neighbourhood's feeds: Atom and RSS of its updates, events and new priorities, and an
iCalendar feed of its public meetings and events (built with the meetings app's helpers,
so meetings carry the same UID and SEQUENCE as in the group's own feed)."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from icalendar import Calendar
from icalendar import Event as VEvent

from tandem.meetings import calendar as meetings_calendar
from tandem.meetings.models import Meeting
from tandem.places.access import access_area_for_user
from tandem.places.models import Area

from .models import Event
from .neighbourhoods import current_priorities, neighbourhood_group_ids, published_updates

FEED_ITEMS = 30
CALENDAR_HISTORY = dt.timedelta(days=92)
EVENT_PRODID = "-//Tandem//Neighbourhood meetings and events//EN"


@dataclass
class FeedItem:
    kind: str
    title: str
    description: str
    link: str
    updated: dt.datetime
    guid: str


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def event_when(event: Event) -> str:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M}"


def feed_items(area: Area) -> list[FeedItem]:
    """Newest first: published updates, events (announced or changed) and current priorities."""
    group_ids = neighbourhood_group_ids(area)
    items = []
    for update in published_updates(group_ids, limit=FEED_ITEMS):
        items.append(
            FeedItem(
                kind="update",
                title=f"You said, we did: {update.title}",
                description=f"You said: {update.you_said}\n\nWe did: {update.we_did}",
                link=update.get_absolute_url(),
                updated=update.published_at,
                guid=f"tandem-update-{update.pk}",
            )
        )
    since = timezone.now() - CALENDAR_HISTORY
    events = (
        Event.objects.filter(group_id__in=group_ids, group__is_public=True, ends_at__gte=since)
        .select_related("group")
        .order_by("-updated_at")[:FEED_ITEMS]
    )
    for event in events:
        prefix = "Cancelled: " if event.is_cancelled else ""
        items.append(
            FeedItem(
                kind="event",
                title=f"{prefix}{event.title} ({event_when(event)})",
                description="\n".join(
                    part
                    for part in (
                        event.get_kind_display(),
                        event_when(event),
                        event.venue_name,
                        event.description,
                    )
                    if part
                ),
                link=event.get_absolute_url(),
                updated=event.updated_at,
                guid=f"tandem-event-{event.uid}-{event.sequence}",
            )
        )
    for row in current_priorities(group_ids):
        items.append(
            FeedItem(
                kind="priority",
                title=f"New priority for {row.priority.group.name}: {row.issue}",
                description=row.action or "The group has made this one of its priorities.",
                link=reverse("community:neighbourhood-detail", kwargs={"slug": area.slug}) + "#priorities",
                updated=row.priority.created_at or _at(row.issue_date),
                guid=f"tandem-priority-{row.priority.pk}",
            )
        )
    return sorted(items, key=lambda item: item.updated, reverse=True)[:FEED_ITEMS]


class NeighbourhoodAtomFeed(Feed):
    """Public: a neighbourhood's news as Atom."""

    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Area:
        return access_area_for_user(request.user, slug)

    def title(self, area: Area) -> str:
        return f"News from {area.name}"

    def link(self, area: Area) -> str:
        return reverse("community:neighbourhood-detail", kwargs={"slug": area.slug})

    def subtitle(self, area: Area) -> str:
        return f'"You said, we did" updates, events and priorities for {area.name}.'

    description = subtitle

    def items(self, area: Area) -> list[FeedItem]:
        return feed_items(area)

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        return item.description

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem) -> dt.datetime:
        return item.updated

    def item_updateddate(self, item: FeedItem) -> dt.datetime:
        return item.updated

    def item_categories(self, item: FeedItem) -> list[str]:
        return [item.kind]


class NeighbourhoodRssFeed(NeighbourhoodAtomFeed):
    """Public: the same news as RSS 2.0."""

    feed_type = Rss201rev2Feed


# --- iCalendar ------------------------------------------------------------------------------


def event_vevent(event: Event, *, stamp: dt.datetime) -> VEvent:
    london = ZoneInfo(meetings_calendar.TZID)
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    vevent = VEvent()
    vevent.add("uid", f"{event.uid}@tandem")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.starts_at.astimezone(london))
    vevent.add("dtend", event.ends_at.astimezone(london))
    vevent.add("summary", event.title)
    location = ", ".join(
        part
        for part in (event.venue_name.strip(), *[line.strip() for line in event.venue_address.splitlines()])
        if part
    )
    if location:
        vevent.add("location", location)
    lines = []
    if event.is_cancelled:
        lines += ["This event has been cancelled.", event.cancellation_reason, ""]
    lines.append(event.get_kind_display())
    if event.hosts:
        lines.append(f"Who will be there: {event.hosts}")
    if event.description:
        lines += ["", event.description]
    if event.accessibility_notes:
        lines += ["", f"Access: {event.accessibility_notes}"]
    lines += ["", f"Details: {url}"]
    vevent.add("description", "\n".join(line for line in lines if line is not None))
    vevent.add("url", url)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    vevent.add("last-modified", event.updated_at)
    vevent.add("class", "PUBLIC")
    return vevent


def build_calendar(*, name: str, meetings: list[Meeting], events: list[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", EVENT_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", meetings_calendar.Method.PUBLISH)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", meetings_calendar.TZID)
    starts = [m.starts_at for m in meetings] + [e.starts_at for e in events]
    years = [timezone.localtime(s).year for s in starts] or [timezone.localdate().year]
    calendar.add_component(meetings_calendar._vtimezone(min(years), max(years) + 1))  # noqa: SLF001
    stamp = timezone.now().replace(microsecond=0).astimezone(dt.UTC)
    for meeting in meetings:
        calendar.add_component(
            meetings_calendar.meeting_event(meeting, meeting.items.all(), insider=False, stamp=stamp)
        )
    for event in events:
        calendar.add_component(event_vevent(event, stamp=stamp))
    return calendar.to_ical()


def neighbourhood_calendar(area: Area) -> bytes:
    """The public meetings and events of the groups working in the area, from three months ago."""
    group_ids = neighbourhood_group_ids(area)
    since = timezone.now() - CALENDAR_HISTORY
    meetings = list(
        meetings_calendar._with_items(  # noqa: SLF001
            Meeting.objects.filter(group_id__in=group_ids, is_public=True, starts_at__gte=since)
        )
    )
    events = list(Event.objects.filter(group_id__in=group_ids, starts_at__gte=since).select_related("group"))
    return build_calendar(name=f"{area.name}: meetings and events", meetings=meetings, events=events)


def event_calendar(event: Event) -> bytes:
    return build_calendar(name=event.title, meetings=[], events=[event])
