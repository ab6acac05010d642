"""A meeting's agenda: adding, changing, reordering and removing items, and their papers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.meetings import services
from tandem.meetings.access import access_agenda_item_for_user, access_meeting_for_user
from tandem.meetings.forms import AgendaItemForm, PaperForm
from tandem.meetings.models import AgendaItem, Paper
from tandem.meetings.views.schedule import FORM_METHODS, _status, form_page
from tandem.partnership.views import _apply_errors, _data


def _item_to_change(user, pk: int):
    """The item and its meeting's access: 404 if the user may not see the item (a confidential
    item is "not found" to outsiders), 403 if they may see it but not change the agenda."""
    item, access = access_agenda_item_for_user(user, pk)
    if not access.can_manage:
        raise PermissionDenied("Only the group's chair, note taker or a partnership officer can do this.")
    return item, access


def _agenda_url(meeting) -> str:
    return meeting.get_absolute_url() + "#agenda"


@login_required
@FORM_METHODS
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: add an item to a meeting's agenda (placed before any other business)."""
    access = access_meeting_for_user(request.user, pk, write=True)
    meeting = access.meeting
    form = AgendaItemForm(_data(request), group=meeting.group, instance=AgendaItem(meeting=meeting))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.agenda_item_add(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{item.title}” has been added to the agenda.")
            return redirect(_agenda_url(meeting))
    return form_page(
        request,
        {
            "form": form,
            "title": "Add an agenda item",
            "caption": str(meeting),
            "cancel_url": _agenda_url(meeting),
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: change an agenda item."""
    item, access = _item_to_change(request.user, pk)
    meeting = access.meeting
    form = AgendaItemForm(_data(request), group=meeting.group, instance=AgendaItem.objects.get(pk=item.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{item.title}” has been updated.")
            return redirect(_agenda_url(meeting))
    return form_page(
        request,
        {
            "form": form,
            "title": "Change an agenda item",
            "caption": str(meeting),
            "cancel_url": _agenda_url(meeting),
        },
        status=_status(form),
    )


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: move an agenda item one place up or down (a POST from the agenda's buttons)."""
    item, access = _item_to_change(request.user, pk)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return HttpResponse("Choose to move the item up or down.", status=400, content_type="text/plain")
    try:
        services.agenda_item_move(item=item, direction=direction)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("meetings:meeting-detail", kwargs={"pk": access.meeting.pk}) + f"#item-{item.pk}")


@login_required
@FORM_METHODS
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: remove an agenda item after confirming (refused once minutes were recorded)."""
    item, access = _item_to_change(request.user, pk)
    meeting = access.meeting
    error = None
    if request.method == "POST":
        try:
            services.agenda_item_remove(item=item)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"“{item.title}” has been removed from the agenda.")
            return redirect(_agenda_url(meeting))
    return render(
        request,
        "meetings/item_confirm_delete.html",
        {
            "item": item,
            "meeting": meeting,
            "error": error,
            "papers": list(item.papers.all()),
            "cancel_url": _agenda_url(meeting),
        },
        status=400 if error else 200,
    )


@login_required
@FORM_METHODS
def paper_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: upload a paper for an agenda item (checked for type and size)."""
    item, access = _item_to_change(request.user, pk)
    meeting = access.meeting
    form = PaperForm(_data(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            paper = services.paper_add(
                item=item,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{paper.title}” has been added to “{item.title}”.")
            return redirect(_agenda_url(meeting))
    return form_page(
        request,
        {
            "form": form,
            "title": "Upload a paper",
            "caption": f"{item.title} – {meeting}",
            "multipart": True,
            "cancel_url": _agenda_url(meeting),
        },
        status=_status(form),
    )


def paper_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: download a paper of a public item of a meeting the viewer may see; papers of
    confidential items only for members of the group and officers."""
    paper = get_object_or_404(Paper.objects.only("pk", "item_id"), pk=pk)
    item, _ = access_agenda_item_for_user(request.user, paper.item_id)
    paper = Paper.objects.get(pk=paper.pk)
    try:
        handle = paper.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("The file of this paper is missing") from exc
    extension = paper.file.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{paper.title[:150]}.{extension}",
        content_type=paper.content_type,
    )
    response["Cache-Control"] = "private, no-store" if item.is_confidential else "private"
    return response
