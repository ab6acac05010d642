"""Who may see and run a group's events, updates and newsletters.

- Events, published updates and published newsletters of a group are public when the
  group is visible to the viewer (every public group is).
- Drafts are seen only by those who may write them; anyone else gets "not found".
- Writing (events, updates, newsletters) is for the group's organisers: officers,
  administrators and the group's current chair, vice-chair and note taker — the
  same people who run its meetings (``meetings.access.is_organiser``).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from tandem.meetings.access import access_group_meetings_for_user, is_organiser
from tandem.partnership.access import viewer_for
from tandem.partnership.models import Group

from .models import Event, Newsletter, Subscription, Update

REFUSED = "Only the group's chair, vice-chair, note taker or a partnership officer can do this."


def access_group_community_for_user(user, slug: str, *, write: bool = False) -> tuple[Group, bool]:
    """A group whose events, updates and newsletters the user may list: (group, can_manage)."""
    return access_group_meetings_for_user(user, slug, write=write)


def _check(user, group: Group, *, write: bool, draft: bool) -> bool:
    if not viewer_for(user).can_see_group(group):
        raise Http404("Not found")
    can_manage = is_organiser(user, group)
    if draft and not can_manage:
        raise Http404("Not found")
    if write and not can_manage:
        raise PermissionDenied(REFUSED)
    return can_manage


def access_event_for_user(user, pk: int, *, write: bool = False) -> tuple[Event, bool]:
    event = get_object_or_404(Event.objects.select_related("group", "group__type", "series"), pk=pk)
    return event, _check(user, event.group, write=write, draft=False)


def access_update_for_user(user, pk: int, *, write: bool = False) -> tuple[Update, bool]:
    update = get_object_or_404(Update.objects.select_related("group", "group__type"), pk=pk)
    return update, _check(user, update.group, write=write, draft=not update.is_published)


def access_newsletter_for_user(user, pk: int, *, write: bool = False) -> tuple[Newsletter, bool]:
    newsletter = get_object_or_404(Newsletter.objects.select_related("group", "group__area"), pk=pk)
    return newsletter, _check(user, newsletter.group, write=write, draft=not newsletter.is_published)


def access_subscription_by_token(token: str) -> Subscription:
    """The subscription a link was made for; the token is the only key (no account needed)."""
    if not token or len(token) > 64:
        raise Http404("Not found")
    return get_object_or_404(Subscription.objects.select_related("area"), token=token)


def group_page_rows(group: Group, viewer) -> list:
    """Registered with partnership: a group's page links to its events and to its "you said, we
    did" updates and newsletters, and to the neighbourhood page residents see."""
    from tandem.partnership.group_rows import GroupRow

    if not viewer.can_see_group(group):
        return []
    values = [
        ("Its events and beat surgeries", reverse("community:group-events", kwargs={"slug": group.slug})),
        (
            'Its "you said, we did" updates and newsletters',
            reverse("community:group-updates", kwargs={"slug": group.slug}),
        ),
    ]
    if group.area_id is not None and group.is_public:
        values.append(
            (
                f"The public page for {group.area.name}",
                reverse("community:neighbourhood-detail", kwargs={"slug": group.area.slug}),
            )
        )
    return [GroupRow(label="Residents", values=tuple(values))]
