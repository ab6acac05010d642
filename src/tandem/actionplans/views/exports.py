"""A group's action plan to download: .xlsx, .docx and CSV, in the seed's column order.

Each download holds what the viewer may see on the plan page (``exports.py`` says what),
filtered like the plan page with ``?status=`` (a status, "overdue" or "open") and
``?priority=`` (a strategic priority's number or slug; ``?strategic_priority=`` too).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from tandem.actionplans import exports
from tandem.actionplans.access import access_group_plan_for_user
from tandem.partnership.access import viewer_for
from tandem.strategy.models import StrategicPriority


class BadFilter(ValueError):
    pass


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # What a download holds depends on who asks for it.
    response["Cache-Control"] = "private, no-store"
    return response


def _filters(request: HttpRequest, group) -> dict:
    status = request.GET.get("status", "").strip()
    if status and status not in exports.STATUS_FILTERS:
        raise BadFilter("Choose a status: not_started, on_track, at_risk, overdue, open, done or cancelled.")
    priority = None
    wanted = (request.GET.get("priority") or request.GET.get("strategic_priority") or "").strip()
    if wanted:
        priorities = StrategicPriority.objects.filter(strategy__partnership_id=group.partnership_id)
        if wanted.isdigit():
            priority = priorities.filter(pk=int(wanted)).first()
        else:
            priority = priorities.filter(slug=wanted).order_by("-strategy__starts_on").first()
        if priority is None:
            raise BadFilter(f"There is no strategic priority “{wanted[:100]}” in this partnership.")
    return {"status": status, "strategic_priority": priority}


def _export(request: HttpRequest, slug: str, build: Callable, content_type: str, extension: str):
    group, _ = access_group_plan_for_user(request.user, slug)
    try:
        filters = _filters(request, group)
    except BadFilter as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    rows = exports.export_rows(group, viewer_for(request.user), **filters)
    today = timezone.localdate()
    return _download(build(group, rows, today), content_type, exports.filename(group, extension, today=today))


@require_safe
def group_actions_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a group's action plan as an Excel spreadsheet (public actions only, unless an insider)."""
    return _export(
        request,
        slug,
        lambda group, rows, today: exports.to_xlsx(group, rows, today=today),
        exports.XLSX,
        "xlsx",
    )


@require_safe
def group_actions_docx(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a group's action plan as a Word document (public actions only, unless an insider)."""
    return _export(
        request,
        slug,
        lambda group, rows, today: exports.to_docx(group, rows, today=today),
        exports.DOCX,
        "docx",
    )


@require_safe
def group_actions_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a group's action plan as CSV for Excel (public actions only, unless an insider)."""
    return _export(request, slug, lambda group, rows, today: exports.to_csv(rows), exports.CSV, "csv")
