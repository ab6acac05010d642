"""ASB Case Review pages: the public application and its confirmation, the officers' list,
application page, threshold decision, status changes and review, the outcome letter, and the
administrators' settings. Views parse, check access, call a service and render."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tandem.community.ratelimit import client_ip, rate_limit_hit
from tandem.partnership.access import access_partnership_for_user, officer_required
from tandem.partnership.models import Partnership

from . import figures as published
from . import letters, selectors, services
from .access import access_application_for_user, access_ward_for_user, require_settings_access
from .forms import (
    ApplicationForm,
    CallDecisionForm,
    CallForm,
    CallReportForm,
    CallResponseForm,
    ComplaintAddForm,
    DissatisfactionForm,
    EscalationOutcomeForm,
    MeetingForm,
    OutcomeSentForm,
    RecommendationForm,
    RecordForm,
    ReviewForm,
    SettingsForm,
    StatusForm,
    ThresholdDecisionForm,
    complaint_formset,
)
from .models import LETTER_PLACEHOLDERS, Application, CallRecommendation, CouncillorCall, Review

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
APPLICATIONS_PER_IP = 5
APPLICATIONS_WINDOW_SECONDS = 60 * 60
LIST_LIMIT = 500


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _quiet(form, formset) -> None:
    """Show what was typed without its errors: the "Add another complaint" button is not a submit."""
    form._errors = ErrorDict()
    formset._errors = [ErrorDict() for _ in formset.forms]
    formset._non_form_errors = ErrorList()
    for row in formset.forms:
        row._errors = ErrorDict()


# --- Applying -----------------------------------------------------------------------------------


def _application_page(request: HttpRequest, *, officer: bool) -> HttpResponse:
    bound = request.method == "POST"
    add_row = bound and "add_complaint" in request.POST
    form = ApplicationForm(request.POST if bound else None, officer=officer)
    formset = complaint_formset(request.POST if bound else None, add_row=add_row)
    status = 200
    if bound and add_row:
        try:
            formset.forms  # noqa: B018 (builds the rows; a tampered count is refused below)
            _quiet(form, formset)
        except ValidationError:
            status = 400
    elif bound:
        form_ok = form.is_valid()
        try:
            complaints_ok = formset.is_valid()
        except ValidationError:  # the management form was tampered with
            complaints_ok = False
        if form_ok and complaints_ok:
            data = form.service_data()
            try:
                application = services.application_submit(
                    area=data["area"],
                    summary=data["summary"],
                    applicant_name=data["applicant_name"],
                    applicant_email=data.get("applicant_email") or "",
                    applicant_phone=data.get("applicant_phone") or "",
                    applicant_address=data.get("applicant_address") or "",
                    relationship=data["relationship"],
                    victim_name=data.get("victim_name") or "",
                    victim_contact=data.get("victim_contact") or "",
                    consent=bool(data.get("consent")),
                    location_text=data.get("location_text") or "",
                    via=data["via"],
                    received_on=data.get("received_on"),
                    complaints=formset.complaints(),
                    by=request.user,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if officer:
                    messages.success(request, f"Application {application.reference} recorded.")
                    return redirect("accountability:application-detail", pk=application.pk)
                return redirect("accountability:applied", token=application.token)
        status = 400
    return render(
        request,
        "accountability/apply.html",
        {
            "form": form,
            "formset": formset,
            "officer": officer,
            "max_complaints": services.MAX_COMPLAINTS,
            **_summary(form, formset),
        },
        status=status,
    )


def _summary(form, formset) -> dict:
    """What the shared error summary lists: the application's errors, then each complaint's."""
    try:
        rows = list(formset.forms)
        non_form = list(formset.non_form_errors()) if formset.is_bound else []
    except ValidationError as exc:
        rows, non_form = [], exc.messages
    for number, row in enumerate(rows, start=1):
        row.complaint_number = number
    forms = [form, *rows]
    has_errors = bool(non_form) or any(f.is_bound and f.errors for f in forms)
    return {"forms": forms, "non_form_errors": non_form, "has_errors": has_errors}


@FORM_METHODS
def apply(request: HttpRequest) -> HttpResponse:
    """Public, no account needed: apply for an ASB Case Review (the Community Trigger)."""
    if request.method == "POST":
        ip = client_ip(request) or "unknown"
        if rate_limit_hit(
            key=f"case-review-ip:{ip}", limit=APPLICATIONS_PER_IP, window_seconds=APPLICATIONS_WINDOW_SECONDS
        ):
            response = render(request, "accountability/rate_limited.html", status=429)
            response["Retry-After"] = str(APPLICATIONS_WINDOW_SECONDS)
            return response
        if request.POST.get("website"):
            # A filled honeypot: a robot. It is told nothing and nothing is kept.
            return render(request, "accountability/applied_robot.html")
    return _application_page(request, officer=False)


def applied(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation: the reference and when the decision is due (whoever holds the token)."""
    application = (
        Application.objects.select_related("partnership").filter(token=token[:60]).first() if token else None
    )
    if application is None:
        raise Http404("No such application")
    return render(request, "accountability/applied.html", {"application": application})


