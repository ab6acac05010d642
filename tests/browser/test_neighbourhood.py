"""A resident with no account finds their neighbourhood by name and reads its page; the page's
feeds answer. Every page visited passes axe."""

import re

import pytest
from django.urls import reverse

from tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_finds_the_neighbourhood_and_reads_it(page, visit, audit, live_server):
    cast = Cast()

    visit(page, reverse("community:neighbourhood-finder"))
    audit(page)
    page.get_by_label("Place or area name").fill(cast.neighbourhood.name[:4].lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    audit(page)
    page.locator("main").get_by_role("link", name=re.compile(cast.neighbourhood.name)).first.click()
    page.wait_for_load_state()
    audit(page)
    assert cast.neighbourhood.name in page.locator("h1").inner_text()

    feed = page.request.get(
        live_server.url + reverse("community:neighbourhood-atom", args=[cast.neighbourhood.slug])
    )
    assert feed.status == 200 and b"<feed" in feed.body()
    calendar = page.request.get(
        live_server.url + reverse("community:neighbourhood-ics", args=[cast.neighbourhood.slug])
    )
    assert calendar.status == 200 and b"BEGIN:VCALENDAR" in calendar.body()
