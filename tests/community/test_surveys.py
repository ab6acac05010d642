"""Perception surveys: officers write, open, repeat and close them; residents answer once each;
results are public only above the minimum; before and after are compared honestly."""

import itertools

import pytest
from django.urls import reverse

from tandem.community import surveys as service
from tandem.community.models import Survey, SurveyAnswer, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(cast):
    survey = Survey.objects.create(
        partnership=cast.partnership, area=cast.neighbourhood, title="Feeling safe in Oakfield"
    )
    service.question_add(
        survey=survey, text="How safe do you feel walking here after dark?", kind="scale", scale="safety"
    )
    service.question_add(survey=survey, text="Anything else?", kind="text")
    return survey


_people = itertools.count()


def _answers(survey: Survey, choices: list[int]) -> None:
    """One response per choice, from as many different people."""
    question = survey.questions.get(kind="scale")
    for choice in choices:
        service.response_submit(
            survey=survey, respondent=f"person-{next(_people)}", answers={question.pk: choice}
        )


def test_an_officer_writes_a_survey_and_opens_it(client, cast):
    client.force_login(cast.officer)

    response = client.post(
        reverse("community:survey-create"),
        {
            "partnership": cast.partnership.pk,
            "area": cast.neighbourhood.pk,
            "title": "Feeling safe",
            "round": "before",
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.status == Survey.Status.DRAFT
    manage = reverse("community:survey-manage", args=[survey.pk])
    client.post(
        manage,
        {
            "do": "add-question",
            "text": "How safe do you feel after dark?",
            "kind": "scale",
            "scale": "safety",
        },
    )
    client.post(manage, {"do": "open"})

    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN and survey.questions.count() == 1


def test_a_survey_without_questions_cannot_be_opened_and_questions_are_fixed_once_open(client, cast):
    client.force_login(cast.officer)
    survey = Survey.objects.create(partnership=cast.partnership, area=cast.neighbourhood, title="Empty")
    manage = reverse("community:survey-manage", args=[survey.pk])

    response = client.post(manage, {"do": "open"}, follow=True)
    assert "Add at least one question before opening the survey." in response.content.decode()
    assert Survey.objects.get().status == Survey.Status.DRAFT

    service.question_add(survey=survey, text="Q?", kind="scale", scale="safety")
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    response = client.post(manage, {"do": "add-question", "text": "Another?", "kind": "text"}, follow=True)
    assert survey.questions.count() == 1
    assert "only be changed while the survey is a draft" in response.content.decode()


def test_a_scale_question_needs_its_scale(client, cast, survey):
    client.force_login(cast.officer)
    response = client.post(
        reverse("community:survey-manage", args=[survey.pk]),
        {"do": "add-question", "text": "Q?", "kind": "scale"},
    )
    assert response.status_code == 400
    assert survey.questions.count() == 2


def test_only_officers_write_surveys(client, cast, survey):
    client.force_login(cast.member)
    assert client.get(reverse("community:survey-create")).status_code == 403
    assert (
        client.post(reverse("community:survey-manage", args=[survey.pk]), {"do": "open"}).status_code == 403
    )
    assert Survey.objects.get().status == Survey.Status.DRAFT


def test_a_draft_is_not_found_by_residents(client, survey):
    assert client.get(survey.get_absolute_url()).status_code == 404
    assert client.get(reverse("community:survey-results", args=[survey.pk])).status_code == 404


def test_a_resident_without_an_account_answers_once(client, survey):
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    scale, text = survey.questions.order_by("position")

    response = client.post(survey.get_absolute_url(), {f"q{scale.pk}": "2", f"q{text.pk}": "More lights"})
    assert response.status_code == 302
    assert "tandem_respondent" in response.cookies
    again = client.post(survey.get_absolute_url(), {f"q{scale.pk}": "5"})

    assert again.status_code == 400
    assert "already answered" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert list(SurveyAnswer.objects.values_list("choice", "text").order_by("pk")) == [
        (2, ""),
        (None, "More lights"),
    ]


def test_a_signed_in_resident_is_one_respondent_on_every_browser(client, cast, survey):
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    scale = survey.questions.get(kind="scale")
    client.force_login(cast.outsider)
    client.post(survey.get_absolute_url(), {f"q{scale.pk}": "1"})
    client.cookies.clear()
    client.force_login(cast.outsider)

    response = client.post(survey.get_absolute_url(), {f"q{scale.pk}": "1"})

    assert response.status_code == 400
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("answer", ["6", "0", "very safe", ""])
def test_a_bad_or_empty_answer_is_refused_and_nothing_is_kept(client, survey, answer):
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    scale = survey.questions.get(kind="scale")

    response = client.post(survey.get_absolute_url(), {f"q{scale.pk}": answer})

    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_takes_no_answers(client, survey):
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    service.survey_set_status(survey=survey, to_status=Survey.Status.CLOSED)
    scale = survey.questions.get(kind="scale")

    response = client.post(survey.get_absolute_url(), {f"q{scale.pk}": "1"})

    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_results_are_public_only_from_the_minimum_and_never_the_free_text(client, cast, survey, settings):
    settings.SURVEY_MIN_PUBLIC_RESPONSES = 5
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    text = survey.questions.get(kind="text")
    service.response_submit(survey=survey, respondent="someone", answers={text.pk: "Mr Smith at number 4"})
    _answers(survey, [1, 2, 2])
    url = reverse("community:survey-results", args=[survey.pk])

    assert "published once 5 people have answered" in client.get(url).content.decode()
    assert client.get(reverse("community:survey-results-csv", args=[survey.pk])).status_code == 403

    _answers(survey, [4])
    page = client.get(url).content.decode()
    assert "Fairly safe" in page and "Mr Smith" not in page
    csv_text = client.get(reverse("community:survey-results-csv", args=[survey.pk])).content.decode()
    assert "Fairly safe,2,50.0" in csv_text and "Mr Smith" not in csv_text

    client.force_login(cast.officer)
    assert "Mr Smith at number 4" in client.get(url).content.decode()


def test_the_after_round_is_compared_with_the_before_round(cast, survey, settings):
    settings.SURVEY_MIN_PUBLIC_RESPONSES = 1
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    _answers(survey, [1] * 10 + [4] * 30)  # 25% feel safe
    service.survey_set_status(survey=survey, to_status=Survey.Status.CLOSED)

    after = service.survey_repeat(survey=survey, by=cast.officer)
    assert after.round == Survey.Round.AFTER and after.repeats == survey
    assert list(after.questions.values_list("text", flat=True)) == list(
        survey.questions.values_list("text", flat=True)
    )
    service.survey_set_status(survey=after, to_status=Survey.Status.OPEN)
    _answers(after, [2] * 24 + [5] * 16)  # 60% feel safe

    [row] = service.survey_comparison(after)

    assert round(row.before.positive_percent) == 25 and round(row.after.positive_percent) == 60
    assert "rose from 25% to 60%" in row.summary
    assert "unlikely to be chance alone" in row.summary


def test_a_small_change_on_few_answers_is_not_claimed(cast, survey, settings):
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    _answers(survey, [1, 4, 4, 4])
    after = service.survey_repeat(survey=survey, by=cast.officer)
    service.survey_set_status(survey=after, to_status=Survey.Status.OPEN)
    _answers(after, [1, 2, 4, 4])

    [row] = service.survey_comparison(after)

    assert "not distinguishable from chance" in row.summary


def test_the_share_feeling_safe_counts_answers_in_the_quarter(survey, settings):
    import datetime as dt

    from django.utils import timezone

    settings.SURVEY_MIN_PUBLIC_RESPONSES = 3
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    _answers(survey, [1, 2, 5, 5])
    question = survey.questions.get(kind="scale")
    today = timezone.localdate()

    assert service.question_positive_share(question=question, start=today, end=today) == 50.0
    past = today - dt.timedelta(days=200)
    assert service.question_positive_share(question=question, start=past, end=past) is None


def test_the_demo_surveys_compare_before_and_after_once(cast):
    from tandem.community import survey_demo

    created: dict = {}
    survey_demo.demo_load(partnership=cast.partnership, progress=lambda step: None, created=created)
    survey_demo.demo_load(partnership=cast.partnership, progress=lambda step: None, created=created)

    assert created == {"surveys": 2}
    after = Survey.objects.get(round=Survey.Round.AFTER)
    [row] = service.survey_comparison(after)
    assert round(row.before.positive_percent) == 30 and round(row.after.positive_percent) == 57


def test_a_survey_question_gives_a_strategy_indicator_its_quarterly_figure(client, cast, survey, settings):
    import datetime as dt
    from decimal import Decimal

    from tandem.community.models import IndicatorQuestion
    from tandem.strategy import services as strategy_services
    from tandem.strategy.models import Indicator

    settings.SURVEY_MIN_PUBLIC_RESPONSES = 4
    strategy = strategy_services.strategy_create(
        partnership=cast.partnership,
        title="Community Safety Strategy 2025–28",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2028, 3, 31),
    )
    priority = strategy_services.priority_create(strategy=strategy, title="Feeling safe")
    indicator = strategy_services.indicator_create(
        priority=priority,
        name="% who feel safe after dark",
        unit="%",
        baseline=Decimal(40),
        target=Decimal(60),
        direction=Indicator.Direction.UP,
        source=Indicator.Source.SURVEY,
    )
    service.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    _answers(survey, [1, 2, 2, 4, 5])  # 3 of 5 feel safe
    SurveyResponse.objects.update(created_at=dt.datetime(2026, 8, 15, 12, tzinfo=dt.UTC))
    question = survey.questions.get(kind="scale")

    client.force_login(cast.officer)
    response = client.post(
        reverse("community:survey-manage", args=[survey.pk]),
        {"do": "link-indicator", "indicator": indicator.pk, "question": question.pk},
    )
    assert response.status_code == 302
    assert IndicatorQuestion.objects.get().question == question

    counted = strategy_services.indicator_values_count(indicator=indicator, on=dt.date(2026, 12, 3))

    assert [(value.period_start, value.value) for value in counted] == [
        (dt.date(2026, 7, 1), Decimal("60.00"))
    ]


def test_only_a_survey_based_indicator_can_be_linked(client, cast, survey):
    import datetime as dt
    from decimal import Decimal

    from tandem.community.models import IndicatorQuestion
    from tandem.strategy import services as strategy_services

    strategy = strategy_services.strategy_create(
        partnership=cast.partnership,
        title="Strategy",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2028, 3, 31),
    )
    priority = strategy_services.priority_create(strategy=strategy, title="Feeling safe")
    manual = strategy_services.indicator_create(
        priority=priority, name="Entered", baseline=Decimal(1), target=Decimal(0)
    )
    client.force_login(cast.officer)

    response = client.post(
        reverse("community:survey-manage", args=[survey.pk]),
        {"do": "link-indicator", "indicator": manual.pk, "question": survey.questions.get(kind="scale").pk},
    )

    assert response.status_code == 400
    assert not IndicatorQuestion.objects.exists()
