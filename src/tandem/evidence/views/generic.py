"""Importing other organisations' logs from the web: a source, an upload, its columns, a preview,
the import and its report.

The mapping of columns is saved on the source, so the next file from it goes straight from the
upload to the preview. The import runs in the request (files are bounded by the upload limit and
complaint logs are small): one transaction, then the report.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.evidence import generic_services
from tandem.evidence.access import access_imports_for_user
from tandem.evidence.generic_forms import GenericUploadForm, MappingForm, SourceForm
from tandem.evidence.importers import generic
from tandem.evidence.importers.police_uk import FileRefused
from tandem.evidence.models import ImportRun, Source

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
SAMPLE_ROWS = 5
STEPS = {"confirm", "discard"}


def _source_for_user(user, slug: str) -> Source:
    """A source of another organisation's log, for those who may import (403 for others)."""
    access_imports_for_user(user)
    return get_object_or_404(Source, slug=slug, kind=Source.Kind.GENERIC)


def _run_for_user(user, pk: int) -> ImportRun:
    """An upload of another organisation's log and its report, for those who may import."""
    access_imports_for_user(user)
    return get_object_or_404(
        ImportRun.objects.select_related("source", "started_by"),
        pk=pk,
        upload=None,
        file_kind=ImportRun.FileKind.GENERIC,
        source__kind=Source.Kind.GENERIC,
    )


def _table(run: ImportRun) -> generic.Table:
    try:
        return generic_services.generic_upload_table(run)
    except (FileRefused, OSError):
        raise Http404("The uploaded file is no longer kept.") from None


@login_required
@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    """Agency officers and administrators: the other organisations' logs imported, and their uploads."""
    access_imports_for_user(request.user)
    sources = Source.objects.filter(kind=Source.Kind.GENERIC).annotate(
        incident_count=Count("incidents", distinct=True), last_import=Max("imports__finished_at")
    )
    return render(request, "evidence/generic_source_list.html", {"sources": sources})


@login_required
@FORM_METHODS
def source_create(request: HttpRequest) -> HttpResponse:
    """Agency officers and administrators: add an organisation's log to import files of."""
    access_imports_for_user(request.user)
    form = SourceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            source = generic_services.source_create(
                name=form.cleaned_data["name"], attribution=form.cleaned_data["attribution"]
            )
        except ValidationError as error:
            form.add_error("name", error.messages[0])
        else:
            messages.success(request, f"“{source.name}” was added. Upload its first file.")
            return redirect("evidence:generic-upload", slug=source.slug)
    return render(
        request, "evidence/generic_source_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@FORM_METHODS
def generic_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Agency officers and administrators: upload a file of a source's log. With a saved mapping
    that fits the file, the next page is the preview; otherwise, choosing its columns."""
    source = _source_for_user(request.user, slug)
    posted = request.method == "POST"
    form = GenericUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        run = generic_services.generic_upload_create(
            source=source, uploaded_file=form.cleaned_data["file"], started_by=request.user
        )
        if generic.mapping_fits(source.column_mapping, form.table.headings):
            return redirect("evidence:generic-preview", pk=run.pk)
        return redirect("evidence:generic-map", pk=run.pk)
    recent = source.imports.filter(upload=None).select_related("started_by")[:10]
    return render(
        request,
        "evidence/generic_upload.html",
        {"source": source, "form": form, "recent": recent, "fields": generic.FIELDS},
        status=400 if form.errors else 200,
    )


@login_required
@FORM_METHODS
def generic_map(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency officers and administrators: the file's headings and first rows, and which column
    holds each field (from the source's saved mapping where it fits, else guessed)."""
    run = _run_for_user(request.user, pk)
    if run.is_finished:
        return redirect("evidence:generic-report", pk=run.pk)
    table = _table(run)
    source = run.source
    saved = source.column_mapping
    initial = saved if generic.mapping_fits(saved, table.headings) else generic.mapping_guess(table.headings)
    if request.method == "POST":
        form = MappingForm(request.POST, headings=table.headings, initial_mapping=initial)
        if form.is_valid():
            generic_services.source_mapping_save(source=source, mapping=form.mapping())
            return redirect("evidence:generic-preview", pk=run.pk)
    else:
        form = MappingForm(headings=table.headings, initial_mapping=initial)
    return render(
        request,
        "evidence/generic_map.html",
        {
            "run": run,
            "source": source,
            "table": table,
            "sample": table.rows[:SAMPLE_ROWS],
            "form": form,
            "guessed": initial is not saved,
        },
        status=400 if form.errors else 200,
    )


@login_required
@FORM_METHODS
def generic_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency officers and administrators: the first rows as they will be read and placed, and the
    rows that will be skipped; then import the file (or discard it)."""
    run = _run_for_user(request.user, pk)
    if run.is_finished:
        return redirect("evidence:generic-report", pk=run.pk)
    table = _table(run)
    source = run.source
    if not generic.mapping_fits(source.column_mapping, table.headings):
        messages.info(request, "Choose which column of this file holds each part of an incident.")
        return redirect("evidence:generic-map", pk=run.pk)
    errors: list[str] = []
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step == "confirm":
            run = generic_services.generic_upload_import(run=run)
            return redirect("evidence:generic-report", pk=run.pk)
        if step == "discard":
            name = run.file_name
            generic_services.generic_upload_discard(run=run)
            messages.success(request, f"“{name}” was discarded. Nothing from it was imported.")
            return redirect("evidence:generic-upload", slug=source.slug)
        errors.append("Choose to import the file or to discard it")
    preview = generic_services.generic_preview_build(table=table, mapping=source.column_mapping)
    return render(
        request,
        "evidence/generic_preview.html",
        {
            "run": run,
            "source": source,
            "preview": preview,
            "errors": errors,
            "preview_rows": generic_services.PREVIEW_ROWS,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def generic_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency officers and administrators: what an import added, and the rows it skipped."""
    run = _run_for_user(request.user, pk)
    if not run.is_finished:
        return redirect("evidence:generic-preview", pk=run.pk)
    return render(request, "evidence/generic_report.html", {"run": run, "source": run.source})
