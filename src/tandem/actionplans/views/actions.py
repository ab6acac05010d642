"""A group's action plan (and the partnership's own): the plan page with filters, the timeline,
creating and changing actions, progress updates, and completing them with an evaluation.

Each view parses the request, fetches through an ``access_…`` helper, calls a service for any
change, and renders. Forms and filters that fail validation are shown again with status 400;
a refused change writes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tandem.actionplans import selectors, services
from tandem.actionplans.access import (
    access_action_for_user,
    access_group_plan_for_user,
    access_partnership_plan_for_user,
    is_plan_insider,
)
from tandem.actionplans.evaluation_panels import evaluation_panels
from tandem.actionplans.forms import (
    ActionForm,
    CancelForm,
    CompleteForm,
    EvaluateForm,
    FilterForm,
    UpdateForm,
)
from tandem.actionplans.models import Action
from tandem.partnership.access import Viewer, viewer_for
from tandem.partnership.models import Group, Partnership
from tandem.partnership.views import _apply_errors, _data

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _status(*forms) -> int:
    return 400 if any(form is not None and form.errors for form in forms) else 200


def _form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "actionplans/action_form.html", context, status=status)


def _filter_form(
    request: HttpRequest,
    *,
    base: QuerySet[Action],
    partnership: Partnership,
    group: Group | None,
    viewer: Viewer,
    is_insider: bool,
) -> FilterForm:
    return FilterForm(
        request.GET or None,
        leads=selectors.plan_leads(base, viewer=viewer, is_insider=is_insider),
        organisations=selectors.plan_organisations(base, viewer=viewer),
        priorities=selectors.partnership_priorities(partnership),
        problems=selectors.issue_problems(partnership=partnership, group=group, viewer=viewer),
    )


def _query(request: HttpRequest) -> str:
    return request.GET.urlencode()


# --- The plan -------------------------------------------------------------------------------


def group_actions(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a group's action plan in the seed's five columns (issue, action, lead, date for
    completion, did it work?) and its status, with filters and counts. The public sees the public
    actions and their outcomes; the group's members and officers see every action."""
    group, can_edit = access_group_plan_for_user(request.user, slug)
    viewer = viewer_for(request.user)
    insider = is_plan_insider(viewer, group)
    form = _filter_form(
        request,
        base=Action.objects.filter(group=group),
        partnership=group.partnership,
        group=group,
        viewer=viewer,
        is_insider=insider,
    )
    plan = selectors.group_plan(group=group, viewer=viewer, filters=form.filters())
    return render(
        request,
        "actionplans/group_actions.html",
        {
            "group": group,
            "plan": plan,
            "form": form,
            "can_edit": can_edit,
            "filtered": form.filters().any,
            "query": _query(request),
        },
        status=_status(form),
    )


def group_actions_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the group's plan as a timeline (a bar per action from its start to its date for
    completion, today marked), with the same figures in a table. Same filters as the plan."""
    group, can_edit = access_group_plan_for_user(request.user, slug)
    viewer = viewer_for(request.user)
    insider = is_plan_insider(viewer, group)
    form = _filter_form(
        request,
        base=Action.objects.filter(group=group),
        partnership=group.partnership,
        group=group,
        viewer=viewer,
        is_insider=insider,
    )
    plan = selectors.group_plan(group=group, viewer=viewer, filters=form.filters())
    today = timezone.localdate()
    return render(
        request,
        "actionplans/group_actions_timeline.html",
        {
            "group": group,
            "plan": plan,
            "form": form,
            "timeline": selectors.plan_timeline(plan.rows, today=today),
            "today": today,
            "filtered": form.filters().any,
            "query": _query(request),
        },
        status=_status(form),
    )


def partnership_actions(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the partnership's own actions (those of no group), like a group's plan. Officers and
    administrators see and change every one."""
    partnership, can_edit = access_partnership_plan_for_user(request.user, slug)
    viewer = viewer_for(request.user)
    insider = is_plan_insider(viewer, None)
    form = _filter_form(
        request,
        base=Action.objects.filter(partnership=partnership, group__isnull=True),
        partnership=partnership,
        group=None,
        viewer=viewer,
        is_insider=insider,
    )
    plan = selectors.partnership_plan(partnership=partnership, viewer=viewer, filters=form.filters())
    return render(
        request,
        "actionplans/partnership_actions.html",
        {
            "partnership": partnership,
            "plan": plan,
            "form": form,
            "can_edit": can_edit,
            "filtered": form.filters().any,
            "query": _query(request),
        },
        status=_status(form),
    )


# --- Creating and changing an action ---------------------------------------------------------


