"""Importing an action plan from a spreadsheet: upload, check the columns and the rows, confirm.

Nothing is added to the group's plan until the person confirms the preview.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.actionplans import imports
from tandem.actionplans.access import access_group_plan_for_user
from tandem.actionplans.import_forms import ConfirmForm, ImportUploadForm, MappingForm
from tandem.actionplans.models import ActionImport

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
STEPS = {"map", "confirm", "discard"}


def _plan_url(group) -> str:
    return reverse("actionplans:group-actions", kwargs={"slug": group.slug})


@login_required
@FORM_METHODS
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers, and the group's chair, vice-chair, note taker and support officers: upload an
    action plan kept in a spreadsheet (.xlsx or .csv) to preview it before importing it."""
    group, _ = access_group_plan_for_user(request.user, slug, write=True)
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            action_import = imports.action_import_create(
                group=group, name=uploaded.name, content=uploaded.read(), by=request.user
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("actionplans:import-preview", pk=action_import.pk)
    return render(
        request,
        "actionplans/import_upload.html",
        {
            "group": group,
            "form": form,
            "fields": imports.FIELDS,
            "plan_url": _plan_url(group),
            "recent": ActionImport.objects.filter(group=group).select_related("uploaded_by")[:5],
            "max_actions": imports.MAX_ACTIONS,
        },
        status=400 if form.errors else 200,
    )


def _preview_page(request, action_import, *, mapping_form=None, confirm_form=None, errors=(), status=200):
    group = action_import.group
    waiting = action_import.status == ActionImport.Status.PREVIEW
    preview = imports.build_preview(action_import) if waiting else None
    if waiting and mapping_form is None:
        mapping_form = MappingForm(headings=preview.headings, initial_mapping=action_import.mapping)
    if waiting and confirm_form is None:
        confirm_form = ConfirmForm()
    report = [row for row in action_import.errors if not row.get("note")]
    notes = [row for row in action_import.errors if row.get("note")]
    return render(
        request,
        "actionplans/import_preview.html",
        {
            "group": group,
            "action_import": action_import,
            "preview": preview,
            "mapping_form": mapping_form,
            "confirm_form": confirm_form,
            "errors": list(errors),
            "skipped": report,
            "notes": notes,
            "imported_count": action_import.actions.count() if not waiting else 0,
            "plan_url": _plan_url(group),
            "upload_url": reverse("actionplans:import-upload", kwargs={"slug": group.slug}),
            "preview_rows": imports.PREVIEW_ROWS,
        },
        status=status,
    )


@login_required
@FORM_METHODS
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers, and the group's chair, vice-chair, note taker and support officers: check how an
    uploaded action plan's columns and rows will import, change the columns, then confirm
    (or discard) it. After that, the report of what was imported and what was skipped."""
    action_import = get_object_or_404(ActionImport.objects.select_related("group"), pk=pk)
    group, _ = access_group_plan_for_user(request.user, action_import.group.slug, write=True)
    action_import.group = group
    if request.method != "POST":
        return _preview_page(request, action_import)
    step = request.POST.get("step", "")
    if step not in STEPS:
        return _preview_page(
            request, action_import, errors=["Choose to update the preview, import, or discard."], status=400
        )
    if action_import.status != ActionImport.Status.PREVIEW:
        message = (
            "This file has already been imported."
            if action_import.status == ActionImport.Status.IMPORTED
            else "This import was discarded: upload the file again to import it."
        )
        return _preview_page(request, action_import, errors=[message], status=400)
    if step == "map":
        form = MappingForm(
            request.POST, headings=imports.headings_of(action_import), initial_mapping=action_import.mapping
        )
        if form.is_valid():
            try:
                imports.action_import_remap(action_import=action_import, mapping=form.mapping())
            except ValidationError as exc:
                return _preview_page(
                    request, action_import, mapping_form=form, errors=exc.messages, status=400
                )
            messages.success(request, "The preview now uses the columns you chose.")
            return redirect("actionplans:import-preview", pk=action_import.pk)
        return _preview_page(request, action_import, mapping_form=form, status=400)
    if step == "discard":
        imports.action_import_discard(action_import=action_import)
        messages.success(
            request, f"“{action_import.file_name}” was discarded. Nothing was added to the plan."
        )
        return redirect("actionplans:import-upload", slug=group.slug)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        imports.action_import_confirm(
            action_import=action_import, is_public=form.cleaned_data.get("is_public", False), by=request.user
        )
    except ValidationError as exc:
        return _preview_page(request, action_import, confirm_form=form, errors=exc.messages, status=400)
    # The report page says how many were added, and which rows were not.
    return redirect("actionplans:import-preview", pk=action_import.pk)
