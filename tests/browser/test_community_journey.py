"""Issue 8's whole journey in one browser: a resident with no account finds the neighbourhood,
reports a problem with a pin and a photo, follows it by the private link, subscribes (and
confirms from the email), answers a survey; the group's chair writes a "you said, we did"
update from the resolved problem, puts it in a newsletter, sends it (the background worker
delivers it to the subscriber, with its unsubscribe link) and prints the A4 flier. axe checks
every page."""

import io
import re
from importlib import import_module
from urllib.parse import urlparse

import django.apps
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from tandem.community import surveys
from tandem.community.models import NewsletterDelivery, Report, RoutingRule, Subscription, Survey
from tandem.problems import services as problem_services
from tests.community.report_fixtures import jpeg_with_gps
from tests.factories import Cast, make_organiser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-1.4, 53.7], [-1.3, 53.7], [-1.3, 53.8], [-1.4, 53.8], [-1.4, 53.7]]],
}
RESIDENT = "sam.resident@example.org"


def _no_tiles(route) -> None:
    """Map tiles never reach the tile server (the test runs offline)."""
    if "tile.openstreetmap.org" in route.request.url:
        route.abort()
    else:
        route.continue_()


def _main(page) -> str:
    return page.locator("main").inner_text()


def test_a_resident_reports_follows_subscribes_and_answers_and_the_group_tells_them_what_it_did(
    page, visit, audit, sign_in_as, live_server, tmp_path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path
    import_module("tandem.problems.migrations.0002_seed_categories").seed(django.apps.apps, None)
    cast = Cast()
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save(update_fields=["boundary"])
    RoutingRule.objects.create(partnership=cast.partnership, area=cast.neighbourhood, group=cast.group)
    survey = surveys.survey_create(
        by=cast.officer,
        partnership=cast.partnership,
        area=cast.neighbourhood,
        title="Feeling safe in Oakfield",
    )
    surveys.question_add(
        survey=survey,
        text="How safe do you feel walking in your area after dark?",
        kind="scale",
        scale="safety",
    )
    surveys.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)
    photo = tmp_path / "bus-shelter.jpg"
    photo.write_bytes(jpeg_with_gps())
    page.route("**/*", _no_tiles)

    # 1. The resident finds the neighbourhood by name
    visit(page, reverse("community:neighbourhood-finder"))
    page.get_by_label("Place or area name").fill("oakf")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Search|Find", re.I)).first.click()
    page.wait_for_load_state()
    audit(page)
    # one area matches, so the search goes straight to its page
    assert page.url.endswith(reverse("community:neighbourhood-detail", kwargs={"slug": "oakfield"}))
    assert "Oakfield" in page.locator("h1").inner_text()
    neighbourhood_url = page.url

    # 2. … reports a problem there, with a pin and a photo
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Report a problem")).click()
    page.get_by_label("What kind of problem is it?").select_option(label="Anti-social behaviour")
    page.get_by_label("Describe the problem").fill(
        "Teenagers throwing stones at the bus shelter every evening."
    )
    page.get_by_role("region", name="Map for placing the pin").wait_for(state="visible")
    page.get_by_role("button", name="Put the pin at the centre of the map").click()
    assert page.get_by_label("Latitude", exact=True).input_value() != ""
    page.get_by_label("Photo (optional)").set_input_files(str(photo))
    audit(page)
    page.get_by_role("button", name="Send report").click()
    page.get_by_role("heading", name="Report sent").wait_for()
    audit(page)
    report = Report.objects.get()
    assert report.problem.group == cast.group
    assert report.photo

    # 3. … follows it by the private link
    with page.expect_navigation():
        page.get_by_role("link", name=report.get_absolute_url(), exact=False).click()
    page.get_by_role("heading", name=report.reference).wait_for()
    audit(page)
    assert "Your report is with Oakfield Local Action Group" in _main(page)

    # 4. … subscribes to the neighbourhood's news and confirms from the email
    page.goto(neighbourhood_url)
    page.get_by_label("Email address").fill(RESIDENT)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Subscribe", re.I)).click()
    audit(page)
    assert Subscription.objects.get(email=RESIDENT).status == Subscription.Status.PENDING
    [confirmation] = [m for m in mail.outbox if RESIDENT in m.to]
    link = re.search(r"https?://\S+/subscriptions/\S+/confirm/", confirmation.body).group(0)
    visit(page, urlparse(link).path)
    if page.get_by_role("button", name=re.compile("Confirm", re.I)).count():
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
        audit(page)
    assert Subscription.objects.get(email=RESIDENT).status == Subscription.Status.CONFIRMED

    # 5. … answers the survey the neighbourhood page offers
    page.goto(neighbourhood_url)
    with page.expect_navigation():
        page.get_by_role("link", name="Feeling safe in Oakfield").click()
    audit(page)
    page.get_by_label("Fairly safe").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()
    audit(page)
    assert "Your answers have been counted" in _main(page)
    assert survey.responses.count() == 1

    # The group works on the problem and resolves it
    for status in ("analysis", "response", "assessment", "resolved"):
        problem_services.problem_set_status(
            problem=report.problem,
            to_status=status,
            reason="Youth workers came to the shelter",
            by=cast.officer,
        )

    # 6. The group's chair writes the update from the resolved problem and publishes it
    chair = make_organiser(cast)
    page.context.clear_cookies()
    sign_in_as(page, chair)
    visit(page, cast.group.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("you said, we did", re.I)).click()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Write an update").click()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("link", name=report.problem.title).click()
    audit(page)
    assert page.get_by_label("You said").input_value().strip() != ""
    page.get_by_label("We did").fill(
        "Youth workers met the teenagers at the shelter, and the council mended the glass."
    )
    page.get_by_label("Publish it now on the neighbourhood page").check()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save|Publish|Create", re.I)).first.click()
    audit(page)
    page.goto(neighbourhood_url)
    assert "Youth workers met the teenagers" in _main(page)

    # 7. … puts it in a newsletter, publishes and sends it; the worker delivers it
    visit(page, reverse("community:newsletter-create", kwargs={"slug": cast.group.slug}))
    page.get_by_label("Title").fill("Oakfield news, winter 2026")
    page.get_by_label(report.problem.title).check()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save|Create", re.I)).first.click()
    audit(page)
    newsletter_url = page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Publish on the web").click()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Email it to subscribers").click()
    audit(page)
    call_command("db_worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    delivery = NewsletterDelivery.objects.get()
    assert (delivery.email, delivery.status) == (RESIDENT, NewsletterDelivery.Status.SENT)
    [newsletter_email] = [m for m in mail.outbox if RESIDENT in m.to and "Oakfield news" in m.subject]
    assert "Youth workers met the teenagers" in newsletter_email.body
    assert newsletter_email.extra_headers["List-Unsubscribe"].startswith("<http")
    page.reload()
    audit(page)
    assert page.locator("tbody tr").filter(has_text=RESIDENT).filter(has_text="Sent").count() == 1

    # 8. … and prints the A4 flier for the notice board
    page.goto(newsletter_url)
    href = page.get_by_role("link", name="Download the A4 flier (PDF)").get_attribute("href")
    flier = page.request.get(live_server.url + href)
    assert flier.status == 200 and flier.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(flier.body())).pages)
    assert "Oakfield news, winter 2026" in text
    assert "Youth workers met the teenagers" in text
