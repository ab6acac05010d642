"""Putting an action arising from a meeting's minutes into the group's action plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from tandem.actionplans import arising as arising_services
from tandem.actionplans.access import EDIT_REFUSED, can_edit_plan
from tandem.actionplans.arising_forms import ArisingActionForm
from tandem.meetings.access import access_meeting_for_user
from tandem.meetings.models import ActionArising
from tandem.partnership.views import _apply_errors, _data

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _already(request: HttpRequest, arising: ActionArising, action, *, status: int) -> HttpResponse:
    return render(
        request,
        "actionplans/arising_already.html",
        {"arising": arising, "meeting": arising.meeting, "action": action},
        status=status,
    )


@login_required
@FORM_METHODS
def arising_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers and the group's plan editors (chair, vice-chair, note taker, support officers):
    put an action arising from a meeting's minutes into the group's action plan, prefilled from
    the minutes. 404 for those who may not see the meeting, its minutes or the item."""
    found = get_object_or_404(ActionArising.objects.only("pk", "meeting_id"), pk=pk)
    access = access_meeting_for_user(request.user, found.meeting_id)
    if not access.can_see_minutes:
        raise Http404("No such action arising")
    arising = ActionArising.objects.select_related("item", "lead", "lead_organisation").get(pk=pk)
    arising.meeting = access.meeting
    if arising.item is not None and arising.item.is_confidential and not access.is_insider:
        raise Http404("No such action arising")
    meeting = access.meeting
    if not can_edit_plan(request.user, meeting.group):
        raise PermissionDenied(EDIT_REFUSED)

    existing = arising_services.plan_action_for(arising)
    if existing is not None:
        return _already(request, arising, existing, status=409 if request.method == "POST" else 200)

    defaults = arising_services.arising_defaults(arising)
    form = ArisingActionForm(
        _data(request),
        partnership=meeting.group.partnership,
        problem=defaults["problem"],
        initial=ArisingActionForm.initial_from(defaults),
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = arising_services.action_from_arising(
                arising=arising, by=request.user, **form.service_data()
            )
        except arising_services.AlreadyInPlan as exc:
            return _already(request, arising, exc.action, status=409)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The action has been added to the group's action plan.")
            return redirect(action)
    return render(
        request,
        "actionplans/arising_form.html",
        {
            "form": form,
            "arising": arising,
            "meeting": meeting,
            "problem": defaults["problem"],
            "is_public": defaults["is_public"],
        },
        status=400 if form.errors else 200,
    )
