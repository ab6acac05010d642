"""Issue 7 in a real browser: an officer uploads a police.uk file and reads its report; a resident
reads the area's dashboard, its chart, its hotspot map and a problem's "has it changed?" panel.

The data is real: City of London Police's January 2024 street file (tests/evidence/fixtures,
Open Government Licence v3.0) uploaded through the page, and the same month's rows filed under
seven other months (every row for February to April, every other row for May to August) so
that the panel has months on both sides of the date. Every page visited passes axe.
"""

import datetime as dt
import io
import json
from importlib import import_module
from pathlib import Path

import django.apps
import pytest
from django.urls import reverse
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from tandem.accounts.models import User
from tandem.evidence.models import ImportRun
from tandem.evidence.placement import Placer
from tandem.evidence.services import PoliceFile, police_file_import
from tandem.places.models import Area
from tandem.places.services import areas_import_geojson
from tandem.problems.models import Category, Problem, ProblemStatusChange
from tests.factories import make_area, make_group, make_partnership, make_user

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent.parent / "evidence" / "fixtures"
JANUARY = FIXTURES / "2024-01-city-of-london-street.csv"


def _no_tiles(route) -> None:
    """Map tiles never reach the tile server (there is no internet here): the hexagons still show."""
    if "tile.openstreetmap.org" in route.request.url:
        route.abort()
    else:
        route.continue_()


def _city() -> Area:
    boundary = json.loads((FIXTURES / "city-of-london-lsoa-2011.geojson").read_text())
    district = make_area(
        name="City of London",
        kind=Area.Kind.DISTRICT,
        boundary=mapping(unary_union([shape(feature["geometry"]) for feature in boundary["features"]])),
    )
    areas_import_geojson(
        source=boundary,
        kind=Area.Kind.NEIGHBOURHOOD,
        parent=district,
        name_property="LSOA11NM",
        code_property="LSOA11CD",
    )
    return district


def _more_months() -> None:
    """The January rows filed under February to August (every other row from May), each crime
    under a Crime ID of its own month (police.uk lists a crime in one month only)."""
    text = JANUARY.read_bytes()
    lines = text.split(b"\r\n")
    placer = Placer.from_database()
    for month in range(2, 9):
        rows = [
            (line if line.startswith(b",") else f"{month:02d}".encode() + line[2:])
            for n, line in enumerate(lines[1:])
            if line and (month < 5 or n % 2 == 0)
        ]
        content = (
            b"\r\n".join([lines[0], *rows]).replace(b",2024-01,", f",2024-{month:02d},".encode()) + b"\r\n"
        )
        file = PoliceFile(
            name=f"2024-{month:02d}-city-of-london-street.csv",
            size=len(content),
            opener=lambda c=content: io.BytesIO(c),
        )
        police_file_import(file=file, placer=placer)


def _main(page) -> str:
    return page.locator("main").inner_text()


def test_an_officer_uploads_police_data_and_a_resident_reads_the_evidence(
    page, visit, audit, sign_in_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    import_module("tandem.problems.migrations.0002_seed_categories").seed(django.apps.apps, None)
    city = _city()
    page.route("**/*.png", _no_tiles)

    # 1. An officer uploads January 2024 from police.uk through the upload page
    officer = make_user(role=User.Role.OFFICER, name="Oliver Officer")
    sign_in_as(page, officer)
    visit(page, reverse("evidence:import-list"))
    page.get_by_role("link", name="Upload a police.uk file").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("police.uk file").set_input_files(str(JANUARY))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_load_state()
    audit(page)
    report = _main(page)
    assert "Imported\n734" in report or "Imported 734" in report.replace("\n", " ").replace("\t", " ")
    assert "Without a location\n77" in report or "Without a location 77" in report.replace("\n", " ").replace(
        "\t", " "
    )
    assert ImportRun.objects.get().started_by == officer
    # ... a broken file is refused on the form, with nothing queued
    visit(page, reverse("evidence:import-create"))
    page.get_by_label("police.uk file").set_input_files(
        files=[
            {
                "name": "complaints.csv",
                "mimeType": "text/csv",
                "buffer": b"Date,Address\r\n2024-01-01,Here\r\n",
            }
        ]
    )
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_load_state()
    audit(page)
    assert "Its header should be: Crime ID,Month" in page.locator(".govuk-error-summary").inner_text()
    assert ImportRun.objects.count() == 1

    # 2. The months after it (filed in the ORM), and a problem the City's NAP responded to in May
    _more_months()
    partnership = make_partnership(name="City of London Community Safety Partnership", area=city)
    nap = make_group(partnership=partnership, name="City Neighbourhood Action Panel", area=city)
    problem = Problem.objects.create(
        partnership=partnership,
        group=nap,
        title="Pickpocketing around Bank station",
        category=Category.objects.get(slug="burglary-theft"),
        area=city,
        first_raised_on=dt.date(2024, 1, 10),
    )
    ProblemStatusChange.objects.create(
        problem=problem,
        from_status="analysis",
        to_status="response",
        changed_at=dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC),
    )

    # 3. A resident (signed out) finds the City on the evidence page and reads its dashboard
    page.context.clear_cookies()
    visit(page, reverse("evidence:index"))
    page.get_by_role("link", name="City of London", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("region", name="Map of hotspots in City of London").wait_for(state="visible")
    audit(page)
    main = _main(page)
    assert "January 2024 to August 2024" in main
    assert page.get_by_role("img", name="Incidents each month in City of London").count() == 1
    hexagons = page.locator("#hotspot-map path.leaflet-interactive")
    assert hexagons.count() > 20  # drawn without tiles
    assert "Hotspot, 99% confidence" in page.locator("#hotspot-legend").inner_text()
    page.get_by_text("Show the figures as a table").click()
    assert (
        "February 2024"
        in page.get_by_role("table", name="Incidents each month in City of London").inner_text()
    )

    # ... chooses one crime type with the form (no JavaScript needed for it)
    page.get_by_text("Choose crime types").click()
    page.get_by_label("Theft from the person").check()
    page.get_by_role("button", name="Show these months").click()
    page.wait_for_load_state()
    audit(page)
    assert "Theft from the person" in page.locator("h2").first.inner_text()
    assert page.get_by_role("link", name="Download these figures (CSV)").count() == 1

    # 4. The problem's page says what the police data shows since the response began
    visit(page, problem.get_absolute_url())
    panel = page.locator("section.tandem-evidence-panel").inner_text()
    assert "the 4 months before 1 May 2024 against the 4 months after" in panel
    assert "fell by" in panel, panel
    assert "The rest of" not in panel  # the City is the whole district
    assert "Is it still a hotspot?" in panel
    assert "Open Government Licence" in panel

    # 5. ... and from it compares a circle round a point on the map instead of the whole City
    page.get_by_role("link", name="Compare other months, a circle on the map or another area").click()
    page.wait_for_load_state()
    page.locator("#pin-map").wait_for(state="visible")  # the pin picker is set up
    audit(page)
    page.get_by_label("A circle round a point").check()
    page.get_by_role("button", name="Put the pin at the centre of the map").click()
    assert page.get_by_label("Latitude").input_value() != ""
    page.get_by_label("Radius").select_option("500")
    assert page.locator("#pin-map .leaflet-overlay-pane path").count() == 1  # the circle is drawn
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    audit(page)
    comparison = page.locator("section.tandem-evidence-panel").inner_text()
    assert "Within 500 m of the point" in comparison, comparison
