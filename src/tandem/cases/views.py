"""Case pages. Every view that touches a case fetches it through ``access_case_for_user``: 404
for anyone without standing (and an audit row of the attempt), the same as a missing case.
Every view and export of case data writes an audit entry; changes are audited by the services.
Forms that fail validation are shown again with status 400.
"""

import csv
import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tandem.meetings.models import Meeting
from tandem.partnership.access import user_is_officer
from tandem.partnership.models import Organisation
from tandem.partnership.views import _apply_errors, _data

from . import forms, selectors, services
from .access import (
    CaseAccess,
    access_agreement_for_user,
    access_case_for_user,
    agreement_list_for_user,
    audit_entries_for_user,
    can_change_agreement,
    can_manage_agreements,
    case_list_for_user,
    staff_organisation_ids,
)
from .audit import Actor, audit_record
from .models import Agreement, AuditEntry, Case, CaseSubject, Intervention, Questionnaire, Subject, Task

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
Action = AuditEntry.Action
PER_PAGE = 50
NO_STORE = "private, no-store"


def _status(form) -> int:
    return 400 if form.errors else 200


def _form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(request, "cases/form.html", context, status=status)
    response["Cache-Control"] = NO_STORE
    return response


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    return response


def _case(request: HttpRequest, pk: int, *, write: bool = False, what: str = "open the case") -> CaseAccess:
    return access_case_for_user(request.user, pk, write=write, request=request, what=what)


def _staff_or_officer(request: HttpRequest) -> None:
    if not (user_is_officer(request.user) or staff_organisation_ids(request.user)):
        raise PermissionDenied("Case work is for officers of the partnership's agencies.")


def _try(form, call):
    """Run a service; put its ValidationError on the form. The result, or None when refused."""
    try:
        return call()
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None


# --- The caseload and the case list ---------------------------------------------------


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """Officers: their open cases (those they lead first), their agencies' overdue tasks and the
    risk reviews due within a week. Only cases they have standing on appear."""
    _staff_or_officer(request)
    load = selectors.caseload(request.user)
    audit_record(
        actor=Actor.from_request(request),
        action=Action.LIST,
        description=f"Opened the caseload ({len(load.led) + len(load.others)} cases)",
    )
    return _private(
        render(
            request,
            "cases/caseload.html",
            {
                "load": load,
                "has_standing": bool(staff_organisation_ids(request.user)),
                "today": timezone.localdate(),
            },
        )
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """Officers: every case they have standing on, searchable by reference, description or the
    name of a person in it; 50 to a page."""
    _staff_or_officer(request)
    q = (request.GET.get("q") or "").strip()[:100]
    status = request.GET.get("status") or ""
    cases = case_list_for_user(request.user).select_related("lead_organisation", "purpose")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    if q:
        number = q.upper().removeprefix("CASE-")
        match = Q(title__icontains=q) | Q(subject_roles__subject__name__icontains=q)
        if number.isdigit() and int(number) < 2**31:
            match |= Q(pk=int(number))
        cases = cases.filter(match).distinct()
    page = Paginator(cases.order_by("-opened_on", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        actor=Actor.from_request(request),
        action=Action.LIST,
        description=f"Searched cases for “{q}”" if q else "Listed cases",
    )
    return _private(
        render(
            request,
            "cases/case_list.html",
            {"page": page, "q": q, "status": status, "statuses": Case.Status.choices},
        )
    )


@login_required
@FORM_METHODS
def case_open(request: HttpRequest) -> HttpResponse:
    """Staff of a signatory agency: open a case under an agreement in force that their agency signed."""
    organisation_ids = staff_organisation_ids(request.user)
    if not organisation_ids:
        raise PermissionDenied(
            "Only staff of an agency that has signed an information-sharing agreement can open cases."
        )
    agreements = (
        Agreement.objects.in_force()
        .filter(signatories__organisation_id__in=organisation_ids, signatories__signed_on__isnull=False)
        .distinct()
    )
    leads = Organisation.objects.filter(pk__in=organisation_ids).order_by("name")
    form = forms.CaseOpenForm(_data(request), agreements=agreements, lead_organisations=leads)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = _try(
            form,
            lambda: services.case_open(
                agreement=data["agreement"],
                purpose=data["purpose"],
                title=data["title"],
                summary=data["summary"],
                about=data["about"],
                location=data["location"],
                lead_organisation=data["lead_organisation"],
                lead_officer=request.user,
                agencies=data["agencies"],
                actor=Actor.from_request(request),
            ),
        )
        if case is not None:
            messages.success(request, f"Case {case.reference} is open. Add the people it is about.")
            return redirect(case)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Open a case",
            "lead": "Cases are seen only by staff of the agencies involved that have signed the agreement.",
            "cancel_url": reverse("cases:caseload"),
            "empty": None if agreements.exists() else "No agreement your agency has signed is in force.",
        },
        status=_status(form),
    )