@officer_required
@FORM_METHODS
def application_create(request: HttpRequest) -> HttpResponse:
    """Officers: an application made by telephone, email, letter or in person."""
    return _application_page(request, officer=True)


# --- Officers: the list and an application ---------------------------------------------------------


@officer_required
def application_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in {"open", "all", *Application.Status.values}:
        status = "open"
    rows = list(selectors.application_list(status="" if status == "all" else status)[:LIST_LIMIT])
    return render(
        request,
        "accountability/application_list.html",
        {
            "applications": rows,
            "status": status,
            "statuses": [("open", "Open"), ("all", "All"), *Application.Status.choices],
            "overdue": sum(1 for row in rows if row.is_overdue),
            "limit": LIST_LIMIT,
        },
    )


def _detail(request: HttpRequest, application: Application, *, status: int = 200, **forms) -> HttpResponse:
    complaints = list(application.complaints.all())
    review = selectors.application_review(application)
    verdict = services.application_verdict(application, complaints)
    context = {
        "application": application,
        "complaints": complaints,
        "verdict": verdict,
        "history": list(application.status_changes.select_related("by")),
        "review": review,
        "dissatisfaction": getattr(application, "dissatisfaction", None)
        if hasattr(application, "dissatisfaction")
        else None,
        "escalation_body": services.settings_for(application.partnership).escalation_body,
    }
    S = Application.Status
    if application.status == S.RECEIVED:
        context["decision_form"] = forms.get("decision_form") or ThresholdDecisionForm(
            initial={"met": "yes" if verdict.met else "no"}
        )
        context["complaint_form"] = forms.get("complaint_form") or ComplaintAddForm(prefix="complaint")
    status_form = forms.get("status_form") or StatusForm(application=application)
    if status_form.fields["status"].choices:
        context["status_form"] = status_form
    if application.status == S.MET and review is None:
        context["review_form"] = forms.get("review_form") or ReviewForm(partnership=application.partnership)
    if review is not None and application.status == S.MET:
        context["review_form"] = forms.get("review_form") or ReviewForm(
            partnership=application.partnership,
            initial={"panel": list(review.panel.all()), "group": review.group},
        )
        if review.meeting_id is None and review.group_id is not None:
            context["meeting_form"] = forms.get("meeting_form") or MeetingForm()
        context["record_form"] = forms.get("record_form") or RecordForm()
    if review is not None and application.status in (S.MET, S.REVIEWED) and review.panel.exists():
        context["recommendation_form"] = forms.get("recommendation_form") or RecommendationForm(review=review)
    if application.status == S.REVIEWED:
        context["outcome_form"] = forms.get("outcome_form") or OutcomeSentForm()
    if application.status in (S.NOT_MET, S.OUTCOME_SENT):
        context["dissatisfaction_form"] = forms.get("dissatisfaction_form") or DissatisfactionForm()
    if application.status == S.ESCALATED:
        context["escalation_form"] = forms.get("escalation_form") or EscalationOutcomeForm()
    context["letter_ready"] = application.status in (
        S.NOT_MET,
        S.REVIEWED,
        S.OUTCOME_SENT,
        S.ESCALATED,
        S.CLOSED,
    )
    context["any_errors"] = [form for form in forms.values() if form is not None and form.errors]
    return render(request, "accountability/application_detail.html", context, status=status)


