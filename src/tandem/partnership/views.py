"""Pages of the partnership's structure: the tree, groups, organisations, people and the directory.

Each view parses the request, fetches through an ``access_…`` helper, calls a
service for any change, and renders. Forms that fail validation are shown again
with the GOV.UK error summary and status 400.
"""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.partnership import selectors, services
from tandem.partnership.access import (
    access_group_for_user,
    access_membership_for_user,
    access_organisation_for_user,
    access_partnership_for_user,
    access_person_for_user,
    officer_required,
    viewer_for,
)
from tandem.partnership.forms import (
    DirectoryForm,
    GroupForm,
    MembershipEndForm,
    MembershipForm,
    OrganisationForm,
    PersonForm,
)
from tandem.partnership.models import Group, Membership, Organisation, Partnership, Person

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")
FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _data(request: HttpRequest):
    """The posted data (even when empty), or None to show a fresh form."""
    return request.POST if request.method == "POST" else None


def _form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "partnership/form.html", context, status=status)


# --- The partnership and its tree ---------------------------------------------------


def overview(request: HttpRequest) -> HttpResponse:
    """Public: the partnership's tree of groups, or the list of partnerships when there are several."""
    partnerships = list(selectors.partnership_list())
    if len(partnerships) == 1:
        return _partnership_page(request, partnerships[0])
    return render(request, "partnership/partnership_list.html", {"partnerships": partnerships})


def overview_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: one partnership, its group types and its tree of groups."""
    partnership = access_partnership_for_user(request.user, slug)
    return _partnership_page(request, partnership)


def _partnership_page(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    viewer = viewer_for(request.user)
    roots = selectors.group_tree(partnership=partnership, viewer=viewer)
    diagram = selectors.tree_diagram(roots, show_missing=viewer.is_officer)
    group_types = selectors.group_type_list(partnership=partnership).annotate(
        group_count=Count("groups", filter=viewer.groups_q("groups__"))
    )
    return render(
        request,
        "partnership/overview.html",
        {
            "partnership": partnership,
            "roots": roots,
            "diagram": diagram,
            "diagram_text": selectors.tree_text(roots),
            "group_types": group_types,
            "viewer": viewer,
        },
    )


# --- Groups -----------------------------------------------------------------------


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a group's purpose, members, essentials and representation.

    A private group is shown only to officers and its members (404 for everyone else).
    """
    group = access_group_for_user(request.user, slug)
    viewer = viewer_for(request.user)
    page = selectors.group_page(group=group, viewer=viewer)
    return render(request, "partnership/group_detail.html", {"group": group, "page": page, "viewer": viewer})