def _create(
    request: HttpRequest, *, partnership: Partnership, group: Group | None, cancel_url: str
) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = ActionForm(
        _data(request),
        partnership=partnership,
        problems=selectors.issue_problems(partnership=partnership, group=group, viewer=viewer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                group=group, partnership=partnership, **form.service_data(), by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The action has been added to the plan.")
            return redirect(action)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Add an action",
            "caption": group.name if group else f"{partnership.name}: partnership actions",
            "cancel_url": cancel_url,
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def action_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers and the group's chair, vice-chair, note taker and support officers: add an action to
    the group's plan."""
    group, _ = access_group_plan_for_user(request.user, slug, write=True)
    return _create(
        request,
        partnership=group.partnership,
        group=group,
        cancel_url=reverse("actionplans:group-actions", kwargs={"slug": group.slug}),
    )


@login_required
@FORM_METHODS
def partnership_action_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers: add a partnership-level action (one of no group)."""
    partnership, _ = access_partnership_plan_for_user(request.user, slug, write=True)
    return _create(
        request,
        partnership=partnership,
        group=None,
        cancel_url=reverse("actionplans:partnership-actions", kwargs={"slug": partnership.slug}),
    )


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: an action, its lead, dates, status, progress updates and evaluation. Private actions
    only for the group's members and officers (404 for others); internal notes and the money only
    for them."""
    access = access_action_for_user(request.user, pk)
    page = selectors.action_page(action=access.action, viewer=access.viewer, is_insider=access.is_insider)
    updates = [
        (
            update,
            selectors.update_author(update, show_names=access.is_insider),
            selectors.DISPLAY_STATUSES.get(update.status, ("", "govuk-tag--grey"))[1],
        )
        for update in page.updates
    ]
    return render(
        request,
        "actionplans/action_detail.html",
        {
            "action": page.row.action,
            "page": page,
            "access": access,
            "updates": updates,
            "evidence": selectors.action_evidence(page.row.action),
            "panels": evaluation_panels(page.row.action),
        },
    )


@login_required
@FORM_METHODS
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers and the group's chair, vice-chair, note taker and support officers: change an
    action's details, or cancel it saying why."""
    access = access_action_for_user(request.user, pk, write=True)
    action = access.action
    cancelling = request.method == "POST" and "cancel_action" in request.POST
    form = ActionForm(
        None if cancelling else _data(request),
        partnership=action.partnership,
        problems=selectors.issue_problems(
            partnership=action.partnership,
            group=action.group,
            viewer=access.viewer,
            include=action.problem_id,
        ),
        action=action,
    )
    cancel_form = CancelForm(request.POST if cancelling else None) if action.is_open else None
    if cancelling and cancel_form is not None and cancel_form.is_valid():
        try:
            services.action_cancel(action=action, reason=cancel_form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            _apply_errors(cancel_form, exc)
        else:
            messages.success(request, "The action has been cancelled.")
            return redirect(action)
    elif request.method == "POST" and not cancelling and form.is_valid():
        try:
            services.action_update(action=action, data=form.service_data(), by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The action has been updated.")
            return redirect(action)
    status = _status(cancel_form) if cancelling else _status(form)
    if cancelling and cancel_form is None:
        status = 400
    return _form_page(
        request,
        {
            "form": form,
            "cancel_form": cancel_form,
            "refusal": (
                f"The action is {action.get_status_display().lower()}: it cannot be cancelled."
                if cancelling and cancel_form is None
                else ""
            ),
            "action": action,
            "title": "Change the action",
            "caption": action.description[:80],
            "cancel_url": action.get_absolute_url(),
        },
        status=status,
    )


# --- Progress and evaluation -----------------------------------------------------------------


@login_required
@FORM_METHODS
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The action's lead, officers and the group's chair, vice-chair, note taker and support officers:
    post a dated progress update, optionally moving it on (not started, on track, at risk)."""
    access = access_action_for_user(request.user, pk, update=True)
    action = access.action
    form = UpdateForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_add(
                action=action,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                is_internal=form.cleaned_data["is_internal"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The update has been posted.")
            return redirect(action)
    label, _ = selectors.DISPLAY_STATUSES.get(action.display_status, (action.display_status_label, ""))
    return _form_page(
        request,
        {
            "form": form,
            "title": "Post a progress update",
            "caption": action.description[:80],
            "lead": f"The action is {label.lower()}."
            + ("" if action.is_open else " Its status cannot change now, but updates can still be posted."),
            "cancel_url": action.get_absolute_url(),
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def action_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers and the group's chair, vice-chair, note taker and support officers: mark an open
    action done with its evaluation (or the date by which it will be evaluated), or evaluate a done
    one later."""
    access = access_action_for_user(request.user, pk, write=True)
    action = access.action
    if action.status == Action.Status.CANCELLED:
        return _form_page(
            request,
            {
                "form": None,
                "show_form": False,
                "title": "Evaluate the action",
                "caption": action.description[:80],
                "lead": "The action was cancelled: there is nothing to evaluate.",
                "refusal": (
                    "The action was cancelled: there is nothing to evaluate."
                    if request.method == "POST"
                    else ""
                ),
                "cancel_url": action.get_absolute_url(),
            },
            status=400 if request.method == "POST" else 200,
        )
    completing = action.is_open
    if completing:
        form = CompleteForm(_data(request))
    else:
        initial = {
            "worked": action.worked,
            "evidence": action.evaluation_evidence,
            "learning": action.evaluation_learning,
            "evaluate_by": action.evaluate_by,
        }
        form = EvaluateForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if completing:
                services.action_complete(
                    action=action,
                    worked=data["worked"],
                    evidence=data["evidence"],
                    learning=data["learning"],
                    evaluate_by=data["evaluate_by"],
                    completed_on=data["completed_on"],
                    by=request.user,
                )
            else:
                services.action_evaluate(
                    action=action,
                    worked=data["worked"],
                    evidence=data["evidence"],
                    learning=data["learning"],
                    evaluate_by=data["evaluate_by"],
                    by=request.user,
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, "The action is done." if completing else "The evaluation has been saved."
            )
            return redirect(action)
    if completing:
        lead = (
            "An action is marked done with its evaluation: did it work, what the evidence says and what "
            "was learned. If it is too soon to judge, give the date by which it will be evaluated."
        )
    elif action.worked in selectors.FINAL_JUDGEMENTS:
        when = selectors.format_date(action.evaluated_on)
        lead = f"It was evaluated on {when}. You can change the evaluation."
    else:
        lead = "The action is done but has not been evaluated yet."
    return _form_page(
        request,
        {
            "form": form,
            "title": "Mark the action done" if completing else "Evaluate the action",
            "caption": action.description[:80],
            "lead": lead,
            "cancel_url": action.get_absolute_url(),
            "evidence": selectors.action_evidence(action),
            "panels": evaluation_panels(action),
        },
        status=_status(form),
    )
