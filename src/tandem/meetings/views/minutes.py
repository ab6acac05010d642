"""Attendance and minutes pages: for the group's organisers (chair, vice-chair, note taker)
and partnership officers.

Every page fetches the meeting through ``access_meeting_for_user(..., write=True)``: anonymous
visitors are sent to sign in, people who can see the meeting but not run it get 403, and
everyone else 404. Forms that fail validation are shown again with the error summary and 400.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.meetings import minutes as services
from tandem.meetings.access import access_meeting_for_user
from tandem.meetings.minutes_forms import (
    ActionArisingForm,
    AttendanceForm,
    CorrectionForm,
    DecisionForm,
    MinutesForm,
)
from tandem.meetings.models import ActionArising, Decision, Meeting
from tandem.partnership.views import _apply_errors, _data

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in page for anonymous visitors; the view's access helper decides the rest."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _minutes_url(meeting: Meeting) -> str:
    return reverse("meetings:minutes-edit", kwargs={"pk": meeting.pk})


def _item_from_query(request: HttpRequest, meeting: Meeting):
    pk = request.GET.get("item", "")
    return meeting.items.filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 12 else None


def _form_page(request: HttpRequest, meeting: Meeting, context: dict, *, status: int = 200) -> HttpResponse:
    context = {"meeting": meeting, "cancel_url": _minutes_url(meeting), **context}
    return render(request, "meetings/minutes_form.html", context, status=status)


def _status(request: HttpRequest, form, blocked: str) -> int:
    """400 for a refused or invalid post; 200 for a page shown (even one that explains a refusal)."""
    if request.method == "POST" and (blocked or form.errors):
        return 400
    return 200


# --- Attendance -------------------------------------------------------------------------


@signed_in
@FORM_METHODS
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: record who was present, sent apologies or was absent, and any guests."""
    meeting = access_meeting_for_user(request.user, pk, write=True).meeting
    memberships = services.current_memberships(meeting=meeting)
    rows = list(meeting.attendance.select_related("person", "organisation"))
    existing = {row.person_id: row for row in rows if row.person_id}
    form = AttendanceForm(_data(request), memberships=memberships, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(meeting=meeting, people=form.people(), guests=form.guests())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            quorum = services.meeting_quorum(meeting=meeting)
            messages.success(request, f"Attendance has been saved. {quorum.text}.")
            return redirect(reverse("meetings:attendance-edit", kwargs={"pk": meeting.pk}))
    guests = [row for row in rows if row.person_id is None]
    return render(
        request,
        "meetings/attendance_edit.html",
        {
            "meeting": meeting,
            "form": form,
            "guests": guests,
            "quorum": services.meeting_quorum(meeting=meeting),
        },
        status=400 if form.errors else 200,
    )


# --- Minutes ------------------------------------------------------------------------------


@signed_in
@FORM_METHODS
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: the points noted for each agenda item, with its decisions and actions arising.

    Draft minutes can be edited; approved minutes change only through a recorded correction.
    """
    access = access_meeting_for_user(request.user, pk, write=True)
    meeting = access.meeting
    items = list(access.items().select_related("presenter", "presenter_organisation"))
    approved = meeting.minutes_status == Meeting.MinutesStatus.APPROVED
    form = MinutesForm(_data(request) if not approved else None, items=items)
    refused = ""
    if request.method == "POST":
        if approved:
            refused = services.APPROVED_MESSAGE
        elif form.is_valid():
            try:
                services.item_minutes_record(meeting=meeting, minutes=form.minutes())
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "The draft minutes have been saved.")
                return redirect(_minutes_url(meeting))
    decisions = list(meeting.decisions.select_related("item", "approves_minutes_of"))
    actions = list(meeting.actions_arising.select_related("item", "lead", "lead_organisation"))
    sections = [
        {
            "item": item,
            "field": form[f"item-{item.pk}"],
            "decisions": [d for d in decisions if d.item_id == item.pk],
            "actions": [a for a in actions if a.item_id == item.pk],
        }
        for item in items
    ]
    item_ids = {item.pk for item in items}
    return render(
        request,
        "meetings/minutes_edit.html",
        {
            "meeting": meeting,
            "form": form,
            "sections": sections,
            "decisions": decisions,
            "actions": actions,
            "other_decisions": [d for d in decisions if d.item_id not in item_ids],
            "other_actions": [a for a in actions if a.item_id not in item_ids],
            "approved": approved,
            "refused": refused,
            "corrections": meeting.corrections.select_related("item", "recorded_by"),
            "quorum": services.meeting_quorum(meeting=meeting),
        },
        status=400 if (form.errors or refused) else 200,
    )


# --- Decisions and actions arising -------------------------------------------------------------


@signed_in
@FORM_METHODS
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: record a decision ("RESOLVED that …") with the vote, if there was one."""
    meeting = access_meeting_for_user(request.user, pk, write=True).meeting
    form = DecisionForm(_data(request), meeting=meeting, initial={"item": _item_from_query(request, meeting)})
    blocked = services.APPROVED_MESSAGE if meeting.minutes_status == Meeting.MinutesStatus.APPROVED else ""
    if request.method == "POST" and not blocked and form.is_valid():
        try:
            services.decision_record(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The decision has been recorded.")
            return redirect(_minutes_url(meeting))
    return _form_page(
        request,
        meeting,
        {"form": form, "title": "Record a decision", "blocked": blocked},
        status=_status(request, form, blocked),
    )


@signed_in
@require_POST
def decision_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: remove a decision recorded by mistake, while the minutes are draft."""
    decision = get_object_or_404(Decision.objects.only("pk", "meeting_id"), pk=pk)
    meeting = access_meeting_for_user(request.user, decision.meeting_id, write=True).meeting
    try:
        services.decision_remove(decision=Decision.objects.get(pk=decision.pk))
    except ValidationError as exc:
        return _refused(request, meeting, exc)
    messages.success(request, "The decision has been removed.")
    return redirect(_minutes_url(meeting))


@signed_in
@FORM_METHODS
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: record an action arising: what, who leads and by when."""
    meeting = access_meeting_for_user(request.user, pk, write=True).meeting
    members = [m.person for m in services.current_memberships(meeting=meeting)]
    form = ActionArisingForm(
        _data(request), meeting=meeting, members=members, initial={"item": _item_from_query(request, meeting)}
    )
    blocked = services.APPROVED_MESSAGE if meeting.minutes_status == Meeting.MinutesStatus.APPROVED else ""
    if request.method == "POST" and not blocked and form.is_valid():
        try:
            services.action_arising_record(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The action has been recorded.")
            return redirect(_minutes_url(meeting))
    return _form_page(
        request,
        meeting,
        {"form": form, "title": "Record an action arising", "blocked": blocked},
        status=_status(request, form, blocked),
    )


@signed_in
@require_POST
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: remove an action arising recorded by mistake, while the minutes are draft."""
    action = get_object_or_404(ActionArising.objects.only("pk", "meeting_id"), pk=pk)
    meeting = access_meeting_for_user(request.user, action.meeting_id, write=True).meeting
    try:
        services.action_arising_remove(action=ActionArising.objects.get(pk=action.pk))
    except ValidationError as exc:
        return _refused(request, meeting, exc)
    messages.success(request, "The action has been removed.")
    return redirect(_minutes_url(meeting))


def _refused(request: HttpRequest, meeting: Meeting, exc: ValidationError) -> HttpResponse:
    return render(
        request,
        "meetings/minutes_refused.html",
        {"meeting": meeting, "errors": exc.messages, "back_url": _minutes_url(meeting)},
        status=400,
    )


# --- Approval and corrections ----------------------------------------------------------------


@signed_in
@FORM_METHODS
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: approve the draft minutes of the group's previous meeting at this one."""
    meeting = access_meeting_for_user(request.user, pk, write=True).meeting
    previous = services.previous_meeting(meeting=meeting)
    errors = []
    if request.method == "POST":
        if previous is None:
            errors = ["There is no earlier meeting of this group whose minutes could be approved."]
        else:
            try:
                services.minutes_approve(meeting=meeting, previous=previous)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, f"The minutes of {previous} have been approved.")
                return redirect(_minutes_url(meeting))
    return render(
        request,
        "meetings/minutes_approve.html",
        {
            "meeting": meeting,
            "previous": previous,
            "previous_items": list(previous.items.prefetch_related("decisions", "actions_arising"))
            if previous
            else [],
            "approval_text": services.approval_text(previous) if previous else "",
            "errors": errors,
            "cancel_url": _minutes_url(meeting),
        },
        status=400 if errors else 200,
    )


@signed_in
@FORM_METHODS
def correction_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: correct approved minutes, with the reason kept alongside them."""
    meeting = access_meeting_for_user(request.user, pk, write=True).meeting
    item = _item_from_query(request, meeting)
    form = CorrectionForm(
        _data(request), meeting=meeting, initial={"item": item, "new_text": item.minutes if item else ""}
    )
    blocked = ""
    if meeting.minutes_status != Meeting.MinutesStatus.APPROVED:
        blocked = "These minutes have not been approved: change them on the minutes page instead."
    if request.method == "POST" and not blocked and form.is_valid():
        try:
            services.minutes_correct(meeting=meeting, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The correction has been recorded.")
            return redirect(_minutes_url(meeting))
    return _form_page(
        request,
        meeting,
        {
            "form": form,
            "title": "Record a correction to the minutes",
            "lead": "Approved minutes are changed only by a correction. The reason, the text before and "
            "the text after are kept and shown with the minutes.",
            "blocked": blocked,
        },
        status=_status(request, form, blocked),
    )
