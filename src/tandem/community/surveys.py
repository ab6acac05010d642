"""Perception surveys: their changes (``survey_…``, ``response_submit``) and their results.

A survey is written as a draft (questions can change only then), opened, answered once per
person, and closed. An "after" round repeats a "before" survey's questions in the same area, so
that the results can be compared: the share giving one of the two best answers ("very" or
"fairly safe") before and after, with Fisher's exact test and a sentence that says what can
and cannot be concluded. Results are public only once enough people have answered
(``SURVEY_MIN_PUBLIC_RESPONSES``), so that nobody's answers can be picked out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from scipy.stats import fisher_exact

from .models import POSITIVE_ANSWERS, IndicatorQuestion, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse


def min_public_responses() -> int:
    return int(getattr(settings, "SURVEY_MIN_PUBLIC_RESPONSES", 10))


def respondent_key(*, user=None, browser_token: str = "") -> str:
    """Who answered, as a hash: the account when signed in, else the browser's random token."""
    if user is not None and user.is_authenticated:
        identity = f"user:{user.pk}"
    elif browser_token:
        identity = f"browser:{browser_token}"
    else:
        raise ValueError("a respondent needs an account or a browser token")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()


# --- Changes -------------------------------------------------------------------------------


@transaction.atomic
def survey_create(*, by, **fields) -> Survey:
    survey = Survey(created_by=by, **fields)
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def question_add(*, survey: Survey, text: str, kind: str, scale: str = "") -> SurveyQuestion:
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError("Questions can only be changed while the survey is a draft.")
    if kind == SurveyQuestion.Kind.SCALE and not scale:
        raise ValidationError({"scale": "Select the answers to choose from"})
    last = survey.questions.order_by("-position").values_list("position", flat=True).first() or 0
    question = SurveyQuestion(
        survey=survey, position=last + 1, text=text, kind=kind, scale=scale if kind == "scale" else ""
    )
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_remove(*, question: SurveyQuestion) -> None:
    if question.survey.status != Survey.Status.DRAFT:
        raise ValidationError("Questions can only be changed while the survey is a draft.")
    question.delete()


TRANSITIONS = {Survey.Status.DRAFT: {Survey.Status.OPEN}, Survey.Status.OPEN: {Survey.Status.CLOSED}}


@transaction.atomic
def survey_set_status(*, survey: Survey, to_status: str) -> Survey:
    survey.status = Survey.objects.select_for_update().values_list("status", flat=True).get(pk=survey.pk)
    if to_status not in TRANSITIONS.get(survey.status, set()):
        raise ValidationError(
            f"A survey that is {survey.get_status_display().lower()} cannot be "
            f"{'opened' if to_status == Survey.Status.OPEN else 'closed'}."
        )
    if to_status == Survey.Status.OPEN and not survey.questions.exists():
        raise ValidationError("Add at least one question before opening the survey.")
    survey.status = to_status
    fields = ["status"]
    if to_status == Survey.Status.OPEN:
        survey.opened_at = timezone.now()
        fields.append("opened_at")
    else:
        survey.closed_at = timezone.now()
        fields.append("closed_at")
    survey.save(update_fields=fields)
    return survey


@transaction.atomic
def survey_repeat(*, survey: Survey, by) -> Survey:
    """A draft "after" round of a survey: the same area, subject and questions."""
    if survey.status == Survey.Status.DRAFT:
        raise ValidationError("Open the survey before planning its repeat.")
    if survey.round == Survey.Round.SINGLE:
        Survey.objects.filter(pk=survey.pk).update(round=Survey.Round.BEFORE)
        survey.round = Survey.Round.BEFORE
    after = Survey.objects.create(
        partnership=survey.partnership,
        area=survey.area,
        title=survey.title,
        introduction=survey.introduction,
        round=Survey.Round.AFTER,
        repeats=survey,
        problem=survey.problem,
        action=survey.action,
        created_by=by,
    )
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=after,
            position=question.position,
            text=question.text,
            kind=question.kind,
            scale=question.scale,
        )
        for question in survey.questions.all()
    )
    return after


