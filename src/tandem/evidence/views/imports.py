"""Importing police.uk files from the web: upload, then follow the background import to its report."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.evidence import services
from tandem.evidence.access import access_import_run_for_user, access_imports_for_user
from tandem.evidence.forms import PoliceUploadForm
from tandem.evidence.models import ImportRun


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    """Agency officers and administrators: the imports so far, newest first."""
    access_imports_for_user(request.user)
    runs = ImportRun.objects.filter(upload=None).select_related("source", "started_by")[:100]
    return render(request, "evidence/import_list.html", {"runs": runs})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_create(request: HttpRequest) -> HttpResponse:
    """Agency officers and administrators: upload a police.uk file or monthly archive to import."""
    access_imports_for_user(request.user)
    posted = request.method == "POST"
    form = PoliceUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        run = services.import_upload_start(uploaded_file=form.cleaned_data["file"], started_by=request.user)
        return redirect(run.get_absolute_url())
    return render(request, "evidence/import_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency officers and administrators: an import's progress and then its report. While it
    runs, htmx asks for the progress panel again every two seconds (without JavaScript, the page
    refreshes itself)."""
    run = access_import_run_for_user(request.user, pk)
    context = {
        "run": run,
        "parts": list(run.parts.select_related("source")),
        "progress": services.import_progress_read(run),
    }
    if request.htmx:
        return render(request, "evidence/_import_status.html", context)
    return render(request, "evidence/import_detail.html", context)
