"""Read another organisation's incident log: a council's or a housing provider's complaints, as CSV.

Every organisation exports its log differently, so the person importing it says once per source
which of the file's columns holds each Tandem field (the *mapping*, saved on the source):

- ``date`` (required) and ``category`` (required: the kind of incident, stored as the crime type);
- a point, as ``latitude`` and ``longitude`` or as British National Grid ``easting`` and
  ``northing`` (EPSG:27700, turned into WGS84 with one vectorised ``pyproj`` call per file);
- ``area_code``: an LSOA code, or the ONS code of one of the partnership's areas, for rows
  without a point (or whose point falls outside every boundary);
- ``reference``: the source's own id, which makes importing the same file again add nothing;
  without one, a row is keyed by a hash of its mapped fields, numbered among identical rows of
  the file, as police.uk's ASB rows are (``police_uk.RowKeys``);
- ``location``: a street or place.

A description or notes column is never read: complaint logs' free text names people.

The files are as spreadsheets write them: UTF-8 with or without a byte-order mark, or
Windows-1252 where the file is not UTF-8 (Excel's "CSV" on Windows); the delimiter — comma,
semicolon or tab — is found from the header. Dates are UK dates, day first: ``31/01/2024``,
``31/01/24``, ``31-01-2024``, ``31 January 2024`` or ``2024-01-31``, with or without a time.
A month-first (US) date such as ``12/31/2024`` is never guessed at: it is a bad row.

A malformed file (an unterminated quote, a missing column of the mapping) raises ``FileRefused``
with the line and column; a malformed row is a ``BadRow`` with its line and column, and skipped.
The whole file is read into memory: the upload limit bounds it, and complaint logs are small.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .police_uk import BadRow, FileRefused, RowKeys, normalise


@dataclass(frozen=True)
class Field:
    """A Tandem field a column of the file can be mapped to."""

    key: str
    label: str
    hint: str
    required: bool = False
    headings: tuple[str, ...] = ()  # common headings for it, to guess the mapping from


FIELDS: tuple[Field, ...] = (
    Field(
        "date",
        "Date",
        "The day the incident happened or was reported, day first (31/01/2024)",
        required=True,
        headings=(
            "Date reported",
            "Date",
            "Reported date",
            "Report date",
            "Date received",
            "Received",
            "Incident date",
            "Date of incident",
            "Occurred",
            "Date logged",
            "Logged",
            "Created",
        ),
    ),
    Field(
        "category",
        "Type of incident",
        "The kind of incident or complaint (noise, fly-tipping …), shown as its crime type",
        required=True,
        headings=(
            "Category",
            "Type",
            "Incident type",
            "Complaint type",
            "Crime type",
            "ASB type",
            "Nature",
            "Problem",
            "Problem type",
            "Subject",
        ),
    ),
    Field("latitude", "Latitude", "Degrees north, such as 52.6358", headings=("Latitude", "Lat")),
    Field(
        "longitude",
        "Longitude",
        "Degrees east, such as -1.1302",
        headings=("Longitude", "Long", "Lon", "Lng"),
    ),
    Field(
        "easting",
        "Easting",
        "British National Grid, in metres, such as 458960",
        headings=("Easting", "Eastings", "Grid easting", "X", "X coordinate"),
    ),
    Field(
        "northing",
        "Northing",
        "British National Grid, in metres, such as 304580",
        headings=("Northing", "Northings", "Grid northing", "Y", "Y coordinate"),
    ),
    Field(
        "area_code",
        "LSOA or area code",
        "An LSOA code (E01013629) or the ONS code of an area, for rows without a point",
        headings=("LSOA code", "LSOA", "LSOA11CD", "LSOA21CD", "Area code", "Ward code", "ONS code"),
    ),
    Field(
        "reference",
        "Reference",
        "The source's own id for the incident, so that importing a file again adds nothing",
        headings=(
            "Ref",
            "Reference",
            "Ref no",
            "Reference number",
            "Case ref",
            "Case reference",
            "Case number",
            "Complaint ref",
            "Incident ref",
            "ID",
        ),
    ),
    Field(
        "location",
        "Location",
        "A street or place — not a full address with a house number",
        headings=("Location", "Street", "Street name", "Place", "Locality", "Address"),
    ),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
LABELS = {f.key: f.label for f in FIELDS}
PAIRS = (("latitude", "longitude"), ("easting", "northing"))
DELIMITERS = (",", ";", "\t")
LIMITS = {"category": 100, "reference": 80, "location": 300}


# --- The mapping -------------------------------------------------------------------------


def mapping_check(mapping: dict[str, str]) -> dict[str, str]:
    """What is wrong with a mapping, by field ({} when nothing is)."""
    problems: dict[str, str] = {}
    for key in mapping:
        if key not in LABELS:
            problems[key] = f"“{key}” is not a field Tandem reads"
    for f in FIELDS:
        if f.required and not mapping.get(f.key):
            problems[f.key] = f"Choose the column that holds the {f.label.lower()}"
    for first, second in PAIRS:
        if bool(mapping.get(first)) != bool(mapping.get(second)):
            missing = second if mapping.get(first) else first
            given = first if missing == second else second
            problems[missing] = (
                f"Choose the column that holds the {LABELS[missing].lower()}, or none for the "
                f"{LABELS[given].lower()}"
            )
    chosen: dict[str, str] = {}
    for key in FIELD_KEYS:
        heading = mapping.get(key)
        if not heading:
            continue
        if heading in chosen and key not in problems:
            problems[key] = (
                f"The column “{heading}” is already chosen for the {LABELS[chosen[heading]].lower()}: "
                "choose each column once"
            )
        chosen.setdefault(heading, key)
    return problems


def mapping_guess(headings: list[str]) -> dict[str, str]:
    """A first mapping from the file's headings ("Date reported", "Easting", "Ref" …)."""
    by_name: dict[str, str] = {}
    for heading in headings:
        by_name.setdefault(normalise(heading), heading)
    guessed: dict[str, str] = {}
    taken: set[str] = set()
    for f in FIELDS:
        for candidate in f.headings:
            heading = by_name.get(normalise(candidate))
            if heading and heading not in taken:
                guessed[f.key] = heading
                taken.add(heading)
                break
    for first, second in PAIRS:  # half a pair is no use
        if bool(guessed.get(first)) != bool(guessed.get(second)):
            guessed.pop(first, None)
            guessed.pop(second, None)
    return guessed


