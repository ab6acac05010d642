"""A resident with no account finds their neighbourhood by name and reads its page; the page's
feeds answer. Every page visited passes axe."""

from importlib import import_module

import django.apps
import pytest
from django.urls import reverse

from tandem.problems.models import Category, Problem
from tests.factories import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_finds_the_neighbourhood_and_reads_it(page, visit, audit, live_server):
    import_module("tandem.problems.migrations.0002_seed_categories").seed(django.apps.apps, None)
    cast = Cast()
    Problem.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        category=Category.objects.get(slug="anti-social-behaviour"),
        title="Motorbikes on the playing field",
        latitude=53.72,
        longitude=-1.44,
    )
    page.route(
        "**/*",
        lambda route: route.abort() if "tile.openstreetmap.org" in route.request.url else route.continue_(),
    )

    visit(page, reverse("community:neighbourhood-finder"))
    audit(page)
    page.get_by_label("Place or area name").fill(cast.neighbourhood.name[:4].lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    audit(page)
    # one area matches, so the search goes straight to its page
    assert page.url.endswith(reverse("community:neighbourhood-detail", args=[cast.neighbourhood.slug]))
    assert page.locator("h1").inner_text() == cast.neighbourhood.name
    # the map fetches its points and draws the problem's pin
    page.locator("#problem-map path.leaflet-interactive").first.wait_for()
    assert page.locator("#problem-map path.leaflet-interactive").count() == 1

    feed = page.request.get(
        live_server.url + reverse("community:neighbourhood-atom", args=[cast.neighbourhood.slug])
    )
    assert feed.status == 200 and b"<feed" in feed.body()
    calendar = page.request.get(
        live_server.url + reverse("community:neighbourhood-ics", args=[cast.neighbourhood.slug])
    )
    assert calendar.status == 200 and b"BEGIN:VCALENDAR" in calendar.body()
