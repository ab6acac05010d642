"""Quarterly reviews of the annual plan: starting one, its page with the chart, editing the
narratives and recommendation, finalising, the committee report (PDF and Word), and putting it
on the agenda of the partnership's quarterly meeting.

Each view parses the request, fetches through an ``access_…`` helper, calls a service in
``tandem.actionplans.review`` for any change, and renders. Bad input and refused changes are
shown as an error summary with status 400; nothing is written.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from tandem.actionplans import review as service
from tandem.actionplans.access import access_plan_for_user, access_review_for_user
from tandem.actionplans.annual import date_text, top_groups
from tandem.actionplans.annual_forms import ReviewAgendaForm, ReviewCreateForm, ReviewEditForm
from tandem.actionplans.models import AnnualPlan, QuarterlyReview
from tandem.partnership.views import _apply_errors, _data
from tandem.strategy.models import StrategicPriority

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "actionplans/plan_form.html", context, status=status)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@FORM_METHODS
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: start the review of one quarter of the plan's year (one review per quarter)."""
    plan, _ = access_plan_for_user(request.user, pk, write=True)
    done = set(plan.reviews.values_list("period_start", flat=True))
    quarters = [(start, end) for start, end in service.plan_quarters(plan) if start not in done]
    form = ReviewCreateForm(_data(request), quarters=quarters)
    if request.method == "POST" and form.is_valid():
        try:
            review = service.review_create(plan=plan, period_start=form.period_start(), by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"The review of {service.quarter_text(review.period_end)} has started. Write the narratives "
                "and check the recommendation.",
            )
            return redirect(review)
    lead = (
        "For each strategic priority the review counts the plan's actions by status at the end of the "
        "quarter, rates it red, amber or green, and shows its indicators against their targets."
        if quarters
        else "Every quarter of the plan's year already has a review."
    )
    return _form_page(
        request,
        {
            "form": form if quarters else None,
            "title": "Start a quarterly review",
            "caption": plan.title,
            "lead": lead,
            "cancel_url": plan.get_absolute_url(),
        },
        status=400 if form.errors else 200,
    )


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a final review of an approved plan, per strategic priority: the actions by status
    at the end of the quarter with a chart, the RAG rating in words, the indicators and the
    narrative. Drafts only for officers."""
    review, can_edit = access_review_for_user(request.user, pk)
    page = service.review_page(review)
    return render(
        request,
        "actionplans/review_detail.html",
        {
            "review": review,
            "plan": review.plan,
            "page": page,
            "chart": page.chart,
            "can_edit": can_edit,
            "is_final": review.status == QuarterlyReview.Status.FINAL,
            "plan_approved": review.plan.status == AnnualPlan.Status.APPROVED,
            "period_end": date_text(review.period_end),
            "period_start": date_text(review.period_start),
            "agenda_item": review.agenda_item if review.agenda_item_id else None,
        },
    )


@login_required
@FORM_METHODS
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: write the summary and each priority's narrative, change the recommendation, and
    finalise the review (``finalise=yes``), after which it is frozen."""
    review, _ = access_review_for_user(request.user, pk, write=True)
    final = review.status == QuarterlyReview.Status.FINAL
    context = {
        "review": review,
        "plan": review.plan,
        "title": service.review_title(review),
        "final": final,
        "errors": [],
    }
    if final:
        if request.method == "POST":
            context["errors"] = [service.FINAL_MESSAGE]
        return render(
            request, "actionplans/review_edit.html", context, status=400 if context["errors"] else 200
        )
    if request.method == "POST" and request.POST.get("finalise") == "yes":
        try:
            service.review_finalise(review=review, by=request.user)
        except ValidationError as exc:
            context["errors"] = exc.messages
        else:
            messages.success(request, "The review is final. Its report can now go on a meeting's agenda.")
            return redirect(review)
    priorities = list(
        StrategicPriority.objects.filter(strategy_id=review.plan.strategy_id).order_by("position", "pk")
    )
    narratives = dict(review.narratives.values_list("strategic_priority_id", "text"))
    initial = {"summary": review.summary, "recommendation": review.recommendation}
    initial.update({f"narrative_{priority.pk}": narratives.get(priority.pk, "") for priority in priorities})
    posted = request.method == "POST" and not context["errors"]
    form = ReviewEditForm(request.POST if posted else None, priorities=priorities, initial=initial)
    if posted and form.is_valid():
        try:
            service.review_update(
                review=review,
                summary=form.cleaned_data["summary"],
                recommendation=form.cleaned_data["recommendation"],
                narratives=form.narratives(),
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The review has been saved.")
            return redirect(review)
    context["form"] = form
    return render(
        request,
        "actionplans/review_edit.html",
        context,
        status=400 if form.errors or context["errors"] else 200,
    )


@require_safe
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: the committee report of a final review of an approved plan, as an A4 PDF
    (drafts for officers)."""
    review, _ = access_review_for_user(request.user, pk)
    return _download(service.report_pdf(review), "application/pdf", service.report_filename(review, "pdf"))


@require_safe
def review_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: the committee report as a Word document (drafts for officers)."""
    review, _ = access_review_for_user(request.user, pk)
    return _download(service.report_docx(review), DOCX, service.report_filename(review, "docx"))


@login_required
@FORM_METHODS
def review_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: put a final review on the agenda of an upcoming meeting of the partnership's
    top-level group, with the recommendation and the report attached as a paper."""
    review, _ = access_review_for_user(request.user, pk, write=True)
    meetings = service.agenda_meetings(review)
    form = ReviewAgendaForm(_data(request), meetings=meetings)
    errors = []
    if review.status != QuarterlyReview.Status.FINAL:
        errors = ["Finalise the review before putting it on an agenda: its report goes with it."]
    elif review.plan.status != AnnualPlan.Status.APPROVED:
        errors = ["The plan must be approved before its review goes on a meeting's agenda."]
    if request.method == "POST" and not errors and form.is_valid():
        try:
            item = service.review_to_agenda(
                review=review, meeting=form.cleaned_data["meeting"], by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The review is on the agenda of {item.meeting}, with its report.")
            return redirect(review)
    groups = " or ".join(group.name for group in top_groups(review.plan.partnership)) or "the partnership"
    has_meetings = meetings.exists()
    if errors:
        lead = ""
    elif has_meetings:
        lead = (
            f"The review goes on the agenda as an item of its own: its recommendation as the item's "
            f"description and the report as a paper. Upcoming meetings of {groups} are listed."
        )
    else:
        lead = f"{groups} has no upcoming meeting whose agenda can still change. Schedule a meeting first."
    return _form_page(
        request,
        {
            "form": form if (has_meetings and not errors) or form.errors else None,
            "title": "Put the review on a meeting's agenda",
            "caption": service.review_title(review),
            "lead": lead,
            "errors": errors,
            "cancel_url": review.get_absolute_url(),
        },
        status=400 if form.errors or (errors and request.method == "POST") else 200,
    )
