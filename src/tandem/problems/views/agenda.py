"""Putting a problem on an upcoming meeting's agenda, so the meeting and the problem link to
each other and the problem's timeline shows where it was discussed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.partnership.views import _apply_errors, _data
from tandem.problems import services
from tandem.problems.access import access_problem_for_user
from tandem.problems.priority_forms import AgendaForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def problem_agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the group: the owning group's chair, vice-chair, note taker, agency
    representatives and support officers, and officers, put a problem on the agenda of an
    upcoming meeting of its group (or of the group it is escalated to)."""
    problem = access_problem_for_user(request.user, pk, write=True).problem
    meetings = services.agenda_meetings(problem)
    form = AgendaForm(_data(request), meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.problem_add_to_agenda(
                problem=problem,
                meeting=form.cleaned_data["meeting"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            meeting = link.item.meeting
            messages.success(request, f"“{problem.title}” is on the agenda of {meeting}.")
            return redirect(problem)
    has_meetings = meetings.exists()
    groups = " or ".join(group.name for group in services.agenda_groups(problem))
    lead = (
        f"It goes on the agenda as an item of its own, linked to this problem. Meetings of {groups} "
        "that have not happened yet are listed."
        if has_meetings
        else f"{groups} has no upcoming meeting whose agenda can still change. Schedule a meeting first."
    )
    return render(
        request,
        "problems/escalation_form.html",
        {
            "form": form if has_meetings or form.errors else None,
            "title": "Put the problem on a meeting's agenda",
            "caption": problem.title,
            "lead": lead,
            "cancel_url": problem.get_absolute_url(),
        },
        status=400 if form.errors else 200,
    )
