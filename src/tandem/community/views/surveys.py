"""Perception surveys: residents answer them (no account needed); officers write, open, close and
repeat them; everyone sees the results once enough people have answered."""

from __future__ import annotations

import csv
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.access import is_officer
from tandem.strategy.models import Indicator

from .. import surveys as service
from ..models import IndicatorQuestion, Survey, SurveyQuestion
from ..survey_forms import AnswerForm, QuestionForm, SurveyForm

RESPONDENT_COOKIE = "tandem_respondent"
RESPONDENT_COOKIE_AGE = 60 * 60 * 24 * 365 * 2


def _survey_for(user, pk: int) -> Survey:
    """A survey anyone may see once opened; drafts only for officers (not found for others)."""
    survey = get_object_or_404(
        Survey.objects.select_related("area", "partnership", "repeats", "problem", "action"), pk=pk
    )
    if survey.status == Survey.Status.DRAFT and not is_officer(user):
        raise Http404("No such survey")
    return survey


def _officer_only(user) -> None:
    if not is_officer(user):
        raise PermissionDenied("Only partnership officers and administrators can write surveys.")


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    """Public: open surveys to answer and closed ones with their results; drafts for officers."""
    found = Survey.objects.select_related("area").order_by("-created_at")
    if not is_officer(request.user):
        found = found.exclude(status=Survey.Status.DRAFT)
    return render(
        request,
        "community/survey_list.html",
        {"surveys": list(found[:200]), "can_write": is_officer(request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    """Officers: a new survey, as a draft to add questions to."""
    if not request.user.is_authenticated:
        return redirect(f"{settings.LOGIN_URL}?next={request.path}")
    _officer_only(request.user)
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            survey = service.survey_create(by=request.user, **form.cleaned_data)
            messages.success(request, "Survey created. Add its questions, then open it.")
            return redirect("community:survey-manage", pk=survey.pk)
        return render(request, "community/survey_form.html", {"form": form}, status=400)
    return render(request, "community/survey_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def survey_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: a survey's questions (while a draft), opening, closing and repeating it."""
    if not request.user.is_authenticated:
        return redirect(f"{settings.LOGIN_URL}?next={request.path}")
    _officer_only(request.user)
    survey = _survey_for(request.user, pk)
    form = QuestionForm()
    status = 200
    if request.method == "POST":
        do = request.POST.get("do", "")
        try:
            if do == "add-question":
                form = QuestionForm(request.POST)
                if form.is_valid():
                    service.question_add(survey=survey, **form.cleaned_data)
                    messages.success(request, "Question added.")
                    return redirect("community:survey-manage", pk=survey.pk)
                status = 400
            elif do == "remove-question":
                question = get_object_or_404(
                    SurveyQuestion, survey=survey, pk=request.POST.get("question") or 0
                )
                service.question_remove(question=question)
                messages.success(request, "Question removed.")
                return redirect("community:survey-manage", pk=survey.pk)
            elif do in ("open", "close"):
                to_status = Survey.Status.OPEN if do == "open" else Survey.Status.CLOSED
                service.survey_set_status(survey=survey, to_status=to_status)
                messages.success(
                    request, "The survey is open for answers." if do == "open" else "Survey closed."
                )
                return redirect("community:survey-manage", pk=survey.pk)
            elif do == "link-indicator":
                question = get_object_or_404(
                    SurveyQuestion, survey=survey, pk=_number(request.POST.get("question"))
                )
                indicator = get_object_or_404(
                    Indicator.objects.select_related("priority__strategy"),
                    pk=_number(request.POST.get("indicator")),
                )
                service.indicator_question_link(question=question, indicator=indicator)
                messages.success(request, f"“{indicator.name}” now counts its figures from this question.")
                return redirect("community:survey-manage", pk=survey.pk)
            elif do == "repeat":
                after = service.survey_repeat(survey=survey, by=request.user)
                messages.success(
                    request, "The repeat is a draft with the same questions: open it after the intervention."
                )
                return redirect("community:survey-manage", pk=after.pk)
            else:
                return HttpResponse("Unknown request.", status=400, content_type="text/plain; charset=utf-8")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
    return render(
        request,
        "community/survey_manage.html",
        {
            "survey": survey,
            "questions": list(survey.questions.all()),
            "form": form,
            "responses": survey.responses.count(),
            "indicators": list(
                Indicator.objects.filter(
                    source=Indicator.Source.SURVEY, priority__strategy__partnership=survey.partnership
                ).order_by("name")
            ),
            "links": list(
                IndicatorQuestion.objects.filter(question__survey=survey).select_related(
                    "indicator", "question"
                )
            ),
        },
        status=status,
    )


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such choice") from None


def _respondent(request: HttpRequest) -> tuple[str, str | None]:
    """The respondent key, and a new browser token to set when the browser had none."""
    if request.user.is_authenticated:
        return service.respondent_key(user=request.user), None
    token = request.COOKIES.get(RESPONDENT_COOKIE, "")
    if len(token) < 20 or len(token) > 100:
        token = secrets.token_urlsafe(24)
        return service.respondent_key(browser_token=token), token
    return service.respondent_key(browser_token=token), None


@require_http_methods(["GET", "HEAD", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a survey to answer while it is open; its results link once closed."""
    survey = _survey_for(request.user, pk)
    questions = list(survey.questions.all())
    respondent, new_token = _respondent(request)
    answered = service.has_answered(survey=survey, respondent=respondent)
    form = AnswerForm(request.POST or None, questions=questions)
    status, error = 200, ""
    if request.method == "POST":
        if survey.status != Survey.Status.OPEN:
            status, error = 400, "This survey is not open for answers."
        elif form.is_valid():
            try:
                service.response_submit(survey=survey, respondent=respondent, answers=form.answers())
            except ValidationError as refused:
                status, error = 400, " ".join(refused.messages)
            else:
                response = redirect(f"{survey.get_absolute_url()}?answered=1")
                _set_token(response, new_token)
                return response
        else:
            status = 400
    response = render(
        request,
        "community/survey_detail.html",
        {
            "survey": survey,
            "form": form,
            "answered": answered or request.GET.get("answered") == "1",
            "error": error,
            "can_write": is_officer(request.user),
        },
        status=status,
    )
    _set_token(response, new_token)
    return response


def _set_token(response: HttpResponse, token: str | None) -> None:
    if token:
        response.set_cookie(
            RESPONDENT_COOKIE,
            token,
            max_age=RESPONDENT_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


@require_GET
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Public once enough people have answered: counts and shares for every question, and the
    comparison with the survey it repeats. Officers see them sooner, and the free text."""
    survey = _survey_for(request.user, pk)
    officer = is_officer(request.user)
    results = service.survey_results(survey, with_texts=officer)
    comparison = []
    if survey.repeats_id and (results.public or officer):
        before = service.survey_results(survey.repeats)
        if before.public or officer:
            comparison = service.survey_comparison(survey)
    return render(
        request,
        "community/survey_results.html",
        {
            "survey": survey,
            "results": results,
            "shown": results.public or officer,
            "officer": officer,
            "minimum": service.min_public_responses(),
            "comparison": comparison,
            "repeats": list(survey.repeated_by.exclude(status=Survey.Status.DRAFT)),
        },
    )


@require_GET
def survey_results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The counts as CSV (never the free text), under the same rule as the results page."""
    survey = _survey_for(request.user, pk)
    results = service.survey_results(survey)
    if not (results.public or is_officer(request.user)):
        return HttpResponse(
            f"The results are shown once {service.min_public_responses()} people have answered.",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-results.csv"'
    writer = csv.writer(response)
    writer.writerow(["Survey", "Round", "Question", "Answer", "Responses", "Share (%)"])
    for result in results.questions:
        if result.question.kind != SurveyQuestion.Kind.SCALE:
            writer.writerow(
                [
                    survey.title,
                    survey.get_round_display(),
                    result.question.text,
                    "(free text answers)",
                    result.answered,
                    "",
                ]
            )
            continue
        for row in result.rows:
            writer.writerow(
                [
                    survey.title,
                    survey.get_round_display(),
                    result.question.text,
                    row["answer"],
                    row["count"],
                    f"{row['percent']:.1f}",
                ]
            )
    return response
