"""Read police.uk files: street-level crime and ASB, and outcomes, as columns in chunks.

police.uk publishes one CSV per force and month (``2024-01-city-of-london-street.csv``,
``…-outcomes.csv``, ``…-stop-and-search.csv``), singly or in monthly ``.zip`` archives. The
reader streams a file in chunks of rows, so memory stays flat whatever the file's size, and
hands each chunk over as columns (lists and numpy arrays) for the vectorised placement and the
batched inserts that follow.

The real files' quirks, each handled here:

- ASB rows have no Crime ID, and Crime IDs repeat within a month with different locations and
  outcomes, so an ID alone is not a key: ``row_key`` is a hash of the Crime ID (or, for an ASB
  row, of its identifying fields), numbered among identical keys within the file (the first is
  ``…``, the second ``…#1``).
- "No Location" rows have no coordinates and no LSOA: they are kept (and counted), not dropped.
- Locations are quoted because they contain commas; lines end in CRLF: the csv module reads both.
- A header rewritten to snake_case (``crime_id,month,…``) is accepted and noted in the report;
  any other header is refused naming the header police.uk publishes.
- A stop-and-search file is refused with a message saying it is not crime or ASB.
- A malformed file (not UTF-8 text, a stray or unterminated quote) is refused with the line; a
  malformed row (wrong number of columns, a bad month or coordinate, no crime type) is reported
  with its line and column and skipped.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import compress
from typing import BinaryIO

import numpy as np

STREET_HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
OUTCOMES_HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Outcome type",
)
STOP_AND_SEARCH_MARKERS = {"type", "date", "partofapolicingoperation", "objectofsearch"}
CHUNK_ROWS = 50_000
# Fields that identify a street row; the outcome is left out, as police.uk revises it.
KEY_COLUMNS = ("Month", "Longitude", "Latitude", "Location", "LSOA code", "Crime type")


class FileRefused(Exception):
    """The whole file cannot be imported: the message says why (with the line where there is one)."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None) -> None:
        self.line = line
        self.column = column
        where = f"Line {line}" if line else ""
        if column:
            where += f", column “{column}”" if where else f"Column “{column}”"
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class BadRow:
    line: int
    column: str | None
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class StreetChunk:
    """Rows of a street file that passed the checks, as columns; and the rows that did not."""

    lines: list[int]
    crime_id: list[str]
    month: list[dt.date]
    reported_by: list[str]
    falls_within: list[str]
    longitude: np.ndarray  # float64, NaN where the row has no location
    latitude: np.ndarray
    location: list[str]
    lsoa_code: list[str]
    lsoa_name: list[str]
    crime_type: list[str]
    last_outcome: list[str]
    row_key: list[str]
    rows_read: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class OutcomesChunk:
    lines: list[int]
    crime_id: list[str]
    month: list[dt.date]
    outcome: list[str]
    rows_read: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)