def mapping_fits(mapping: dict[str, str], headings: list[str]) -> bool:
    """Whether a saved mapping can read a file with these headings."""
    if not mapping or mapping_check(mapping):
        return False
    try:
        columns_find(mapping, headings)
    except FileRefused:
        return False
    return True


def columns_find(mapping: dict[str, str], headings: list[str]) -> dict[str, int]:
    """Where each mapped column is in the file; refuse a file without one of them. A heading is
    found as written, else with case, spaces and punctuation ignored."""
    exact: dict[str, list[int]] = {}
    loose: dict[str, list[int]] = {}
    for position, heading in enumerate(headings):
        exact.setdefault(heading, []).append(position)
        loose.setdefault(normalise(heading), []).append(position)
    found: dict[str, int] = {}
    missing: list[str] = []
    for key in FIELD_KEYS:
        heading = mapping.get(key)
        if not heading:
            continue
        positions = exact.get(heading) or loose.get(normalise(heading)) or []
        if not positions:
            missing.append(heading)
        elif len(positions) > 1:
            raise FileRefused(
                f"The heading “{heading}” is on {len(positions)} columns; the {LABELS[key].lower()} "
                "must be in one. Rename the others and upload the file again.",
                line=1,
            )
        else:
            found[key] = positions[0]
    if missing:
        names = ", ".join(f"“{name}”" for name in missing)
        raise FileRefused(
            f"The file has no column{'s' if len(missing) > 1 else ''} {names}, which the saved mapping "
            "of this source reads. "
            "Choose the columns again for this file.",
            line=1,
        )
    return found


# --- The file --------------------------------------------------------------------------------


@dataclass
class Table:
    """A CSV file's headings and rows, with the line each row starts on."""

    headings: list[str]
    rows: list[list[str]]
    lines: list[int]
    encoding: str
    delimiter: str
    sha256: str
    blank_lines: int = 0

    @property
    def delimiter_name(self) -> str:
        return {",": "commas", ";": "semicolons", "\t": "tabs"}[self.delimiter]


