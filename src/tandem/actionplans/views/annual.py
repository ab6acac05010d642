"""The annual Community Safety Action Plan: the list, compiling, the plan page, editing it
before approval, and approving it.

Each view parses the request, fetches through an ``access_…`` helper, calls a service in
``tandem.actionplans.annual`` for any change, and renders. Bad input and refused changes are
shown as an error summary with status 400; nothing is written.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.actionplans import annual
from tandem.actionplans.access import access_partnership_plan_for_user, access_plan_for_user
from tandem.actionplans.annual_forms import (
    EntryAddForm,
    EntryChangeForm,
    EntrySearchForm,
    PlanApproveForm,
    PlanCreateForm,
)
from tandem.actionplans.models import AnnualPlan, QuarterlyReview
from tandem.partnership.access import viewer_for
from tandem.partnership.views import _apply_errors, _data
from tandem.strategy.models import Strategy

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "actionplans/plan_form.html", context, status=status)


def plan_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the partnership's approved annual plans; officers also see drafts and compile them."""
    partnership, can_edit = access_partnership_plan_for_user(request.user, slug)
    plans = (
        AnnualPlan.objects.filter(partnership=partnership)
        .select_related("strategy")
        .annotate(entry_count=Count("entries"))
        .order_by("-starts_on")
    )
    if not can_edit:
        plans = plans.filter(status=AnnualPlan.Status.APPROVED)
    return render(
        request,
        "actionplans/plan_list.html",
        {"partnership": partnership, "plans": plans, "can_edit": can_edit},
    )


