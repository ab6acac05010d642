"""The evidence pages: an area's dashboard, its figures as CSV, its hotspots, and uploads.

Real police.uk data (City of London, tests/evidence/fixtures/SOURCES.md; OGL v3.0) for the
figures; a generated cluster on a square district for a hotspot with a known place.
"""

import csv
import datetime as dt
import io
import json
import random
import re
import zipfile
from pathlib import Path

import h3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse

from tandem.evidence.models import AreaMonthCount, ImportRun, Incident
from tandem.evidence.placement import Placer
from tandem.evidence.services import PoliceFile, police_file_import
from tandem.places.models import Area
from tandem.places.services import areas_import_geojson
from tests.factories import make_area

FIXTURES = Path(__file__).parent / "fixtures"
COL_2024_01 = FIXTURES / "2024-01-city-of-london-street.csv"
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\r\n"
)

pytestmark = pytest.mark.django_db


def _import_bytes(name: str, content: bytes) -> ImportRun:
    file = PoliceFile(name=name, size=len(content), opener=lambda: io.BytesIO(content))
    return police_file_import(file=file, placer=Placer.from_database())


@pytest.fixture
def city() -> Area:
    """The City of London with its six 2011 LSOAs, and two Januaries of real incidents (2024 as
    published, and the same file moved on a year as 2025 with one Crime ID changed so that it
    is a different set of rows)."""
    boundary = json.loads((FIXTURES / "city-of-london-lsoa-2011.geojson").read_text())
    district = make_area(name="City of London", kind=Area.Kind.DISTRICT)
    areas_import_geojson(
        source=boundary,
        kind=Area.Kind.NEIGHBOURHOOD,
        parent=district,
        name_property="LSOA11NM",
        code_property="LSOA11CD",
    )
    # The district's boundary: the union of its LSOAs (the fixture has no district file)
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    district.boundary = mapping(unary_union([shape(f["geometry"]) for f in boundary["features"]]))
    district.save(update_fields=["boundary"])
    text = COL_2024_01.read_bytes()
    _import_bytes("2024-01-city-of-london-street.csv", text)
    moved = text.replace(b",2024-01,", b",2025-01,")
    # Keep only the crimes (drop ASB) and every other row, so 2025 is clearly lower
    lines = moved.split(b"\r\n")
    kept = [lines[0]] + [line for n, line in enumerate(lines[1:]) if line and n % 2 == 0]
    _import_bytes("2025-01-city-of-london-street.csv", b"\r\n".join(kept) + b"\r\n")
    return district


def _text(response) -> str:
    html = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_dashboard_shows_the_months_the_total_and_the_year_before(client, city):
    in_city_2025 = AreaMonthCount.objects.filter(area=city, month=dt.date(2025, 1, 1)).aggregate(
        total=Sum("count")
    )["total"]
    in_city_2024 = AreaMonthCount.objects.filter(area=city, month=dt.date(2024, 1, 1)).aggregate(
        total=Sum("count")
    )["total"]
    assert in_city_2024 > in_city_2025 > 0

    response = client.get(
        reverse("evidence:area-dashboard", kwargs={"slug": city.slug}),
        {"start": "2025-01-01", "end": "2025-01-01"},
    )

    assert response.status_code == 200
    text = _text(response)
    assert f"{in_city_2025} incident" in text
    assert f"The same months a year earlier: {in_city_2024}" in text
    change = round((in_city_2025 - in_city_2024) / in_city_2024 * 100)
    assert f"a fall of {-change}%" in text
    assert "Contains public sector information licensed under the Open Government Licence v3.0" in text
    assert 'role="img"' in response.content.decode()  # the chart, with the table as its alternative


def test_the_dashboard_defaults_to_the_latest_twelve_months(client, city):
    response = client.get(reverse("evidence:area-dashboard", kwargs={"slug": city.slug}))

    assert response.status_code == 200
    assert "February 2024 to January 2025" in _text(response)


def test_the_crime_type_breakdown_adds_up_and_a_filter_narrows_it(client, city):
    url = reverse("evidence:area-dashboard", kwargs={"slug": city.slug})
    january = {"start": "2024-01-01", "end": "2024-01-01"}
    thefts = Incident.objects.filter(
        area__parent=city, month="2024-01-01", crime_type="Theft from the person"
    )
    assert thefts.exists()

    everything = _text(client.get(url, january))
    filtered = client.get(url, {**january, "crime_type": "Theft from the person"})

    assert "Anti-social behaviour" in everything
    assert filtered.status_code == 200
    text = _text(filtered)
    assert f"{thefts.count()} incident" in text
    assert "Theft from the person" in text and "Shoplifting " not in text.split("By crime type")[1]


@pytest.mark.parametrize(
    "query, message",
    [
        (
            {"start": "2025-01-01", "end": "2024-01-01"},
            "The last month must be the same as or after the first month",
        ),
        ({"start": "last-year"}, "Select a valid choice"),
        ({"crime_type": "Piracy"}, "Select a valid choice"),
    ],
)
def test_a_bad_choice_is_a_400_with_the_error_summary(client, city, query, message):
    response = client.get(reverse("evidence:area-dashboard", kwargs={"slug": city.slug}), query)

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()