def normalise(name: str) -> str:
    """A header cell reduced to letters and digits: "Crime ID", "crime_id" and "CrimeID" agree."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Header:
    kind: str  # "street" or "outcomes"
    index: dict[str, int]  # police.uk column name → position in the file
    width: int
    note: str = ""


def header_read(cells: list[str]) -> Header:
    """Which police.uk file this is, from its header; refuse anything else with a clear message."""
    if cells:
        cells = [cells[0].removeprefix("\ufeff"), *cells[1:]]
    found = [normalise(cell) for cell in cells]
    for kind, expected in (("street", STREET_HEADER), ("outcomes", OUTCOMES_HEADER)):
        wanted = [normalise(name) for name in expected]
        if all(name in found for name in wanted):
            index = {name: found.index(normalise(name)) for name in expected}
            note = ""
            if tuple(cells) != expected:
                note = (
                    "The header was not written as police.uk publishes it; its columns were matched by name."
                )
            return Header(kind=kind, index=index, width=len(cells), note=note)
    if set(found) >= STOP_AND_SEARCH_MARKERS:
        raise FileRefused(
            "This is a police.uk stop-and-search file, not street-level crime and anti-social "
            "behaviour or outcomes; stop and search is not imported as incidents.",
            line=1,
        )
    raise FileRefused(
        "This is not a police.uk street-level crime file. Its header should be: "
        + ",".join(STREET_HEADER)
        + " (or, for an outcomes file: "
        + ",".join(OUTCOMES_HEADER)
        + ").",
        line=1,
    )


class CountingReader(io.RawIOBase):
    """A binary stream that counts the bytes read (for progress) and hashes them (for the report)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.bytes_read = 0
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.bytes_read += size
        self.sha256.update(data)
        return size

    def first_line_not_utf8(self) -> int | None:
        """The number of the first line that is not UTF-8, read again from the start (when the
        stream can go back): a decoding error is found a block at a time, not a line."""
        try:
            self.raw.seek(0)
        except (OSError, AttributeError, ValueError):
            return None
        for number, line in enumerate(iter(self.raw.readline, b""), start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
        return None


def _text_rows(raw: BinaryIO) -> tuple[Iterator[list[str]], Callable[[], int]]:
    text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding="utf-8", newline="")
    reader = csv.reader(text, strict=True)
    return reader, lambda: reader.line_num


def _rows_in_chunks(raw: BinaryIO, chunk_rows: int) -> Iterator[tuple[Header, list[list[str]], list[int]]]:
    reader, line_num = _text_rows(raw)
    try:
        header_cells = next(reader, None)
        if header_cells is None:
            raise FileRefused("The file is empty.")
        header = header_read(header_cells)
        rows: list[list[str]] = []
        lines: list[int] = []
        append_row, append_line = rows.append, lines.append
        for row in reader:
            append_row(row)
            append_line(line_num())
            if len(rows) >= chunk_rows:
                yield header, rows, lines
                rows, lines = [], []
                append_row, append_line = rows.append, lines.append
        if rows:
            yield header, rows, lines
    except UnicodeDecodeError as error:
        line = raw.first_line_not_utf8() if isinstance(raw, CountingReader) else None
        raise FileRefused(
            "The file is not UTF-8 text (it may have been saved in another encoding); "
            "police.uk files are UTF-8 CSV.",
            line=line,
        ) from error
    except csv.Error as error:
        raise FileRefused(f"The file is not valid CSV: {error}.", line=line_num()) from error


_month_pattern = re.compile(r"^(\d{4})-(\d{2})$")


