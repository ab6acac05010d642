"""iCalendar (RFC 5545) for meetings: group and personal feeds, and invitations.

Every event keeps the meeting's UID (``<uuid>@tandem``) and SEQUENCE, so a calendar
client updates the event it already has when a meeting moves or is cancelled. Times
are written in Europe/London with its VTIMEZONE. Confidential agenda items never go
into a feed or an invitation: insiders' copies say only that there is one.
"""

import datetime as dt
import functools
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress

from tandem.partnership.models import Group, Membership, Person

from .models import AgendaItem, Meeting

PRODID = "-//Tandem//Community Safety Partnership meetings//EN"
TZID = "Europe/London"
TOKEN_SALT = "tandem.calendar"  # noqa: S105 - a signing salt, not a secret
CONFIDENTIAL_PLACEHOLDER = "Confidential item (details at the meeting page)"
FEED_HISTORY = dt.timedelta(days=366)


class Method:
    PUBLISH = "PUBLISH"
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


def meeting_url(meeting: Meeting) -> str:
    return f"{settings.SITE_URL}{meeting.get_absolute_url()}"


def location_text(meeting: Meeting) -> str:
    address = ", ".join(line.strip() for line in meeting.venue_address.splitlines() if line.strip())
    return ", ".join(part for part in (meeting.venue_name.strip(), address) if part)


def agenda_titles(items, *, insider: bool) -> list[str]:
    """Agenda lines for text that leaves Tandem: confidential titles never appear.

    Insiders see that there is a confidential item; everyone else does not see it at all.
    """
    lines = []
    for item in items:
        if item.is_confidential:
            if insider:
                lines.append(CONFIDENTIAL_PLACEHOLDER)
        else:
            lines.append(item.title)
    return lines


# --- Personal feed tokens -------------------------------------------------------------


def person_token(person: Person) -> str:
    return signing.dumps(person.pk, salt=TOKEN_SALT)


def person_from_token(token: str) -> Person | None:
    """The person a feed token was made for, or None for a token Tandem did not make."""
    try:
        pk = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    person = Person.objects.select_related("user").filter(pk=pk).first()
    if person is None or (person.user_id and not person.user.is_active):
        return None
    return person


# --- Building ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _vtimezone(first_year: int, last_year: int) -> Timezone:
    """Europe/London's STANDARD and DAYLIGHT rules between two years (slow to build: cached)."""
    return Timezone.from_tzinfo(
        ZoneInfo(TZID), TZID, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1)
    )


def _organizer(meeting: Meeting) -> vCalAddress:
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'tandem@localhost'}")
    organizer.params["CN"] = meeting.group.name
    return organizer


def meeting_event(meeting: Meeting, items, *, insider: bool, stamp: dt.datetime) -> Event:
    """One VEVENT for a meeting; ``items`` are the agenda items (confidential ones are masked)."""
    london = ZoneInfo(TZID)
    url = meeting_url(meeting)
    event = Event()
    event.add("uid", f"{meeting.uid}@tandem")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(london))
    event.add("dtend", meeting.ends_at.astimezone(london))
    event.add("summary", meeting.display_title)
    location = location_text(meeting)
    if location:
        event.add("location", location)
    lines = []
    if meeting.is_cancelled:
        lines.append("This meeting has been cancelled.")
        if meeting.cancellation_reason:
            lines.append(meeting.cancellation_reason)
        lines.append("")
    titles = agenda_titles(items, insider=insider)
    if titles:
        lines.append("Agenda:")
        lines += [f"{n}. {title}" for n, title in enumerate(titles, start=1)]
        lines.append("")
    if meeting.venue_access_notes:
        lines += [f"Access: {meeting.venue_access_notes}", ""]
    if meeting.online_link:
        lines += [f"Join online: {meeting.online_link}", ""]
    lines.append(f"Details: {url}")
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("last-modified", meeting.updated_at)
    event.add("organizer", _organizer(meeting))
    event.add("class", "PUBLIC" if meeting.is_public else "PRIVATE")
    return event


def build_calendar(
    meetings, *, name: str, method: str = Method.PUBLISH, insider_group_ids=frozenset()
) -> bytes:
    """A VCALENDAR with one VEVENT per meeting.

    ``meetings`` should have ``items`` prefetched; items of groups in
    ``insider_group_ids`` are shown as insiders see them (confidential ones masked),
    others without confidential items at all.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    meetings = list(meetings)
    years = [timezone.localtime(m.starts_at).year for m in meetings] or [timezone.localdate().year]
    calendar.add_component(_vtimezone(min(years), max(years) + 1))
    stamp = timezone.now().replace(microsecond=0).astimezone(dt.UTC)
    for meeting in meetings:
        calendar.add_component(
            meeting_event(
                meeting,
                meeting.items.all(),
                insider=meeting.group_id in insider_group_ids,
                stamp=stamp,
            )
        )
    return calendar.to_ical()


def _with_items(meetings):
    return meetings.select_related("group").prefetch_related(
        Prefetch("items", queryset=AgendaItem.objects.only("pk", "meeting_id", "title", "is_confidential"))
    )


def meeting_invitation(meeting: Meeting, *, insider: bool, method: str | None = None) -> bytes:
    """The invitation for one meeting: REQUEST, or CANCEL once it is cancelled."""
    method = method or (Method.CANCEL if meeting.is_cancelled else Method.REQUEST)
    meeting = _with_items(Meeting.objects.filter(pk=meeting.pk)).get()
    return build_calendar(
        [meeting],
        name=meeting.display_title,
        method=method,
        insider_group_ids={meeting.group_id} if insider else frozenset(),
    )


def group_feed(group: Group) -> bytes:
    """A public group's public meetings from a year ago onwards (anyone may subscribe)."""
    since = timezone.now() - FEED_HISTORY
    meetings = _with_items(Meeting.objects.filter(group=group, is_public=True, starts_at__gte=since))
    return build_calendar(meetings, name=f"{group.name} meetings")


def person_feed(person: Person) -> bytes:
    """Meetings of every group the person now belongs to, private ones included."""
    group_ids = set(Membership.objects.current().filter(person=person).values_list("group_id", flat=True))
    since = timezone.now() - FEED_HISTORY
    meetings = _with_items(Meeting.objects.filter(group_id__in=group_ids, starts_at__gte=since))
    return build_calendar(meetings, name=f"Tandem meetings for {person.name}", insider_group_ids=group_ids)
