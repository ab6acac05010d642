"""Who may see and change the partnership's structure.

Every access-controlled object is fetched through an ``access_<thing>_for_user``
helper that answers 404 both for "does not exist" and "not allowed to see", and
403 only where the object is visible but the change is not allowed.

- Public groups are visible to everyone; private groups only to officers,
  administrators, the group's current members, and the people who run the group
  directly above it (its chair, vice-chair, note taker and support officers), who
  oversee it — a Joint Action Group's chair sees the private Community Led Solution
  group the JAG set up. Overseeing a group shows it, not its members' contact
  details or its private business.
- People are visible to officers and administrators, to themselves, and to
  current members of a group they are currently in.
- Names of people on a group's page are shown publicly only with their
  agreement; contact details only to officers and the group's own members.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from tandem.accounts.access import is_officer
from tandem.partnership.models import Group, Membership, Organisation, Partnership, Person


def user_is_officer(user) -> bool:
    """Officers and administrators (anonymous visitors are neither)."""
    return bool(is_officer(user))


OVERSEER_ROLES = (
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.NOTE_TAKER,
    Membership.Role.SUPPORT_OFFICER,
)


def user_group_ids(user) -> set[int]:
    """The groups the signed-in user is currently a member of (through their person record)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.current().filter(person__user=user).values_list("group_id", flat=True))


@dataclass(frozen=True)
class Viewer:
    """Who is looking, worked out once per request: officer or not, and their current groups."""

    user: object
    is_officer: bool
    group_ids: frozenset[int]
    # Private groups directly below a group this viewer runs (see the module docstring).
    overseen_ids: frozenset[int] = frozenset()

    @property
    def is_signed_in(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    def can_see_group(self, group: Group) -> bool:
        return (
            group.is_public or self.is_officer or group.pk in self.group_ids or group.pk in self.overseen_ids
        )

    def can_see_member_details(self, group: Group) -> bool:
        """Officers, administrators and the group's own members see names and contact details."""
        return self.is_officer or group.pk in self.group_ids

    def groups_q(self, prefix: str = "") -> Q:
        """A filter for the groups this viewer may see (``prefix`` for related lookups)."""
        if self.is_officer:
            return Q()
        return Q(**{f"{prefix}is_public": True}) | Q(
            **{f"{prefix}pk__in": self.group_ids | self.overseen_ids}
        )


def overseen_group_ids(running_ids) -> set[int]:
    """Private groups directly below the groups given (those the viewer runs)."""
    if not running_ids:
        return set()
    return set(Group.objects.filter(is_public=False, parent_id__in=running_ids).values_list("pk", flat=True))


def viewer_for(user) -> Viewer:
    officer = user_is_officer(user)
    if officer:
        return Viewer(user=user, is_officer=True, group_ids=frozenset())
    if not getattr(user, "is_authenticated", False):
        return Viewer(user=user, is_officer=False, group_ids=frozenset())
    # One query for the groups they are in and their roles; a second only for those who run one.
    rows = list(Membership.objects.current().filter(person__user=user).values_list("group_id", "role"))
    running = {group_id for group_id, role in rows if role in OVERSEER_ROLES}
    return Viewer(
        user=user,
        is_officer=False,
        group_ids=frozenset(group_id for group_id, _ in rows),
        overseen_ids=frozenset(overseen_group_ids(running)),
    )


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in page for anonymous visitors, 403 for signed-in people who are not officers."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_officer(request.user):
            raise PermissionDenied("Only partnership officers and administrators can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def access_partnership_for_user(user, slug: str) -> Partnership:
    return get_object_or_404(Partnership.objects.select_related("area").defer("area__boundary"), slug=slug)


def access_group_for_user(user, slug: str, *, write: bool = False) -> Group:
    group = (
        Group.objects.select_related(
            "partnership", "type", "area", "parent", "parent__type", "accountable_body"
        )
        .defer("area__boundary")
        .filter(slug=slug)
        .first()
    )
    if group is None or not viewer_for(user).can_see_group(group):
        raise Http404("No such group")
    if write and not user_is_officer(user):
        raise PermissionDenied("Only partnership officers and administrators can change groups.")
    return group


def access_membership_for_user(user, pk: int, *, write: bool = False) -> Membership:
    membership = (
        Membership.objects.select_related("group", "group__partnership", "person", "organisation")
        .filter(pk=pk)
        .first()
    )
    if membership is None or not viewer_for(user).can_see_group(membership.group):
        raise Http404("No such membership")
    if write and not user_is_officer(user):
        raise PermissionDenied("Only partnership officers and administrators can change memberships.")
    return membership


def access_organisation_for_user(user, slug: str, *, write: bool = False) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("stakeholder_kind"), slug=slug)
    if write and not user_is_officer(user):
        raise PermissionDenied("Only partnership officers and administrators can change organisations.")
    return organisation


def can_see_person(user, person: Person) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user_is_officer(user) or person.user_id == user.pk:
        return True
    shared = Membership.objects.current().filter(person=person, group_id__in=user_group_ids(user))
    return shared.exists()


def access_person_for_user(user, pk: int, *, write: bool = False) -> Person:
    person = Person.objects.filter(pk=pk).first()
    if person is None or not can_see_person(user, person):
        raise Http404("No such person")
    if write and not user_is_officer(user):
        raise PermissionDenied("Only partnership officers and administrators can change people's details.")
    return person
