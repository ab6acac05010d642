"""Importing police.uk files: the real files' quirks, idempotency, bad files and bad rows.

The fixtures are real police.uk files and ONS boundaries (tests/evidence/fixtures/SOURCES.md;
Open Government Licence v3.0).
"""

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from tandem.evidence import services
from tandem.evidence.importers import police_rows
from tandem.evidence.models import AreaMonthCount, CellMonthCount, ImportRun, Incident, Source
from tandem.evidence.placement import Placer
from tandem.evidence.services import police_file_import, police_files_find
from tandem.places.models import LSOA, Area
from tandem.places.services import areas_import_geojson
from tests.factories import make_area

FIXTURES = Path(__file__).parent / "fixtures"
COL_2024_01 = FIXTURES / "2024-01-city-of-london-street.csv"
COL_2013_06 = FIXTURES / "2013-06-city-of-london-street.csv"
COL_OUTCOMES_2013_06 = FIXTURES / "2013-06-city-of-london-outcomes.csv"
LEICS_2013 = FIXTURES / "2013-06-leicestershire-street-excerpt.csv"
LEICS_2022 = FIXTURES / "2022-10-leicestershire-street-excerpt.csv"
ESSEX_SNAKE = FIXTURES / "2018-01-essex-street-snakecase-first-100.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["read here", "read beside"])
def reading(request, settings) -> str:
    """Every test runs twice: with each street file read in the importing process, and read in a
    second process while the importing one writes (what a large file gets,
    ``importers.police_rows``): the two must not differ in anything a user can see."""
    settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES = 1 << 62 if request.param == "read here" else 0
    return request.param


def _rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as opened:
        return list(csv.DictReader(opened))


@pytest.fixture
def city() -> Area:
    """The City of London district with its six LSOAs (2011) as neighbourhoods inside it."""
    district = make_area(name="City of London", kind=Area.Kind.DISTRICT)
    areas_import_geojson(
        source=FIXTURES / "city-of-london-lsoa-2011.geojson",
        kind=Area.Kind.NEIGHBOURHOOD,
        parent=district,
        name_property="LSOA11NM",
        code_property="LSOA11CD",
        boundary_source="ONS, OGL v3.0",
    )
    return district


def _import(*paths: Path) -> list[ImportRun]:
    placer = Placer.from_database()
    return [police_file_import(file=file, placer=placer) for file in police_files_find(list(paths))]


def _csv_file(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\r\n"
)


def _row(
    crime_id="abc", month="2024-01", lon="-0.09", lat="51.515", crime_type="Burglary", location="On or near X"
):
    return (
        f"{crime_id},{month},City of London Police,City of London Police,{lon},{lat},{location},"
        f"E01000001,City of London 001A,{crime_type},Under investigation,\r\n"
    )


# --- The real files -----------------------------------------------------------------------


def test_every_row_of_a_real_month_is_kept_including_asb_repeated_ids_and_no_location(city):
    rows = _rows(COL_2024_01)

    [run] = _import(COL_2024_01)

    assert run.status == ImportRun.Status.DONE, run.message
    assert (run.rows_read, run.imported, run.duplicates, run.bad_row_count) == (734, 734, 0, 0)
    assert Incident.objects.count() == 734
    # ASB rows have no Crime ID and are all there
    asb = [row for row in rows if not row["Crime ID"]]
    assert len(asb) == 12
    assert Incident.objects.filter(crime_id="").count() == 12
    # A Crime ID repeated within the month with another location is kept every time
    repeated = {row["Crime ID"] for row in rows if row["Crime ID"]}
    assert len(repeated) < 722
    assert Incident.objects.exclude(crime_id="").count() == 722
    # "No Location" rows have no point and are counted, not dropped
    no_location = sum(1 for row in rows if not row["Longitude"])
    assert run.without_location == no_location == 77
    assert Incident.objects.filter(latitude=None).count() == 77
    assert not Incident.objects.filter(latitude=None).exclude(h3_cell=None).exists()