def text_decode(content: bytes) -> tuple[str, str]:
    """The file's text and its encoding's name: UTF-8 (a byte-order mark is dropped), else
    Windows-1252; a file that is neither is refused with the line of the first bad byte."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise FileRefused(
            "The file is not text in UTF-8 or Windows-1252 (is it a spreadsheet rather than a CSV "
            "file?). Save it from the spreadsheet as “CSV UTF-8” and upload it again.",
            line=line,
        ) from None


def delimiter_find(first_line: str) -> str:
    """Comma, semicolon or tab: the one the header is split by (csv.Sniffer's answer when it agrees)."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    if not counts[best]:
        raise FileRefused(
            "The header has only one column: the columns must be separated by commas, semicolons or tabs.",
            line=1,
        )
    try:
        sniffed = csv.Sniffer().sniff(first_line, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = best
    return sniffed if counts.get(sniffed, 0) == counts[best] else best


def _quote_column(line: str, delimiter: str) -> int | None:
    """The position of the field whose quote is opened on this line and not closed on it."""
    position, quoted, opened_in = 0, False, None
    at_start = True
    for char in line:
        if quoted:
            if char == '"':
                quoted = False
        elif char == '"' and at_start:
            quoted, opened_in = True, position
        elif char == delimiter:
            position += 1
            at_start = True
            continue
        at_start = False
    return opened_in if quoted else None


def table_read(content: bytes) -> Table:
    """Decode and split a CSV file; refuse a malformed one with its line (and column)."""
    text, encoding = text_decode(content)
    sha256 = hashlib.sha256(content).hexdigest()
    stripped = text.lstrip("\r\n")
    skipped = text[: len(text) - len(stripped)].count("\n")
    if not stripped.strip():
        raise FileRefused("The file is empty.")
    first_line = stripped.split("\n", 1)[0].rstrip("\r")
    delimiter = delimiter_find(first_line)
    reader = csv.reader(io.StringIO(stripped, newline=""), delimiter=delimiter, strict=True)
    headings: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    blank = 0
    started = 1
    try:
        for row in reader:
            if headings is None:
                headings = [cell.strip() for cell in row]
            elif not any(cell.strip() for cell in row):
                blank += 1
            else:
                rows.append(row)
                lines.append(started + skipped)
            started = reader.line_num + 1
    except csv.Error as error:
        line = started + skipped
        source_lines = stripped.split("\n")
        column = None
        if started - 1 < len(source_lines) and headings:
            opened = _quote_column(source_lines[started - 1].rstrip("\r"), delimiter)
            if opened is not None:
                column = headings[opened] if opened < len(headings) else f"column {opened + 1}"
        reason = (
            "A quote opens here and is never closed."
            if "end of data" in str(error) or column
            else f"This is not valid CSV ({error})."
        )
        raise FileRefused(
            f"{reason} Nothing from the file was imported: correct the line and upload it again.",
            line=line,
            column=column,
        ) from None
    assert headings is not None
    return Table(
        headings=headings,
        rows=rows,
        lines=lines,
        encoding=encoding,
        delimiter=delimiter,
        sha256=sha256,
        blank_lines=blank,
    )


# --- Dates -----------------------------------------------------------------------------------

_MONTH_NAMES = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTH_NAMES["sept"] = 9
_TIME = r"(?:[ T]+(\d{1,2})[:.](\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
_DAY_FIRST = re.compile(rf"^(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}$")
_YEAR_FIRST = re.compile(rf"^(\d{{4}})([/-])(\d{{1,2}})\2(\d{{1,2}}){_TIME}(?:Z|[+-]\d{{2}}:?\d{{2}})?$")
_IN_WORDS = re.compile(
    rf"^(?:[a-z]+,?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{{4}}){_TIME}$", re.I
)
_SPREADSHEET_NUMBER = re.compile(r"^\d{5}(\.\d+)?$")
EARLIEST = dt.date(1990, 1, 1)
EXAMPLES = "31/01/2024, 31-01-2024, 31 January 2024 or 2024-01-31"


def _time_ok(match: re.Match, first: int) -> bool:
    hour, minute, second = match.group(first, first + 1, first + 2)
    if hour is None:
        return True
    return int(hour) <= 23 and int(minute) <= 59 and (second is None or int(second) <= 59)


def date_parse(value: str, *, today: dt.date) -> tuple[dt.date | None, str]:
    """A UK date (day first), or None and why not."""
    text = value.strip()
    if not text:
        return None, "There is no date."
    shown = f"“{text[:40]}”"
    day = month = year = None
    match = _DAY_FIRST.match(text)
    if match:
        day, month, year = int(match[1]), int(match[3]), match[4]
        if month > 12:
            if day <= 12:
                return None, (
                    f"{shown} is written month first, as in the US: dates must be day first "
                    f"({int(match[3]):02d}/{day:02d}/{year})."
                )
            return None, f"{shown} is not a date: there is no month {month}."
        if len(year) == 2:
            year = 2000 + int(year)
            if year > today.year:
                return None, (
                    f"{shown} has a two-digit year that could be {year} or {year - 100}: write it in full."
                )
        year = int(year)
        time_ok = _time_ok(match, 5)
    elif match := _YEAR_FIRST.match(text):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
        time_ok = _time_ok(match, 5)
    elif match := _IN_WORDS.match(text):
        day, year = int(match[1]), int(match[3])
        month = _MONTH_NAMES.get(match[2].lower())
        if month is None:
            return None, f"{shown} is not a date: “{match[2]}” is not a month."
        time_ok = _time_ok(match, 4)
    elif _SPREADSHEET_NUMBER.match(text):
        return None, (
            f"{shown} is a spreadsheet's number for a date, not a date: format the column as a "
            "date (31/01/2024) and save the file again."
        )
    else:
        return None, f"{shown} is not a date in a UK format ({EXAMPLES})."
    if not time_ok:
        return None, f"{shown} has a time that does not exist."
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None, f"{shown} is not a date: there is no such day."
    if date > today + dt.timedelta(days=1):
        return None, f"{shown} is in the future."
    if date < EARLIEST:
        return None, f"{shown} is before {EARLIEST.year}: is the year right?"
    return date, ""


# --- Points ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _grid_to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def grid_to_lonlat(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid eastings and northings (metres) to WGS84 longitudes and latitudes,
    all at once; NaN stays NaN."""
    if not len(easting):
        return easting.copy(), northing.copy()
    longitude, latitude = _grid_to_wgs84().transform(easting, northing)
    return np.asarray(longitude, dtype=np.float64), np.asarray(latitude, dtype=np.float64)


def lonlat_to_grid(longitude: float, latitude: float) -> tuple[float, float]:
    """The inverse, for tests and for people checking a point."""
    from pyproj import Transformer

    easting, northing = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(
        longitude, latitude
    )
    return float(easting), float(northing)


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def _number(text: str, *, grid: bool) -> float | None:
    """A coordinate as a float (NaN when empty); None when it is not a number."""
    text = text.strip().replace(" ", "")
    if not text:
        return float("nan")
    if grid and _THOUSANDS.match(text):
        text = text.replace(",", "")  # 458,960
    elif not grid and _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")  # 52,6358 from a continental spreadsheet
    try:
        number = float(text)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


RANGES = {
    "latitude": (-90.0, 90.0),
    "longitude": (-180.0, 180.0),
    "easting": (0.0, 700_000.0),
    "northing": (0.0, 1_300_000.0),
}


# --- Rows ------------------------------------------------------------------------------------

_ONS_CODE = re.compile(r"^[EWSNK]\d{8}$")
_LSOA_CODE = re.compile(r"^[EW]01\d{6}$")


@dataclass
class Incidents:
    """The rows of a file that can be imported, as columns; and the rows that cannot."""

    lines: list[int] = field(default_factory=list)
    occurred_on: list[dt.date] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
    location: list[str] = field(default_factory=list)
    area_code: list[str] = field(default_factory=list)
    row_key: list[str] = field(default_factory=list)
    longitude: np.ndarray = field(default_factory=lambda: np.empty(0))
    latitude: np.ndarray = field(default_factory=lambda: np.empty(0))
    rows_read: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def lsoa_codes(self) -> list[str]:
        """The area codes that are LSOA codes (stored as the incident's LSOA); "" for the others."""
        return [code if _LSOA_CODE.match(code) else "" for code in self.area_code]


def incidents_read(table: Table, mapping: dict[str, str], *, today: dt.date | None = None) -> Incidents:
    """Read every row of a file with a mapping; refuse the file if the mapping does not fit it."""
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar day, not an instant
    problems = mapping_check(mapping)
    if problems:
        raise FileRefused("The columns are not chosen yet: " + "; ".join(problems.values()) + ".")
    position = columns_find(mapping, table.headings)
    width = len(table.headings)
    out = Incidents(rows_read=len(table.rows))
    bad = out.bad_rows
    dates: dict[str, tuple[dt.date | None, str]] = {}
    references: dict[str, int] = {}
    key_fields: list[tuple[str, ...]] = []
    points: dict[str, list[float]] = {name: [] for name in RANGES}
    month_first = zero_points = 0
    column = {key: table.headings[index] or f"column {index + 1}" for key, index in position.items()}

    def cell(row: list[str], key: str) -> str:
        index = position.get(key)
        return row[index].strip() if index is not None else ""

    for row, line in zip(table.rows, table.lines, strict=True):
        if len(row) != width and (len(row) < width or any(value.strip() for value in row[width:])):
            bad.append(BadRow(line, None, f"Expected {width} columns, found {len(row)}."))
            continue
        raw_date = cell(row, "date")
        if raw_date not in dates:
            dates[raw_date] = date_parse(raw_date, today=today)
        date, why = dates[raw_date]
        if date is None:
            if "month first" in why:
                month_first += 1
            bad.append(BadRow(line, column["date"], why))
            continue
        category = " ".join(cell(row, "category").split())
        if not category:
            bad.append(BadRow(line, column["category"], "There is no type of incident."))
            continue
        values = {
            "category": category,
            "reference": cell(row, "reference"),
            "location": cell(row, "location"),
        }
        too_long = next((key for key, limit in LIMITS.items() if len(values[key]) > limit), None)
        if too_long:
            bad.append(BadRow(line, column[too_long], f"Longer than {LIMITS[too_long]} characters."))
            continue
        numbers: dict[str, float] = {}
        wrong = None
        for name, (low, high) in RANGES.items():
            if name not in position:
                numbers[name] = float("nan")
                continue
            number = _number(cell(row, name), grid=name in ("easting", "northing"))
            if number is None or not (np.isnan(number) or low <= number <= high):
                wrong = (name, f"The {LABELS[name].lower()} is not a number from {low:g} to {high:g}.")
                break
            numbers[name] = number
        if wrong:
            bad.append(BadRow(line, column[wrong[0]], wrong[1]))
            continue
        for first, second in PAIRS:
            if np.isnan(numbers[first]) != np.isnan(numbers[second]):
                given, missing = (first, second) if np.isnan(numbers[second]) else (second, first)
                wrong = (missing, f"There is a {LABELS[given].lower()} but no {LABELS[missing].lower()}.")
                break
            if numbers[first] == 0 and numbers[second] == 0:  # spreadsheets' way of saying "none"
                numbers[first] = numbers[second] = float("nan")
                zero_points += 1
        if wrong:
            bad.append(BadRow(line, column[wrong[0]], wrong[1]))
            continue
        code = cell(row, "area_code").upper().replace(" ", "")
        if code and not _ONS_CODE.match(code):
            bad.append(
                BadRow(line, column["area_code"], f"“{code[:20]}” is not an LSOA or ONS code (E01013629).")
            )
            continue
        reference = values["reference"]
        if reference:
            if reference in references:
                bad.append(
                    BadRow(
                        line,
                        column["reference"],
                        f"The reference “{reference}” is on line {references[reference]} too: "
                        "only the first is imported.",
                    )
                )
                continue
            references[reference] = line
        out.lines.append(line)
        out.occurred_on.append(date)
        out.category.append(category)
        out.reference.append(reference)
        out.location.append(values["location"])
        out.area_code.append(code)
        for name, number in numbers.items():
            points[name].append(number)
        key_fields.append(
            (
                raw_date if ":" in raw_date else date.isoformat(),
                category,
                *(f"{numbers[name]:.6f}" for name in ("latitude", "longitude")),
                *(f"{numbers[name]:.1f}" for name in ("easting", "northing")),
                code,
                values["location"],
            )
        )
    _points_resolve(out, points)
    crime_ids = ["ref:" + reference if reference else "" for reference in out.reference]
    columns = [list(values) for values in zip(*key_fields, strict=True)] if key_fields else []
    out.row_key = RowKeys().keys(crime_ids, columns) if key_fields else []
    out.bad_rows.sort(key=lambda bad_row: bad_row.line)
    if month_first:
        out.notes.append(
            f"{month_first} date{'s were' if month_first > 1 else ' was'} written month first (as in the US) "
            "and skipped; if the whole file is written so, the other dates were read wrongly too: "
            "save it with dates day first and import it again."
        )
    if zero_points:
        rows = "rows" if zero_points > 1 else "row"
        out.notes.append(f"{zero_points} {rows} gave 0, 0 as the point: read as no point.")
    return out


def _points_resolve(out: Incidents, points: dict[str, list[float]]) -> None:
    """Longitude and latitude for every row: given, or from the grid reference (one call)."""
    longitude = np.array(points["longitude"], dtype=np.float64)
    latitude = np.array(points["latitude"], dtype=np.float64)
    easting = np.array(points["easting"], dtype=np.float64)
    northing = np.array(points["northing"], dtype=np.float64)
    from_grid = np.isnan(longitude) & ~np.isnan(easting)
    if from_grid.any():
        grid_lon, grid_lat = grid_to_lonlat(easting[from_grid], northing[from_grid])
        longitude[from_grid] = grid_lon
        latitude[from_grid] = grid_lat
    out.longitude = longitude
    out.latitude = latitude