@officer_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: the application, the threshold check with its reasons, the due date, the review."""
    return _detail(request, access_application_for_user(request.user, pk))


def _post_form(request, application, form, name, action):
    """Validate ``form``, run ``action(cleaned_data)``; redirect on success, else the page with a 400."""
    if form.is_valid():
        try:
            message = action(form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("accountability:application-detail", pk=application.pk)
    return _detail(request, application, status=400, **{name: form})


@officer_required
@require_POST
def threshold_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application_for_user(request.user, pk, write=True)

    def act(data):
        services.threshold_decide(
            application=application,
            met=data["met"],
            decided_on=data["decided_on"],
            reason=data["reason"],
            by=request.user,
        )
        return "The threshold decision has been recorded."

    return _post_form(request, application, ThresholdDecisionForm(request.POST), "decision_form", act)


@officer_required
@require_POST
def complaint_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application_for_user(request.user, pk, write=True)

    def act(data):
        services.complaint_add(application=application, data=data, by=request.user)
        return "The complaint has been added."

    return _post_form(
        request, application, ComplaintAddForm(request.POST, prefix="complaint"), "complaint_form", act
    )


@officer_required
@require_POST
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application_for_user(request.user, pk, write=True)

    def act(data):
        services.application_set_status(
            application=application, status=data["status"], reason=data["reason"], by=request.user
        )
        return f"The application is now “{application.get_status_display()}”."

    form = StatusForm(request.POST, application=application)
    return _post_form(request, application, form, "status_form", act)


# --- The review ---------------------------------------------------------------------------------


def _review_of(application: Application) -> Review:
    review = selectors.application_review(application)
    if review is None:
        raise Http404("This application has no review yet")
    return review


@officer_required
@require_POST
def review_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the review with its panel of agencies, or change the panel while it is to be held."""
    application = access_application_for_user(request.user, pk, write=True)
    review = selectors.application_review(application)
    form = ReviewForm(request.POST, partnership=application.partnership)

    def act(data):
        if review is None:
            services.review_open(
                application=application, panel=data["panel"], group=data["group"], by=request.user
            )
            return "The review has been opened."
        services.review_update(review=review, panel=data["panel"], group=data["group"], by=request.user)
        return "The panel has been saved."

    return _post_form(request, application, form, "review_form", act)


@officer_required
@require_POST
def review_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application_for_user(request.user, pk, write=True)
    review = _review_of(application)
    form = MeetingForm(request.POST)

    def act(data):
        services.review_schedule_meeting(
            review=review,
            starts_at=form.starts_at(),
            duration_minutes=data["duration_minutes"],
            by=request.user,
        )
        return "The review meeting has been scheduled."

    return _post_form(request, application, form, "meeting_form", act)


