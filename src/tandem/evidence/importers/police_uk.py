"""Read police.uk files: street-level crime and ASB, and outcomes, as columns in chunks.

police.uk publishes one CSV per force and month (``2024-01-city-of-london-street.csv``,
``…-outcomes.csv``, ``…-stop-and-search.csv``), singly or in monthly ``.zip`` archives. The
reader streams a file in chunks of rows, so memory stays flat whatever the file's size, and
hands each chunk over as columns (lists and numpy arrays) for the vectorised placement and the
batched inserts that follow.

A street file is read by a columnar CSV reader (pyarrow, in C) wherever a block of lines is
plain, which is nearly everywhere; a block with anything unusual in it is read by the csv
module instead, so both readers give the same rows, keys and bad rows (see "The columnar
reader" below). pyarrow is imported only when a street file is read.

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
CHUNK_ROWS = 15_000  # lines at a time: the memory of a chunk in flight, in each of two processes
# Fields that identify a street row; the outcome is left out, as police.uk revises it.
KEY_COLUMNS = ("Month", "Longitude", "Latitude", "Location", "LSOA code", "Crime type")


class FileRefused(Exception):
    """The whole file cannot be imported: the message says why (with the line where there is one)."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None) -> None:
        self.message = message
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

    Numbering is done with numpy over the first 64 bits of each key: the keys seen so far in
    the file are one sorted array with the count of each. (Two different identities that share
    those 64 bits, about one chance in 10⁸ in a national month, would be numbered as if they
    were one: the second still gets a key of its own, the same on every import.)
    """

    def __init__(self) -> None:
        self.seen = np.empty(0, dtype=np.uint64)  # sorted
        self.counts = np.empty(0, dtype=np.int64)

    def keys(self, crime_ids: list[str], columns: list[list[str]]) -> list[str]:
        identities = [
            (crime_id or "asb:" + "\x1f".join(fields)).encode()
            for crime_id, fields in zip(crime_ids, zip(*columns, strict=True), strict=True)
        ]
        return self.keys_of(identities)

    def keys_of(self, identities: list[bytes]) -> list[str]:
        """The keys of rows whose identities (UTF-8) are given, numbered after those seen."""
        if not identities:
            return []
        blake2b = hashlib.blake2b
        digests = b"".join([blake2b(identity, digest_size=12).digest() for identity in identities])
        # 12 bytes are 16 base64 characters with no padding, so one encoding serves every row.
        keys = np.frombuffer(base64.urlsafe_b64encode(digests), dtype="S16").astype("U16").tolist()
        prefix = np.frombuffer(digests, dtype=np.dtype([("head", "<u8"), ("tail", "<u4")]))["head"]
        order = np.argsort(prefix, kind="stable")
        ordered = prefix[order]
        starts = np.r_[True, ordered[1:] != ordered[:-1]]
        group = np.cumsum(starts) - 1
        firsts = np.flatnonzero(starts)
        unique = ordered[firsts]
        sizes = np.diff(np.r_[firsts, len(ordered)])
        # How many of each key earlier chunks had.
        where = np.searchsorted(self.seen, unique)
        found = where < len(self.seen)
        found[found] = self.seen[where[found]] == unique[found]
        earlier = np.zeros(len(unique), dtype=np.int64)
        earlier[found] = self.counts[where[found]]
        occurrence = np.empty(len(prefix), dtype=np.int64)
        occurrence[order] = np.arange(len(ordered)) - firsts[group] + earlier[group]
        # Remember this chunk's keys: counts of known ones go up, new ones are merged in.
        self.counts[where[found]] += sizes[found]
        merged = np.concatenate((self.seen, unique[~found]))
        merged_order = np.argsort(merged, kind="stable")
        self.seen = merged[merged_order]
        self.counts = np.concatenate((self.counts, sizes[~found]))[merged_order]
        for position in np.flatnonzero(occurrence).tolist():
            keys[position] = f"{keys[position]}#{occurrence[position]}"
        return keys


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
    """Read a street file in chunks of ``chunk_rows`` lines; ``header_sink`` is told the header."""
    header, rest = _header_split(raw)
    if header.kind != "street":
        raise FileRefused("This is an outcomes file, not a street file.", line=1)
    if header_sink:
        header_sink(header)
    keys = RowKeys()
    carried, carried_line = b"", 0
    for block, ends, first_line, last in _line_blocks(raw, rest, chunk_rows):
        if carried:
            block, first_line, carried = carried + block, carried_line, b""
            ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
        try:
            chunk = _street_chunk_arrow(header, block, ends, first_line, keys)
        except _NotPlain:
            if not last and _unterminated(block):
                # A quoted value runs on past the block's last line: read it with the next.
                carried, carried_line = block, first_line
                continue
            chunk = _street_chunk_csv(header, block, first_line, keys)
        yield chunk


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


# --- The columnar reader --------------------------------------------------------------------
#
# Most of a police.uk file is plain: one row a line, no blank lines, a quote only round a
# location with a comma in it. Such a block of lines is parsed by pyarrow's CSV reader (in C,
# on one thread: a large file is read beside the process writing it, which needs the other
# core) and checked column by column; a block that is anything else — a blank line, a
# lone carriage return, a quote that is not round a whole field, a row of the wrong width, bytes
# that are not UTF-8, a coordinate pyarrow will not read — goes through the csv module and
# ``_street_chunk`` above, so every quirk is handled, and every bad row reported, exactly as
# there. The two agree on every plain block (tests/evidence/test_police_reader.py).

READ_BYTES = 1 << 22  # read at a time: 4 MiB, less than a chunk of lines, keeps the peak down
# A line whose quotes are all round whole fields (with "" inside for a quote).
_FIELD = rb'(?:"(?:[^"\r\n]|"")*"|(?:[^",\r\n][^,\r\n]*)?)'
_QUOTED_LINE = re.compile(rb"%s(?:,%s)*\r?\n?" % (_FIELD, _FIELD))
# Columns with few distinct values are read as dictionaries: each value is made once.
_REPEATING = (
    "Month",
    "Reported by",
    "Falls within",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
_LIMITS = (("Crime ID", 80), ("Location", 300), ("LSOA code", 12), ("Crime type", 100))


class _NotPlain(Exception):
    """This block is not plain: read it with the csv module."""


def _header_split(raw: BinaryIO) -> tuple[Header, bytes]:
    """Read the header line (and return what was read after it)."""
    data = b""
    while b"\n" not in data:
        more = raw.read(1 << 16)
        if not more:
            break
        data += more
    first, _, rest = data.partition(b"\n")
    if not first.strip() and not rest:
        raise FileRefused("The file is empty.")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRefused(
            "The file is not UTF-8 text (it may have been saved in another encoding); "
            "police.uk files are UTF-8 CSV.",
            line=1,
        ) from None
    try:
        cells = next(csv.reader([text.rstrip("\r")], strict=True), [])
    except csv.Error as error:
        raise FileRefused(f"The file is not valid CSV: {error}.", line=1) from error
    return header_read(cells), rest


def _line_blocks(
    raw: BinaryIO, rest: bytes, chunk_rows: int
) -> Iterator[tuple[bytes, np.ndarray, int, bool]]:
    """The file after its header in blocks of ``chunk_rows`` lines: (bytes, where its line
    feeds are, the number of its first line, whether it is the last)."""
    buffer = rest
    line = 2
    eof = False
    while True:
        if not eof:
            more = raw.read(READ_BYTES)
            eof = not more
            buffer += more
        ends = np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8) == 10)
        start = 0
        block_start = 0
        while len(ends) - start >= chunk_rows:
            done = start + chunk_rows
            cut = int(ends[done - 1]) + 1
            last = eof and cut == len(buffer)
            yield buffer[block_start:cut], ends[start:done] - block_start, line, last
            line += chunk_rows
            start, block_start = done, cut
        buffer = buffer[block_start:]
        if eof:
            if buffer:
                yield buffer, ends[start:] - block_start, line, True
            return


def _plain_check(block: bytes, ends: np.ndarray) -> int:
    """The number of lines in a plain block (``ends``: where its line feeds are); ``_NotPlain``
    if it is not plain."""
    lines = len(ends) + (0 if block.endswith(b"\n") else 1)
    octets = np.frombuffer(block, dtype=np.uint8)
    starts = np.r_[0, ends + 1]
    if len(ends) and ((ends - starts[:-1]) == 0).any():
        raise _NotPlain  # a blank line
    if b"\r" in block:
        returns = np.flatnonzero(octets == 13)
        if returns[-1] + 1 >= len(octets) or (octets[returns + 1] != 10).any():
            raise _NotPlain  # a carriage return that does not end a line
        if len(ends) and ((ends - starts[:-1] == 1) & (octets[ends - 1] == 13)).any():
            raise _NotPlain  # a blank line
    if b'"' in block:
        for number in np.unique(np.searchsorted(ends, np.flatnonzero(octets == 34))).tolist():
            end = int(ends[number]) + 1 if number < len(ends) else len(block)
            if not _QUOTED_LINE.fullmatch(block, int(starts[number]), end):
                raise _NotPlain
    return lines


def _arrow_read(block: bytes, header: Header):
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = [f"c{position}" for position in range(header.width)]
    repeating = {header.index[name] for name in _REPEATING}
    types = {
        name: pa.dictionary(pa.int32(), pa.string()) if position in repeating else pa.string()
        for position, name in enumerate(names)
    }
    invalid = []

    def refuse(row):
        invalid.append(row)
        return "skip"

    try:
        table = pa_csv.read_csv(
            pa.py_buffer(block),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=len(block) + 1, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                newlines_in_values=False, ignore_empty_lines=False, invalid_row_handler=refuse
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid:
        raise _NotPlain from None  # not UTF-8, most likely
    if invalid:
        raise _NotPlain
    return {name: table.column(header.index[name]).combine_chunks() for name in header.index}


def _as_list(column) -> list[str]:
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        values = np.array(column.dictionary.to_pylist(), dtype=object)
        return values[column.indices.to_numpy(zero_copy_only=False)].tolist()
    return column.to_pylist()


def _per_value(column, function) -> np.ndarray:
    """``function`` of each row's value, worked out once for each distinct value."""
    values = np.array([function(value) for value in column.dictionary.to_pylist()] or [None], dtype=object)
    return values[column.indices.to_numpy(zero_copy_only=False)]


