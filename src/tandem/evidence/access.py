"""Who may see and do what with the evidence.

Counts, trends and hotspots are public: police.uk publishes the incidents themselves under the
Open Government Licence, and Tandem shows only aggregates of them (and of other sources'
incidents) — never a row that could point at a person. Importing is for agency officers and
partnership administrators; the import reports (file names, bad rows) are theirs too.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tandem.accounts.access import is_administrator, is_officer

from .models import ImportRun


def can_import(user) -> bool:
    return bool(is_officer(user) or is_administrator(user))


def access_imports_for_user(user) -> None:
    """Refuse anyone who may not import (403 for the signed in; the views send others to sign in)."""
    if not can_import(user):
        raise PermissionDenied("Only agency officers and partnership administrators import evidence.")


def access_import_run_for_user(user, pk: int) -> ImportRun:
    """An upload and its report, for those who may import; "not found" for anyone else."""
    if not can_import(user):
        raise Http404
    try:
        return ImportRun.objects.select_related("source", "started_by").get(pk=pk, upload=None)
    except ImportRun.DoesNotExist:
        raise Http404 from None
