"""Who may see and change residents' reports.

- Anyone may report a problem and say "me too" on a public one; a report is seen by whoever
  holds its private link (unguessable), never with other people's details.
- Officers and administrators moderate held reports and add public updates.
- Administrators configure the routing rules and the flagged words.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from tandem.accounts.access import is_administrator, is_officer
from tandem.partnership.access import viewer_for
from tandem.problems.access import problems_visible_q
from tandem.problems.models import Problem

from .models import Report


def can_moderate(user) -> bool:
    return bool(is_officer(user))


def can_configure_routing(user) -> bool:
    return bool(is_administrator(user))


def access_report_for_moderator(user, pk: int) -> Report:
    """A report for officers (403 for anyone else who is signed in)."""
    if not can_moderate(user):
        raise PermissionDenied("Only partnership officers and administrators can see residents' reports.")
    return get_object_or_404(
        Report.objects.select_related("category", "area", "partnership", "problem", "problem__group"), pk=pk
    )


def access_public_problem_for_user(user, pk: int) -> Problem:
    """A public problem residents may add their voice to (404 for private ones and hidden groups)."""
    problem = (
        Problem.objects.select_related("group", "category", "area", "merged_into")
        .filter(problems_visible_q(viewer_for(user)), is_public=True)
        .filter(pk=pk)
        .first()
    )
    if problem is None:
        raise Http404("No such problem")
    return problem