def response_submit(*, survey: Survey, respondent: str, answers: dict[int, int | str]) -> SurveyResponse:
    """Record one person's answers (question id → choice 1–5 or text); a second response from
    the same person is refused, and nothing of a refused response is kept."""
    if survey.status != Survey.Status.OPEN:
        raise ValidationError("This survey is not open for answers.")
    questions = {question.pk: question for question in survey.questions.all()}
    rows = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise ValidationError("An answer was given to a question this survey does not ask.")
        if question.kind == SurveyQuestion.Kind.SCALE:
            if value in (None, ""):
                continue
            if not isinstance(value, int) or not 1 <= value <= len(question.options):
                raise ValidationError(f"Choose one of the answers to “{question.text}”.")
            rows.append(SurveyAnswer(question=question, choice=value))
        else:
            text = str(value or "").strip()
            if len(text) > 2000:
                raise ValidationError(f"The answer to “{question.text}” must be 2,000 characters or fewer.")
            if text:
                rows.append(SurveyAnswer(question=question, text=text))
    if not rows:
        raise ValidationError("Answer at least one question.")
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, respondent=respondent)
            for row in rows:
                row.response = response
            SurveyAnswer.objects.bulk_create(rows)
    except IntegrityError:
        raise ValidationError("You have already answered this survey. Thank you.") from None
    return response


def has_answered(*, survey: Survey, respondent: str) -> bool:
    return SurveyResponse.objects.filter(survey=survey, respondent=respondent).exists()


# --- Results -------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: SurveyQuestion
    counts: list[tuple[str, int]]  # (answer, how many), best first
    answered: int
    texts: list[str]

    @property
    def positive(self) -> int:
        return sum(count for _, count in self.counts[:POSITIVE_ANSWERS])

    @property
    def positive_percent(self) -> float | None:
        return self.positive / self.answered * 100 if self.answered else None

    @property
    def rows(self) -> list[dict]:
        return [
            {"answer": answer, "count": count, "percent": count / self.answered * 100 if self.answered else 0}
            for answer, count in self.counts
        ]


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]

    @property
    def public(self) -> bool:
        return self.responses >= min_public_responses()


def survey_results(survey: Survey, *, with_texts: bool = False) -> SurveyResults:
    """Counts for every question (free-text answers only when ``with_texts``: officers', as
    residents may name people in them)."""
    questions = list(survey.questions.all())
    counts: dict[tuple[int, int], int] = {
        (row["question"], row["choice"]): row["n"]
        for row in SurveyAnswer.objects.filter(question__survey=survey, choice__isnull=False)
        .values("question", "choice")
        .annotate(n=Count("id"))
    }
    texts: dict[int, list[str]] = {}
    if with_texts:
        for question_id, text in (
            SurveyAnswer.objects.filter(question__survey=survey)
            .exclude(text="")
            .order_by("pk")
            .values_list("question", "text")
        ):
            texts.setdefault(question_id, []).append(text)
    found = []
    for question in questions:
        option_counts = [
            (answer, counts.get((question.pk, index), 0))
            for index, answer in enumerate(question.options, start=1)
        ]
        answered = sum(count for _, count in option_counts)
        if question.kind == SurveyQuestion.Kind.TEXT:
            answered = SurveyAnswer.objects.filter(question=question).exclude(text="").count()
        found.append(QuestionResult(question, option_counts, answered, texts.get(question.pk, [])))
    return SurveyResults(survey, survey.responses.count(), found)


