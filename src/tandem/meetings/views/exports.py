"""Circulation, the agenda pack and minutes as documents, and calendar feeds.

Documents and feeds are drawn from the same access rules as the pages: the public
get public items and approved minutes only; members and officers get everything
(except that anything leaving Tandem by email or feed never names a confidential item).
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from tandem.meetings import calendar, circulation, packs
from tandem.meetings.access import access_meeting_for_user
from tandem.meetings.models import Circulation
from tandem.partnership.access import access_group_for_user
from tandem.partnership.models import Person

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ICS = "text/calendar; charset=utf-8"


def _sign_in_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _download(content: bytes, content_type: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    return response


def _ics(content: bytes, name: str) -> HttpResponse:
    response = _download(content, ICS, name, inline=True)
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Circulation ------------------------------------------------------------------------


@_sign_in_required
@FORM_METHODS
def meeting_circulate(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers: check who will get the agenda, then send it to the group's members by email."""
    access = access_meeting_for_user(request.user, pk, write=True)
    meeting = access.meeting
    recipients, without_email = circulation.circulation_recipients(meeting)
    errors = []
    if request.method == "POST":
        try:
            queued = circulation.meeting_circulate(meeting=meeting, by=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            if queued:
                messages.success(
                    request,
                    f"The agenda is being sent to {len(queued)} member{'s' if len(queued) != 1 else ''}.",
                )
            else:
                messages.info(request, "Everyone has already been sent this version of the agenda.")
            return redirect("meetings:circulation-log", pk=meeting.pk)
    elif meeting.is_cancelled:
        errors = ["This meeting has been cancelled, so its agenda cannot be circulated."]
    elif meeting.starts_at <= timezone.now():
        errors = ["This meeting is in the past, so its agenda cannot be circulated."]
    return render(
        request,
        "meetings/circulation_confirm.html",
        {
            "meeting": meeting,
            "access": access,
            "recipients": recipients,
            "without_email": without_email,
            "errors": errors,
            "when": packs.when_text(meeting),
            "items": access.items(),
        },
        status=400 if errors and request.method == "POST" else 200,
    )


@_sign_in_required
@FORM_METHODS
def circulation_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the group: who was sent what about the meeting, and which emails failed.

    Organisers may ask for failed emails to be tried again (POST).
    """
    access = access_meeting_for_user(request.user, pk)
    if not access.is_insider:
        raise Http404("No such meeting")
    meeting = access.meeting
    if request.method == "POST":
        if not access.can_manage:
            raise PermissionDenied("Only the group's chair, note taker or a partnership officer can do this.")
        count = circulation.circulation_retry(meeting=meeting, by=request.user)
        if count:
            messages.success(request, f"Trying {count} failed email{'s' if count != 1 else ''} again.")
        else:
            messages.info(request, "There are no failed emails to try again.")
        return redirect("meetings:circulation-log", pk=meeting.pk)
    rows = list(
        Circulation.objects.filter(meeting=meeting)
        .select_related("person")
        .order_by("-sequence", "kind", "person__name")
    )
    failed = [row for row in rows if row.status == Circulation.Status.FAILED]
    return render(
        request,
        "meetings/circulation_log.html",
        {
            "meeting": meeting,
            "access": access,
            "rows": rows,
            "failed": failed,
            "sent_count": sum(1 for row in rows if row.status == Circulation.Status.SENT),
            "queued_count": sum(1 for row in rows if row.status == Circulation.Status.QUEUED),
            "max_attempts": circulation.MAX_ATTEMPTS,
            "when": packs.when_text(meeting),
        },
    )


# --- Agenda pack and minutes -------------------------------------------------------------


def _audience(access) -> packs.Audience:
    return packs.Audience.INSIDERS if access.is_insider else packs.Audience.PUBLIC


@require_safe
def agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: the agenda pack as a PDF (public items only, unless a member or officer)."""
    access = access_meeting_for_user(request.user, pk)
    content = packs.agenda_pdf(access.meeting, _audience(access))
    return _download(content, "application/pdf", packs.filename(access.meeting, "agenda", "pdf"))


@require_safe
def agenda_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: the agenda as a Word document (public items only, unless a member or officer)."""
    access = access_meeting_for_user(request.user, pk)
    content = packs.agenda_docx(access.meeting, _audience(access))
    return _download(content, DOCX, packs.filename(access.meeting, "agenda", "docx"))


def _minutes_access(request: HttpRequest, pk: int):
    access = access_meeting_for_user(request.user, pk)
    if not access.can_see_minutes:
        raise Http404("These minutes have not been approved yet")
    return access


@require_safe
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: approved minutes as a PDF (members and officers also get draft minutes)."""
    access = _minutes_access(request, pk)
    content = packs.minutes_pdf(access.meeting, _audience(access))
    return _download(content, "application/pdf", packs.filename(access.meeting, "minutes", "pdf"))


@require_safe
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: approved minutes as a Word document (members and officers also get drafts)."""
    access = _minutes_access(request, pk)
    content = packs.minutes_docx(access.meeting, _audience(access))
    return _download(content, DOCX, packs.filename(access.meeting, "minutes", "docx"))


# --- Calendars ---------------------------------------------------------------------------


@require_safe
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: one visible meeting as a calendar invitation (.ics)."""
    access = access_meeting_for_user(request.user, pk)
    content = calendar.meeting_invitation(access.meeting, insider=access.is_insider)
    return _ics(content, packs.filename(access.meeting, "meeting", "ics"))


@require_safe
def group_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a public group's public meetings as a calendar feed (404 for a private group).

    Calendar programs cannot sign in, so the feed is the same for everyone.
    """
    group = access_group_for_user(AnonymousUser(), slug)
    return _ics(calendar.group_feed(group), f"{group.slug}-meetings.ics")


@_sign_in_required
@require_safe
def my_calendar(request: HttpRequest) -> HttpResponse:
    """Signed in: the address of your personal calendar feed, and how to subscribe to it."""
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404("Your account is not linked to a person in any group, so you have no meetings feed.")
    path = reverse("meetings:person-ics", kwargs={"token": calendar.person_token(person)})
    feed_url = f"{settings.SITE_URL}{path}"
    return render(
        request,
        "meetings/my_calendar.html",
        {
            "person": person,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
        },
    )


@require_safe
def person_ics(request: HttpRequest, token: str) -> HttpResponse:
    """Public: with the secret address, one person's meetings in all their groups (.ics).

    Anyone holding the address can read it, so it never names a confidential item.
    """
    person = calendar.person_from_token(token)
    if person is None:
        raise Http404("No such calendar")
    return _ics(calendar.person_feed(person), "my-meetings.ics")
