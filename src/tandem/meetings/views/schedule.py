"""A group's meetings: the list, scheduling one or a series, settings, a meeting's page,
moving and cancelling.

Each view parses the request, fetches through an ``access_…`` helper, calls a service for
any change, and renders. Forms that fail validation are shown again with status 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tandem.meetings import selectors, services
from tandem.meetings.access import access_group_meetings_for_user, access_meeting_for_user
from tandem.meetings.forms import CancelForm, MeetingForm, SeriesForm, SettingsForm
from tandem.meetings.minutes import meeting_quorum
from tandem.meetings.models import Meeting
from tandem.partnership.access import viewer_for
from tandem.partnership.views import _apply_errors, _data

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "meetings/form.html", context, status=status)


def _status(form) -> int:
    return 400 if form.errors else 200


def _when(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M}"


def _overlap_warnings(request: HttpRequest, meeting: Meeting) -> list[str]:
    return selectors.overlap_warnings(
        list(selectors.overlapping_meetings(meeting=meeting)), viewer_for(request.user)
    )


# --- A group's meetings -------------------------------------------------------------------


def group_meetings(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a group's upcoming and past meetings (private meetings only for officers and members)."""
    group, can_manage = access_group_meetings_for_user(request.user, slug)
    upcoming, past = selectors.group_meeting_list(group=group, viewer=viewer_for(request.user))
    return render(
        request,
        "meetings/group_meetings.html",
        {"group": group, "can_manage": can_manage, "upcoming": upcoming, "past": past},
    )


@login_required
@FORM_METHODS
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers: schedule one meeting of the group (its chair, vice-chair, note taker or an officer)."""
    group, _ = access_group_meetings_for_user(request.user, slug, write=True)
    form = MeetingForm(_data(request), initial=MeetingForm.initial_for_group(group))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(group=group, by=request.user, **form.meeting_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The meeting on {_when(meeting)} has been scheduled.")
            for warning in _overlap_warnings(request, meeting):
                messages.warning(request, warning)
            return redirect(meeting)
    return form_page(
        request,
        {
            "form": form,
            "title": "Schedule a meeting",
            "caption": group.name,
            "cancel_url": reverse("meetings:group-meetings", kwargs={"slug": group.slug}),
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def series_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers: schedule a series of meetings from a pattern, with a preview of the dates."""
    group, _ = access_group_meetings_for_user(request.user, slug, write=True)
    start = group.type.meeting_start_time
    initial = {"frequency": "monthly", "starts_on": timezone.localdate()}
    if start:
        initial.update(MeetingForm.initial_for_group(group))
    form = SeriesForm(_data(request), initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.series_data()
        if "preview" in request.POST:
            dates = services.series_dates(
                frequency=data["frequency"],
                weekday=data["weekday"],
                week_of_month=data["week_of_month"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                count=data["count"],
                skip_before=timezone.localdate(),
            )
            preview = [f"{d:%A} {d.day} {d:%B %Y}" for d in dates]
        else:
            try:
                series, meetings = services.series_create(group=group, by=request.user, **data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, f"{len(meetings)} meetings have been scheduled: {series.describe()}."
                )
                return redirect("meetings:group-meetings", slug=group.slug)
    return form_page(
        request,
        {
            "form": form,
            "title": "Schedule a series of meetings",
            "caption": group.name,
            "lead": 'For example, "second Tuesday of each month, 18:00 to 20:00". '
            "Dates that have already passed are left out.",
            "preview": preview,
            "cancel_url": reverse("meetings:group-meetings", kwargs={"slug": group.slug}),
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def settings_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers: the group's meeting settings: notice for the agenda, quorum and standing items."""
    group, _ = access_group_meetings_for_user(request.user, slug, write=True)
    current = selectors.meeting_settings_get(group)
    form = SettingsForm(
        _data(request),
        initial={
            "circulation_clear_days": current.circulation_clear_days,
            "quorum": current.quorum,
            "standing_items": current.standing_items,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_settings_update(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The meeting settings of {group.name} have been saved.")
            return redirect("meetings:group-meetings", slug=group.slug)
    return form_page(
        request,
        {
            "form": form,
            "title": "Meeting settings",
            "caption": group.name,
            "lead": "Standing items are added to every new agenda; agendas already made are not changed.",
            "cancel_url": reverse("meetings:group-meetings", kwargs={"slug": group.slug}),
        },
        status=_status(form),
    )


# --- One meeting ----------------------------------------------------------------------------


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a meeting's date, venue, agenda and minutes.

    The public sees public meetings, their public items and approved minutes; members of the
    group and officers also see confidential items, draft minutes and the circulation status.
    """
    access = access_meeting_for_user(request.user, pk)
    meeting = access.meeting
    page = selectors.meeting_page(access)
    settings = selectors.meeting_settings_get(meeting.group)
    context = {
        "meeting": meeting,
        "access": access,
        "page": page,
        "when": _when(meeting),
        "settings": settings,
        "circulation": selectors.circulation_status(meeting, settings),
        "is_past": meeting.ends_at < timezone.now(),
        "show_minutes": access.can_see_minutes and meeting.minutes_status != Meeting.MinutesStatus.NONE,
        "quorum": meeting_quorum(meeting=meeting) if access.is_insider else None,
        "overlaps": _overlap_warnings(request, meeting)
        if access.can_manage and not meeting.is_cancelled
        else [],
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@FORM_METHODS
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: change or move a meeting; if its agenda is out, members are told."""
    access = access_meeting_for_user(request.user, pk, write=True)
    meeting = access.meeting
    form = MeetingForm(_data(request), initial=MeetingForm.initial_for(meeting), submit="Save changes")
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.meeting_move(meeting=meeting, by=request.user, **form.meeting_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            meeting.refresh_from_db()
            if changed:
                messages.success(request, "The meeting has been changed.")
                for warning in _overlap_warnings(request, meeting):
                    messages.warning(request, warning)
            return redirect(meeting)
    return form_page(
        request,
        {
            "form": form,
            "title": "Change the meeting",
            "caption": f"{meeting.display_title}, {_when(meeting)}",
            "lead": "If the agenda has gone out, members will be told about a new time or place.",
            "cancel_url": meeting.get_absolute_url(),
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: cancel a meeting, giving a reason; if its agenda is out, members are told."""
    access = access_meeting_for_user(request.user, pk, write=True)
    meeting = access.meeting
    form = CancelForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, reason=form.cleaned_data["cancellation_reason"], by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The meeting has been cancelled.")
            return redirect(meeting)
    return form_page(
        request,
        {
            "form": form,
            "title": "Cancel the meeting",
            "caption": f"{meeting.display_title}, {_when(meeting)}",
            "lead": "The meeting stays listed, marked as cancelled with your reason. "
            "If its agenda has gone out, members will be told.",
            "cancel_url": meeting.get_absolute_url(),
        },
        status=_status(form),
    )
