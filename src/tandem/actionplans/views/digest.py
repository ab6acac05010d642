"""The lead's one-click progress update, from the link in their weekly digest email."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tandem.actionplans import digest
from tandem.actionplans.arising_forms import ProgressForm
from tandem.actionplans.models import Action, ActionUpdate
from tandem.partnership.views import _apply_errors, _data

RECENT_UPDATES = 5


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def progress_by_link(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Public, with the signed link from the weekly digest: the action's lead posts a progress
    update and sets its status without signing in (the link is the key, as for a person's
    calendar feed). A link that is expired, altered, for someone who no longer leads the action,
    or for no action at all gets the same "not found" page; a closed action says so."""
    link = digest.progress_link_check(pk=pk, token=token)
    if link is None:
        return render(request, "actionplans/progress_invalid.html", status=404)
    action, person = link.action, link.person
    if not action.is_open:
        return render(
            request, "actionplans/progress_closed.html", {"action": action, "person": person}, status=410
        )
    labels = dict(Action.Status.choices)
    form = ProgressForm(
        _data(request),
        statuses=[(status, labels[status]) for status in digest.LINK_STATUSES],
        initial={"status": action.status},
    )
    if request.method == "POST" and form.is_valid():
        try:
            digest.update_add_by_link(
                action=action,
                person=person,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                is_internal=form.cleaned_data["is_internal"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Thank you: your progress update has been posted.")
            return redirect(request.path)
    updates = list(
        ActionUpdate.objects.filter(action=action, author_person=person).order_by("-created_at", "-pk")[
            :RECENT_UPDATES
        ]
    )
    return render(
        request,
        "actionplans/progress_form.html",
        {"form": form, "action": action, "person": person, "updates": updates},
        status=400 if form.errors else 200,
    )