# --- The case page --------------------------------------------------------------------


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case (see access.py); 404 for everyone else. Logged."""
    access = _case(request, pk)
    # The newest entries by default; ?timeline=all for the whole history.
    everything = request.GET.get("timeline") == "all"
    page = selectors.case_page(access, timeline_limit=None if everything else selectors.TIMELINE_PAGE)
    audit_record(
        actor=Actor.from_request(request), action=Action.VIEW, case=access.case, description="Viewed the case"
    )
    return _private(
        render(request, "cases/case_detail.html", {"page": page, "case": access.case, "access": access})
    )


def _case_form(request, access: CaseAccess, form, title: str, *, lead: str = "", status=None) -> HttpResponse:
    return _form_page(
        request,
        {
            "form": form,
            "title": title,
            "caption": f"{access.case.reference}: {access.case.title}",
            "lead": lead,
            "cancel_url": access.case.get_absolute_url(),
        },
        status=status if status is not None else _status(form),
    )


def _done(request, access: CaseAccess, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(access.case)


def _acting_organisations(access: CaseAccess):
    return Organisation.objects.filter(pk__in=access.organisation_ids).order_by("name")


@login_required
@FORM_METHODS
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: change its description, lead agency and lead officer."""
    access = _case(request, pk, write=True, what="edit the case")
    form = forms.CaseEditForm(_data(request), case=access.case)
    if request.method == "POST" and form.is_valid():
        done = _try(
            form,
            lambda: services.case_update(
                case=access.case, actor=Actor.from_request(request), **form.cleaned_data
            ),
        )
        if done is not None:
            return _done(request, access, "The case has been updated.")
    return _case_form(request, access, form, "Change the case")


