"""Importing another organisation's log: a council's ASB complaints, as Excel writes them on Windows.

The log is written here: Windows-1252 (a £ in it), semicolons, day-first dates, British
National Grid points of real places in Leicester (the Clock Tower at about E 458,960 N 304,580;
the railway station; the King Power Stadium — checked with pyproj below), rows with an LSOA or
ward code and no point, and bad rows: a day that does not exist, a US month-first date and a
repeated reference.
"""

import datetime as dt
import io
import json
import re

import h3
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse

from tandem.evidence import generic_services
from tandem.evidence.generic_services import generic_file_import, source_create, source_mapping_save
from tandem.evidence.importers import generic
from tandem.evidence.importers.police_uk import FileRefused
from tandem.evidence.models import AreaMonthCount, CellMonthCount, ImportRun, Incident, Source
from tandem.evidence.placement import Placer
from tandem.places.models import LSOA, Area
from tests.factories import make_area

pytestmark = pytest.mark.django_db

CLOCK_TOWER = (458960, 304580)  # E, N: about 52.6358 N, 1.1302 W
CLOCK = f"{CLOCK_TOWER[0]};{CLOCK_TOWER[1]}"
STATION = (459298, 304097)  # Leicester railway station, London Road
STADIUM = (458169, 302860)  # King Power Stadium, Filbert Way
MAPPING = {
    "reference": "Ref",
    "date": "Date reported",
    "category": "Category",
    "easting": "Easting",
    "northing": "Northing",
    "area_code": "LSOA code",
    "location": "Street",
}
HEADER = "Ref;Date reported;Category;Description;Easting;Northing;LSOA code;Street;Cost"
ROWS = [
    f"ASB-001;05/01/2024;Noise;Loud music, reported by Mrs Smith;{CLOCK};;Clock Tower;£0",
    f"ASB-002;06/01/2024 14:30;Graffiti;Tag on the wall;{STATION[0]};{STATION[1]};;London Road;£120",
    f"ASB-003;7 February 2024;Fly-tipping;Mattresses;{STADIUM[0]};{STADIUM[1]};;Filbert Way;£45",
    "ASB-004;08/02/2024;Noise;No address given;;;E01013629;;£0",
    f"ASB-005;31/02/2024;Noise;Bad date;{CLOCK_TOWER[0]};{CLOCK_TOWER[1]};;;£0",
    f"ASB-006;12/31/2024;Graffiti;US date;{STATION[0]};{STATION[1]};;;£0",
    "ASB-001;09/02/2024;Noise;The same reference again;;;E01013629;;£0",
    "ASB-008;10/02/2024;Noise;Nowhere known;;;;;£0",
    "ASB-009;11/02/2024;Dog fouling;Ward only;;;E05009999;;£0",
]


