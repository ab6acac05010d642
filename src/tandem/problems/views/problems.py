"""Problems: the list and map, reporting one, its page with the timeline, and the changes
group workers make to it (edit, status, notes, raised again, merge).

Each view parses the request, fetches through an ``access_…`` helper, calls a service for
any change, and renders. Forms that fail validation are shown again with status 400.
"""

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.partnership import services as partnership_services
from tandem.partnership.access import Viewer, viewer_for
from tandem.partnership.models import Group, Membership, Person
from tandem.partnership.views import _apply_errors, _data
from tandem.places.selectors import partnership_bounds
from tandem.problems import selectors, services
from tandem.problems.access import WORKER_ROLES, access_problem_for_user, can_work_on_group_problems
from tandem.problems.forms import (
    FilterForm,
    MergeForm,
    NoteForm,
    ProblemForm,
    RaiseForm,
    RaiserFields,
    StatusForm,
)
from tandem.problems.models import Problem
from tandem.problems.page_panels import problem_panels

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
PER_PAGE = 50


def _form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "problems/form.html", context, status=status)


def _status(form) -> int:
    return 400 if form.errors else 200


def _visible_groups(viewer: Viewer) -> QuerySet[Group]:
    return Group.objects.filter(viewer.groups_q()).order_by("name")


def _work_groups(user) -> QuerySet[Group]:
    """The groups whose problems this user may work on (every group for officers)."""
    viewer = viewer_for(user)
    if viewer.is_officer:
        return Group.objects.select_related("partnership").order_by("name")
    if not viewer.is_signed_in:
        return Group.objects.none()
    group_ids = (
        Membership.objects.current()
        .filter(person__user=user, role__in=WORKER_ROLES)
        .values_list("group_id", flat=True)
    )
    return Group.objects.filter(pk__in=list(group_ids)).select_related("partnership").order_by("name")


def _person_who_raised(form: RaiserFields) -> Person | None:
    """The person the form names as having raised the problem (None when it names nobody)."""
    data = form.raiser_data()
    if data is None:
        return None
    try:
        return partnership_services.person_find_or_create(**data)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {f"raiser_{name}" if name in data else name: errors for name, errors in exc.error_dict.items()}
        ) from exc


def _listing(request: HttpRequest) -> dict:
    """The filters, the filtered problems and the page of them shared by the list and the map."""
    viewer = viewer_for(request.user)
    form = FilterForm(request.GET or None, groups=_visible_groups(viewer))
    queryset = selectors.problem_list(viewer=viewer, filters=form.filters())
    paginator = Paginator(queryset, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "queryset": queryset,
        "page": page,
        "paginator": paginator,
        "query": query.urlencode(),
        "viewer": viewer,
        "can_create": _work_groups(request.user).exists() if viewer.is_signed_in else False,
    }


def problem_list(request: HttpRequest) -> HttpResponse:
    """Public: the problems the visitor may see, with filters (area, category, status, group, how often
    raised, words), 50 to a page. Filter values that are not valid are reported and left out."""
    context = _listing(request)
    del context["queryset"]
    return render(request, "problems/problem_list.html", context, status=_status(context["form"]))


def problem_map(request: HttpRequest) -> HttpResponse:
    """Public: the same problems on a map (those with a pin), with the list below as the text
    alternative."""
    context = _listing(request)
    points, more = selectors.map_points(context.pop("queryset"), limit=selectors.MAP_POINT_LIMIT)
    context.update(
        {
            "points": points,
            "more": more,
            "shown": len(points["features"]),
            "limit": selectors.MAP_POINT_LIMIT,
        }
    )
    return render(request, "problems/problem_map.html", context, status=_status(context["form"]))


@login_required
@FORM_METHODS
def problem_create(request: HttpRequest) -> HttpResponse:
    """Officers and group workers: record a problem (officers, and the chair, vice-chair, note taker,
    agency representatives and support officers of a group, for their groups)."""
    groups = _work_groups(request.user)
    if not groups.exists():
        raise PermissionDenied("Only officers and the people who run a group can record problems.")
    form = ProblemForm(_data(request), groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # nobody is recorded when the problem is refused
                problem = services.problem_create(
                    **form.service_data(),
                    raised_by_person=_person_who_raised(form),
                    contact_consent=bool(form.cleaned_data.get("raiser_agrees")),
                    raised_on=form.cleaned_data.get("raised_on"),
                    by=request.user,
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The problem “{problem.title}” has been recorded.")
            if problem.outside_partnership:
                messages.warning(request, "Its map pin is outside every area of the partnership.")
            return redirect(problem)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Record a problem",
            "lead": "Who raised it is never shown on the public site.",
            "cancel_url": reverse("problems:problem-list"),
            "pin_picker": True,
            "pin_bounds": partnership_bounds(set(groups.values_list("partnership_id", flat=True))),
        },
        status=_status(form),
    )