@login_required
@FORM_METHODS
def plan_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers: choose a strategy and a year; the plan is compiled from the actions tagged with
    the strategy's priorities."""
    partnership, _ = access_partnership_plan_for_user(request.user, slug, write=True)
    strategies = list(Strategy.objects.filter(partnership=partnership).order_by("-starts_on"))
    taken = set(AnnualPlan.objects.filter(partnership=partnership).values_list("starts_on", flat=True))
    form = PlanCreateForm(_data(request), strategies=strategies, taken=taken)
    if request.method == "POST" and form.is_valid():
        strategy, starts_on, ends_on = form.chosen()
        try:
            plan = annual.plan_compile(
                partnership=partnership,
                strategy=strategy,
                starts_on=starts_on,
                ends_on=ends_on,
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            count = plan.entries.count()
            messages.success(
                request,
                f"{plan.title} compiled with {count} action{'s' if count != 1 else ''}. Check it, then "
                "approve it.",
            )
            return redirect(plan)
    if not strategies:
        lead = (
            "There is no strategy yet. The plan is compiled from the actions tagged with a strategy's "
            "priorities."
        )
    elif not form.fields["year"].choices:
        lead = "Every year of the partnership's strategies already has a plan."
    else:
        lead = (
            "The plan is compiled from every action of the partnership's groups, and its own, that is "
            "tagged with one of the strategy's priorities and due, started or still open in the year. "
            "You can then add, remove and reorder actions before approving it."
        )
    return _form_page(
        request,
        {
            "form": form if form.fields["year"].choices else None,
            "title": "Compile an annual plan",
            "caption": partnership.name,
            "lead": lead,
            "cancel_url": reverse("actionplans:plan-list", kwargs={"slug": partnership.slug}),
            "strategy_create_url": None
            if strategies
            else reverse("strategy:strategy-create", kwargs={"slug": partnership.slug}),
        },
        status=400 if form.errors else 200,
    )


def _plan_sections(request: HttpRequest, plan: AnnualPlan, viewer) -> dict:
    """The priorities to show, parsed from the query string: every priority with its first
    ``annual.SHOWN`` actions, or with ``?priority=<slug>`` that priority's actions in full,
    ``annual.PER_PAGE`` to a page (``?page=``). A priority that is not in the plan shows the whole
    plan, a page that does not exist the nearest page, each with an error (status 400)."""
    slug = request.GET.get("priority", "").strip()
    context = {"focus": None, "errors": []}
    if not slug:
        return {**context, "blocks": annual.plan_blocks(plan, viewer)}
    blocks = annual.plan_blocks(plan, viewer, shown=0)
    focus = next((block for block in blocks if block.slug == slug), None)
    if focus is None:
        return {
            "focus": None,
            "errors": [f"There is no strategic priority “{slug[:60]}” in this plan: choose one below."],
            "blocks": annual.plan_blocks(plan, viewer),
        }
    paginator = Paginator(range(focus.count), annual.PER_PAGE)  # the count is known: no query for it
    asked = request.GET.get("page", "").strip() or "1"
    try:
        page = paginator.page(asked)
    except InvalidPage:
        whole = asked.isdecimal() and len(asked) <= 12
        page = paginator.page(min(max(int(asked) if whole else 1, 1), paginator.num_pages))
        where = f"this is page {page.number} of {paginator.num_pages}"
        context["errors"] = [
            f"There is no page {asked}: {where}."
            if whole
            else f"“{asked[:20]}” is not a page number: {where}."
        ]
    focus.rows = annual.block_rows(
        plan, viewer, focus, offset=(page.number - 1) * annual.PER_PAGE, limit=annual.PER_PAGE
    )
    return {
        **context,
        "blocks": [focus],
        "focus": focus,
        "focus_number": blocks.index(focus) + 1,
        "page": page,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "page_query": urlencode({"priority": focus.slug}),
    }


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: an approved annual plan, grouped by strategic priority (the public sees public
    actions only), the first actions of each priority with a link to all of them. Drafts only for
    officers."""
    plan, can_edit = access_plan_for_user(request.user, pk)
    viewer = viewer_for(request.user)
    sections = _plan_sections(request, plan, viewer)
    context = {
        **sections,
        "plan": plan,
        "can_edit": can_edit,
        "is_draft": plan.status == AnnualPlan.Status.DRAFT,
        "year": annual.year_label(plan.starts_on, plan.ends_on),
    }
    status = 400 if sections["errors"] else 200
    if sections["focus"] is not None:
        return render(request, "actionplans/plan_priority.html", context, status=status)
    reviews = plan.reviews.order_by("period_start")
    if not can_edit:
        reviews = reviews.filter(status=QuarterlyReview.Status.FINAL)
    blocks = sections["blocks"]
    context.update(
        {
            "reviews": reviews,
            "total": sum(block.count for block in blocks),
            "hidden": sum(block.hidden_count for block in blocks),
        }
    )
    return render(request, "actionplans/plan_detail.html", context, status=status)


def _edit_post(request: HttpRequest, plan: AnnualPlan, add_form: EntryAddForm) -> tuple[list[str], str]:
    """Carry out one change from the edit page: (errors, success message)."""
    op = request.POST.get("op", "")
    try:
        if op == "recompile":
            added = annual.plan_recompile(plan=plan, by=request.user)
            if not added:
                return [], "There were no new actions to add."
            return [], f"{len(added)} new action{'s were' if len(added) != 1 else ' was'} added."
        if op == "add":
            if not add_form.is_valid():
                return [], ""
            action = add_form.cleaned_data["action"]
            annual.entry_add(
                plan=plan,
                action=action,
                strategic_priority=add_form.cleaned_data["strategic_priority"],
                by=request.user,
            )
            return [], f"“{action.description[:80]}” was added to the plan."
        change = EntryChangeForm(request.POST)
        if not change.is_valid():
            return [message for errors in change.errors.values() for message in errors], ""
        entry = plan.entries.select_related("action").filter(pk=change.cleaned_data["entry"]).first()
        if entry is None:
            return ["That action is no longer in the plan."], ""
        name = f"“{entry.action.description[:80]}”"
        if change.cleaned_data["op"] == "remove":
            annual.entry_remove(entry=entry, by=request.user)
            return [], f"{name} was removed from the plan."
        annual.entry_move(entry=entry, direction=change.cleaned_data["op"], by=request.user)
        return [], f"{name} was moved {change.cleaned_data['op']}."
    except ValidationError as exc:
        if op == "add":
            _apply_errors(add_form, exc)
            return [], ""
        return exc.messages, ""


@login_required
@FORM_METHODS
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: add, remove and reorder the plan's actions before it is approved. Works without
    JavaScript: each button is a small form. Shows the first actions of each priority, or one
    priority in full with ``?priority=`` (as the plan page)."""
    plan, _ = access_plan_for_user(request.user, pk, write=True)
    frozen = plan.status == AnnualPlan.Status.APPROVED
    posting = request.method == "POST"
    search = EntrySearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    if posting:
        q = request.POST.get("q", "")[:100]
    candidates = annual.entry_candidates(plan, q=q)
    total_found = candidates.count()
    shown = candidates.filter(pk__in=list(candidates.values_list("pk", flat=True)[: EntryAddForm.SHOWN]))
    is_add = posting and request.POST.get("op") == "add"
    add_form = EntryAddForm(request.POST if is_add else None, plan=plan, candidates=shown, initial={"q": q})
    errors: list[str] = []
    if posting:
        if frozen:
            errors = [annual.FROZEN_MESSAGE]
        else:
            errors, success = _edit_post(request, plan, add_form)
            if success:
                messages.success(request, success)
                # Back to the same priority and page (each form posts to the page's own address).
                back = reverse("actionplans:plan-edit", kwargs={"pk": plan.pk})
                query = {key: request.GET[key][:100] for key in ("priority", "page") if request.GET.get(key)}
                return redirect(f"{back}?{urlencode(query)}" if query else back)
    sections = _plan_sections(request, plan, viewer_for(request.user))
    status = 400 if errors or add_form.errors or sections["errors"] else 200
    return render(
        request,
        "actionplans/plan_edit.html",
        {
            **sections,
            "plan": plan,
            "frozen": frozen,
            "errors": errors + sections["errors"],
            "search": search,
            "q": q,
            "add_form": add_form,
            "found": total_found,
            "shown_count": min(total_found, EntryAddForm.SHOWN),
        },
        status=status,
    )


@login_required
@FORM_METHODS
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: record the partnership's decision approving the plan (in the minutes of the
    board's meeting that took it, or with its date); the plan is then frozen."""
    plan, _ = access_plan_for_user(request.user, pk, write=True)
    cancel_url = plan.get_absolute_url()
    if plan.status == AnnualPlan.Status.APPROVED:
        return _form_page(
            request,
            {
                "form": None,
                "title": "Approve the plan",
                "caption": plan.title,
                "lead": f"This plan was approved on {annual.date_text(plan.approved_on)}: "
                f"{plan.approval_text}",
                "errors": [annual.FROZEN_MESSAGE] if request.method == "POST" else [],
                "cancel_url": cancel_url,
            },
            status=400 if request.method == "POST" else 200,
        )
    meetings = annual.approval_meetings(plan)
    form = PlanApproveForm(
        _data(request), meetings=meetings, initial={"decision_text": annual.approval_text(plan)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            annual.plan_approve(
                plan=plan,
                meeting=form.cleaned_data["meeting"],
                decision_text=form.cleaned_data["decision_text"],
                approved_on=form.cleaned_data["approved_on"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{plan.title} is approved. It can no longer change.")
            return redirect(plan)
    groups = " or ".join(group.name for group in annual.top_groups(plan.partnership)) or "the partnership"
    return _form_page(
        request,
        {
            "form": form,
            "title": "Approve the plan",
            "caption": plan.title,
            "lead": "Approval is a decision of the partnership. Choose the meeting of "
            f"{groups} that approved it, and the decision goes into its minutes; or give the date it "
            "was approved elsewhere. Once approved, the plan cannot change.",
            "cancel_url": cancel_url,
        },
        status=400 if form.errors else 200,
    )
