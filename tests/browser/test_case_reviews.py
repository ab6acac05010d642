"""Issue 9's ASB Case Review in one browser: a resident with no account applies from the public
form (adding a complaint row without JavaScript's help), an officer records that the threshold
is met, opens the review with a panel, adds a recommendation, records the review and downloads
the outcome letter, and the year's published figures count it. axe checks every page."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accountability.models import Application, Recommendation
from tests.factories import Cast, make_membership, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page, name: str, day) -> None:
    page.locator(f'[name="{name}_0"]').fill(str(day.day))
    page.locator(f'[name="{name}_1"]').fill(str(day.month))
    page.locator(f'[name="{name}_2"]').fill(str(day.year))


def test_a_resident_applies_an_officer_holds_the_review_and_the_figures_count_it(
    page, visit, audit, sign_in_as, live_server
) -> None:
    cast = Cast()
    make_membership(group=cast.group, person=make_person(name="Pat Police"), organisation=cast.police)
    today = timezone.localdate()

    # 1. The resident applies, with no account
    visit(page, reverse("accountability:apply"))
    page.get_by_label("Your full name").fill("Robin Resident")
    page.get_by_label("Email address").fill("robin@example.org")
    page.get_by_label("Neighbourhood").select_option(label="Oakfield")
    page.get_by_label("What has been happening").fill("Stones thrown at my windows most evenings.")
    for index, days_ago in enumerate((50, 30)):
        incident = today - dt.timedelta(days=days_ago)
        _fill_date(page, f"complaints-{index}-incident_on", incident)
        _fill_date(page, f"complaints-{index}-reported_on", incident + dt.timedelta(days=1))
        page.locator(f'[name="complaints-{index}-reported_to"]').fill("Police")
    with page.expect_navigation():
        page.get_by_role("button", name="Add another complaint").click()
    audit(page)
    assert page.locator('[name="complaints-3-reported_to"]').count() == 1
    assert page.locator('[name="complaints-0-reported_to"]').input_value() == "Police"
    incident = today - dt.timedelta(days=10)
    _fill_date(page, "complaints-2-incident_on", incident)
    _fill_date(page, "complaints-2-reported_on", incident)
    page.locator('[name="complaints-2-reported_to"]').fill("Council")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the application").click()
    page.get_by_role("heading", name="Application sent").wait_for()
    audit(page)
    application = Application.objects.get()
    assert application.reference in page.locator("main").inner_text()
    assert application.complaints.count() == 3

    # 2. An officer sees Tandem's check and records that the threshold is met
    sign_in_as(page, cast.officer)
    detail = reverse("accountability:application-detail", kwargs={"pk": application.pk})
    visit(page, detail)
    assert "Met: 3 separate incidents reported in time" in page.locator("#verdict").inner_text()
    page.get_by_label("Yes: hold a case review").check()
    page.get_by_label("Reason for the decision").fill("Three separate incidents, each reported in time.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    audit(page)
    application.refresh_from_db()
    assert application.status == "met"

    # 3. … opens the review with its panel, adds a recommendation and records the review
    page.get_by_label(cast.police.name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the panel").click()
    audit(page)
    page.get_by_label("Recommendation", exact=True).fill("A joint visit by the PCSO and the housing officer")
    page.get_by_label("Agency that leads it").select_option(label=cast.police.name)
    _fill_date(page, "due_on", today + dt.timedelta(days=30))
    with page.expect_navigation():
        page.get_by_role("button", name="Add the recommendation").click()
    audit(page)
    assert Recommendation.objects.filter(review__application=application).count() == 1
    _fill_date(page, "held_on", today)
    page.get_by_label("What the review found").fill("The agencies had not shared their reports.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the review").click()
    audit(page)
    application.refresh_from_db()
    assert application.status == "reviewed"

    # 4. … and downloads the outcome letter
    assert page.get_by_role("link", name=re.compile("Download the letter \\(PDF\\)")).count() == 1
    letter = page.request.get(
        live_server.url + reverse("accountability:letter-pdf", kwargs={"pk": application.pk})
    )
    assert letter.status == 200 and letter.body().startswith(b"%PDF")

    # 5. The year's published figures count the application and its review
    page.context.clear_cookies()
    visit(
        page,
        reverse("accountability:figures-year", kwargs={"slug": cast.partnership.slug, "year": today.year}),
    )
    table = page.locator("#figures").inner_text()
    assert re.search(r"Applications for a case review\s+1", table)
    assert re.search(r"Case reviews that led to recommendations\s+1", table)
    assert "Robin Resident" not in page.content()


def test_a_councillor_reads_the_ward_summary_and_the_committee_page_shows_its_review_due(
    page, visit, sign_in_as
) -> None:
    from tandem.accountability import services
    from tandem.partnership.presets import SCRUTINY_COMMITTEE
    from tandem.places.models import Area
    from tests.factories import make_area, make_group, make_group_type

    cast = Cast()
    ward = make_area(name="Mill Ward", kind=Area.Kind.WARD, parent=cast.district)
    services.call_refer(ward=ward, councillor_name="Cllr Jo Ward", matter="Motorbikes on the field")
    committee = make_group(
        partnership=cast.partnership,
        group_type=make_group_type(partnership=cast.partnership, name=SCRUTINY_COMMITTEE.name, tier=3),
        name="Castleford Crime and Disorder Scrutiny Committee",
    )
    sign_in_as(page, cast.member)

    visit(page, reverse("places:area-detail", kwargs={"slug": ward.slug}))
    with page.expect_navigation():
        page.get_by_role("link", name="Ward summary for councillors").click()
    page.get_by_role("heading", name="Mill Ward").wait_for()
    visit(page, reverse("accountability:ward-detail", kwargs={"slug": ward.slug}))
    assert "CCfA" in page.locator("#ward-calls").inner_text()
    assert "Cllr Jo Ward" not in page.content()

    visit(page, reverse("partnership:group-detail", kwargs={"slug": committee.slug}))
    assert "The scrutiny committee has not yet reviewed the partnership." in page.locator("main").inner_text()
