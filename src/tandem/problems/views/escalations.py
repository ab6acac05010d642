"""Escalating a problem to the group above, the escalations a group has received, and deciding them.

Each view parses the request, fetches through an access helper, calls a service in
``tandem.problems.escalation`` for any change, and renders. A refused change is shown
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
from tandem.partnership.views import _apply_errors, _data
from tandem.problems import escalation as service
from tandem.problems.access import access_problem_for_user, can_organise
from tandem.problems.models import Escalation
from tandem.problems.priority_forms import DecisionForm, EscalationForm

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


@login_required
@FORM_METHODS
def escalation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the group: the owning group's chair, vice-chair, note taker, agency
    representatives and support officers, and officers, escalate a problem to the group above."""
    problem = access_problem_for_user(request.user, pk, write=True).problem
    parent = problem.group.parent
    waiting = service.open_escalation(problem)
    form = EscalationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            escalation = service.problem_escalate(
                problem=problem, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{problem.title}” has been escalated to {escalation.to_group.name}.")
            return redirect(problem)
    if parent is None:
        lead = f"{problem.group.name} has no group above it, so this problem cannot be escalated."
    elif waiting is not None:
        lead = f"It is already waiting for a decision from {waiting.to_group.name}."
    else:
        lead = (
            f"It will go to {parent.name}, which will decide whether to take it on, refer it back with "
            "advice, take no further action or set up a Community Led Solution group. It goes on the "
            f"agenda of {parent.name}'s next meeting."
        )
    return render(
        request,
        "problems/escalation_form.html",
        {
            "form": form if parent is not None and waiting is None or form.errors else None,
            "title": "Escalate the problem",
            "caption": problem.title,
            "lead": lead,
            "cancel_url": problem.get_absolute_url(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def group_escalations(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of the group: the escalations it has received (waiting and decided) and sent.
    Officers see every group's."""
    group = access_group_for_user(request.user, slug)
    viewer = viewer_for(request.user)
    if not (viewer.is_officer or group.pk in viewer.group_ids):
        raise PermissionDenied("Only the group's members and officers can see its escalations.")
    rows = list(
        Escalation.objects.select_related(
            "problem", "problem__category", "from_group", "to_group", "established_group"
        )
        .filter(to_group=group)
        .order_by("-escalated_at", "-pk")
    )
    sent = list(
        Escalation.objects.select_related("problem", "to_group", "established_group")
        .filter(from_group=group)
        .order_by("-escalated_at", "-pk")
    )
    for escalation in rows + sent:
        established = escalation.established_group
        escalation.established_visible = established is not None and viewer.can_see_group(established)
    return render(
        request,
        "problems/escalations.html",
        {
            "group": group,
            "waiting": [e for e in rows if e.is_open],
            "decided": [e for e in rows if not e.is_open],
            "sent": sent,
            "can_decide": can_organise(request.user, group),
        },
    )


@login_required
@FORM_METHODS
def escalation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the group: the receiving group's chair, vice-chair and note taker, and officers,
    record the decision on an escalation."""
    escalation = (
        Escalation.objects.select_related("problem", "problem__category", "from_group", "to_group")
        .filter(pk=pk)
        .first()
    )
    viewer = viewer_for(request.user)
    if escalation is None or not (
        viewer.is_officer or {escalation.to_group_id, escalation.from_group_id} & viewer.group_ids
    ):
        raise Http404("No such escalation")
    if not can_organise(request.user, escalation.to_group):
        raise PermissionDenied(
            f"Only the organisers of {escalation.to_group.name} and officers can decide this."
        )
    form = DecisionForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            escalation = service.escalation_decide(
                escalation=escalation,
                decision=form.cleaned_data["decision"],
                notes=form.cleaned_data["decision_notes"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            established = escalation.established_group
            if established:
                # The new group is private: its members, officers and the people who run the
                # deciding group may open its page (a fresh viewer: the group is new).
                if viewer_for(request.user).can_see_group(established):
                    messages.success(request, f"{established.name} has been set up.")
                    return redirect(established)
                messages.success(
                    request,
                    f"{established.name} has been set up. It is a private group: its members, "
                    f"officers and the organisers of {escalation.to_group.name} can see its page.",
                )
                return redirect("problems:group-escalations", slug=escalation.to_group.slug)
            messages.success(request, f"The decision on “{escalation.problem.title}” has been recorded.")
            return redirect("problems:group-escalations", slug=escalation.to_group.slug)
    return render(
        request,
        "problems/escalation_form.html",
        {
            "form": form if escalation.is_open or form.errors else None,
            "title": f"Decide on the escalation from {escalation.from_group.name}",
            "caption": escalation.to_group.name,
            "escalation": escalation,
            "lead": ""
            if escalation.is_open
            else (
                f"This was decided on {service.day_text(escalation.decided_at)}: "
                f"{escalation.get_decision_display().lower()}."
            ),
            "cancel_url": reverse("problems:group-escalations", kwargs={"slug": escalation.to_group.slug}),
        },
        status=400 if form.errors else 200,
    )