def _log(rows: list[str] = ROWS, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp1252")


def _square(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def leicester() -> dict[str, Area]:
    """Leicester (a district) with two neighbourhoods with boundaries — the city centre around the
    Clock Tower and the station, and Freemen's around the stadium, holding LSOA E01013629 — and a
    ward with an ONS code and no boundary."""
    district = make_area(
        name="Leicester", kind=Area.Kind.DISTRICT, boundary=_square(-1.20, 52.58, -1.08, 52.68)
    )
    centre = make_area(
        name="City Centre",
        kind=Area.Kind.NEIGHBOURHOOD,
        parent=district,
        boundary=_square(-1.140, 52.628, -1.120, 52.640),
    )
    freemens = make_area(
        name="Freemen's",
        kind=Area.Kind.NEIGHBOURHOOD,
        parent=district,
        boundary=_square(-1.150, 52.615, -1.135, 52.625),
    )
    LSOA.objects.create(code="E01013629", name="Leicester 030B", area=freemens)
    ward = make_area(name="Castle", kind=Area.Kind.WARD, parent=district, code="E05009999")
    return {"district": district, "centre": centre, "freemens": freemens, "ward": ward}


@pytest.fixture
def council() -> Source:
    source = source_create(
        name="Leicester City Council ASB complaints", attribution="Contains data from Leicester City Council"
    )
    return source_mapping_save(source=source, mapping=MAPPING)


def _import(source: Source, content: bytes, name: str = "asb-2024.csv") -> ImportRun:
    return generic_file_import(source=source, content=content, file_name=name, placer=Placer.from_database())


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- Reading ---------------------------------------------------------------------------------


def test_the_grid_references_are_the_places_they_are_said_to_be():
    longitude, latitude = generic.grid_to_lonlat(
        np.array([CLOCK_TOWER[0], STATION[0], STADIUM[0]], dtype=float),
        np.array([CLOCK_TOWER[1], STATION[1], STADIUM[1]], dtype=float),
    )
    places = {"clock tower": (52.6359, -1.1331), "station": (52.6314, -1.1253), "stadium": (52.6204, -1.1422)}
    for (lat, lng), lon_found, lat_found in zip(places.values(), longitude, latitude, strict=True):
        assert h3.great_circle_distance((lat, lng), (lat_found, lon_found), unit="m") < 250


@pytest.mark.parametrize(
    "value, expected",
    [
        ("05/01/2024", dt.date(2024, 1, 5)),
        ("5/1/24", dt.date(2024, 1, 5)),
        ("05-01-2024", dt.date(2024, 1, 5)),
        ("05.01.2024", dt.date(2024, 1, 5)),
        ("06/01/2024 14:30", dt.date(2024, 1, 6)),
        ("06/01/2024 14:30:05", dt.date(2024, 1, 6)),
        ("7 February 2024", dt.date(2024, 2, 7)),
        ("7th Feb 2024", dt.date(2024, 2, 7)),
        ("07-Feb-2024", dt.date(2024, 2, 7)),
        ("Wednesday 7 February 2024", dt.date(2024, 2, 7)),
        ("2024-02-07", dt.date(2024, 2, 7)),
        ("2024-02-07T09:15:00", dt.date(2024, 2, 7)),
    ],
)
def test_uk_dates_are_read_day_first(value, expected):
    assert generic.date_parse(value, today=dt.date(2025, 6, 1)) == (expected, "")


@pytest.mark.parametrize(
    "value, reason",
    [
        ("12/31/2024", "written month first, as in the US"),
        ("31/02/2024", "there is no such day"),
        ("31/13/2024", "there is no month 13"),
        ("01/02/29", "two-digit year"),
        ("45292", "spreadsheet's number for a date"),
        ("next Tuesday", "not a date in a UK format"),
        ("7 Febtember 2024", "is not a month"),
        ("01/01/2024 25:00", "a time that does not exist"),
        ("01/01/2030", "in the future"),
        ("", "There is no date"),
    ],
)
def test_a_date_that_is_not_a_uk_date_is_refused_with_a_reason(value, reason):
    date, why = generic.date_parse(value, today=dt.date(2025, 6, 1))

    assert date is None and reason in why


def test_the_mapping_is_guessed_from_common_headings():
    headings = ["Ref", "Date reported", "Category", "Description", "Easting", "Northing", "Street"]

    guessed = generic.mapping_guess(headings)

    assert guessed == {
        "reference": "Ref",
        "date": "Date reported",
        "category": "Category",
        "easting": "Easting",
        "northing": "Northing",
        "location": "Street",
    }
    assert "Description" not in guessed.values()


@pytest.mark.parametrize(
    "content, encoding, delimiter",
    [
        (b"\xef\xbb\xbfDate,Type\r\n01/02/2024,Noise\r\n", "UTF-8", ","),
        ("Date;Type;Cost\r\n01/02/2024;Noise;£5\r\n".encode("cp1252"), "Windows-1252", ";"),
        (b"Date\tType\n01/02/2024\tNoise\n", "UTF-8", "\t"),
    ],
)
def test_a_file_is_read_as_excel_writes_it(content, encoding, delimiter):
    table = generic.table_read(content)

    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    assert table.headings[:2] == ["Date", "Type"] and table.rows[0][:2] == ["01/02/2024", "Noise"]


# --- Importing -------------------------------------------------------------------------------


def test_a_council_log_is_imported_placed_and_counted(leicester, council):
    run = _import(council, _log())

    assert run.status == ImportRun.Status.DONE, run.message
    assert run.file_kind == ImportRun.FileKind.GENERIC and run.source == council
    assert (run.rows_read, run.imported, run.duplicates, run.bad_row_count) == (9, 6, 0, 3)
    assert run.without_location == 3 and run.outside_partnership == 1
    assert "Windows-1252" in run.note and "semicolons" in run.note
    by_ref = {incident.crime_id: incident for incident in Incident.objects.all()}
    assert set(by_ref) == {"ASB-001", "ASB-002", "ASB-003", "ASB-004", "ASB-008", "ASB-009"}
    # placed by their point, by their LSOA, by their ward's code, or nowhere
    assert by_ref["ASB-001"].area == leicester["centre"] and by_ref["ASB-002"].area == leicester["centre"]
    assert by_ref["ASB-003"].area == leicester["freemens"]
    assert by_ref["ASB-004"].area == leicester["freemens"] and by_ref["ASB-004"].lsoa_code == "E01013629"
    assert by_ref["ASB-009"].area == leicester["ward"] and by_ref["ASB-009"].lsoa_code == ""
    assert by_ref["ASB-008"].area is None and by_ref["ASB-008"].latitude is None
    # the point, the day and its month, the type, the H3 cell
    clock = by_ref["ASB-001"]
    assert clock.latitude == pytest.approx(52.6358, abs=1e-3)
    assert clock.longitude == pytest.approx(-1.1302, abs=1e-3)
    assert clock.h3_cell == h3.str_to_int(h3.latlng_to_cell(clock.latitude, clock.longitude, 9))
    assert clock.crime_type == "Noise" and clock.location == "Clock Tower"
    graffiti = by_ref["ASB-002"]
    assert (graffiti.occurred_on, graffiti.month) == (dt.date(2024, 1, 6), dt.date(2024, 1, 1))
    assert by_ref["ASB-003"].occurred_on == dt.date(2024, 2, 7)
    # descriptions are never stored
    stored = json.dumps(list(Incident.objects.values()), default=str)
    assert "Mrs Smith" not in stored and "Mattresses" not in stored
    # counts: per area and every area it sits in, per cell
    centre_january = AreaMonthCount.objects.filter(area=leicester["centre"], month="2024-01-01")
    assert dict(centre_january.values_list("crime_type", "count")) == {"Noise": 1, "Graffiti": 1}
    district_total = AreaMonthCount.objects.filter(area=leicester["district"]).aggregate(t=Sum("count"))["t"]
    assert district_total == 5
    assert CellMonthCount.objects.aggregate(t=Sum("count"))["t"] == 3


def test_bad_rows_are_reported_with_their_line_and_column_and_skipped(leicester, council):
    run = _import(council, _log())

    bad = {row["line"]: row for row in run.bad_rows}
    assert sorted(bad) == [6, 7, 8]
    assert bad[6]["column"] == "Date reported" and "no such day" in bad[6]["reason"]
    assert bad[7]["column"] == "Date reported" and "month first, as in the US" in bad[7]["reason"]
    assert "31/12/2024" in bad[7]["reason"]
    assert bad[8]["column"] == "Ref" and "ASB-001" in bad[8]["reason"] and "line 2" in bad[8]["reason"]
    assert "written month first" in run.note
    assert not Incident.objects.filter(crime_type="Graffiti", occurred_on__year=2024, occurred_on__month=12)


def test_importing_the_same_file_again_adds_nothing(leicester, council):
    _import(council, _log())
    counts = AreaMonthCount.objects.aggregate(t=Sum("count"))["t"]
    cells = CellMonthCount.objects.aggregate(t=Sum("count"))["t"]

    again = _import(council, _log(), name="asb-2024-again.csv")

    assert again.status == ImportRun.Status.DONE
    assert (again.rows_read, again.imported, again.duplicates, again.bad_row_count) == (9, 0, 6, 3)
    assert Incident.objects.count() == 6
    assert AreaMonthCount.objects.aggregate(t=Sum("count"))["t"] == counts
    assert CellMonthCount.objects.aggregate(t=Sum("count"))["t"] == cells


def test_without_a_reference_identical_rows_are_all_kept_and_imported_once(leicester):
    source = source_mapping_save(
        source=source_create(name="Estate housing log"),
        mapping={"date": "Date", "category": "Type", "latitude": "Lat", "longitude": "Long"},
    )
    content = (
        b"Date,Type,Lat,Long\r\n" + b"01/03/2024,Noise,52.6358,-1.1302\r\n" * 2 + b"02/03/2024,Noise,,\r\n"
    )

    first = _import(source, content)
    second = _import(source, content)

    assert (first.imported, first.without_location) == (3, 1)
    assert (second.imported, second.duplicates) == (0, 3)
    keys = sorted(Incident.objects.values_list("row_key", flat=True))
    assert len(set(keys)) == 3 and any(key.endswith("#1") for key in keys)


def test_a_malformed_file_is_refused_with_its_line_and_column_and_nothing_written(leicester, council):
    rows = [*ROWS[:2], 'ASB-010;12/02/2024;Noise;Quote;;;;"Belgrave Gate;£0', *ROWS[2:4]]

    run = _import(council, _log(rows))

    assert run.status == ImportRun.Status.REFUSED
    assert run.message.startswith("Line 4, column “Street”:") and "never closed" in run.message
    assert run.imported == 0 and not Incident.objects.exists()
    assert not AreaMonthCount.objects.exists() and not CellMonthCount.objects.exists()


def test_a_file_without_a_mapped_column_is_refused(leicester, council):
    run = _import(council, b"Date;Type\r\n01/02/2024;Noise\r\n")

    assert run.status == ImportRun.Status.REFUSED
    assert run.message.startswith("Line 1: The file has no columns “Date reported”, “Category”")
    assert "“Ref”" in run.message and not Incident.objects.exists()


def test_an_import_stopped_midway_leaves_no_partial_file(leicester, council, monkeypatch):
    monkeypatch.setattr(generic_services, "WRITE_ROWS", 2)
    real_write = generic_services.IncidentWriter.write
    calls = []

    def write_then_die(self, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C during the second batch
        return real_write(self, rows)

    monkeypatch.setattr(generic_services.IncidentWriter, "write", write_then_die)

    with pytest.raises(KeyboardInterrupt):
        _import(council, _log())

    assert calls == [2, 2]
    assert not Incident.objects.exists() and not ImportRun.objects.exists()
    assert not AreaMonthCount.objects.exists() and not CellMonthCount.objects.exists()


def test_the_mapping_must_name_the_required_fields_and_whole_pairs():
    source = source_create(name="Half a log")

    with pytest.raises(Exception, match="the easting"):
        source_mapping_save(source=source, mapping={"date": "D", "category": "C", "northing": "N"})

    source.refresh_from_db()
    assert source.column_mapping == {}


def test_the_command_imports_with_the_saved_mapping_and_reports_as_json(leicester, council, tmp_path):
    path = tmp_path / "asb-2024.csv"
    path.write_bytes(_log())
    out = io.StringIO()

    call_command("import_incidents_csv", str(path), source=council.slug, json=True, stdout=out)
    call_command("import_incidents_csv", str(path), source=council.slug, json=True, stdout=out)

    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert (first["status"], first["kind"], first["imported"], first["bad_row_count"]) == (
        "done",
        "generic",
        6,
        3,
    )
    assert first["bad_rows"][1] == {
        "line": 7,
        "column": "Date reported",
        "reason": first["bad_rows"][1]["reason"],
    }
    assert (second["imported"], second["duplicates"]) == (0, 6)


def test_the_command_refuses_a_source_without_a_mapping(tmp_path):
    source = source_create(name="New log")
    path = tmp_path / "log.csv"
    path.write_bytes(b"Date,Type\r\n01/02/2024,Noise\r\n")

    with pytest.raises(CommandError, match="have not been chosen yet"):
        call_command("import_incidents_csv", str(path), source=source.slug)
    with pytest.raises(CommandError, match="There is no source"):
        call_command("import_incidents_csv", str(path), source="atlantis")

    assert not ImportRun.objects.exists()


# --- The pages -------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(content: bytes, name: str = "asb-2024.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_an_officer_adds_a_source_maps_previews_confirms_and_sees_the_report(client, cast, leicester, media):
    client.force_login(cast.officer)

    # given a new source
    response = client.post(
        reverse("evidence:source-create"),
        {"name": "Leicester City Council ASB complaints", "attribution": "Contains council data"},
    )
    source = Source.objects.get(kind=Source.Kind.GENERIC)
    assert response.status_code == 302 and response["Location"] == reverse(
        "evidence:generic-upload", kwargs={"slug": source.slug}
    )

    # when its first file is uploaded, its columns are chosen (guessed from the headings)
    response = client.post(
        reverse("evidence:generic-upload", kwargs={"slug": source.slug}), {"file": _upload(_log())}
    )
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("evidence:generic-map", kwargs={"pk": run.pk})
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Loud music, reported by Mrs Smith" in _text(page)  # the file's first rows, as they are
    assert page.context["form"].initial == {} and page.context["guessed"]
    assert page.context["form"]["column_easting"].value() == "Easting"
    chosen = {f"column_{key}": heading for key, heading in MAPPING.items()}
    response = client.post(response["Location"], chosen)
    assert response["Location"] == reverse("evidence:generic-preview", kwargs={"pk": run.pk})
    source.refresh_from_db()
    assert source.column_mapping == MAPPING

    # then the preview shows the rows as they will be read, and the bad ones
    page = client.get(response["Location"])
    text = _text(page)
    assert page.status_code == 200 and not Incident.objects.exists()
    assert "Noise on 5 January 2024" in text and "in City Centre" in text
    assert "Will be skipped" in text and "written month first, as in the US" in text
    assert "Import 6 incidents" in text

    # and confirming imports it and shows the report
    response = client.post(reverse("evidence:generic-preview", kwargs={"pk": run.pk}), {"step": "confirm"})
    assert response["Location"] == reverse("evidence:generic-report", kwargs={"pk": run.pk})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.imported == 6 and not run.uploaded_file
    report = _text(client.get(response["Location"]))
    assert (
        "Imported 6" in report
        and "Without a location 3" in report
        and "Rows that could not be read 3" in report
    )
    assert Incident.objects.count() == 6

    # and confirming again adds nothing
    again = client.post(reverse("evidence:generic-preview", kwargs={"pk": run.pk}), {"step": "confirm"})
    assert again.status_code == 302 and Incident.objects.count() == 6


def test_the_next_file_of_a_source_goes_straight_to_the_preview(client, cast, leicester, council, media):
    client.force_login(cast.officer)

    response = client.post(
        reverse("evidence:generic-upload", kwargs={"slug": council.slug}), {"file": _upload(_log())}
    )

    run = ImportRun.objects.get()
    assert response["Location"] == reverse("evidence:generic-preview", kwargs={"pk": run.pk})
    assert client.get(response["Location"]).status_code == 200


def test_a_discarded_upload_leaves_nothing(client, cast, leicester, council, media):
    client.force_login(cast.officer)
    client.post(reverse("evidence:generic-upload", kwargs={"slug": council.slug}), {"file": _upload(_log())})
    run = ImportRun.objects.get()

    response = client.post(reverse("evidence:generic-preview", kwargs={"pk": run.pk}), {"step": "discard"})

    assert response.status_code == 302
    assert not ImportRun.objects.exists() and not Incident.objects.exists()
    assert not list((media / "evidence-imports").iterdir())


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("report.pdf", b"%PDF-1.4", "must be a CSV file"),
        ("asb.csv", _log([*ROWS[:2], 'X;01/02/2024;Noise;;;;;"Belgrave Gate;£0']), "Line 4, column “Street”"),
        ("asb.csv", b"Date only\r\n01/02/2024\r\n", "only one column"),
        ("asb.csv", HEADER.encode() + b"\r\n", "has headings but no rows"),
        ("asb.csv", b"", "The selected file is empty"),
    ],
)
def test_a_bad_upload_is_a_400_with_the_error_summary_and_nothing_kept(
    client, cast, council, media, name, content, message
):
    client.force_login(cast.officer)

    response = client.post(
        reverse("evidence:generic-upload", kwargs={"slug": council.slug}), {"file": _upload(content, name)}
    )

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode() and message in _text(response)
    assert not ImportRun.objects.exists()


def test_a_bad_mapping_is_a_400_with_the_error_summary_and_not_saved(client, cast, media):
    source = source_create(name="New log")
    client.force_login(cast.officer)
    client.post(reverse("evidence:generic-upload", kwargs={"slug": source.slug}), {"file": _upload(_log())})
    run = ImportRun.objects.get()

    response = client.post(
        reverse("evidence:generic-map", kwargs={"pk": run.pk}),
        {
            "column_date": "Ref",
            "column_category": "Ref",
            "column_easting": "Easting",
            "column_northing": "Nowhere",
        },
    )

    assert response.status_code == 400
    text = _text(response)
    assert "There is a problem" in text and "already chosen" in text and "Choose a column of the file" in text
    source.refresh_from_db()
    assert source.column_mapping == {}


def test_a_source_with_the_same_name_is_a_400(client, cast, council):
    client.force_login(cast.officer)

    response = client.post(reverse("evidence:source-create"), {"name": council.name.upper()})

    assert response.status_code == 400 and "There is already a source with this name" in _text(response)
    assert Source.objects.count() == 1


def test_a_preview_without_a_step_is_a_400(client, cast, council, media):
    client.force_login(cast.officer)
    client.post(reverse("evidence:generic-upload", kwargs={"slug": council.slug}), {"file": _upload(_log())})
    run = ImportRun.objects.get()

    response = client.post(reverse("evidence:generic-preview", kwargs={"pk": run.pk}), {"step": "launch"})

    assert response.status_code == 400 and "Choose to import the file or to discard it" in _text(response)
    assert not Incident.objects.exists()


def test_a_member_is_refused_every_page_and_nothing_changes(client, cast, council, media):
    run = generic_services.generic_upload_create(
        source=council, uploaded_file=_upload(_log()), started_by=None
    )
    client.force_login(cast.member)

    pages = [
        ("get", reverse("evidence:source-list"), {}),
        ("post", reverse("evidence:source-create"), {"name": "Another log"}),
        (
            "post",
            reverse("evidence:generic-upload", kwargs={"slug": council.slug}),
            {"file": _upload(_log())},
        ),
        ("post", reverse("evidence:generic-map", kwargs={"pk": run.pk}), {"column_date": "Ref"}),
        ("post", reverse("evidence:generic-preview", kwargs={"pk": run.pk}), {"step": "confirm"}),
        ("get", reverse("evidence:generic-report", kwargs={"pk": run.pk}), {}),
    ]
    for method, url, data in pages:
        assert getattr(client, method)(url, data).status_code == 403, url

    assert Source.objects.count() == 1 and ImportRun.objects.count() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED and not Incident.objects.exists()
    council.refresh_from_db()
    assert council.column_mapping == MAPPING


def test_the_public_is_sent_to_sign_in(client, council, media):
    run = generic_services.generic_upload_create(
        source=council, uploaded_file=_upload(_log()), started_by=None
    )

    for url in (
        reverse("evidence:source-list"),
        reverse("evidence:generic-upload", kwargs={"slug": council.slug}),
        reverse("evidence:generic-preview", kwargs={"pk": run.pk}),
    ):
        response = client.post(url, {"step": "confirm"})
        assert response.status_code == 302 and "login" in response["Location"], url

    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED and not Incident.objects.exists()


def test_an_unknown_source_or_upload_is_not_found(client, cast):
    client.force_login(cast.officer)

    assert client.get(reverse("evidence:generic-upload", kwargs={"slug": "atlantis"})).status_code == 404
    assert client.get(reverse("evidence:generic-preview", kwargs={"pk": 999})).status_code == 404


def test_a_file_refused_by_the_importer_is_a_refusal_not_an_error():
    with pytest.raises(FileRefused, match="only one column"):
        generic.table_read(b"just one heading\r\nvalue\r\n")