def _unlink_hidden_groups(page, *, problem: Problem, viewer: Viewer) -> None:
    """Drop the timeline's links to Community Led Solution groups the viewer cannot open (they are
    private), so nobody follows a link to a page that is not found."""
    hidden = {
        group.get_absolute_url()
        for group in Group.objects.filter(established_by_escalations__problem=problem)
        .exclude(viewer.groups_q())
        .only("pk", "slug")
    }
    if hidden:
        page.timeline = [
            dataclasses.replace(entry, url="") if entry.url in hidden else entry for entry in page.timeline
        ]


def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a problem's details and timeline. Private problems only for their group's members and
    officers (404 for others); who raised it, notes and the analysis only for those insiders."""
    access = access_problem_for_user(request.user, pk)
    problem = access.problem
    page = selectors.problem_page(problem=problem, viewer=access.viewer, is_insider=access.is_insider)
    _unlink_hidden_groups(page, problem=problem, viewer=access.viewer)
    similar = []
    if access.can_change and problem.is_open and not problem.merged_into_id:
        similar = selectors.problem_similar(problem=problem, viewer=access.viewer)
    return render(
        request,
        "problems/problem_detail.html",
        {
            "problem": problem,
            "access": access,
            "page": page,
            "similar": similar,
            "next_statuses": services.allowed_next_statuses(problem),
            "evidence": selectors.problem_evidence(problem),
            "panels": problem_panels(problem, is_insider=access.is_insider, user=request.user),
        },
    )


@login_required
@FORM_METHODS
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers and group workers: change a problem's details and its analysis."""
    access = access_problem_for_user(request.user, pk, write=True)
    problem = access.problem
    work_ids = list(
        _work_groups(request.user).filter(partnership=problem.partnership_id).values_list("pk", flat=True)
    )
    groups = Group.objects.filter(Q(pk__in=work_ids) | Q(pk=problem.group_id)).order_by("name")
    form = ProblemForm(
        _data(request), instance=Problem.objects.get(pk=problem.pk), groups=groups, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_update(problem=problem, data=form.service_data(), by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The problem has been updated.")
            return redirect(problem)
    return _form_page(
        request,
        {
            "form": form,
            "title": f"Change {problem.title}",
            "cancel_url": problem.get_absolute_url(),
            "pin_picker": True,
            "pin_bounds": partnership_bounds([problem.partnership_id]),
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def problem_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers and group workers: move a problem on through SARA, close it or reopen it, saying why."""
    access = access_problem_for_user(request.user, pk, write=True)
    problem = access.problem
    allowed = services.allowed_next_statuses(problem)
    form = StatusForm(_data(request), allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_set_status(
                problem=problem,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The status has been changed.")
            return redirect(problem)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Change the status",
            "caption": problem.title,
            "lead": f"It is now in {problem.get_status_display().lower()}."
            + ("" if allowed else " Its status cannot change: it was merged into another problem."),
            "cancel_url": problem.get_absolute_url(),
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers and group workers: add an analysis note or an update to a problem."""
    access = access_problem_for_user(request.user, pk, write=True)
    problem = access.problem
    form = NoteForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.note_add(problem=problem, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The note has been added.")
            return redirect(problem)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Add a note",
            "caption": problem.title,
            "lead": "Notes are seen only by the group's members and partnership officers.",
            "cancel_url": problem.get_absolute_url(),
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def problem_raise(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers and group workers: record that the problem was raised again."""
    access = access_problem_for_user(request.user, pk, write=True)
    problem = access.problem
    form = RaiseForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # nobody is recorded when the report is refused
                services.problem_raise_again(
                    problem=problem,
                    raised_on=form.cleaned_data["raised_on"],
                    raised_by=form.cleaned_data["raised_by"],
                    person=_person_who_raised(form),
                    organisation=form.cleaned_data["organisation"],
                    note=form.cleaned_data["note"],
                    contact_consent=bool(form.cleaned_data.get("raiser_agrees")),
                    by=request.user,
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "It has been recorded as raised again.")
            return redirect(problem)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Record that it was raised again",
            "caption": problem.title,
            "lead": f"It has been raised {problem.times_raised} time{pluralize(problem.times_raised)}.",
            "cancel_url": problem.get_absolute_url(),
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def problem_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers and group workers: merge a problem into a similar open one (both histories are kept)."""
    access = access_problem_for_user(request.user, pk, write=True)
    problem = access.problem
    candidates = []
    if problem.is_open and not problem.merged_into_id:
        candidates = [
            similar.problem
            for similar in selectors.problem_similar(problem=problem, viewer=access.viewer, limit=10)
            if can_work_on_group_problems(request.user, similar.problem.group)
        ]
    form = MergeForm(_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        target = next(p for p in candidates if p.pk == form.cleaned_data["target"])
        try:
            services.problem_merge(source=problem, target=target, by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The problem has been merged into #{target.pk} {target.title}.")
            return redirect(target)
    lead = (
        "Its reports, and how many times it was raised, move to the problem you choose; it is closed as "
        "merged. The history of both is kept."
        if candidates
        else "There are no similar open problems nearby to merge it into."
    )
    return _form_page(
        request,
        {
            "form": form,
            "title": "Merge with a similar problem",
            "caption": problem.title,
            "lead": lead,
            "show_form": bool(candidates),
            "cancel_url": problem.get_absolute_url(),
        },
        status=_status(form),
    )