@dataclass
class Comparison:
    question: SurveyQuestion
    before: QuestionResult
    after: QuestionResult
    p_value: float | None

    @property
    def change_points(self) -> float | None:
        if self.before.positive_percent is None or self.after.positive_percent is None:
            return None
        return self.after.positive_percent - self.before.positive_percent

    @property
    def summary(self) -> str:
        best = " or ".join(answer.lower() for answer in self.question.options[:POSITIVE_ANSWERS])
        if self.change_points is None:
            return "Not enough answers on both sides to compare."
        before, after = self.before.positive_percent, self.after.positive_percent
        if abs(self.change_points) < 0.5:
            said = f"The share answering {best} stayed at {after:.0f}%"
        else:
            verb = "rose" if self.change_points > 0 else "fell"
            said = f"The share answering {best} {verb} from {before:.0f}% to {after:.0f}%"
        said += f" ({self.before.answered} answers before, {self.after.answered} after)"
        if self.p_value is not None and self.p_value < 0.05:
            return (
                said
                + "; a change this large is unlikely to be chance alone (p = "
                + _p(self.p_value)
                + "), though it does not show what caused it."
            )
        return (
            said
            + "; with these numbers the difference is not distinguishable from chance (p = "
            + _p(self.p_value)
            + ")."
        )


def _p(value: float | None) -> str:
    if value is None:
        return "not calculable"
    return "< 0.001" if value < 0.001 else f"{value:.2g}"


def survey_comparison(after: Survey) -> list[Comparison]:
    """The "after" round against the survey it repeats, scale question by scale question
    (matched by position and wording)."""
    if after.repeats_id is None:
        return []
    before = survey_results(after.repeats)
    later = survey_results(after)
    by_text = {result.question.text: result for result in before.questions}
    found = []
    for result in later.questions:
        earlier = by_text.get(result.question.text)
        if earlier is None or result.question.kind != SurveyQuestion.Kind.SCALE:
            continue
        p_value = None
        if earlier.answered and result.answered:
            _, p_value = fisher_exact(
                [
                    [earlier.positive, earlier.answered - earlier.positive],
                    [result.positive, result.answered - result.positive],
                ]
            )
        found.append(Comparison(result.question, earlier, result, p_value))
    return found


def _same_question(question: SurveyQuestion) -> list[int]:
    """The question and the same question (by wording) in the surveys it repeats or that repeat it."""
    survey = question.survey
    related = {survey.pk, *survey.repeated_by.values_list("pk", flat=True)}
    if survey.repeats_id:
        related |= {
            survey.repeats_id,
            *Survey.objects.filter(repeats_id=survey.repeats_id).values_list("pk", flat=True),
        }
    return list(
        SurveyQuestion.objects.filter(
            survey_id__in=related, text=question.text, kind=question.kind
        ).values_list("pk", flat=True)
    )


def question_positive_share(*, question: SurveyQuestion, start: dt.date, end: dt.date) -> float | None:
    """The share (%) of answers to a scale question (and to it in the survey's repeats) given from
    ``start`` to ``end`` (days, both included) that are one of the two best: a strategy indicator's
    quarterly figure. None below the public minimum of responses."""
    answers = SurveyAnswer.objects.filter(
        question_id__in=_same_question(question),
        choice__isnull=False,
        response__created_at__date__gte=start,
        response__created_at__date__lte=end,
    )
    total = answers.count()
    if total < min_public_responses():
        return None
    return answers.filter(choice__lte=POSITIVE_ANSWERS).count() / total * 100


@transaction.atomic
def indicator_question_link(*, question: SurveyQuestion, indicator) -> IndicatorQuestion:
    """Count a survey-based indicator's figures from this scale question from now on."""
    from tandem.strategy.models import Indicator

    if question.kind != SurveyQuestion.Kind.SCALE:
        raise ValidationError("Only a five-point scale question can give an indicator its figure.")
    if indicator.source != Indicator.Source.SURVEY:
        raise ValidationError("Choose an indicator whose figures are counted from a survey question.")
    if indicator.priority.strategy.partnership_id != question.survey.partnership_id:
        raise ValidationError("Choose an indicator of this survey's partnership.")
    link, _ = IndicatorQuestion.objects.update_or_create(indicator=indicator, defaults={"question": question})
    return link


def indicator_figure(indicator, period_start: dt.date, period_end: dt.date):
    """The strategy's survey source: the quarter's share for the question linked to the indicator."""
    from decimal import Decimal

    link = IndicatorQuestion.objects.select_related("question__survey").filter(indicator=indicator).first()
    if link is None:
        return None
    share = question_positive_share(question=link.question, start=period_start, end=period_end)
    return None if share is None else Decimal(str(round(share, 2)))