@officer_required
def group_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers: who changed the group and its memberships, what they changed and when."""
    group = access_group_for_user(request.user, slug, write=True)
    entries = selectors.group_history(group=group)
    return render(request, "partnership/group_history.html", {"group": group, "entries": entries})


@officer_required
@FORM_METHODS
def group_create(request: HttpRequest) -> HttpResponse:
    """Officers: set up a new group."""
    form = GroupForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(**form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{group.name} has been set up.")
            return redirect(group)
    return _form_page(
        request,
        {"form": form, "title": "Set up a group", "cancel_url": reverse("partnership:overview")},
        status=400 if form.errors else 200,
    )


@officer_required
@FORM_METHODS
def group_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers: change a group's details."""
    group = access_group_for_user(request.user, slug, write=True)
    form = GroupForm(_data(request), instance=Group.objects.get(pk=group.pk), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{group.name} has been updated.")
            return redirect(group)
    return _form_page(
        request,
        {
            "form": form,
            "title": f"Change {group.name}",
            "cancel_url": group.get_absolute_url(),
            "group": group,
        },
        status=400 if form.errors else 200,
    )


# --- Memberships ------------------------------------------------------------------


@officer_required
@FORM_METHODS
def membership_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers: add a person to a group, with their role and whom they represent."""
    group = access_group_for_user(request.user, slug, write=True)
    initial = {}
    person_pk = request.GET.get("person", "")
    if person_pk.isdigit():
        initial["person"] = Person.objects.filter(pk=int(person_pk)).first()
    form = MembershipForm(_data(request), instance=Membership(group=group), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_create(group=group, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{membership.person.name} has been added to {group.name}.")
            return redirect(group)
    return _form_page(
        request,
        {
            "form": form,
            "title": f"Add a member to {group.name}",
            "cancel_url": group.get_absolute_url(),
            "group": group,
            "add_person_url": reverse("partnership:person-create") + f"?group={group.slug}",
        },
        status=400 if form.errors else 200,
    )


@officer_required
@FORM_METHODS
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: change a membership's role, organisation or dates."""
    membership = access_membership_for_user(request.user, pk, write=True)
    group = membership.group
    form = MembershipForm(_data(request), instance=Membership.objects.get(pk=membership.pk), editing=True)
    form.fields["start_date"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(membership=membership, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The membership of {membership.person.name} has been updated.")
            return redirect(group)
    return _form_page(
        request,
        {
            "form": form,
            "title": f"Change the membership of {membership.person.name}",
            "caption": group.name,
            "cancel_url": group.get_absolute_url(),
            "group": group,
        },
        status=400 if form.errors else 200,
    )


@officer_required
@FORM_METHODS
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: end a membership on a date. The membership stays in the group's history."""
    membership = access_membership_for_user(request.user, pk, write=True)
    group = membership.group
    form = MembershipEndForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(membership=membership, end_date=form.cleaned_data["end_date"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The membership of {membership.person.name} has been ended.")
            return redirect(group)
    return _form_page(
        request,
        {
            "form": form,
            "title": f"End the membership of {membership.person.name}",
            "caption": group.name,
            "lead": (
                f"{membership.person.name} ({membership.get_role_display().lower()}) will no longer count as "
                f"a member of {group.name} after this date. Their past membership is kept."
            ),
            "cancel_url": group.get_absolute_url(),
            "group": group,
        },
        status=400 if form.errors else 200,
    )


# --- Organisations ---------------------------------------------------------------


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: an organisation, its contact details and the groups it is represented in."""
    organisation = access_organisation_for_user(request.user, slug)
    viewer = viewer_for(request.user)
    page = selectors.organisation_page(organisation=organisation, viewer=viewer)
    return render(
        request,
        "partnership/organisation_detail.html",
        {"organisation": organisation, "page": page, "viewer": viewer},
    )


@officer_required
@FORM_METHODS
def organisation_create(request: HttpRequest) -> HttpResponse:
    """Officers: add an organisation."""
    form = OrganisationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            # With one partnership, a new organisation plainly belongs to it.
            partnerships = list(Partnership.objects.all()[:2])
            organisation = services.organisation_create(
                **form.cleaned_data, partnerships=partnerships if len(partnerships) == 1 else []
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{organisation.name} has been added.")
            return redirect(organisation)
    return _form_page(
        request,
        {"form": form, "title": "Add an organisation", "cancel_url": reverse("partnership:directory")},
        status=400 if form.errors else 200,
    )


@officer_required
@FORM_METHODS
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers: change an organisation's details."""
    organisation = access_organisation_for_user(request.user, slug, write=True)
    form = OrganisationForm(_data(request), instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(organisation=organisation, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{organisation.name} has been updated.")
            return redirect(organisation)
    return _form_page(
        request,
        {"form": form, "title": f"Change {organisation.name}", "cancel_url": organisation.get_absolute_url()},
        status=400 if form.errors else 200,
    )


# --- People ----------------------------------------------------------------------


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the group: a person's memberships and contact details.

    Shown to officers, to the person themselves and to members of a group they are in; 404 for others.
    """
    person = access_person_for_user(request.user, pk)
    viewer = viewer_for(request.user)
    current, former = selectors.person_memberships(person=person, viewer=viewer)
    return render(
        request,
        "partnership/person_detail.html",
        {"person": person, "current": current, "former": former, "viewer": viewer},
    )


@officer_required
@FORM_METHODS
def person_create(request: HttpRequest) -> HttpResponse:
    """Officers: add a person (then, if they came from a group, add them to it)."""
    form = PersonForm(_data(request))
    group_slug = request.GET.get("group", "")
    group = Group.objects.filter(slug=group_slug).first() if SLUG.fullmatch(group_slug) else None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(**form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{person.name} has been added.")
            if group is not None:
                url = reverse("partnership:membership-create", kwargs={"slug": group.slug})
                return redirect(f"{url}?person={person.pk}")
            return redirect(person)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Add a person",
            "lead": "Contact details are shown only to officers and to members of the person's groups.",
            "cancel_url": group.get_absolute_url() if group else reverse("partnership:directory"),
        },
        status=400 if form.errors else 200,
    )


@officer_required
@FORM_METHODS
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: change a person's details."""
    person = access_person_for_user(request.user, pk, write=True)
    form = PersonForm(_data(request), instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{person.name}'s details have been updated.")
            return redirect(person)
    return _form_page(
        request,
        {"form": form, "title": f"Change {person.name}'s details", "cancel_url": person.get_absolute_url()},
        status=400 if form.errors else 200,
    )


# --- Directory ----------------------------------------------------------------------


def directory(request: HttpRequest) -> HttpResponse:
    """Public: search groups, organisations and areas by name (people too, for officers)."""
    form = DirectoryForm(request.GET or None)
    query = ""
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
    elif form.is_bound:  # too long, or a null character: search for what is usable
        query = request.GET.get("q", "")
    viewer = viewer_for(request.user)
    results = selectors.directory_search(viewer=viewer, query=query)
    return render(
        request,
        "partnership/directory.html",
        {"form": form, "results": results, "query": results.query, "viewer": viewer},
    )
