"""Demo meetings: a year of past meetings with attendance and minutes, and the ones coming up.

Called by ``manage.py load_demo`` after the partnership is loaded. Dates follow
each group type's cadence from the first day of this month, so running the demo
again in the same month adds nothing; a meeting that exists is left as it is.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from tandem.meetings.models import (
    ActionArising,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingSettings,
)
from tandem.partnership.models import GroupType, Membership, Partnership

# (months between meetings, how many past meetings, how many to come)
CADENCE = {
    GroupType.Frequency.WEEKLY: (1, 12, 3),
    GroupType.Frequency.FORTNIGHTLY: (1, 12, 3),
    GroupType.Frequency.MONTHLY: (1, 12, 3),
    GroupType.Frequency.BIMONTHLY: (2, 6, 2),
    GroupType.Frequency.QUARTERLY: (3, 4, 1),
    GroupType.Frequency.TWICE_YEARLY: (6, 2, 1),
    GroupType.Frequency.ANNUALLY: (12, 1, 1),
    GroupType.Frequency.AS_NEEDED: (2, 6, 1),
}

TOPICS = [
    (
        "Speeding motorbikes on {street}",
        "Residents report motorbikes racing at night.",
        "RESOLVED that the Panel asks the police to run a speed watch on {street} with resident volunteers.",
        ["Recruit three speed watch volunteers", "Ask the council's highways team about traffic calming"],
    ),
    (
        "Anti-social behaviour around {street} shops",
        "Groups gathering late, litter and noise.",
        "RESOLVED that the shop owners, police and youth service meet to agree a joint plan.",
        ["Arrange a meeting with the shop owners", "Extend the youth club's Friday opening"],
    ),
    (
        "Fly-tipping in the alley behind {street}",
        "Three reports this month, one with asbestos.",
        "RESOLVED that the council's enforcement team installs a camera for three months.",
        ["Request a camera from the enforcement team", "Leaflet the houses backing onto the alley"],
    ),
    (
        "Doorstep scams targeting older residents",
        "Two residents lost money to a roofing scam.",
        "RESOLVED that Trading Standards gives a scams awareness talk at the community centre.",
        ["Book the Trading Standards talk", "Share the 'no cold calling' stickers"],
    ),
    (
        "Cyclists' safety at the {street} junction",
        "Near misses reported by parents on the school run.",
        "RESOLVED that the Panel supports the school's request for a crossing patrol.",
        ["Write to the council supporting a crossing patrol", "Count cyclists at the junction for a week"],
    ),
]
STREETS = ["Mill Lane", "Church Road", "Station Road", "Moss Lane", "Park Avenue", "Victoria Street"]
STANDING = [
    (AgendaItem.Standing.APOLOGIES, "Apologies for absence"),
    (AgendaItem.Standing.PREVIOUS_MINUTES, "Minutes of the last meeting"),
    (AgendaItem.Standing.MATTERS_ARISING, "Matters arising"),
]


def _first_of_month(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _second_weekday(first: dt.date, weekday: int) -> dt.date:
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7)


def demo_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    """Meetings for every group of the demo partnership (see the module's docstring)."""
    progress("Meetings, agendas, attendance and minutes")
    this_month = timezone.localdate().replace(day=1)
    with transaction.atomic():
        for index, group in enumerate(partnership.groups.select_related("type").order_by("slug")):
            MeetingSettings.objects.get_or_create(group=group)
            step, past, future = CADENCE[group.type.meeting_frequency]
            start_time = group.type.meeting_start_time or dt.time(18, 0)
            members = list(
                Membership.objects.current()
                .filter(group=group)
                .select_related("person", "organisation")
                .order_by("person__name")
            )
            rng = random.Random(group.slug)  # noqa: S311 (demo data, not security)
            previous = None
            for n in range(-past, future):
                day = _second_weekday(_first_of_month(this_month, n * step), weekday=(index % 4) + 1)
                starts_at = timezone.make_aware(dt.datetime.combine(day, start_time))
                meeting, is_new = Meeting.objects.get_or_create(
                    group=group,
                    starts_at=starts_at,
                    defaults={
                        "ends_at": starts_at + dt.timedelta(minutes=group.type.meeting_duration_minutes),
                        "venue_name": group.venue_name,
                        "venue_address": group.venue_address,
                        "venue_access_notes": group.venue_access_notes,
                        "is_public": group.is_public and group.type.public_may_attend,
                    },
                )
                if is_new:
                    created["meetings"] = created.get("meetings", 0) + 1
                    _fill(meeting, members, rng, past=starts_at < timezone.now(), previous=previous)
                previous = meeting


def _fill(meeting: Meeting, members: list[Membership], rng: random.Random, *, past: bool, previous) -> None:
    topic = TOPICS[rng.randrange(len(TOPICS))]
    street = STREETS[rng.randrange(len(STREETS))]
    items = [
        AgendaItem(meeting=meeting, position=i, title=title, standing=key)
        for i, (key, title) in enumerate(STANDING, start=1)
    ]
    topical = AgendaItem(
        meeting=meeting,
        position=4,
        title=topic[0].format(street=street),
        description=topic[1],
        presenter=members[0].person if members else None,
        minutes_allowed=20,
    )
    items.append(topical)
    confidential = AgendaItem(
        meeting=meeting,
        position=5,
        title="Update on a household receiving support (confidential)",
        is_confidential=True,
        minutes_allowed=10,
    )
    items.append(confidential)
    items.append(
        AgendaItem(
            meeting=meeting,
            position=6,
            title="Any other business",
            standing=AgendaItem.Standing.ANY_OTHER_BUSINESS,
        )
    )
    AgendaItem.objects.bulk_create(items)
    deadline = meeting.starts_at - dt.timedelta(days=7 if rng.random() > 0.15 else 3)
    if not past:
        if meeting.starts_at - timezone.now() < dt.timedelta(days=10):
            meeting.circulated_at = min(deadline, timezone.now())
            meeting.save(update_fields=["circulated_at"])
        return
    meeting.circulated_at = deadline
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            person=membership.person,
            organisation=membership.organisation,
            status=rng.choices(
                [Attendance.Status.PRESENT, Attendance.Status.APOLOGIES, Attendance.Status.ABSENT], [7, 2, 1]
            )[0],
        )
        for membership in members
    )
    topical.minutes = (
        f"{topic[1]} Members discussed what each agency could do. The police reported on recent "
        f"patrols around {street}; residents described the impact on the street."
    )
    topical.save(update_fields=["minutes"])
    confidential.minutes = "Discussed in private. The case is being managed by the agencies involved."
    confidential.save(update_fields=["minutes"])
    Decision.objects.create(meeting=meeting, item=topical, text=topic[2].format(street=street))
    for number, action in enumerate(topic[3]):
        ActionArising.objects.create(
            meeting=meeting,
            item=topical,
            description=action,
            lead=members[number % len(members)].person if members else None,
            lead_organisation=members[number % len(members)].organisation if members else None,
            due_on=(meeting.starts_at + dt.timedelta(days=28 * (number + 1))).date(),
        )
    meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save(update_fields=["circulated_at", "minutes_status"])
    if previous is not None and previous.minutes_status == Meeting.MinutesStatus.DRAFT:
        Decision.objects.create(
            meeting=meeting,
            item=items[1],
            kind=Decision.Kind.MINUTES_APPROVAL,
            approves_minutes_of=previous,
            text=f"RESOLVED that the minutes of the meeting held on "
            f"{timezone.localtime(previous.starts_at):%-d %B %Y} be approved as a correct record.",
        )
        previous.minutes_status = Meeting.MinutesStatus.APPROVED
        previous.minutes_approved_at = meeting.ends_at
        previous.save(update_fields=["minutes_status", "minutes_approved_at"])
