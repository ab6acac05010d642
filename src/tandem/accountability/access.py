"""Who may see ASB Case Reviews.

An application holds personal data about the applicant and the victim, so only partnership
officers and administrators see applications and reviews; administrators change the settings.
The applicant sees their confirmation page through the unguessable token in its address,
never the application itself. ``access_application_for_user`` answers 404 both for "does not
exist" and for "not allowed" once the view has let an officer through.

A ward's page (counts, public problems, no personal data) is for signed-in partnership
members: officers, administrators and anyone with a current place in a group.
``access_ward_for_user`` answers 404 for an area that is missing, is not a ward, or for a
signed-in person in no group.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from tandem.accounts.access import is_administrator
from tandem.partnership.access import Viewer, user_is_officer, viewer_for
from tandem.places.models import Area

from .models import Application


def access_application_for_user(user, pk: int, *, write: bool = False) -> Application:
    application = (
        Application.objects.select_related("partnership", "area", "decided_by")
        .defer("area__boundary")
        .filter(pk=pk)
        .first()
    )
    if application is None or not user_is_officer(user):
        raise Http404("No such application")
    return application


def can_change_settings(user) -> bool:
    return bool(is_administrator(user))


def require_settings_access(user) -> None:
    if not can_change_settings(user):
        raise PermissionDenied("Only administrators change the Case Review settings.")


def access_ward_for_user(user, slug: str, *, write: bool = False) -> tuple[Area, Viewer]:
    """The ward and who is looking; 404 for a missing area, one that is not a ward, and anyone
    who is neither an officer nor a current member of a group."""
    ward = Area.objects.defer("boundary").filter(slug=slug, kind=Area.Kind.WARD).first()
    viewer = viewer_for(user)
    if ward is None or write or not (viewer.is_officer or viewer.group_ids):
        raise Http404("No such ward")
    return ward, viewer


def ward_area_links(area: Area, user) -> list[tuple[str, str]]:
    """Registered with places: a ward's page links to its summary for councillors, for those
    who may see it (signed-in partnership members)."""
    if area.kind != Area.Kind.WARD or not getattr(user, "is_authenticated", False):
        return []
    viewer = viewer_for(user)
    if not (viewer.is_officer or viewer.group_ids):
        return []
    return [
        ("Ward summary for councillors", reverse("accountability:ward-detail", kwargs={"slug": area.slug}))
    ]
