"""Who may see and change action plans, the annual plan and its reviews, and group funds.

Action plans
- A group's plan is visible to whoever may see the group. The public sees its public
  actions and their outcomes ("you said, we did"), never internal progress notes;
  insiders (officers, administrators and the group's current members) see everything.
- Partnership-level actions (no group) are visible like a public group's; officers
  and administrators are their insiders.
- A plan is edited (actions created, changed, evaluated, imported) by officers,
  administrators, and the group's current chair, vice-chair, note taker and support
  officers ("the group's officers").
- An action's lead may post progress updates on it: signed in (their person record
  is the lead), or from the signed link in their digest email (``digest.py``).

The annual plan and quarterly reviews
- Approved plans and final reviews are public; drafts only for officers and
  administrators, who compile, edit, approve and review them.

Group funds
- The ledger and its statements are for the group's insiders; they are changed only
  by the group's treasurer, a member representing its accountable body, and
  partnership administrators.

Every helper answers 404 when the viewer may not see the thing, and 403 when they
may see it but not change it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from tandem.accounts.access import is_administrator
from tandem.partnership.access import Viewer, access_group_for_user, viewer_for
from tandem.partnership.models import Group, Membership, Partnership

from .models import Action, AnnualPlan, LedgerEntry, QuarterlyReview

PLAN_EDITOR_ROLES = {
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.NOTE_TAKER,
    Membership.Role.SUPPORT_OFFICER,
}


EDIT_REFUSED = (
    "Only the group's chair, note taker, support officers and partnership officers can change its "
    "action plan."
)


def _holds_role(user, group: Group, roles) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.current().filter(group=group, person__user=user, role__in=roles).exists()


def can_edit_plan(user, group: Group | None) -> bool:
    """Officers and administrators; for a group's plan also its chair, vice-chair, note taker and
    support officers."""
    if viewer_for(user).is_officer:
        return True
    return group is not None and _holds_role(user, group, PLAN_EDITOR_ROLES)


def is_plan_insider(viewer: Viewer, group: Group | None) -> bool:
    """Sees every action of the plan, public or not, and internal notes."""
    if viewer.is_officer:
        return True
    return group is not None and group.pk in viewer.group_ids


def actions_visible_q(viewer: Viewer, prefix: str = "") -> Q:
    """A filter for the actions a viewer may see (``prefix`` for related lookups)."""
    if viewer.is_officer:
        return Q()
    group_visible = Q(**{f"{prefix}group__isnull": True}) | viewer.groups_q(prefix=f"{prefix}group__")
    public = group_visible & Q(**{f"{prefix}is_public": True})
    if not viewer.group_ids:
        return public
    return public | Q(**{f"{prefix}group_id__in": viewer.group_ids})


def is_lead(user, action: Action) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and action.lead_id and action.lead.user_id == user.pk
    )


@dataclass(frozen=True)
class ActionAccess:
    action: Action
    viewer: Viewer
    is_insider: bool  # sees internal notes and private actions
    can_edit: bool  # edits, evaluates
    can_update: bool  # posts progress updates (editors and the lead)


def access_action_for_user(user, pk: int, *, write: bool = False, update: bool = False) -> ActionAccess:
    """The action with what this user may do; 404 if they may not see it; 403 with ``write`` if
    they may not edit it, with ``update`` if they may not post progress on it."""
    viewer = viewer_for(user)
    action = get_object_or_404(
        Action.objects.select_related(
            "partnership",
            "group",
            "group__type",
            "problem",
            "lead",
            "lead_organisation",
            "strategic_priority",
        ).filter(actions_visible_q(viewer)),
        pk=pk,
    )
    insider = is_plan_insider(viewer, action.group)
    can_edit = can_edit_plan(user, action.group)
    can_update = can_edit or is_lead(user, action)
    if write and not can_edit:
        raise PermissionDenied(EDIT_REFUSED)
    if update and not can_update:
        raise PermissionDenied("Only the action's lead and the group's officers can post progress on it.")
    return ActionAccess(
        action=action, viewer=viewer, is_insider=insider, can_edit=can_edit, can_update=can_update
    )


def access_group_plan_for_user(user, slug: str, *, write: bool = False) -> tuple[Group, bool]:
    """A group whose action plan the user may see: (group, can_edit)."""
    group = access_group_for_user(user, slug)
    can_edit = can_edit_plan(user, group)
    if write and not can_edit:
        raise PermissionDenied(EDIT_REFUSED)
    return group, can_edit


def access_partnership_plan_for_user(user, slug: str, *, write: bool = False) -> tuple[Partnership, bool]:
    """The partnership whose own (partnership-level) actions, annual plans and reviews the user
    may see: (partnership, can_edit). Officers and administrators edit."""
    partnership = get_object_or_404(Partnership.objects.defer("area__boundary"), slug=slug)
    can_edit = viewer_for(user).is_officer
    if write and not can_edit:
        raise PermissionDenied("Only partnership officers and administrators can do this.")
    return partnership, can_edit


def access_plan_for_user(user, pk: int, *, write: bool = False) -> tuple[AnnualPlan, bool]:
    """An annual plan: approved ones for everyone, drafts for officers only (404 otherwise)."""
    officer = viewer_for(user).is_officer
    plan = get_object_or_404(AnnualPlan.objects.select_related("partnership", "strategy"), pk=pk)
    if plan.status != AnnualPlan.Status.APPROVED and not officer:
        raise Http404("No such plan")
    if write and not officer:
        raise PermissionDenied("Only partnership officers and administrators can change the annual plan.")
    return plan, officer


def access_review_for_user(user, pk: int, *, write: bool = False) -> tuple[QuarterlyReview, bool]:
    """A quarterly review: final ones of approved plans for everyone, the rest for officers."""
    officer = viewer_for(user).is_officer
    review = get_object_or_404(
        QuarterlyReview.objects.select_related("plan", "plan__partnership", "plan__strategy"), pk=pk
    )
    public = (
        review.status == QuarterlyReview.Status.FINAL and review.plan.status == AnnualPlan.Status.APPROVED
    )
    if not public and not officer:
        raise Http404("No such review")
    if write and not officer:
        raise PermissionDenied("Only partnership officers and administrators can change a review.")
    return review, officer


# --- Group funds ------------------------------------------------------------------------


def can_keep_ledger(user, group: Group) -> bool:
    """The group's treasurer, a member representing its accountable body, and administrators."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_administrator(user):
        return True
    memberships = Membership.objects.current().filter(group=group, person__user=user)
    if memberships.filter(role=Membership.Role.TREASURER).exists():
        return True
    return (
        bool(group.accountable_body_id)
        and memberships.filter(organisation_id=group.accountable_body_id).exists()
    )


def access_group_funds_for_user(user, slug: str, *, write: bool = False) -> tuple[Group, bool]:
    """A group's funds: (group, can_keep_ledger). Insiders only (404 for everyone else)."""
    group = access_group_for_user(user, slug)
    viewer = viewer_for(user)
    if not is_plan_insider(viewer, group):
        raise Http404("No such ledger")
    keeper = can_keep_ledger(user, group)
    if write and not keeper:
        raise PermissionDenied(
            "Only the group's treasurer, its accountable body and administrators can change its funds."
        )
    return group, keeper


def access_ledger_entry_for_user(user, pk: int, *, write: bool = False) -> tuple[LedgerEntry, bool]:
    entry = get_object_or_404(LedgerEntry.objects.select_related("group", "action"), pk=pk)
    group, keeper = access_group_funds_for_user(user, entry.group.slug, write=write)
    return entry, keeper