@officer_required
@require_POST
def review_record(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application_for_user(request.user, pk, write=True)
    review = _review_of(application)

    def act(data):
        services.review_record(
            review=review, held_on=data["held_on"], findings=data["findings"], by=request.user
        )
        return "The review has been recorded."

    return _post_form(request, application, RecordForm(request.POST), "record_form", act)


@officer_required
@require_POST
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application_for_user(request.user, pk, write=True)
    review = _review_of(application)

    def act(data):
        services.recommendation_add(
            review=review,
            description=data["description"],
            lead_organisation=data["lead_organisation"],
            lead=data.get("lead"),
            due_on=data["due_on"],
            by=request.user,
        )
        return "The recommendation has been added to the action plan."

    return _post_form(
        request, application, RecommendationForm(request.POST, review=review), "recommendation_form", act
    )


@officer_required
@require_POST
def outcome_sent(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application_for_user(request.user, pk, write=True)

    def act(data):
        services.outcome_send(application=application, sent_on=data["sent_on"], by=request.user)
        return "The outcome has been recorded as sent."

    return _post_form(request, application, OutcomeSentForm(request.POST), "outcome_form", act)


@officer_required
@require_POST
def dissatisfaction(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application_for_user(request.user, pk, write=True)

    def act(data):
        row = services.dissatisfaction_record(
            application=application,
            received_on=data["received_on"],
            reason=data["reason"],
            escalated_on=data["escalated_on"],
            by=request.user,
        )
        return f"Escalated to {row.escalated_to}."

    return _post_form(request, application, DissatisfactionForm(request.POST), "dissatisfaction_form", act)


@officer_required
@require_POST
def escalation_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application_for_user(request.user, pk, write=True)
    row = getattr(application, "dissatisfaction", None) if hasattr(application, "dissatisfaction") else None
    if row is None:
        raise Http404("This application has not been escalated")

    def act(data):
        services.escalation_outcome_record(
            dissatisfaction=row, outcome=data["outcome"], outcome_on=data["outcome_on"], by=request.user
        )
        return "The escalation's outcome has been recorded and the application closed."

    return _post_form(request, application, EscalationOutcomeForm(request.POST), "escalation_form", act)


# --- The outcome letter ---------------------------------------------------------------------------


def _letter_application(request: HttpRequest, pk: int) -> Application:
    application = access_application_for_user(request.user, pk)
    if application.status in (
        Application.Status.RECEIVED,
        Application.Status.MET,
        Application.Status.WITHDRAWN,
    ):
        raise Http404("The outcome letter is ready once the threshold is not met or the review is held")
    return application


@officer_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = _letter_application(request, pk)
    response = HttpResponse(letters.letter_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.reference}-outcome.pdf"'
    return response


@officer_required
def letter_docx(request: HttpRequest, pk: int) -> HttpResponse:
    application = _letter_application(request, pk)
    response = HttpResponse(
        letters.letter_docx(application),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{application.reference}-outcome.docx"'
    return response


# --- Administrators: the settings ---------------------------------------------------------------


@officer_required
@FORM_METHODS
def settings_edit(request: HttpRequest, slug: str) -> HttpResponse:
    require_settings_access(request.user)
    partnership = access_partnership_for_user(request.user, slug)
    case_settings = services.settings_for(partnership)
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=case_settings)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.settings_update(
                    case_settings=get_object_or_404(type(case_settings), pk=case_settings.pk),
                    data=form.cleaned_data,
                    by=request.user,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "The Case Review settings have been saved.")
                return redirect("accountability:settings", slug=partnership.slug)
        status = 400
    return render(
        request,
        "accountability/settings.html",
        {"form": form, "partnership": partnership, "placeholders": sorted(LETTER_PLACEHOLDERS.items())},
        status=status,
    )


# --- Published figures (public) -------------------------------------------------------------------


def _figures_partnership(request: HttpRequest, slug: str, year: int):
    if not 2014 <= year <= 2200:  # the Case Review began with the 2014 Act
        raise Http404("No figures for that year")
    return access_partnership_for_user(request.user, slug)


def figures(request: HttpRequest) -> HttpResponse:
    """Public: each partnership's years of published figures."""
    rows = [
        {"partnership": partnership, "years": published.figure_years(partnership)}
        for partnership in Partnership.objects.order_by("name").only("pk", "name", "slug")
    ]
    return render(request, "accountability/figures.html", {"partnerships": rows})


def figures_year(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Public: one year's counts, as a chart and a table. No personal data."""
    partnership = _figures_partnership(request, slug, year)
    rows = published.year_figures(partnership, year)
    return render(
        request,
        "accountability/figures_year.html",
        {
            "partnership": partnership,
            "year": year,
            "figures": rows,
            "chart": published.figures_chart(rows),
            "years": published.figure_years(partnership),
        },
    )


def figures_csv(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    partnership = _figures_partnership(request, slug, year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="case-reviews-{partnership.slug}-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(["partnership", "year", "measure", "number"])
    for figure in published.year_figures(partnership, year):
        writer.writerow([partnership.name, year, figure.label, figure.value])
    return response


# --- Councillor Call for Action (officers: the committee's clerk records it) --------------------------


def _call(user, pk: int) -> CouncillorCall:
    call = (
        CouncillorCall.objects.select_related("partnership", "ward")
        .defer("ward__boundary")
        .filter(pk=pk)
        .first()
    )
    if call is None:
        raise Http404("No such call")
    return call


@officer_required
def call_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.call_list()[:LIST_LIMIT])
    today = timezone.localdate()
    for row in rows:
        row.overdue = (
            row.status == CouncillorCall.Status.REPORTED and row.responses_due_on < today and row.waiting
        )
    return render(request, "accountability/call_list.html", {"calls": rows})


@officer_required
@FORM_METHODS
def call_create(request: HttpRequest) -> HttpResponse:
    form = CallForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                call = services.call_refer(**form.cleaned_data, by=request.user)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"Councillor Call for Action {call.reference} recorded.")
                return redirect("accountability:call-detail", pk=call.pk)
        status = 400
    return render(request, "accountability/call_form.html", {"form": form}, status=status)


def _call_detail(request, call, *, status=200, **forms) -> HttpResponse:
    S = CouncillorCall.Status
    recommendations = list(call.recommendations.select_related("organisation"))
    today = timezone.localdate()
    for row in recommendations:
        row.overdue = row.is_overdue(today)
        if call.status == S.REPORTED and row.responded_on is None:
            row.form = forms.get(f"response_{row.pk}") or CallResponseForm(prefix=f"r{row.pk}")
    context = {
        "call": call,
        "recommendations": recommendations,
        "overdue": any(r.overdue for r in recommendations),
    }
    if call.status == S.REFERRED:
        context["decision_form"] = forms.get("decision_form") or CallDecisionForm()
    if call.status == S.ACCEPTED:
        context["report_form"] = forms.get("report_form") or CallReportForm(partnership=call.partnership)
    context["any_errors"] = [form for form in forms.values() if form is not None and form.errors]
    return render(request, "accountability/call_detail.html", context, status=status)


@officer_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _call_detail(request, _call(request.user, pk))


@officer_required
@require_POST
def call_decide(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request.user, pk)
    form = CallDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.call_decide(
                call=call,
                accept=form.cleaned_data["accept"],
                decided_on=form.cleaned_data["decided_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The committee's decision has been recorded.")
            return redirect("accountability:call-detail", pk=call.pk)
    return _call_detail(request, call, status=400, decision_form=form)


@officer_required
@require_POST
def call_report(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request.user, pk)
    form = CallReportForm(request.POST, partnership=call.partnership)
    if form.is_valid():
        try:
            services.call_report(
                call=call,
                report=form.cleaned_data["report"],
                reported_on=form.cleaned_data["reported_on"],
                recommendations=form.recommendations(),
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The report and its recommendations have been recorded.")
            return redirect("accountability:call-detail", pk=call.pk)
    return _call_detail(request, call, status=400, report_form=form)


@officer_required
@require_POST
def call_response(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(CallRecommendation.objects.select_related("call"), pk=pk)
    call = _call(request.user, recommendation.call_id)
    form = CallResponseForm(request.POST, prefix=f"r{recommendation.pk}")
    if form.is_valid():
        try:
            services.call_response_record(
                recommendation=recommendation,
                response=form.cleaned_data["response"],
                responded_on=form.cleaned_data["responded_on"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The response has been recorded.")
            return redirect("accountability:call-detail", pk=call.pk)
    return _call_detail(request, call, status=400, **{f"response_{recommendation.pk}": form})


# --- A ward councillor's page ---------------------------------------------------------------------


@login_required
def ward_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Signed-in partnership members (officers, administrators, members of a group): a ward's
    groups, their current priorities, its open public problems, its Case Reviews counted by
    status and its Councillor Calls for Action. Counts only: no names or contact details."""
    ward, viewer = access_ward_for_user(request.user, slug)
    page = selectors.ward_page(ward=ward, viewer=viewer)
    return render(request, "accountability/ward_detail.html", {"page": page, "ward": ward, "viewer": viewer})
