"""Signing in through the real form and using an officer's form: error summary, focus, then success."""

import pytest
from django.urls import reverse

from tandem.partnership.models import Group
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_sign_in_page_passes_axe(page, visit, cast):
    visit(page, reverse("account_login"))

    assert page.locator("main h1").inner_text().strip() == "Sign in"


def test_a_wrong_password_shows_the_error_summary_with_focus(page, visit, audit, cast):
    visit(page, reverse("account_login"))

    page.locator("input[name=login]").fill(cast.officer.email)
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()

    audit(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")


def test_an_officer_signs_in_and_creates_a_group_after_fixing_an_error(page, visit, audit, cast):
    # given an officer signed in through the sign-in form
    visit(page, reverse("account_login"))
    page.locator("input[name=login]").fill(cast.officer.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Sign in" not in page.locator("main h1").inner_text()
    groups_before = Group.objects.count()

    # when they submit the new group form without a name
    visit(page, reverse("partnership:group-create"))
    form = page.locator("main form:has(input[name=name])")
    form.locator("select[name=type]").select_option(label=cast.lag_type.name)
    form.locator("[type=submit]").first.click()
    page.wait_for_load_state()

    # then the error summary is shown, focused, and links to the name field; nothing was made
    audit(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert summary.locator("a[href='#id_name']").count() == 1
    assert Group.objects.count() == groups_before

    # when they give it a name and submit again
    form = page.locator("main form:has(input[name=name])")
    form.locator("input[name=name]").fill("Riverside Neighbourhood Action Panel")
    form.locator("[type=submit]").first.click()
    page.wait_for_load_state()

    # then the group exists and its page is shown
    audit(page)
    assert Group.objects.filter(name="Riverside Neighbourhood Action Panel").exists()
    assert "Riverside Neighbourhood Action Panel" in page.locator("main h1").inner_text()


def test_the_public_cannot_reach_the_new_group_form(page, cast):
    response = page.goto(reverse("partnership:group-create"))

    assert response is not None
    assert reverse("account_login") in page.url or response.status in (403, 404)