def test_importing_the_same_file_again_adds_nothing(city):
    _import(COL_2024_01)
    counts = AreaMonthCount.objects.aggregate(total=Sum("count"))["total"]
    cells = CellMonthCount.objects.aggregate(total=Sum("count"))["total"]

    [again] = _import(COL_2024_01)

    assert (again.rows_read, again.imported, again.duplicates) == (734, 0, 734)
    assert Incident.objects.count() == 734
    assert AreaMonthCount.objects.aggregate(total=Sum("count"))["total"] == counts
    assert CellMonthCount.objects.aggregate(total=Sum("count"))["total"] == cells


def test_incidents_are_placed_in_the_deepest_area_and_counted_up_the_tree(city):
    [run] = _import(COL_2024_01)

    neighbourhoods = Area.objects.filter(parent=city)
    assert neighbourhoods.count() == 6
    in_neighbourhoods = Incident.objects.filter(area__in=neighbourhoods).count()
    assert in_neighbourhoods > 300
    assert not Incident.objects.filter(area=city).exists()  # nothing stops at the district
    # Rows in other boroughs (Camden, Southwark, Birmingham …) are kept, outside every area
    outside = Incident.objects.filter(area=None)
    assert outside.count() == run.outside_partnership == 734 - in_neighbourhoods
    assert outside.filter(lsoa_name__startswith="Camden").exists()
    # The district's monthly count is the sum of its neighbourhoods'
    district_total = AreaMonthCount.objects.filter(area=city).aggregate(total=Sum("count"))["total"]
    assert district_total == in_neighbourhoods
    by_area = AreaMonthCount.objects.filter(area__in=neighbourhoods).aggregate(total=Sum("count"))["total"]
    assert by_area == in_neighbourhoods
    # Every incident with a point is in a resolution-9 H3 cell, counted once per cell
    assert CellMonthCount.objects.aggregate(total=Sum("count"))["total"] == 734 - 77


def test_a_row_without_a_point_is_placed_by_its_lsoa_code(city, tmp_path):
    portsoken = Area.objects.get(code="E01032739")
    LSOA.objects.create(code="E01000005", name="City of London 001E", census_year=2011, area=portsoken)
    path = _csv_file(
        tmp_path,
        "2024-01-test-street.csv",
        HEADER + "x1,2024-01,City of London Police,City of London Police,,,No Location,E01000005,"
        "City of London 001E,Burglary,Under investigation,\r\n",
    )

    [run] = _import(path)

    assert run.without_location == 1 and run.outside_partnership == 0
    assert Incident.objects.get(crime_id="x1").area == portsoken


def test_a_quoted_location_with_a_comma_is_read_whole():
    _import(LEICS_2013)

    assert Incident.objects.filter(location="On or near Asda, Thurmaston").exists()
    assert not Incident.objects.filter(location__endswith="\r").exists()


def test_a_force_that_changed_its_name_stays_one_source():
    [old] = _import(LEICS_2013)
    [new] = _import(LEICS_2022)

    assert old.source == new.source
    assert Source.objects.filter(kind=Source.Kind.POLICE_UK).count() == 1
    forces = set(Incident.objects.values_list("reported_by", flat=True))
    assert forces == {"Leicestershire Constabulary", "Leicestershire Police"}


def test_rows_with_coordinates_but_no_lsoa_are_kept():
    rows = _rows(LEICS_2013)
    expected = sum(1 for row in rows if row["Longitude"] and not row["LSOA code"])
    assert expected == 10

    _import(LEICS_2013)

    assert Incident.objects.filter(lsoa_code="").exclude(latitude=None).count() == expected


def test_lsoa_2021_codes_beside_2011_boundaries_are_kept_and_placed_by_point(city):
    _import(COL_2024_01)

    codes_2011 = set(Area.objects.filter(parent=city).values_list("code", flat=True))
    in_city = Incident.objects.filter(area__parent=city)
    assert in_city.exclude(lsoa_code__in=codes_2011).exclude(lsoa_code="").exists()


def test_a_snake_case_header_is_accepted_and_noted():
    [run] = _import(ESSEX_SNAKE)

    assert run.status == ImportRun.Status.DONE
    assert run.imported == 100
    assert "not written as police.uk publishes it" in run.note
    assert Incident.objects.filter(reported_by="Essex Police").count() == 100


