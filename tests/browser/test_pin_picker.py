"""The problem form's map pin picker, as an officer uses it: click the map, or use the keyboard
button, and the latitude and longitude are filled in; remove the pin; save the problem."""

from importlib import import_module

import django.apps
import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.problems.models import Problem
from tests.factories import make_area, make_group, make_partnership, make_user

pytestmark = pytest.mark.browser

# Oakfield, a neighbourhood 0.1 degrees square around (53.75, -1.35)
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-1.4, 53.7], [-1.3, 53.7], [-1.3, 53.8], [-1.4, 53.8], [-1.4, 53.7]]],
}


def _values(page) -> tuple[str, str]:
    return page.get_by_label("Latitude", exact=True).input_value(), page.get_by_label(
        "Longitude", exact=True
    ).input_value()


def test_an_officer_puts_the_pin_on_the_map_and_records_the_problem(page, visit, audit, sign_in_as):
    # A flushed test database has lost the categories migration 0002 seeds.
    import_module("tandem.problems.migrations.0002_seed_categories").seed(django.apps.apps, None)
    district = make_area(name="Castleford District", kind="district")
    oakfield = make_area(name="Oakfield", kind="neighbourhood", parent=district, boundary=SQUARE)
    partnership = make_partnership(name="Castleford Community Safety Partnership", area=district)
    group = make_group(partnership=partnership, name="Oakfield Local Action Group", area=oakfield)
    officer = make_user(role=User.Role.OFFICER, name="Oliver Officer")
    page.route("**/*.png", _no_tiles)
    sign_in_as(page, officer)

    # The map is shown above the latitude and longitude, opened on Oakfield, with no pin yet
    visit(page, reverse("problems:problem-create"))
    map_region = page.get_by_role("region", name="Map for placing the pin")
    map_region.wait_for(state="visible")
    pin = page.get_by_alt_text("The problem's map pin")
    assert _values(page) == ("", "")
    assert pin.count() == 0

    # 1. Clicking the map (north-west of the centre, still in Oakfield) puts the pin there and
    #    fills in both fields
    box = map_region.bounding_box()
    north_west = {"x": box["width"] / 2 - 50, "y": box["height"] / 2 - 50}
    map_region.click(position=north_west)
    latitude, longitude = (float(value) for value in _values(page))
    assert 53.75 < latitude < 53.8 and -1.4 < longitude < -1.35
    assert pin.count() == 1
    assert page.locator("#pin-status").inner_text().startswith("The pin is at latitude")
    audit(page)

    # 2. "Remove the pin" clears them
    page.get_by_role("button", name="Remove the pin").click()
    assert _values(page) == ("", "")
    assert pin.count() == 0

    # 3. With a keyboard: Enter on the button puts the pin at the centre of the map (Oakfield's)
    page.get_by_role("button", name="Put the pin at the centre of the map").focus()
    page.keyboard.press("Enter")
    latitude, longitude = (float(value) for value in _values(page))
    assert abs(latitude - 53.75) < 0.01 and abs(longitude + 1.35) < 0.01
    assert pin.count() == 1

    # 4. Typing in the fields moves the pin; emptying one takes it away
    before = pin.bounding_box()
    page.get_by_label("Latitude", exact=True).fill("53.76")
    after = pin.bounding_box()
    assert after["y"] < before["y"]  # further north is higher up the map
    page.get_by_label("Longitude", exact=True).fill("")
    assert pin.count() == 0
    map_region.click(position=north_west)
    latitude, longitude = _values(page)

    # 5. The rest of the form, and save
    page.get_by_label("Group that owns it").select_option(label=group.name)
    page.get_by_label("Title", exact=True).fill("Motorbikes on the playing field")
    page.get_by_label("Category").select_option(label="Anti-social behaviour")
    page.get_by_label("Their name").fill("Rita Resident")
    page.get_by_label("Email address").fill("rita@example.org")
    page.get_by_label("They agree to be contacted about it").check()
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save problem", exact=True).click()
    assert navigation.value.status == 200
    audit(page)
    assert "has been recorded" in page.locator("main").inner_text()
    problem = Problem.objects.get()
    assert (problem.latitude, problem.longitude) == (float(latitude), float(longitude))
    assert problem.area == oakfield  # worked out from the pin
    assert problem.raised_by_person.email == "rita@example.org"
    assert f"Map pin: {float(latitude):.5f}" in page.locator("main").inner_text()


def _no_tiles(route) -> None:
    """Map tiles never reach the tile server; without them axe can check the map's controls and
    attribution against the map's own background."""
    if "tile.openstreetmap.org" in route.request.url:
        route.abort()
    else:
        route.continue_()