def _coordinates_arrow(column, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    import pyarrow as pa
    import pyarrow.compute as pc

    empty = pc.equal(column, "").to_numpy(zero_copy_only=False)
    try:
        numbers = pc.cast(pc.if_else(pc.equal(column, ""), None, column), pa.float64())
    except pa.ArrowInvalid:
        raise _NotPlain from None  # a value only Python's float() can judge
    numbers = numbers.to_numpy(zero_copy_only=False).astype(np.float64, copy=True)
    with np.errstate(invalid="ignore"):
        out_of_range = ~empty & ~((numbers >= low) & (numbers <= high))
    numbers[out_of_range] = np.nan
    return numbers, out_of_range


def _street_chunk_arrow(
    header: Header, block: bytes, ends: np.ndarray, first_line: int, keys: RowKeys
) -> StreetChunk:
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = _plain_check(block, ends)
    column = _arrow_read(block, header)
    total = len(column["Month"])
    if total != rows:
        raise _NotPlain
    good = np.ones(total, dtype=bool)
    reasons: list[tuple[np.ndarray, str, str]] = []

    def check(mask: np.ndarray, name: str, reason: str) -> None:
        fresh = mask & good
        if fresh.any():
            reasons.append((np.flatnonzero(fresh), name, reason))
            good[fresh] = False

    months = _per_value(column["Month"], _month_parse)
    check(np.equal(months, None), "Month", "The month is not YYYY-MM.")
    longitude, bad_longitude = _coordinates_arrow(column["Longitude"], -180.0, 180.0)
    latitude, bad_latitude = _coordinates_arrow(column["Latitude"], -90.0, 90.0)
    check(bad_longitude, "Longitude", "The longitude is not a number in range.")
    check(bad_latitude, "Latitude", "The latitude is not a number in range.")
    check(
        np.isnan(longitude) != np.isnan(latitude), "Latitude", "Only one of longitude and latitude is given."
    )
    check(
        _per_value(column["Crime type"], lambda value: not value.strip()).astype(bool),
        "Crime type",
        "No crime type.",
    )
    for name, limit in _LIMITS:
        values = column[name]
        if pa.types.is_dictionary(values.type):
            long = _per_value(values, lambda value, limit=limit: len(value) > limit).astype(bool)
        else:
            long = pc.greater(pc.utf8_length(values), limit).to_numpy(zero_copy_only=False)
        check(long, name, f"Longer than {limit} characters.")
    bad_rows = sorted(
        (
            BadRow(first_line + int(position), name, reason)
            for positions, name, reason in reasons
            for position in positions
        ),
        key=lambda bad: bad.line,
    )
    lines = np.arange(first_line, first_line + total)
    if not good.all():
        keep = pa.array(good)
        column = {name: values.filter(keep) for name, values in column.items()}
        months, longitude, latitude, lines = months[good], longitude[good], latitude[good], lines[good]
    # The row's identity, as ``RowKeys`` builds it from the text: its Crime ID, or for an ASB
    # row "asb:" and the identifying fields joined by U+001F.
    text = {name: pc.cast(column[name], pa.string()) for name in KEY_COLUMNS}
    fields = pc.binary_join_element_wise(*(text[name] for name in KEY_COLUMNS), "\x1f")
    crime_id = column["Crime ID"]
    identity = pc.if_else(pc.equal(crime_id, ""), pc.binary_join_element_wise("asb:", fields, ""), crime_id)
    return StreetChunk(
        lines=lines.tolist(),
        crime_id=crime_id.to_pylist(),
        month=months.tolist(),
        reported_by=_as_list(column["Reported by"]),
        falls_within=_as_list(column["Falls within"]),
        longitude=longitude,
        latitude=latitude,
        location=_as_list(column["Location"]),
        lsoa_code=_as_list(column["LSOA code"]),
        lsoa_name=_as_list(column["LSOA name"]),
        crime_type=_as_list(column["Crime type"]),
        last_outcome=_as_list(column["Last outcome category"]),
        row_key=keys.keys_of(identity.cast(pa.binary()).to_pylist()),
        rows_read=total,
        bad_rows=bad_rows,
    )


def _street_chunk_csv(header: Header, block: bytes, first_line: int, keys: RowKeys) -> StreetChunk:
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRefused(
            "The file is not UTF-8 text (it may have been saved in another encoding); "
            "police.uk files are UTF-8 CSV.",
            line=first_line + block.count(b"\n", 0, error.start),
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            rows.append(row)
            lines.append(first_line - 1 + reader.line_num)
    except csv.Error as error:
        raise FileRefused(
            f"The file is not valid CSV: {error}.", line=first_line - 1 + reader.line_num
        ) from error
    return _street_chunk(header, rows, lines, keys)


def _unterminated(block: bytes) -> bool:
    """Whether the block ends inside a quoted field (a value with a line break in it)."""
    try:
        for _ in csv.reader(io.StringIO(block.decode("utf-8", errors="replace"), newline=""), strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


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