def test_a_stop_and_search_file_is_refused_with_a_clear_message(tmp_path):
    path = _csv_file(
        tmp_path,
        "2019-06-greater-manchester-stop-and-search.csv",
        "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
        "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
        "Outcome linked to object of search,Removal of more than just outer clothing\r\n"
        "Person search,2019-05-31T23:01:00+00:00,False,,53.4,-2.2,Male,18-24,,,,Controlled drugs,"
        "Arrest,True,False\r\n",
    )

    [run] = _import(path)

    assert run.status == ImportRun.Status.REFUSED
    assert "stop-and-search" in run.message and "Line 1" in run.message
    assert not Incident.objects.exists()


def test_a_file_with_another_header_is_refused_naming_the_expected_header(tmp_path):
    path = _csv_file(tmp_path, "complaints.csv", "Date,Address,Complaint\r\n2024-01-05,1 High St,Noise\r\n")

    [run] = _import(path)

    assert run.status == ImportRun.Status.REFUSED
    assert "Crime ID,Month,Reported by,Falls within,Longitude,Latitude" in run.message
    assert ImportRun.objects.filter(status=ImportRun.Status.REFUSED).count() == 1


# --- Bad files and bad rows -----------------------------------------------------------------


def test_a_malformed_file_is_refused_with_its_line_and_leaves_nothing_behind(tmp_path):
    good = "".join(_row(crime_id=f"id{n}") for n in range(300))
    path = _csv_file(
        tmp_path, "2024-01-broken-street.csv", (HEADER + good + 'x,"2024-01"01,\r\n' + good).encode()
    )

    [run] = _import(path)

    assert run.status == ImportRun.Status.REFUSED
    assert "Line 302" in run.message
    assert not Incident.objects.exists()
    assert not AreaMonthCount.objects.exists() and not CellMonthCount.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = _csv_file(
        tmp_path, "2024-01-latin1-street.csv", (HEADER + _row(location="Caf\xe9")).encode("latin-1")
    )

    [run] = _import(path)

    assert run.status == ImportRun.Status.REFUSED
    assert "UTF-8" in run.message and "Line 2" in run.message
    assert not Incident.objects.exists()


def test_malformed_rows_are_reported_with_line_and_column_and_skipped(tmp_path):
    text = (
        HEADER
        + _row(crime_id="ok1")
        + "too,few,columns\r\n"
        + _row(crime_id="bad-month", month="Jan 2024")
        + _row(crime_id="bad-lon", lon="west")
        + _row(crime_id="bad-lat", lat="95.2")
        + _row(crime_id="half", lat="")
        + _row(crime_id="no-type", crime_type="")
        + _row(crime_id="ok2")
    )
    path = _csv_file(tmp_path, "2024-01-rows-street.csv", text)

    [run] = _import(path)

    assert run.status == ImportRun.Status.DONE
    assert (run.rows_read, run.imported, run.bad_row_count) == (8, 2, 6)
    assert set(Incident.objects.values_list("crime_id", flat=True)) == {"ok1", "ok2"}
    reported = [(bad["line"], bad["column"]) for bad in run.bad_rows]
    assert reported == [
        (3, None),
        (4, "Month"),
        (5, "Longitude"),
        (6, "Latitude"),
        (7, "Latitude"),
        (8, "Crime type"),
    ]
    assert "Expected 12 columns, found 3" in run.bad_rows[0]["reason"]


def _before_each_write(monkeypatch, before) -> None:
    """Call ``before(rows in the batch)`` before the importer writes each batch of rows, as
    tuples (SQLite) or as CSV for COPY (PostgreSQL)."""
    write, write_csv = services.IncidentWriter.write, services.IncidentWriter.write_csv

    def rows_written(self, rows):
        before(len(rows))
        return write(self, rows)

    def csv_written(self, payload, count, area_tally):
        before(count)
        return write_csv(self, payload, count, area_tally)

    monkeypatch.setattr(services.IncidentWriter, "write", rows_written)
    monkeypatch.setattr(services.IncidentWriter, "write_csv", csv_written)


