"""A resident with no account reports a problem with a map pin and a photo, gets the reference,
and follows the report by its private link; axe checks every page."""

from importlib import import_module

import django.apps
import pytest
from django.urls import reverse
from PIL import Image

from tandem.community.models import Report, RoutingRule
from tests.community.report_fixtures import jpeg_with_gps
from tests.factories import make_area, make_group, make_partnership

pytestmark = pytest.mark.browser

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-1.4, 53.7], [-1.3, 53.7], [-1.3, 53.8], [-1.4, 53.8], [-1.4, 53.7]]],
}


def _no_tiles(route) -> None:
    """Map tiles never reach the tile server (the test runs offline)."""
    if "tile.openstreetmap.org" in route.request.url:
        route.abort()
    else:
        route.continue_()


def test_a_resident_reports_a_problem_with_a_pin_and_a_photo_and_follows_it(
    page, visit, audit, tmp_path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path
    import_module("tandem.problems.migrations.0002_seed_categories").seed(django.apps.apps, None)
    district = make_area(name="Castleford District", kind="district")
    oakfield = make_area(name="Oakfield", kind="neighbourhood", parent=district, boundary=SQUARE)
    partnership = make_partnership(name="Castleford Community Safety Partnership", area=district)
    group = make_group(partnership=partnership, name="Oakfield Local Action Group", area=oakfield)
    RoutingRule.objects.create(partnership=partnership, area=oakfield, group=group)
    photo = tmp_path / "bus-shelter.jpg"
    photo.write_bytes(jpeg_with_gps())
    page.route("**/*", _no_tiles)

    # The form, with the map pin picker shown (JavaScript is on)
    visit(page, reverse("community:report-create"))
    page.get_by_label("What kind of problem is it?").select_option(label="Anti-social behaviour")
    page.get_by_label("Describe the problem").fill(
        "Teenagers throwing stones at the bus shelter every evening."
    )
    map_region = page.get_by_role("region", name="Map for placing the pin")
    map_region.wait_for(state="visible")
    page.get_by_role("button", name="Put the pin at the centre of the map").click()
    assert page.get_by_label("Latitude", exact=True).input_value() != ""
    page.get_by_label("Photo (optional)").set_input_files(str(photo))
    page.get_by_label("Email address (optional)").fill("sam@example.org")
    audit(page)
    page.get_by_role("button", name="Send report").click()

    # The confirmation: the reference and the private link
    page.get_by_role("heading", name="Report sent").wait_for()
    report = Report.objects.get()
    assert report.reference in page.locator(".govuk-panel__body").inner_text()
    assert report.problem.group == group
    assert abs(report.latitude - 53.75) < 0.02
    audit(page)
    with report.photo.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif().get_ifd(0x8825)

    # The private link shows the report, its photo and its updates
    page.get_by_role("link", name=report.get_absolute_url(), exact=False).click()
    page.get_by_role("heading", name=report.reference).wait_for()
    assert "Teenagers throwing stones" in page.content()
    assert "Your report is with Oakfield Local Action Group" in page.content()
    assert page.get_by_role("img", name="The photo you sent with your report").evaluate(
        "img => img.complete && img.naturalWidth > 0"
    )
    audit(page)
