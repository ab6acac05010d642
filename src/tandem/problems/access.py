"""Who may see and change problems, priorities and escalations.

- Anyone sees public problems of groups they may see, never who raised them.
- "Insiders" of a problem — officers/administrators, current members of the group
  that owns it, and of a group it is escalated to — see every problem of theirs,
  public or not, with who raised it.
- "Workers" change a problem (edit, status, notes, merge, escalate): officers and
  administrators, and the owning group's current chair, vice-chair, note taker,
  agency representatives and support officers.
- A group's priorities are set by officers and the group's chair, vice-chair and
  note taker; an escalation is decided by officers and the receiving group's.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from tandem.partnership.access import Viewer, viewer_for
from tandem.partnership.models import Group, Membership

from .models import PriorityPoll, Problem

WORKER_ROLES = {
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.NOTE_TAKER,
    Membership.Role.AGENCY_REPRESENTATIVE,
    Membership.Role.SUPPORT_OFFICER,
}
ORGANISER_ROLES = {Membership.Role.CHAIR, Membership.Role.VICE_CHAIR, Membership.Role.NOTE_TAKER}


def _holds_role(user, group: Group, roles: set[str]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.current().filter(group=group, person__user=user, role__in=roles).exists()


def can_work_on_group_problems(user, group: Group) -> bool:
    return viewer_for(user).is_officer or _holds_role(user, group, WORKER_ROLES)


def can_organise(user, group: Group) -> bool:
    return viewer_for(user).is_officer or _holds_role(user, group, ORGANISER_ROLES)


def problems_visible_q(viewer: Viewer, prefix: str = "") -> Q:
    """A filter for the problems a viewer may see (``prefix`` for related lookups).

    Escalations are matched with a subquery, not a join, so a list needs no DISTINCT."""
    from .models import Escalation

    group_visible = viewer.groups_q(prefix=f"{prefix}group__")
    if viewer.is_officer:
        return group_visible
    public = group_visible & Q(**{f"{prefix}is_public": True})
    if not viewer.group_ids:
        return public
    escalated_to_them = Escalation.objects.filter(to_group_id__in=viewer.group_ids).values("problem_id")
    return (
        public
        | Q(**{f"{prefix}group_id__in": viewer.group_ids})
        | Q(**{f"{prefix}pk__in": escalated_to_them})
    )


@dataclass(frozen=True)
class ProblemAccess:
    problem: Problem
    viewer: Viewer
    is_insider: bool  # sees who raised it, private notes
    can_change: bool  # edit, status, notes, merge, escalate


def access_problem_for_user(user, pk: int, *, write: bool = False) -> ProblemAccess:
    """The problem with what this user may do; 404 if they may not see it, 403 if they may see it
    but not change it (``write=True``)."""
    viewer = viewer_for(user)
    problem = get_object_or_404(
        Problem.objects.select_related(
            "group", "group__type", "group__parent", "category", "area", "partnership"
        ).filter(problems_visible_q(viewer)),
        pk=pk,
    )
    insider = (
        viewer.is_officer
        or problem.group_id in viewer.group_ids
        or problem.escalations.filter(to_group_id__in=viewer.group_ids).exists()
    )
    can_change = insider and can_work_on_group_problems(user, problem.group)
    if write and not can_change:
        raise PermissionDenied(
            "Only the owning group's officers and partnership officers can change this problem."
        )
    return ProblemAccess(problem=problem, viewer=viewer, is_insider=insider, can_change=can_change)


def access_poll_for_user(user, pk: int, *, write: bool = False) -> PriorityPoll:
    """The vote, if the user may see its group (404 otherwise); 403 with ``write=True`` unless they
    organise the group."""
    poll = (
        PriorityPoll.objects.select_related("group", "group__type", "group__partnership")
        .filter(pk=pk)
        .first()
    )
    if poll is None or not viewer_for(user).can_see_group(poll.group):
        raise Http404("No such vote")
    if write and not can_organise(user, poll.group):
        raise PermissionDenied(
            "Only the group's chair, vice-chair, note taker and officers can close its votes."
        )
    return poll
