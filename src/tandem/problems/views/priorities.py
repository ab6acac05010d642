"""A group's priorities (choose, carry over, remove) and the parent group's priority board.

Each view parses the request, fetches through an access helper, calls a service in
``tandem.problems.priorities`` for any change, and renders. A refused change is shown
as the form's error summary with status 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.partnership.access import access_group_for_user, viewer_for
from tandem.partnership.models import Group
from tandem.partnership.views import _apply_errors, _data
from tandem.problems import polls
from tandem.problems import priorities as service
from tandem.problems.access import can_organise
from tandem.problems.models import Priority, Problem
from tandem.problems.priority_forms import ConfirmForm, PriorityForm

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _organised_group(request: HttpRequest, slug: str) -> Group:
    """The group, if the user organises it: 404 if they may not see it, 403 if they may not change it."""
    group = access_group_for_user(request.user, slug)
    if not can_organise(request.user, group):
        raise PermissionDenied(
            "Only the group's chair, vice-chair, note taker and officers can change its priorities."
        )
    return group


def _priorities_page(request: HttpRequest, group: Group, *, form=None, status: int = 200) -> HttpResponse:
    viewer = viewer_for(request.user)
    page = service.group_priority_page(group=group, viewer=viewer)
    organiser = can_organise(request.user, group)
    if (
        organiser
        and form is None
        and page.sets_priorities
        and len(page.current) + page.hidden_count < page.limit
    ):
        form = PriorityForm(candidates=service.priority_candidates(group=group, viewer=viewer))
    group_polls = polls.group_polls(group=group, viewer=viewer)
    for poll in group_polls:
        poll.status_text = polls.poll_status(poll)
    return render(
        request,
        "problems/priorities.html",
        {
            "group": group,
            "page": page,
            "form": form,
            "can_organise": organiser,
            "viewer": viewer,
            "open_polls": [poll for poll in group_polls if not poll.has_closed],
            "past_polls": [poll for poll in group_polls if poll.has_closed],
        },
        status=status,
    )


def group_priorities(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a group's current priorities with persistence, and those of past periods.

    Private groups only for officers and members (404 otherwise); problems that are not public
    only for insiders. The group's organisers also see the form to choose a priority."""
    group = access_group_for_user(request.user, slug)
    return _priorities_page(request, group)


@login_required
@FORM_METHODS
def priority_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of the group: its chair, vice-chair and note taker, and officers, choose a priority
    for the current period. A fourth (or N+1th) is refused with status 400."""
    group = _organised_group(request, slug)
    candidates = service.priority_candidates(group=group, viewer=viewer_for(request.user))
    # ?problem=<pk> (from a public vote's results) chooses the problem in advance.
    chosen = request.GET.get("problem", "")
    initial = {"problem": int(chosen)} if chosen.isdigit() and candidates.filter(pk=chosen).exists() else {}
    form = PriorityForm(_data(request), candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            priority = service.priority_set(
                group=group,
                problem=form.cleaned_data["problem"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"“{priority.problem.title}” is now priority {priority.rank} of {group.name}."
            )
            return redirect("problems:group-priorities", slug=group.slug)
    return _priorities_page(request, group, form=form, status=400 if form.errors else 200)


@login_required
@FORM_METHODS
def priorities_carry_over(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of the group: its organisers and officers carry the last period's open priorities over."""
    group = _organised_group(request, slug)
    viewer = viewer_for(request.user)
    page = service.group_priority_page(group=group, viewer=viewer)
    form = ConfirmForm(_data(request), label="Carry them over")
    if request.method == "POST":
        try:
            created = service.priorities_carry_over(
                group=group, from_period_start=page.previous_start, by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    f"{len(created)} priorit{'y' if len(created) == 1 else 'ies'} carried over "
                    f"from {page.previous_label}.",
                )
            else:
                messages.info(request, "There was nothing to carry over.")
            return redirect("problems:group-priorities", slug=group.slug)
    previous = service.annotate_persistence(
        list(
            service.visible_priorities(viewer)
            .filter(group=group, period_start=page.previous_start, problem__status__in=Problem.OPEN_STATUSES)
            .order_by("rank")
        )
    )
    return render(
        request,
        "problems/priority_confirm.html",
        {
            "form": form,
            "group": group,
            "title": f"Carry over the priorities of {page.previous_label}",
            "lead": f"These open problems will be {group.name}'s priorities for {page.period_label} too, "
            "up to its limit. Problems that are resolved or closed are left behind.",
            "priorities": previous,
            "cancel_url": reverse("problems:group-priorities", kwargs={"slug": group.slug}),
        },
        status=400 if form.errors else 200,
    )


@login_required
@FORM_METHODS
def priority_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the group: its organisers and officers take a current or future priority off."""
    priority = Priority.objects.select_related("group", "group__type", "problem").filter(pk=pk).first()
    if priority is None or not viewer_for(request.user).can_see_group(priority.group):
        raise Http404("No such priority")
    group = _organised_group(request, priority.group.slug)
    form = ConfirmForm(_data(request), label="Remove the priority", warning=True)
    if request.method == "POST":
        try:
            service.priority_remove(priority=priority, by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{priority.problem.title}” is no longer a priority of {group.name}.")
            return redirect("problems:group-priorities", slug=group.slug)
    service.annotate_persistence([priority])
    return render(
        request,
        "problems/priority_confirm.html",
        {
            "form": form,
            "group": group,
            "title": "Remove this priority?",
            "lead": f"“{priority.problem.title}” will no longer be one of {group.name}'s priorities for "
            f"{priority.period_label}. The problem itself stays as it is.",
            "priorities": [],
            "cancel_url": reverse("problems:group-priorities", kwargs={"slug": group.slug}),
        },
        status=400 if form.errors else 200,
    )


def priority_board(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the current priorities of every group below this one (for a JAG: its NAPs), with
    persistence. Problems that are not public only for insiders; private groups only for their
    members and officers."""
    group = access_group_for_user(request.user, slug)
    viewer = viewer_for(request.user)
    rows = service.priority_board(group=group, viewer=viewer)
    return render(
        request,
        "problems/board.html",
        {"group": group, "rows": rows, "count": sum(len(row.priorities) for row in rows)},
    )
