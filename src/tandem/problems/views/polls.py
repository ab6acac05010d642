"""Public votes on candidate priorities: a group's organisers open one, residents rank the
candidates, everyone who can see the group sees the counts, organisers close it early.

Each view parses the request, fetches through an access helper, calls a service in
``tandem.problems.polls`` for any change, and renders. A refused change is shown as the
form's error summary with status 400. Who voted is never shown to anyone.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.partnership.access import access_group_for_user, viewer_for
from tandem.partnership.views import _apply_errors, _data
from tandem.problems import polls as service
from tandem.problems.access import access_poll_for_user, can_organise, problems_visible_q
from tandem.problems.models import PriorityPoll
from tandem.problems.poll_forms import PollForm, RankingForm
from tandem.problems.priorities import period_label
from tandem.problems.priority_forms import ConfirmForm

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


@login_required
@FORM_METHODS
def poll_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of the group: its chair, vice-chair and note taker, and officers, ask residents to
    rank some of the group's open, public problems before it chooses its priorities."""
    group = access_group_for_user(request.user, slug)
    if not can_organise(request.user, group):
        raise PermissionDenied(
            "Only the group's chair, vice-chair, note taker and officers can ask residents to vote."
        )
    limit = group.type.priorities_per_period
    start = service.default_period_start(group)
    candidates = service.poll_candidates(group=group, period_start=start)
    form = PollForm(_data(request), candidates=candidates, limit=limit)
    if request.method == "POST" and form.is_valid():
        try:
            poll = service.poll_create(
                group=group,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                period_start=start,
                closes_on=form.cleaned_data["closes_on"],
                candidates=list(form.cleaned_data["candidates"]),
                max_ranks=form.cleaned_data["max_ranks"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"The vote “{poll.title}” is open until {service.long_date(poll.closes_on)}."
            )
            return redirect(poll)
    refusal = ""
    if not limit:
        refusal = (
            f"{group.name} does not set priorities (its type of group, {group.type.name}, has none), "
            "so it cannot ask residents to vote on them."
        )
        if request.method == "POST" and not form.errors:
            form.add_error(None, refusal)
    elif request.method != "POST" and candidates.count() < 2:
        refusal = (
            f"Residents need at least two problems to rank, and {group.name} and the groups below it "
            "have fewer than two open, public problems that are not already priorities."
        )
    return render(
        request,
        "problems/poll_form.html",
        {
            "group": group,
            "form": form,
            "refusal": refusal,
            "period_label": period_label(group.type.priority_period, start),
            "cancel_url": reverse("problems:group-priorities", kwargs={"slug": group.slug}),
        },
        status=400 if form.errors else 200,
    )


def _poll_page(
    request: HttpRequest, poll: PriorityPoll, *, form=None, close_form=None, status: int = 200
) -> HttpResponse:
    viewer = viewer_for(request.user)
    organiser = can_organise(request.user, poll.group)
    results = service.poll_results(poll=poll, viewer=viewer)
    current = service.poll_ranking_of(poll=poll, voter=request.user)
    if form is None and poll.is_open and viewer.is_signed_in:
        candidates = poll.candidates.filter(problems_visible_q(viewer)).order_by("title", "pk")
        form = RankingForm(candidates=candidates, max_ranks=poll.max_ranks, current=current)
    if poll.max_ranks == 1:
        points_text = "A problem scores 1 point for each person who chose it."
    else:
        points_text = (
            f"A problem scores {poll.max_ranks} points for each 1st choice, one fewer for each choice "
            f"below that, down to 1 point for a {service.rank_label(poll.max_ranks)}."
        )
    if close_form is None and organiser and not poll.has_closed:
        close_form = ConfirmForm(label="Close the vote now", warning=True)
    return render(
        request,
        "problems/poll_detail.html",
        {
            "poll": poll,
            "group": poll.group,
            "form": form,
            "close_form": close_form,
            "results": results,
            "status_text": service.poll_status(poll),
            "period_label": period_label(poll.group.type.priority_period, poll.period_start),
            "points_text": points_text,
            "has_voted": bool(current),
            "can_organise": organiser,
            "sets_priorities": bool(poll.group.type.priorities_per_period),
        },
        status=status,
    )


@FORM_METHODS
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a vote's candidates and results (points, first choices, how many people ranked each;
    never who voted). Signed-in people rank the candidates while it is open; visitors are asked to
    sign in. Votes of private groups only for the group's members and officers (404 otherwise)."""
    poll = access_poll_for_user(request.user, pk)
    if request.method != "POST":
        return _poll_page(request, poll)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = viewer_for(request.user)
    candidates = poll.candidates.filter(problems_visible_q(viewer)).order_by("title", "pk")
    current = service.poll_ranking_of(poll=poll, voter=request.user)
    try:
        service.poll_check_open(poll)
    except ValidationError as exc:
        # The form is not shown once the vote has closed: the message alone says why.
        form = RankingForm(candidates=candidates, max_ranks=poll.max_ranks, current=current)
        form.cleaned_data = {}  # an unbound form carries the refusal to the error summary
        _apply_errors(form, exc)
        return _poll_page(request, poll, form=form, status=400)
    form = RankingForm(request.POST, candidates=candidates, max_ranks=poll.max_ranks, current=current)
    if form.is_valid():
        try:
            service.poll_vote(poll=poll, voter=request.user, ranking=form.cleaned_data["ranking"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                "Your ranking has been changed." if current else "Thank you: your ranking has been recorded.",
            )
            return redirect(poll)
    return _poll_page(request, poll, form=form, status=400)


@login_required
@require_POST
def poll_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the group: its chair, vice-chair and note taker, and officers, close a vote early."""
    poll = access_poll_for_user(request.user, pk, write=True)
    close_form = ConfirmForm(request.POST, label="Close the vote now", warning=True)
    try:
        service.poll_close(poll=poll, by=request.user)
    except ValidationError as exc:
        close_form.is_valid()
        _apply_errors(close_form, exc)
        return _poll_page(request, poll, close_form=close_form, status=400)
    messages.success(request, f"The vote “{poll.title}” is closed. The rankings so far are the result.")
    return redirect(poll)