def test_an_import_that_fails_midway_leaves_no_partial_file(tmp_path, monkeypatch):
    text = HEADER + "".join(_row(crime_id=f"id{n}") for n in range(120))
    path = _csv_file(tmp_path, "2024-01-killed-street.csv", text)
    monkeypatch.setattr(services, "STREET_CHUNK_ROWS", 50)
    calls = []

    def die_in_the_second(count):
        calls.append(count)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C during the second batch

    _before_each_write(monkeypatch, die_in_the_second)

    with pytest.raises(KeyboardInterrupt):
        _import(path)

    assert calls == [50, 50]
    assert not Incident.objects.exists()
    assert not AreaMonthCount.objects.exists() and not CellMonthCount.objects.exists()
    assert not ImportRun.objects.exists()


# --- Reading in a second process --------------------------------------------------------


def _readers(monkeypatch) -> list:
    """The reader processes started (their ``subprocess.Popen``), as they are started."""
    started = []
    real_enter = police_rows.ReaderProcess.__enter__

    def enter(self):
        reader = real_enter(self)
        started.append(reader._process)
        return reader

    monkeypatch.setattr(police_rows.ReaderProcess, "__enter__", enter)
    return started


def _stored() -> dict:
    incidents = sorted(
        Incident.objects.values_list(
            "source__name",
            "row_key",
            "crime_id",
            "month",
            "latitude",
            "longitude",
            "location",
            "lsoa_code",
            "crime_type",
            "last_outcome",
            "area_id",
            "h3_cell",
        )
    )
    runs = [
        {**services.police_import_report(run), "content_hash": run.content_hash}
        for run in ImportRun.objects.order_by("pk")
    ]
    for report in runs:
        report.pop("file", None)
    return {"incidents": incidents, "counts": _stored_counts(), "runs": runs}


def test_a_large_file_is_read_in_a_second_process_with_the_same_result(city, settings, monkeypatch):
    # given two real months read in the importing process
    _import(COL_2024_01, LEICS_2022)
    here = _stored()
    Incident.objects.all().delete()
    AreaMonthCount.objects.all().delete()
    CellMonthCount.objects.all().delete()
    ImportRun.objects.all().delete()
    # when the same files are large enough to be read beside the import
    settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES = min(COL_2024_01.stat().st_size, LEICS_2022.stat().st_size)
    readers = _readers(monkeypatch)
    _import(COL_2024_01, LEICS_2022)
    # then each was read in a process of its own, which has ended, and nothing differs: the
    # incidents, their areas and cells, the monthly counts, the reports and the files' hashes
    assert len(readers) == 2 and all(reader.returncode == 0 for reader in readers)
    beside = _stored()
    assert beside["incidents"] == here["incidents"] and len(here["incidents"]) == 889
    assert beside["counts"] == here["counts"]
    assert beside["runs"] == here["runs"]
    assert here["runs"][0]["content_hash"] == hashlib.sha256(COL_2024_01.read_bytes()).hexdigest()