def _month_parse(value: str) -> dt.date | None:
    match = _month_pattern.match(value.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return dt.date(year, month, 1)


def _months(values: tuple[str, ...]) -> tuple[list[dt.date | None], list[bool]]:
    parsed = {value: _month_parse(value) for value in set(values)}
    months = [parsed[value] for value in values]
    return months, [month is not None for month in months]


def _coordinates(values: tuple[str, ...], low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """Floats (NaN where empty) and a mask of the values that are neither empty nor a number in range."""
    text = np.array(values, dtype=object)
    empty = text == ""
    text[empty] = "nan"
    try:
        numbers = text.astype(np.float64)
        bad = np.zeros(len(values), dtype=bool)
    except ValueError:
        numbers = np.empty(len(values), dtype=np.float64)
        bad = np.zeros(len(values), dtype=bool)
        for position, value in enumerate(text):
            try:
                numbers[position] = float(value)
            except ValueError:
                numbers[position] = np.nan
                bad[position] = True
    with np.errstate(invalid="ignore"):
        out_of_range = ~empty & ~bad & ~((numbers >= low) & (numbers <= high))
    numbers[out_of_range] = np.nan
    return numbers, bad | out_of_range


def key_of(identity: str) -> str:
    """The stored form of a row's identity: 16 URL-safe characters (96 bits of BLAKE2b), so that
    the unique index over millions of rows stays small; a Crime ID is 64 characters."""
    digest = hashlib.blake2b(identity.encode(), digest_size=12).digest()
    return base64.urlsafe_b64encode(digest).decode()


def key_range(identity: str) -> tuple[str, str]:
    """Every row key of one identity (``k``, ``k#1``, ``k#2`` …) lies in [``k``, ``k$``): "#"
    sorts just before "$", and every key has the same 16 characters before its "#"."""
    key = key_of(identity)
    return key, key + "$"


class RowKeys:
    """The idempotency key of each row, numbered among identical keys within the file.

    A crime is identified by its Crime ID (police.uk's own 64-character hash); an ASB row, which
    has none, by its identifying fields ("asb:" and them, joined). Crime IDs repeat within a
    month with different locations, so the second row of an identity is keyed ``<key>#1``, the
    third ``<key>#2``. The key is ``key_of(identity)``.
    """

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def keys(self, crime_ids: list[str], columns: list[list[str]]) -> list[str]:
        seen = self.seen
        blake2b = hashlib.blake2b
        encode = base64.urlsafe_b64encode
        out = []
        append = out.append
        for crime_id, fields in zip(crime_ids, zip(*columns, strict=True), strict=True):
            identity = crime_id or "asb:" + "\x1f".join(fields)
            key = encode(blake2b(identity.encode(), digest_size=12).digest()).decode()
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            append(f"{key}#{occurrence}" if occurrence else key)
        return out


def _mask_bad(good: list[bool], bad_rows: list[BadRow], lines: list[int], mask, column: str, reason: str):
    for position in (
        np.flatnonzero(mask) if isinstance(mask, np.ndarray) else compress(range(len(mask)), mask)
    ):
        if good[position]:
            good[position] = False
            bad_rows.append(BadRow(lines[position], column, reason))


def street_chunks(
    raw: BinaryIO, *, header_sink: Callable[[Header], None] | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[StreetChunk]:
    """Read a street file in chunks; ``header_sink`` is told the header once it is read."""
    keys = RowKeys()
    told = False
    for header, rows, lines in _rows_in_chunks(raw, chunk_rows):
        if not told:
            if header.kind != "street":
                raise FileRefused("This is an outcomes file, not a street file.", line=1)
            if header_sink:
                header_sink(header)
            told = True
        yield _street_chunk(header, rows, lines, keys)


def _street_chunk(header: Header, rows: list[list[str]], lines: list[int], keys: RowKeys) -> StreetChunk:
    bad_rows: list[BadRow] = []
    width = header.width
    shaped = [len(row) == width for row in rows]
    if not all(shaped):
        for position in compress(range(len(rows)), [not ok for ok in shaped]):
            found = len(rows[position])
            bad_rows.append(
                BadRow(lines[position], None, f"Expected {width} columns, found {found}.")
                if found > 1 or rows[position] != [""]
                else BadRow(lines[position], None, "The line is blank.")
            )
        rows = list(compress(rows, shaped))
        lines = list(compress(lines, shaped))
    total = len(rows)
    if not total:
        return _empty_street(bad_rows, len(shaped))
    columns = list(zip(*rows, strict=True))
    column = {name: columns[position] for name, position in header.index.items()}
    good = [True] * total

    months, months_ok = _months(column["Month"])
    _mask_bad(good, bad_rows, lines, [not ok for ok in months_ok], "Month", "The month is not YYYY-MM.")
    longitude, bad_longitude = _coordinates(column["Longitude"], -180.0, 180.0)
    latitude, bad_latitude = _coordinates(column["Latitude"], -90.0, 90.0)
    _mask_bad(good, bad_rows, lines, bad_longitude, "Longitude", "The longitude is not a number in range.")
    _mask_bad(good, bad_rows, lines, bad_latitude, "Latitude", "The latitude is not a number in range.")
    half = np.isnan(longitude) != np.isnan(latitude)
    _mask_bad(good, bad_rows, lines, half, "Latitude", "Only one of longitude and latitude is given.")
    crime_types = column["Crime type"]
    _mask_bad(
        good, bad_rows, lines, [not value.strip() for value in crime_types], "Crime type", "No crime type."
    )
    for name, limit in (("Crime ID", 80), ("Location", 300), ("LSOA code", 12), ("Crime type", 100)):
        long = [len(value) > limit for value in column[name]]
        if any(long):
            _mask_bad(good, bad_rows, lines, long, name, f"Longer than {limit} characters.")

    key_columns = [column[name] for name in KEY_COLUMNS]
    if not all(good):
        mask = np.array(good, dtype=bool)
        pick = lambda values: list(compress(values, good))  # noqa: E731
        column = {name: pick(values) for name, values in column.items()}
        months = pick(months)
        lines = pick(lines)
        longitude, latitude = longitude[mask], latitude[mask]
        key_columns = [pick(values) for values in key_columns]
    bad_rows.sort(key=lambda bad: bad.line)
    return StreetChunk(
        lines=lines,
        crime_id=list(column["Crime ID"]),
        month=months,
        reported_by=list(column["Reported by"]),
        falls_within=list(column["Falls within"]),
        longitude=longitude,
        latitude=latitude,
        location=list(column["Location"]),
        lsoa_code=list(column["LSOA code"]),
        lsoa_name=list(column["LSOA name"]),
        crime_type=list(column["Crime type"]),
        last_outcome=list(column["Last outcome category"]),
        row_key=keys.keys(list(column["Crime ID"]), key_columns),
        rows_read=len(shaped),
        bad_rows=bad_rows,
    )


def _empty_street(bad_rows: list[BadRow], rows_read: int) -> StreetChunk:
    empty = np.empty(0, dtype=np.float64)
    return StreetChunk(
        lines=[],
        crime_id=[],
        month=[],
        reported_by=[],
        falls_within=[],
        longitude=empty,
        latitude=empty,
        location=[],
        lsoa_code=[],
        lsoa_name=[],
        crime_type=[],
        last_outcome=[],
        row_key=[],
        rows_read=rows_read,
        bad_rows=bad_rows,
    )


def outcomes_chunks(
    raw: BinaryIO, *, header_sink: Callable[[Header], None] | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[OutcomesChunk]:
    told = False
    for header, rows, lines in _rows_in_chunks(raw, chunk_rows):
        if not told:
            if header.kind != "outcomes":
                raise FileRefused("This is a street file, not an outcomes file.", line=1)
            if header_sink:
                header_sink(header)
            told = True
        bad_rows: list[BadRow] = []
        ids: list[str] = []
        months: list[dt.date] = []
        outcomes: list[str] = []
        kept: list[int] = []
        index = header.index
        for row, line in zip(rows, lines, strict=True):
            if len(row) != header.width:
                bad_rows.append(BadRow(line, None, f"Expected {header.width} columns, found {len(row)}."))
                continue
            crime_id = row[index["Crime ID"]].strip()
            month = _month_parse(row[index["Month"]])
            outcome = row[index["Outcome type"]].strip()
            if not crime_id:
                bad_rows.append(BadRow(line, "Crime ID", "An outcome needs the Crime ID it is for."))
            elif month is None:
                bad_rows.append(BadRow(line, "Month", "The month is not YYYY-MM."))
            elif not outcome:
                bad_rows.append(BadRow(line, "Outcome type", "No outcome."))
            elif len(outcome) > 200 or len(crime_id) > 80:
                bad_rows.append(BadRow(line, "Outcome type", "Longer than the longest police.uk value."))
            else:
                ids.append(crime_id)
                months.append(month)
                outcomes.append(outcome)
                kept.append(line)
        yield OutcomesChunk(
            lines=kept, crime_id=ids, month=months, outcome=outcomes, rows_read=len(rows), bad_rows=bad_rows
        )


def file_kind(raw: BinaryIO) -> Header:
    """Read only the header of a file (then rewind it): which kind of police.uk file it is."""
    start = raw.tell()
    head = raw.read(1 << 16)
    raw.seek(start)
    try:
        text = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8")
    except UnicodeDecodeError:
        raise FileRefused("The file is not UTF-8 text; police.uk files are UTF-8 CSV.", line=1) from None
    first = next(csv.reader([text]), None) if head.strip() else None
    if first is None:
        raise FileRefused("The file is empty.")
    return header_read(first)
