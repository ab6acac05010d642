"""A perception survey through the pages: an officer writes and opens it, a resident with no
account answers it (once), and the results show once enough people have answered. Every page
visited passes axe."""

import pytest
from django.urls import reverse

from tandem.community import surveys as service
from tandem.community.models import Survey, SurveyResponse
from tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_opens_a_survey_and_a_resident_answers_it(page, visit, audit, sign_in_as, settings):
    settings.SURVEY_MIN_PUBLIC_RESPONSES = 3
    cast = Cast()

    # An officer writes the survey and its question, then opens it
    sign_in_as(page, cast.officer)
    visit(page, reverse("community:survey-create"))
    audit(page)
    page.get_by_label("Partnership").select_option(label=cast.partnership.name)
    page.get_by_label("Area", exact=True).select_option(label=cast.neighbourhood.name)
    page.get_by_label("Title").fill("Feeling safe in Oakfield")
    page.get_by_label("Before an intervention, to repeat after it").check()
    page.get_by_role("button", name="Create the survey").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("Question").fill("How safe do you feel walking in your area after dark?")
    page.get_by_role("button", name="Add the question").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Open the survey for answers").click()
    page.wait_for_load_state()
    survey = Survey.objects.get()
    assert survey.status == Survey.Status.OPEN

    # A resident with no account answers it, and cannot answer twice
    page.context.clear_cookies()
    visit(page, reverse("community:survey-list"))
    audit(page)
    page.get_by_role("link", name="Feeling safe in Oakfield").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("Fairly safe").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    audit(page)
    assert "Your answers have been counted" in page.locator("main").inner_text()
    visit(page, survey.get_absolute_url())
    assert page.get_by_role("button", name="Send my answers").count() == 0
    assert SurveyResponse.objects.count() == 1

    # Two more people answer: the results are public
    question = survey.questions.get()
    for person, choice in (("a", 1), ("b", 4)):
        service.response_submit(survey=survey, respondent=person, answers={question.pk: choice})
    visit(page, reverse("community:survey-results", args=[survey.pk]))
    audit(page)
    results = page.locator("main").inner_text()
    assert "3 people have answered" in results
    assert "Fairly safe" in results and "33%" in results