def test_rows_sent_to_postgresql_as_csv_are_stored_as_rows_sent_one_by_one(city, tmp_path, monkeypatch):
    """On PostgreSQL the importer hands COPY the rows as CSV written from the columns; that must
    store what the row-by-row COPY stored: NULL where there is no point, area or cell, an empty
    Crime ID as an empty string, and locations with commas, quotes and non-ASCII letters."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the rows go in as CSV on PostgreSQL only")
    awkward = _csv_file(
        tmp_path,
        "2024-02-awkward-street.csv",
        HEADER
        + _row(crime_id="", month="2024-02", location='"On or near ""The Crown"", Cheapside"')
        + _row(crime_id="q2", month="2024-02", lon="", lat="", location="No Location")
        + _row(crime_id="q3", month="2024-02", location="On or near Côte Brasserie")
        + _row(crime_id="q4", month="2024-02", lon="-1.5", lat="52.6", location=""),
    )
    files = (COL_2024_01, COL_2013_06, awkward)
    monkeypatch.setattr(services, "_as_csv", lambda: False)
    _import(*files)
    one_by_one = _stored()
    Incident.objects.all().delete()
    AreaMonthCount.objects.all().delete()
    CellMonthCount.objects.all().delete()
    ImportRun.objects.all().delete()

    monkeypatch.setattr(services, "_as_csv", lambda: True)
    _import(*files)
    as_csv = _stored()

    assert as_csv["incidents"] == one_by_one["incidents"]
    assert as_csv["counts"] == one_by_one["counts"]
    assert as_csv["runs"] == one_by_one["runs"]
    stored = {row[2]: row for row in as_csv["incidents"] if row[3].isoformat() == "2024-02-01"}
    assert stored[""][6] == 'On or near "The Crown", Cheapside'
    assert stored["q2"][4:6] == (None, None) and stored["q2"][10:] == (None, None)
    assert stored["q3"][6] == "On or near Côte Brasserie"
    assert stored["q4"][6] == "" and stored["q4"][10] is None  # outside the City, but in a cell
    assert stored["q4"][11] is not None


def _read_beside_in_chunks_of_50(tmp_path, settings, monkeypatch, rows: int) -> tuple[Path, list]:
    """A street file of ``rows`` rows that will be read in a second process, 50 lines at a time;
    and the list its reader process will be in."""
    settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES = 0
    text = HEADER + "".join(_row(crime_id=f"id{n}") for n in range(rows))
    monkeypatch.setattr(services, "STREET_CHUNK_ROWS", 50)
    return _csv_file(tmp_path, "2024-01-street.csv", text), _readers(monkeypatch)


def test_a_reader_process_that_dies_fails_the_import_and_leaves_nothing(tmp_path, settings, monkeypatch):
    path, readers = _read_beside_in_chunks_of_50(tmp_path, settings, monkeypatch, rows=400)
    calls = []

    def kill_the_reader_at_the_second(count):
        calls.append(count)
        if len(calls) == 2:
            readers[0].kill()  # the machine ran out of memory, say, and the reader was killed
            readers[0].wait()

    _before_each_write(monkeypatch, kill_the_reader_at_the_second)

    with pytest.raises(police_rows.ReaderFailed, match="stopped before the end"):
        _import(path)

    assert not Incident.objects.exists() and not ImportRun.objects.exists()
    assert not AreaMonthCount.objects.exists() and not CellMonthCount.objects.exists()


def test_an_import_stopped_midway_stops_its_reader_process(tmp_path, settings, monkeypatch):
    path, readers = _read_beside_in_chunks_of_50(tmp_path, settings, monkeypatch, rows=2000)

    def interrupted(count):
        raise KeyboardInterrupt

    _before_each_write(monkeypatch, interrupted)

    with pytest.raises(KeyboardInterrupt):
        _import(path)

    [reader] = readers
    assert reader.poll() is not None  # ended, not left running
    assert not Incident.objects.exists() and not ImportRun.objects.exists()


def test_a_file_refused_by_the_reader_process_is_refused_as_if_read_here(tmp_path, settings):
    settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES = 0
    text = HEADER + _row() + '"abc,2024-01,unterminated quote\r\n' + _row(crime_id="x") * 10
    path = _csv_file(tmp_path, "2024-01-street.csv", text)

    [beside] = _import(path)
    settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES = 1 << 62
    [here] = _import(path)

    assert beside.status == here.status == ImportRun.Status.REFUSED
    assert beside.message == here.message and beside.message.startswith("Line 13: The file is not valid CSV")
    assert not Incident.objects.exists()


def test_a_stream_in_memory_is_read_in_the_importing_process(settings):
    settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES = 0
    content = COL_2024_01.read_bytes()
    file = services.PoliceFile(name="upload.csv", size=len(content), opener=lambda: io.BytesIO(content))

    assert not police_rows.reader_process_possible(file.opener)
    run = police_file_import(file=file, placer=Placer.from_database())
    assert run.status == ImportRun.Status.DONE and run.imported == len(_rows(COL_2024_01))


# --- Outcomes, archives and the command --------------------------------------------------


def test_an_outcomes_file_updates_last_outcomes_once(city):
    _import(COL_2013_06)
    outcomes = {row["Crime ID"]: row["Outcome type"] for row in _rows(COL_OUTCOMES_2013_06)}
    matched = Incident.objects.filter(crime_id__in=outcomes)
    assert matched.exists()

    [run] = _import(COL_OUTCOMES_2013_06)

    assert run.status == ImportRun.Status.DONE and run.file_kind == ImportRun.FileKind.OUTCOMES
    assert run.imported > 0
    for incident in matched[:20]:
        assert incident.last_outcome == outcomes[incident.crime_id]
    [again] = _import(COL_OUTCOMES_2013_06)
    assert again.imported == 0


def test_an_older_outcomes_file_does_not_overwrite_a_newer_outcome(tmp_path):
    street = _csv_file(tmp_path, "2024-01-one-street.csv", HEADER + _row(crime_id="c1"))
    outcome_header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
        "Outcome type\r\n"
    )

    def outcomes(month: str, outcome: str) -> Path:
        return _csv_file(
            tmp_path,
            f"{month}-one-outcomes.csv",
            outcome_header
            + f"c1,{month},City of London Police,City of London Police,-0.09,51.515,On or near X,"
            f"E01000001,City of London 001A,{outcome}\r\n",
        )

    _import(
        street, outcomes("2024-03", "Offender given a caution"), outcomes("2024-02", "Under investigation")
    )

    assert Incident.objects.get(crime_id="c1").last_outcome == "Offender given a caution"


def test_a_police_uk_monthly_zip_archive_is_imported_file_by_file(tmp_path, city):
    archive = tmp_path / "2024-01.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as written:
        written.write(COL_2024_01, "2024-01/2024-01-city-of-london-street.csv")
        written.writestr("2024-01/2024-01-city-of-london-stop-and-search.csv", "Type,Date\r\n")

    runs = _import(archive)

    assert [run.file_name.rsplit(":", 1)[1] for run in runs] == ["2024-01/2024-01-city-of-london-street.csv"]
    assert runs[0].imported == 734


def test_the_command_prints_one_json_report_per_file(tmp_path, city):
    bad = _csv_file(tmp_path, "2024-01-rows-street.csv", HEADER + _row(crime_id="ok") + "a,b\r\n")
    out = io.StringIO()

    call_command("import_police_data", str(COL_2024_01), str(bad), "--json", stdout=out, stderr=io.StringIO())

    reports = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [Path(report["file"]).name for report in reports] == [COL_2024_01.name, bad.name]
    first, second = reports
    assert {key: first[key] for key in ("rows_read", "imported", "duplicates", "without_location")} == {
        "rows_read": 734,
        "imported": 734,
        "duplicates": 0,
        "without_location": 77,
    }
    assert second["bad_rows"] == [{"line": 3, "column": None, "reason": "Expected 12 columns, found 2."}]


def test_the_command_refuses_a_path_that_does_not_exist():
    with pytest.raises(CommandError, match="no file or directory"):
        call_command("import_police_data", "/nowhere/2024-01-street.csv", stdout=io.StringIO())


def test_the_command_imports_a_directory_and_says_what_it_did(tmp_path):
    folder = tmp_path / "police"
    folder.mkdir()
    (folder / LEICS_2022.name).write_bytes(LEICS_2022.read_bytes())
    out = io.StringIO()

    call_command("import_police_data", str(folder), stdout=out, stderr=io.StringIO())

    said = out.getvalue()
    assert f"{LEICS_2022.name}: 155 rows read, 155 imported, 0 already there" in said


def _counts_from_incidents() -> tuple[dict, dict]:
    """The monthly counts as the incidents themselves give them (cells: with the highest area)."""
    from django.db.models import Count, Max

    cells = {
        (row["h3_cell"], row["month"], row["crime_type"]): (row["n"], row["area"])
        for row in Incident.objects.exclude(h3_cell=None)
        .values("h3_cell", "month", "crime_type")
        .annotate(n=Count("id"), area=Max("area_id"))
    }
    areas: dict = {}
    for row in (
        Incident.objects.exclude(area=None).values("area", "month", "crime_type").annotate(n=Count("id"))
    ):
        area = Area.objects.get(pk=row["area"])
        for holder in [area, *area.ancestors()]:
            key = (holder.pk, row["month"], row["crime_type"])
            areas[key] = areas.get(key, 0) + row["n"]
    return cells, areas


def _stored_counts() -> tuple[dict, dict]:
    cells = {
        (row.h3_cell, row.month, row.crime_type): (row.count, row.area_id)
        for row in CellMonthCount.objects.all()
    }
    areas = {(row.area_id, row.month, row.crime_type): row.count for row in AreaMonthCount.objects.all()}
    return cells, areas


def test_the_counts_kept_while_importing_are_the_incidents_counts(city, monkeypatch, tmp_path):
    # given a first file counted in memory as it goes in, in chunks of 100 rows

    monkeypatch.setattr(services, "STREET_CHUNK_ROWS", 100)
    tallied = _area_tallies_seen(monkeypatch)
    _import(COL_2024_01)
    assert _stored_counts() == _counts_from_incidents()

    # when another file starts with three chunks of rows already stored (added nothing, so the
    # tally in memory goes on) and then has new rows
    overlapping = _rows(COL_2024_01)[:300] + _rows(COL_2013_06)
    mixed = tmp_path / "mixed-street.csv"
    with mixed.open("w", newline="", encoding="utf-8") as opened:
        writer = csv.DictWriter(opened, fieldnames=list(overlapping[0].keys()))
        writer.writeheader()
        writer.writerows(overlapping)
    [run] = _import(mixed)

    # then only the new rows are added, and the counts still match the incidents
    assert run.duplicates == 300 and run.imported == len(overlapping) - 300
    assert _stored_counts() == _counts_from_incidents()
    assert tallied == [True, True]  # both files' area counts came from the tally in memory


def _area_tallies_seen(monkeypatch) -> list[bool]:
    """Whether each import's per-area counts came from the writer's tally (else from the table)."""
    seen: list[bool] = []
    real = services.counts_add

    def counts_add(**arguments):
        seen.append(arguments["area_counts"] is not None)
        return real(**arguments)

    monkeypatch.setattr(services, "counts_add", counts_add)
    return seen


def test_a_file_whose_stored_rows_come_after_its_first_chunk_adds_only_its_new_rows(
    city, monkeypatch, tmp_path
):
    # given a month stored, and a file that starts with new rows and goes on into that month's
    # rows (on PostgreSQL the first chunks go straight in by COPY, and the first chunk that meets
    # a stored row goes the slower way; that chunk, 74 new rows and 26 stored ones, goes in only
    # in part, so the counts are grouped in the table instead of tallied in memory)

    monkeypatch.setattr(services, "STREET_CHUNK_ROWS", 100)
    _import(COL_2024_01)
    before = Incident.objects.count()
    overlapping = _rows(COL_2013_06) + _rows(COL_2024_01)[:300]
    mixed = tmp_path / "new-then-stored-street.csv"
    with mixed.open("w", newline="", encoding="utf-8") as opened:
        writer = csv.DictWriter(opened, fieldnames=list(overlapping[0].keys()))
        writer.writeheader()
        writer.writerows(overlapping)

    # when it is imported
    tallied = _area_tallies_seen(monkeypatch)
    [run] = _import(mixed)

    # then only its new rows are added, once, and counted once, and the report says so
    assert tallied == [False]
    new = len(overlapping) - 300
    assert run.status == ImportRun.Status.DONE
    assert (run.imported, run.duplicates, run.rows_read) == (new, 300, len(overlapping))
    assert Incident.objects.count() == before + new
    assert _stored_counts() == _counts_from_incidents()
    assert run.content_hash == hashlib.sha256(mixed.read_bytes()).hexdigest()


def test_a_file_whose_forces_first_appear_in_later_chunks_is_imported_whole(monkeypatch, tmp_path):
    # given a file of two forces, the second first met several chunks in, imported in chunks of
    # 100 rows

    monkeypatch.setattr(services, "STREET_CHUNK_ROWS", 100)
    rows = _rows(COL_2013_06) + _rows(LEICS_2013)
    both = tmp_path / "two-forces-street.csv"
    with both.open("w", newline="", encoding="utf-8") as opened:
        writer = csv.DictWriter(opened, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)

    # when it is imported
    [run] = _import(both)

    # then every row is in, under its own force, and counted
    assert run.status == ImportRun.Status.DONE and run.imported == len(rows)
    assert len({row["Reported by"] for row in rows}) == 2
    assert Incident.objects.values("source").distinct().count() == 2
    assert Incident.objects.count() == len(rows)
    assert _stored_counts() == _counts_from_incidents()
