"""Who may see and run a group's meetings.

- A meeting is visible when its group is visible and the meeting is public, or the
  viewer is an officer/administrator or a current member of the group. Anyone
  else gets "not found", so private meetings do not leak.
- Confidential agenda items, draft minutes and the circulation log are for the
  group's members and officers only ("insiders"); the public sees public items
  and approved minutes only.
- Running meetings (scheduling, agenda, circulation, attendance, minutes) is for
  officers/administrators and the group's current chair, vice-chair and note taker.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from tandem.partnership.access import Viewer, access_group_for_user, viewer_for
from tandem.partnership.models import Group, Membership

from .models import AgendaItem, Meeting

ORGANISER_ROLES = {Membership.Role.CHAIR, Membership.Role.VICE_CHAIR, Membership.Role.NOTE_TAKER}


def is_organiser(user, group: Group) -> bool:
    """Officers, administrators, and the group's current chair, vice-chair or note taker."""
    if not getattr(user, "is_authenticated", False):
        return False
    if viewer_for(user).is_officer:
        return True
    return (
        Membership.objects.current().filter(group=group, person__user=user, role__in=ORGANISER_ROLES).exists()
    )


@dataclass(frozen=True)
class MeetingAccess:
    """What one viewer may do with one meeting, worked out once per request."""

    meeting: Meeting
    viewer: Viewer
    is_insider: bool  # officer, administrator or current member of the group
    can_manage: bool  # may schedule, edit the agenda, circulate, take minutes

    def items(self):
        """The agenda items this viewer may see, in order."""
        items = self.meeting.items.all()
        return items if self.is_insider else items.filter(is_confidential=False)

    @property
    def can_see_minutes(self) -> bool:
        return self.is_insider or self.meeting.minutes_status == Meeting.MinutesStatus.APPROVED


def meetings_visible_q(viewer: Viewer, prefix: str = "") -> Q:
    """A filter for the meetings a viewer may see (``prefix`` for related lookups)."""
    group_q = viewer.groups_q(prefix=f"{prefix}group__")
    if viewer.is_officer:
        return group_q
    return group_q & (Q(**{f"{prefix}is_public": True}) | Q(**{f"{prefix}group_id__in": viewer.group_ids}))


def access_meeting_for_user(user, pk: int, *, write: bool = False) -> MeetingAccess:
    """The meeting with what this user may do; 404 if they may not see it, 403 if they may
    see it but not change it (``write=True``)."""
    viewer = viewer_for(user)
    meeting = get_object_or_404(
        Meeting.objects.select_related("group", "group__type", "group__partnership", "series").filter(
            meetings_visible_q(viewer)
        ),
        pk=pk,
    )
    insider = viewer.is_officer or meeting.group_id in viewer.group_ids
    can_manage = insider and is_organiser(user, meeting.group)
    if write and not can_manage:
        raise PermissionDenied("Only the group's chair, note taker or a partnership officer can do this.")
    return MeetingAccess(meeting=meeting, viewer=viewer, is_insider=insider, can_manage=can_manage)


def access_agenda_item_for_user(user, pk: int, *, write: bool = False) -> tuple[AgendaItem, MeetingAccess]:
    item = get_object_or_404(AgendaItem.objects.only("pk", "meeting_id", "is_confidential"), pk=pk)
    # Whether it may be seen comes first, so a refused change does not reveal a confidential item.
    access = access_meeting_for_user(user, item.meeting_id)
    if item.is_confidential and not access.is_insider:
        raise Http404("No such agenda item")
    if write and not access.can_manage:
        raise PermissionDenied("Only the group's chair, note taker or a partnership officer can do this.")
    return access.meeting.items.select_related("presenter", "presenter_organisation").get(pk=pk), access


def access_group_meetings_for_user(user, slug: str, *, write: bool = False) -> tuple[Group, bool]:
    """A group whose meetings the user may list (and, with ``write``, schedule): (group, can_manage)."""
    group = access_group_for_user(user, slug)
    can_manage = is_organiser(user, group)
    if write and not can_manage:
        raise PermissionDenied("Only the group's chair, note taker or a partnership officer can do this.")
    return group, can_manage