@login_required
@FORM_METHODS
def subject_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: add a person (new, or already in another case) in a role."""
    access = _case(request, pk, write=True, what="add a person to the case")
    subjects = Subject.objects.filter(
        case_roles__case__in=case_list_for_user(request.user), anonymised_at__isnull=True
    ).distinct()
    form = forms.SubjectForm(_data(request), subjects=subjects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = (
            {}
            if data["existing"]
            else {
                name: data[name] for name in ("name", "date_of_birth", "address", "phone", "email", "notes")
            }
        )
        link = _try(
            form,
            lambda: services.case_subject_add(
                case=access.case,
                role=data["role"],
                subject=data["existing"],
                actor=Actor.from_request(request),
                **fields,
            ),
        )
        if link is not None:
            return _done(
                request, access, f"{link.subject} has been added as {link.get_role_display().lower()}."
            )
    return _case_form(request, access, form, "Add a person to the case")


@login_required
@require_POST
def subject_remove(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """Staff with standing on the case: take a person out of it (in one role)."""
    access = _case(request, pk, write=True, what="remove a person from the case")
    link = get_object_or_404(
        CaseSubject.objects.select_related("subject", "case"), pk=link_pk, case=access.case
    )
    services.case_subject_remove(link=link, actor=Actor.from_request(request))
    return _done(request, access, "The person has been taken out of the case.")


@login_required
@FORM_METHODS
def agency_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: involve another agency that has signed the agreement."""
    access = _case(request, pk, write=True, what="involve an agency")
    case = access.case
    organisations = (
        Organisation.objects.filter(
            sharing_signatures__agreement=case.agreement, sharing_signatures__signed_on__isnull=False
        )
        .exclude(case_involvements__case=case)
        .order_by("name")
    )
    form = forms.AgencyForm(_data(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        done = _try(
            form,
            lambda: services.case_agency_add(
                case=case, organisation=organisation, actor=Actor.from_request(request)
            ),
        )
        if done is not None:
            return _done(request, access, f"{organisation} is now involved in the case.")
    return _case_form(
        request,
        access,
        form,
        "Involve an agency",
        lead="Only signatories of the case's agreement can be involved.",
    )


@login_required
@FORM_METHODS
def risk_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: a risk assessment from the questionnaire (the default one,
    or ?questionnaire=<slug>), scored to standard, medium or high with a review date."""
    access = _case(request, pk, write=True, what="assess the risk")
    questionnaires = Questionnaire.objects.filter(is_active=True).prefetch_related("questions")
    slug = request.GET.get("questionnaire")
    questionnaire = (
        questionnaires.filter(slug=slug).first()
        if slug
        else questionnaires.order_by("-is_default", "name").first()
    )
    if questionnaire is None:
        raise Http404("No such risk assessment")
    form = forms.RiskAssessmentForm(_data(request), questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = _try(
            form,
            lambda: services.risk_assessment_record(
                case=access.case,
                questionnaire=questionnaire,
                yes_ids=data["answers"],
                organisation_id=access.acting_organisation_id,
                notes=data["notes"],
                assessed_on=data["assessed_on"],
                review_on=data["review_on"],
                actor=Actor.from_request(request),
            ),
        )
        if assessment is not None:
            return _done(
                request,
                access,
                f"Risk assessed as {assessment.get_level_display().lower()} (score {assessment.score}); "
                f"review by {assessment.review_on:%-d %B %Y}.",
            )
    return _case_form(request, access, form, questionnaire.name, lead=questionnaire.description)


@login_required
@FORM_METHODS
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: a contact or note, owned by their organisation, shared with
    the other agencies or kept to their own."""
    access = _case(request, pk, write=True, what="add to the timeline")
    organisations = _acting_organisations(access)
    form = forms.TimelineEntryForm(_data(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        happened_at = None
        if data["happened_on"]:
            happened_at = timezone.make_aware(dt.datetime.combine(data["happened_on"], dt.time(12, 0)))
            if data["happened_on"] == timezone.localdate():
                happened_at = None
        entry = _try(
            form,
            lambda: services.timeline_entry_add(
                case=access.case,
                kind=data["kind"],
                text=data["text"],
                organisation_id=data["organisation"].pk,
                is_shared=data["is_shared"],
                happened_at=happened_at,
                actor=Actor.from_request(request),
            ),
        )
        if entry is not None:
            return _done(request, access, "Added to the timeline.")
    return _case_form(request, access, form, "Add a contact or note")


@login_required
@FORM_METHODS
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: a task for one of the agencies involved, with a due date."""
    access = _case(request, pk, write=True, what="set a task")
    form = forms.TaskForm(_data(request), case=access.case)
    if request.method == "POST" and form.is_valid():
        task = _try(
            form,
            lambda: services.task_create(
                case=access.case, actor=Actor.from_request(request), **form.cleaned_data
            ),
        )
        if task is not None:
            return _done(request, access, f"Task set for {task.organisation}.")
    return _case_form(request, access, form, "Set a task for an agency")


def _task(request, pk: int, what: str) -> tuple[CaseAccess, Task]:
    case_id = Task.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    access = _case(request, case_id or 0, write=True, what=what)
    return access, Task.objects.select_related("case", "organisation").get(pk=pk)


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the task's case: mark it done."""
    access, task = _task(request, pk, "mark a task done")
    try:
        services.task_complete(task=task, actor=Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(access.case)
    return _done(request, access, "The task is done.")


@login_required
@FORM_METHODS
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the task's case: cancel it, with a reason."""
    access, task = _task(request, pk, "cancel a task")
    form = forms.TaskCancelForm(_data(request))
    if request.method == "POST" and form.is_valid():
        done = _try(
            form,
            lambda: services.task_cancel(
                task=task, reason=form.cleaned_data["reason"], actor=Actor.from_request(request)
            ),
        )
        if done is not None:
            return _done(request, access, "The task is cancelled.")
    return _case_form(request, access, form, "Cancel a task", lead=task.description)


@login_required
@FORM_METHODS
def intervention_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: an intervention from the configured list."""
    access = _case(request, pk, write=True, what="record an intervention")
    form = forms.InterventionForm(
        _data(request), case=access.case, organisations=_acting_organisations(access)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        done = _try(
            form,
            lambda: services.intervention_record(
                case=access.case, organisation_id=organisation.pk, actor=Actor.from_request(request), **data
            ),
        )
        if done is not None:
            return _done(request, access, f"{done.type} recorded.")
    return _case_form(request, access, form, "Record an intervention")


@login_required
@FORM_METHODS
def intervention_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the intervention's case: record how it turned out."""
    case_id = Intervention.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    access = _case(request, case_id or 0, write=True, what="record an intervention's outcome")
    intervention = Intervention.objects.select_related("type").get(pk=pk)
    form = forms.OutcomeForm(_data(request))
    if request.method == "POST" and form.is_valid():
        done = _try(
            form,
            lambda: services.intervention_set_outcome(
                intervention=intervention, actor=Actor.from_request(request), **form.cleaned_data
            ),
        )
        if done is not None:
            return _done(request, access, "Outcome recorded.")
    return _case_form(request, access, form, f"Outcome of the {intervention.type}")


@login_required
@FORM_METHODS
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: change its status (close with a reason and outcome, once
    every task is done or cancelled; reopen with a reason)."""
    access = _case(request, pk, what="change the case's status")
    if access.case.anonymised_at:
        raise PermissionDenied("This case has been anonymised and cannot be changed.")
    form = forms.StatusForm(_data(request), case=access.case)
    open_tasks = access.case.tasks.filter(status=Task.Status.OPEN).count()
    if request.method == "POST" and form.is_valid():
        change = _try(
            form,
            lambda: services.case_set_status(
                case=access.case, actor=Actor.from_request(request), **form.cleaned_data
            ),
        )
        if change is not None:
            return _done(request, access, f"The case is now {change.get_to_status_display().lower()}.")
    lead = ""
    if open_tasks:
        lead = (
            f"The case has {open_tasks} open task{'s' if open_tasks != 1 else ''}. "
            "It cannot be closed until each is "
            "done or cancelled with a reason."
        )
    return _case_form(request, access, form, "Change the case's status", lead=lead)


@login_required
@FORM_METHODS
def problem_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: link a problem the case is part of (never shown publicly)."""
    access = _case(request, pk, write=True, what="link a problem")
    form = forms.ProblemLinkForm(_data(request), case=access.case)
    if request.method == "POST" and form.is_valid():
        problem = form.cleaned_data["problem"]
        done = _try(
            form,
            lambda: (
                services.case_problem_link(
                    case=access.case, problem=problem, actor=Actor.from_request(request)
                )
                or True
            ),
        )
        if done is not None:
            return _done(request, access, f"Linked to the problem “{problem.title}”.")
    return _case_form(
        request, access, form, "Link a problem", lead="The problem's public page never shows this link."
    )


@login_required
@require_POST
def problem_unlink(request: HttpRequest, pk: int, problem_pk: int) -> HttpResponse:
    """Staff with standing on the case: remove a problem link."""
    access = _case(request, pk, write=True, what="unlink a problem")
    problem = get_object_or_404(access.case.problems.all(), pk=problem_pk)
    services.case_problem_unlink(case=access.case, problem=problem, actor=Actor.from_request(request))
    return _done(request, access, "The problem is no longer linked.")


@login_required
@FORM_METHODS
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff with standing on the case: put it on a coming meeting's agenda as a confidential item
    (or link an existing confidential item). Its minutes then show in the case timeline."""
    access = _case(request, pk, write=True, what="put the case on an agenda")
    meetings = (
        Meeting.objects.filter(
            group__partnership_id=access.case.partnership_id, status=Meeting.Status.SCHEDULED
        )
        .filter(starts_at__gte=timezone.now() - dt.timedelta(days=60))
        .select_related("group")
        .order_by("starts_at")
    )
    form = forms.AgendaForm(_data(request), case=access.case, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        link = _try(
            form,
            lambda: services.case_agenda_add(
                case=access.case,
                meeting=data["meeting"],
                title=data["title"],
                item=data["item"],
                organisation_id=access.acting_organisation_id,
                actor=Actor.from_request(request),
            ),
        )
        if link is not None:
            return _done(request, access, f"On the agenda of {link.item.meeting} as a confidential item.")
    return _case_form(
        request,
        access,
        form,
        "Discuss the case at a meeting",
        lead="The item is confidential: it never appears in public minutes, feeds, PDFs or the API.",
    )


# --- Subject access requests ----------------------------------------------------------


def _redacted(record: dict, *, redact: bool) -> dict:
    """The record as plain data; third parties named as 'Another person' when redacting."""
    subject = record["subject"]
    cases = []
    for item in record["cases"]:
        case = item["case"]
        others = [
            {
                "role": link.get_role_display(),
                "name": "[redacted: third party]" if redact else link.subject.name,
            }
            for link in item["others"]
        ]
        names = [link.subject.name for link in item["others"] if link.subject.name] if redact else []

        def scrub(text: str, names=names) -> str:
            for name in sorted(names, key=len, reverse=True):
                text = text.replace(name, "[redacted: third party]")
            return text

        cases.append(
            {
                "reference": case.reference,
                "title": scrub(case.title),
                "purpose": case.purpose.name,
                "status": case.get_status_display(),
                "opened_on": case.opened_on.isoformat(),
                "lead_agency": case.lead_organisation.name,
                "role": item["role"],
                "other_people": others,
                "summary": scrub(case.summary),
                "risk_assessments": [
                    {
                        "date": a.assessed_on.isoformat(),
                        "level": a.get_level_display(),
                        "score": a.score,
                        "by": a.organisation.name,
                        "notes": scrub(a.notes),
                    }
                    for a in item["assessments"]
                ],
                "interventions": [
                    {
                        "type": i.type.name,
                        "by": i.organisation.name,
                        "started_on": i.started_on.isoformat(),
                        "ends_on": i.ends_on.isoformat() if i.ends_on else None,
                        "outcome": i.get_outcome_display(),
                        "notes": scrub(i.notes),
                    }
                    for i in item["interventions"]
                ],
                "timeline": [
                    {
                        "at": timezone.localtime(e.happened_at).isoformat(),
                        "kind": e.get_kind_display(),
                        "organisation": e.organisation.name,
                        "text": scrub(e.text),
                    }
                    for e in item["timeline"]
                ],
            }
        )
    return {
        "subject": {
            "name": subject.name,
            "date_of_birth": subject.date_of_birth.isoformat() if subject.date_of_birth else None,
            "address": subject.address,
            "phone": subject.phone,
            "email": subject.email,
            "notes": subject.notes,
        },
        "third_parties_redacted": redact,
        "produced_at": timezone.localtime().isoformat(timespec="seconds"),
        "cases": cases,
    }


@login_required
@FORM_METHODS
def subject_access(request: HttpRequest, pk: int, subject_pk: int) -> HttpResponse:
    """Staff with standing on the case: everything held about a person in it (and in the other
    cases the officer may open), as PDF or JSON, third parties redacted if the officer chooses. Logged."""
    access = _case(request, pk, what="export a subject access request")
    link = (
        CaseSubject.objects.filter(case=access.case, subject_id=subject_pk).select_related("subject").first()
    )
    if link is None:
        raise Http404("No such person in this case")
    subject = link.subject
    form = forms.SubjectAccessForm(_data(request))
    if request.method == "POST" and form.is_valid():
        other_ids = list(
            case_list_for_user(request.user)
            .filter(subject_roles__subject=subject)
            .values_list("pk", flat=True)
            .distinct()
        )
        accesses = {access.case.pk: access}
        for case_id in other_ids:
            if case_id not in accesses:
                accesses[case_id] = _case(request, case_id, what="export a subject access request")
        record = _redacted(selectors.subject_record(subject, accesses), redact=form.cleaned_data["redact"])
        kind = form.cleaned_data["format"]
        for case_id in accesses:
            audit_record(
                actor=Actor.from_request(request),
                action=Action.EXPORT,
                case_number=case_id,
                partnership_id=access.case.partnership_id,
                obj=subject,
                description=f"Subject access export ({kind.upper()}) for subject #{subject.pk}"
                + (
                    ", third parties redacted"
                    if record["third_parties_redacted"]
                    else ", third parties included"
                ),
            )
        stamp = timezone.localdate().isoformat()
        if kind == "json":
            response = HttpResponse(
                json.dumps(record, indent=2, ensure_ascii=False), content_type="application/json"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="subject-access-{subject.pk}-{stamp}.json"'
            )
            return _private(response)
        from weasyprint import HTML

        html = render_to_string("cases/subject_access_pdf.html", {"record": record})
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="subject-access-{subject.pk}-{stamp}.pdf"'
        return _private(response)
    return _case_form(
        request,
        access,
        form,
        f"Subject access request: {subject.name}",
        lead="Everything held about this person in the cases you may open. Redact other people's details "
        "unless they have agreed to their disclosure or it is reasonable without their agreement.",
    )


# --- Agreements -----------------------------------------------------------------------


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Officers: the information-sharing agreements, whether in force, and when due for review."""
    _staff_or_officer(request)
    agreements = (
        agreement_list_for_user(request.user)
        .select_related("partnership")
        .prefetch_related("signatories__organisation", "purposes")
    )
    return render(
        request,
        "cases/agreement_list.html",
        {
            "agreements": agreements,
            "can_create": can_manage_agreements(request.user) or bool(staff_organisation_ids(request.user)),
        },
    )


@login_required
@FORM_METHODS
def agreement_create(request: HttpRequest) -> HttpResponse:
    """Administrators and agency staff: draft an agreement (staff must include their own agency)."""
    _staff_or_officer(request)
    organisation_ids = staff_organisation_ids(request.user)
    if not can_manage_agreements(request.user) and not organisation_ids:
        raise PermissionDenied("Only administrators and agency staff can draft agreements.")
    form = forms.AgreementForm(_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if (
            not can_manage_agreements(request.user)
            and not {o.pk for o in data["organisations"]} & organisation_ids
        ):
            form.add_error("organisations", "Include your own organisation as a signatory")
        else:
            agreement = _try(
                form,
                lambda: services.agreement_create(
                    partnership=form.cleaned_data["partnership"], actor=Actor.from_request(request), **data
                ),
            )
            if agreement is not None:
                messages.success(
                    request, "The agreement is saved. It shares nothing until every party has signed."
                )
                return redirect(agreement)
    return _form_page(
        request,
        {
            "form": form,
            "title": "New information-sharing agreement",
            "cancel_url": reverse("cases:agreement-list"),
            "multipart": True,
        },
        status=_status(form),
    )


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: an agreement's terms, its parties and their signatures, and its history."""
    _staff_or_officer(request)
    agreement = access_agreement_for_user(request.user, pk)
    signatories = list(agreement.signatories.select_related("organisation").order_by("organisation__name"))
    history = list(agreement.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request,
        "cases/agreement_detail.html",
        {
            "agreement": agreement,
            "signatories": signatories,
            "history": history,
            "purposes": list(agreement.purposes.all()),
            "can_change": can_change_agreement(request.user, agreement),
            "unsigned": [s for s in signatories if not s.signed_on],
        },
    )


@login_required
@FORM_METHODS
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators and staff of its signatory organisations: change its terms (everyone signs again)."""
    _staff_or_officer(request)
    agreement = access_agreement_for_user(request.user, pk, write=True)
    form = forms.AgreementForm(_data(request), request.FILES or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        done = _try(
            form,
            lambda: services.agreement_update(
                agreement=agreement, actor=Actor.from_request(request), **form.service_data()
            ),
        )
        if done is not None:
            messages.success(request, "The agreement has been changed.")
            return redirect(agreement)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Change the agreement",
            "caption": agreement.title,
            "lead": "Changing its terms asks every party to sign again; until they do it shares nothing.",
            "cancel_url": agreement.get_absolute_url(),
            "multipart": True,
        },
        status=_status(form),
    )


@login_required
@FORM_METHODS
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators (for any party) and agency staff (for their own organisation): record a signature."""
    _staff_or_officer(request)
    agreement = access_agreement_for_user(request.user, pk, write=True)
    unsigned = Organisation.objects.filter(
        sharing_signatures__agreement=agreement, sharing_signatures__signed_on__isnull=True
    )
    if not can_manage_agreements(request.user):
        unsigned = unsigned.filter(pk__in=staff_organisation_ids(request.user))
    form = forms.SignForm(_data(request), organisations=unsigned.order_by("name"))
    if request.method == "POST" and form.is_valid():
        done = _try(
            form,
            lambda: services.agreement_sign(
                agreement=agreement, actor=Actor.from_request(request), **form.cleaned_data
            ),
        )
        if done is not None:
            agreement.refresh_from_db(fields=["fully_signed_on"])
            messages.success(
                request,
                "Signature recorded."
                + (
                    " Every party has signed: the agreement is in force." if agreement.fully_signed_on else ""
                ),
            )
            return redirect(agreement)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Record a signature",
            "caption": agreement.title,
            "cancel_url": agreement.get_absolute_url(),
            "show_form": unsigned.exists(),
            "empty": None if unsigned.exists() else "There is no signature left for you to record.",
        },
        status=_status(form),
    )


@login_required
def agreement_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: download the signed agreement."""
    _staff_or_officer(request)
    agreement = access_agreement_for_user(request.user, pk)
    if not agreement.document:
        raise Http404("No document")
    response = FileResponse(
        agreement.document.open("rb"),
        as_attachment=True,
        filename=agreement.document_name or "agreement",
        content_type=agreement.document_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)


# --- The audit log --------------------------------------------------------------------


def _audit_entries(request):
    entries = audit_entries_for_user(request.user)
    form = forms.AuditSearchForm(request.GET or None)
    filters = form.filters()
    return form, selectors.audit_search(entries, **filters).select_related("user"), filters


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Data protection officers: search the case audit log by user, case, action and dates."""
    form, entries, filters = _audit_entries(request)
    # Logged before the page is counted, so the count and the rows shown agree.
    audit_record(
        actor=Actor.from_request(request),
        action=Action.SEARCH_LOG,
        description="Searched the audit log"
        + (f": {', '.join(f'{k}={v}' for k, v in filters.items() if v)}" if filters else ""),
    )
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _private(
        render(
            request,
            "cases/audit_log.html",
            {"form": form, "page": page, "query": query.urlencode()},
            status=_status(form),
        )
    )


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    value = str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    def write(self, value):
        return value


@login_required
def audit_csv(request: HttpRequest) -> HttpResponse:
    """Data protection officers: the search's entries as CSV."""
    form, entries, filters = _audit_entries(request)
    if form.errors:
        return _private(
            render(request, "cases/audit_log.html", {"form": form, "page": None, "query": ""}, status=400)
        )
    audit_record(
        actor=Actor.from_request(request), action=Action.EXPORT, description="Exported the audit log as CSV"
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(
            ["when", "who", "action", "case", "object", "description", "path", "ip_address", "user_agent"]
        )
        for entry in entries.iterator(chunk_size=1000):
            yield writer.writerow(
                _cell(value)
                for value in [
                    timezone.localtime(entry.at).isoformat(timespec="seconds"),
                    entry.user_label,
                    entry.get_action_display(),
                    entry.case_reference,
                    f"{entry.object_type} {entry.object_id}".strip(),
                    entry.description,
                    entry.path,
                    entry.ip_address or "",
                    entry.user_agent,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="case-audit-{timezone.localdate().isoformat()}.csv"'
    )
    return _private(response)
