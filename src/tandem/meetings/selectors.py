"""Reads for the meetings pages: a group's meetings, settings, overlaps, circulation status and
what a viewer may see of one meeting."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from tandem.meetings.access import MeetingAccess, meetings_visible_q
from tandem.meetings.models import ActionArising, AgendaItem, Decision, Meeting, MeetingSettings
from tandem.meetings.standing import item_lines, standing_item_lines
from tandem.partnership.access import Viewer
from tandem.partnership.models import Group, Membership, Person

DEFAULT_STANDING_ITEMS = [
    AgendaItem.Standing.APOLOGIES,
    AgendaItem.Standing.PREVIOUS_MINUTES,
    AgendaItem.Standing.MATTERS_ARISING,
    AgendaItem.Standing.PRIORITIES,
    AgendaItem.Standing.ACTION_PLAN_REVIEW,
    AgendaItem.Standing.ANY_OTHER_BUSINESS,
]


def meeting_settings_get(group: Group) -> MeetingSettings:
    """The group's meeting settings, or unsaved defaults (with the default standing items)."""
    settings = MeetingSettings.objects.filter(group=group).first()
    if settings is None:
        settings = MeetingSettings(
            group=group, standing_items=[str(k) for k in default_standing_items(group)]
        )
    return settings


def default_standing_items(group: Group) -> list[str]:
    keys = list(DEFAULT_STANDING_ITEMS)
    if not group.type.priorities_per_period:
        keys.remove(AgendaItem.Standing.PRIORITIES)
    return [str(k) for k in keys]


def standing_item_keys(group: Group) -> list[str]:
    """The standing items a new agenda of the group starts with, in the usual order, any other
    business last."""
    settings = MeetingSettings.objects.filter(group=group).first()
    keys = settings.standing_items if settings is not None else default_standing_items(group)
    order = AgendaItem.Standing.values
    return sorted((k for k in set(keys) if k in order), key=order.index)


def group_meeting_list(*, group: Group, viewer: Viewer) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past) meetings of the group that the viewer may see; past ones newest first."""
    meetings = Meeting.objects.filter(group=group).filter(meetings_visible_q(viewer)).select_related("group")
    now = timezone.now()
    upcoming = list(meetings.filter(ends_at__gte=now).order_by("starts_at"))
    past = list(meetings.filter(ends_at__lt=now).order_by("-starts_at")[:100])
    return upcoming, past


def overlapping_meetings(
    *,
    meeting: Meeting | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    venue_name: str | None = None,
    exclude_pk: int | None = None,
) -> QuerySet[Meeting]:
    """Scheduled meetings at the same venue (by name, ignoring case) whose times overlap."""
    if meeting is not None:
        starts_at, ends_at, venue_name = meeting.starts_at, meeting.ends_at, meeting.venue_name
        exclude_pk = meeting.pk
    venue_name = (venue_name or "").strip()
    if not venue_name or starts_at is None or ends_at is None:
        return Meeting.objects.none()
    return (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            venue_name__iexact=venue_name,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(pk=exclude_pk)
        .select_related("group")
        .order_by("starts_at")
    )


def overlap_warnings(meetings, viewer: Viewer) -> list[str]:
    """Warning sentences about overlapping meetings; private ones the viewer cannot see stay unnamed."""
    visible = set(
        Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .filter(meetings_visible_q(viewer))
        .values_list("pk", flat=True)
    )
    warnings = []
    for other in meetings:
        start = timezone.localtime(other.starts_at)
        end = timezone.localtime(other.ends_at)
        what = other.display_title if other.pk in visible else "Another group's meeting"
        warnings.append(
            f"{what} is also booked at {other.venue_name} on {start:%A} {start.day} {start:%B %Y}, "
            f"{start:%H:%M} to {end:%H:%M}."
        )
    return warnings


@dataclass
class Circulation:
    deadline: dt.date
    circulated_on: dt.date | None
    late: bool  # not out and the deadline has passed (meeting still to come)
    went_out_late: bool  # out, but after the deadline
    missed: bool  # the meeting is over and the agenda never went out


def circulation_status(
    meeting: Meeting, settings: MeetingSettings, *, today: dt.date | None = None
) -> Circulation:
    today = today or timezone.localdate()
    deadline = meeting.circulation_deadline(settings.circulation_clear_days)
    circulated_on = timezone.localtime(meeting.circulated_at).date() if meeting.circulated_at else None
    over = meeting.ends_at < timezone.now()
    return Circulation(
        deadline=deadline,
        circulated_on=circulated_on,
        late=circulated_on is None and not meeting.is_cancelled and not over and today > deadline,
        went_out_late=circulated_on is not None and circulated_on > deadline,
        missed=circulated_on is None and not meeting.is_cancelled and over,
    )


@dataclass
class ItemMinutes:
    item: AgendaItem
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)


@dataclass
class MeetingPage:
    items: list[AgendaItem]
    minutes: list[ItemMinutes]
    other_decisions: list[Decision]
    other_actions: list[ActionArising]
    has_minutes: bool


def meeting_page(access: MeetingAccess) -> MeetingPage:
    """The agenda items (with papers) and minutes this viewer may see of one meeting."""
    meeting = access.meeting
    items = list(
        access.items().select_related("presenter", "presenter_organisation").prefetch_related("papers")
    )
    visible_ids = {item.pk for item in items}
    linked = item_lines(items, access.viewer)
    for item in items:
        item.standing_lines = standing_item_lines(item, meeting, access.viewer) if item.standing else []
        item.linked_lines = linked.get(item.pk, [])
    minutes: list[ItemMinutes] = []
    other_decisions: list[Decision] = []
    other_actions: list[ActionArising] = []
    if access.can_see_minutes:
        by_item = {item.pk: ItemMinutes(item=item) for item in items}
        for decision in meeting.decisions.all():
            if decision.item_id is None:
                other_decisions.append(decision)
            elif decision.item_id in visible_ids:
                by_item[decision.item_id].decisions.append(decision)
        related = ["lead", "lead_organisation"]
        if hasattr(ActionArising, "plan_action"):
            # The action plan app links each action arising to the plan action made from it.
            related.append("plan_action")
        actions = meeting.actions_arising.select_related(*related)
        for action in actions:
            if action.item_id is None:
                other_actions.append(action)
            elif action.item_id in visible_ids:
                by_item[action.item_id].actions.append(action)
        minutes = [m for m in by_item.values() if m.item.minutes.strip() or m.decisions or m.actions]
    return MeetingPage(
        items=items,
        minutes=minutes,
        other_decisions=other_decisions,
        other_actions=other_actions,
        has_minutes=bool(minutes or other_decisions or other_actions),
    )


def presenter_choices(group: Group) -> QuerySet[Person]:
    """People who may present an item: the group's current members."""
    return Person.objects.filter(
        pk__in=Membership.objects.current().filter(group=group).values("person_id")
    ).order_by("name")
