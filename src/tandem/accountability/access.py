"""Who may see ASB Case Reviews.

An application holds personal data about the applicant and the victim, so only partnership
officers and administrators see applications and reviews; administrators change the settings.
The applicant sees their confirmation page through the unguessable token in its address,
never the application itself. ``access_application_for_user`` answers 404 both for "does not
exist" and for "not allowed" once the view has let an officer through.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tandem.accounts.access import is_administrator
from tandem.partnership.access import user_is_officer

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