def test_an_area_without_incidents_says_so(client, city):
    empty = make_area(
        name="Nowhere Parish", kind=Area.Kind.PARISH, parent=Area.objects.filter(parent=city).first()
    )

    response = client.get(reverse("evidence:area-dashboard", kwargs={"slug": empty.slug}))

    assert response.status_code == 200
    assert "No incidents have been imported for Nowhere Parish yet." in _text(response)


def test_an_unknown_area_is_not_found(client):
    assert client.get(reverse("evidence:area-dashboard", kwargs={"slug": "atlantis"})).status_code == 404


def test_the_figures_download_as_csv_with_the_attribution(client, city):
    response = client.get(
        reverse("evidence:area-figures-csv", kwargs={"slug": city.slug}),
        {"start": "2024-01-01", "end": "2025-01-01"},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Area", "Area code", "Month", "Crime type", "Incidents"]
    figures = [row for row in rows[1:] if not row[0].startswith("#")]
    total = sum(int(row[4]) for row in figures if row[2] == "2024-01")
    assert (
        total == AreaMonthCount.objects.filter(area=city, month="2024-01-01").aggregate(t=Sum("count"))["t"]
    )
    assert {row[2] for row in figures} == {f"2024-{m:02d}" for m in range(1, 13)} | {"2025-01"}
    assert rows[-1][0].startswith("# Contains public sector information")


def test_bad_figures_parameters_are_a_400_in_words(client, city):
    response = client.get(reverse("evidence:area-figures-csv", kwargs={"slug": city.slug}), {"end": "soon"})

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_the_hexagons_come_as_geojson_in_longitude_latitude_order(client, city):
    response = client.get(reverse("evidence:area-hotspots-geojson", kwargs={"slug": city.slug}))

    assert response.status_code == 200
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    feature = collection["features"][0]
    assert set(feature["properties"]) >= {"cell", "count", "z", "q", "bin", "label"}
    lng, lat = feature["geometry"]["coordinates"][0][0]
    assert -0.12 < lng < -0.07 and 51.50 < lat < 51.53
    shown = sum(f["properties"]["count"] for f in collection["features"])
    assert 0 < shown <= Incident.objects.filter(month__gte="2024-02-01").exclude(h3_cell=None).count()


# --- A hotspot where it was put -------------------------------------------------------------


def _square(lng: float, lat: float, size: float) -> dict:
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_a_cluster_of_incidents_shows_as_a_hotspot_in_the_table_and_on_the_map(client):
    district = make_area(name="Squareton", kind=Area.Kind.DISTRICT, boundary=_square(-1.20, 52.60, 0.06))
    rng = random.Random(3)
    rows = []
    for _ in range(1500):  # spread evenly over the square
        rows.append((-1.20 + rng.random() * 0.06, 52.60 + rng.random() * 0.06))
    centre = (-1.185, 52.645)
    for _ in range(600):  # and a cluster in its north-west
        rows.append((centre[0] + rng.gauss(0, 0.0015), centre[1] + rng.gauss(0, 0.001)))
    text = HEADER + "".join(
        f"id{n},2024-06,Leicestershire Police,Leicestershire Police,{lng:.6f},{lat:.6f},On or near Here,"
        f"E01000001,Squareton 001A,Burglary,Under investigation,\r\n"
        for n, (lng, lat) in enumerate(rows)
    )
    run = _import_bytes("2024-06-test-street.csv", text.encode())
    assert run.imported == 2100 and run.outside_partnership < 60

    response = client.get(reverse("evidence:area-dashboard", kwargs={"slug": district.slug}))

    assert response.status_code == 200
    hot = response.context["hot_cells"]
    assert hot, "the cluster should be a hotspot"
    strongest = hot[0]
    assert (
        h3.great_circle_distance((strongest["latitude"], strongest["longitude"]), centre[::-1], unit="m")
        < 400
    )
    assert "are hotspots in these months" in _text(response) or "is a hotspot in these months" in _text(
        response
    )
    cells = json.loads(
        re.search(r'id="hotspot-cells"[^>]*>(.*?)</script>', response.content.decode(), re.S)[1]
    )
    bins = {f["properties"]["cell"]: f["properties"]["bin"] for f in cells["features"]}
    assert bins[strongest["cell"]] == 3


# --- Uploads ----------------------------------------------------------------------------------


@pytest.fixture
def immediate_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_an_officer_uploads_a_police_file_and_sees_its_report(
    client, cast, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(cast.officer)
    upload = SimpleUploadedFile(COL_2024_01.name, COL_2024_01.read_bytes(), content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evidence:import-create"), {"file": upload})

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.status == ImportRun.Status.DONE and run.imported == 734 and run.started_by == cast.officer
    page = client.get(run.get_absolute_url())
    text = _text(page)
    assert "Imported 734" in text and "Without a location 77" in text
    assert "hx-get" not in page.content.decode()  # finished: no more polling
    assert Incident.objects.count() == 734


def test_an_uploaded_zip_archive_reports_each_file(
    client, cast, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(cast.officer)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as written:
        written.write(COL_2024_01, "2024-01/2024-01-city-of-london-street.csv")
        written.writestr("2024-01/2024-01-city-of-london-outcomes.csv", "Crime ID,Month\r\n")
    upload = SimpleUploadedFile("2024-01.zip", archive.getvalue(), content_type="application/zip")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evidence:import-create"), {"file": upload})

    archive_run = ImportRun.objects.get(upload=None)
    parts = list(archive_run.parts.order_by("file_name"))
    assert [part.status for part in parts] == [ImportRun.Status.REFUSED, ImportRun.Status.DONE]
    assert archive_run.status == ImportRun.Status.DONE and archive_run.imported == 734
    text = _text(client.get(archive_run.get_absolute_url()))
    assert "1 of the 2 files in the archive were refused" in text
    assert (
        "2024-01-city-of-london-outcomes.csv" in text
        and "This is not a police.uk street-level crime file" in text
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("report.pdf", b"%PDF-1.4", "must be a .csv file or a .zip archive"),
        (
            "2024-01-x-street.csv",
            b"Date,Address\r\n2024-01-01,Here\r\n",
            "Its header should be: Crime ID,Month",
        ),
        ("2024-01-x-street.csv", b"\xff\xfe\x00C\x00r", "not UTF-8"),
        ("2024-01.zip", b"PK\x03\x04 not really", "cannot be opened"),
        ("2024-01.zip", b"MZ\x90\x00", "is not a .zip archive"),
    ],
)
def test_a_bad_upload_is_a_400_with_a_message_and_nothing_queued(
    client, cast, immediate_tasks, name, content, message
):
    client.force_login(cast.officer)

    response = client.post(reverse("evidence:import-create"), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_upload_over_the_limit_is_refused(client, cast, immediate_tasks, settings):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 1024
    client.force_login(cast.officer)

    response = client.post(
        reverse("evidence:import-create"),
        {"file": SimpleUploadedFile(COL_2024_01.name, COL_2024_01.read_bytes())},
    )

    assert response.status_code == 400
    assert "The selected file must be smaller than" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_running_import_shows_its_progress_and_polls(client, cast, immediate_tasks):
    from tandem.evidence.services import import_progress_write

    run = ImportRun.objects.create(file_name="2024-01-big-street.csv", status=ImportRun.Status.RUNNING)
    import_progress_write(run.pk, 42, file="2024-01-big-street.csv")
    client.force_login(cast.officer)

    page = client.get(run.get_absolute_url())
    fragment = client.get(run.get_absolute_url(), headers={"HX-Request": "true"})

    assert "42% done" in _text(page) and 'hx-trigger="every 2s"' in page.content.decode()
    assert fragment.content.decode().lstrip().startswith('<div id="import-status"')
    assert "42% done" in _text(fragment)


def test_only_officers_upload_and_a_member_is_refused(client, cast, immediate_tasks):
    upload = SimpleUploadedFile(COL_2024_01.name, COL_2024_01.read_bytes())
    assert (
        client.post(reverse("evidence:import-create"), {"file": upload}).status_code == 302
    )  # sign in first
    client.force_login(cast.member)

    response = client.post(reverse("evidence:import-create"), {"file": upload})

    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def test_the_index_lists_districts_and_a_dashboard_the_areas_within_it(
    client, city, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        index = client.get(reverse("evidence:index"))
    dashboard = client.get(reverse("evidence:area-dashboard", kwargs={"slug": city.slug}))

    assert index.status_code == 200
    assert "City of London" in _text(index) and "January 2025" in _text(index)
    within = dashboard.context["within"]
    assert [row["area"].parent_id for row in within] == [city.pk] * 6
    assert sum(row["total"] for row in within) == dashboard.context["total"]
    assert within == sorted(within, key=lambda row: -row["total"])
    assert f"Areas within {city.name}" in _text(dashboard)


def test_the_dashboard_counts_incidents_by_problem_category_even_where_they_overlap(client, city):
    from tandem.problems.models import Category

    Category.objects.all().delete()
    Category.objects.create(name="Theft", slug="theft", police_uk_crime_types=["Shoplifting", "Other theft"])
    Category.objects.create(name="Shops", slug="shops", police_uk_crime_types=["Shoplifting"])
    Category.objects.create(name="Noise", slug="noise", police_uk_crime_types=[])
    january = Incident.objects.filter(area__parent=city, month="2024-01-01")
    shoplifting = january.filter(crime_type="Shoplifting").count()
    other_theft = january.filter(crime_type="Other theft").count()
    assert shoplifting and other_theft

    response = client.get(
        reverse("evidence:area-dashboard", kwargs={"slug": city.slug}),
        {"start": "2024-01-01", "end": "2024-01-01"},
    )

    rows = {row["name"]: row for row in response.context["by_category"]}
    assert rows["Theft"]["count"] == shoplifting + other_theft
    assert rows["Shops"]["count"] == shoplifting
    assert "Noise" not in rows  # no crime types: nothing to count
    text = _text(response)
    assert "By problem category" in text and "do not add up to the total" in text
