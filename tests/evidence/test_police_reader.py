"""The columnar reader (pyarrow) and the csv-module reader give the same rows, keys and bad rows.

Every plain block of a street file is read by pyarrow; anything else by the csv module. These
tests read the real police.uk fixtures (see fixtures/SOURCES.md) both ways and compare them
field by field, and check that each quirk sends its block the csv module's way and is then
reported exactly as before.
"""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path

import numpy as np
import pytest

from tandem.evidence.importers import police_uk
from tandem.evidence.importers.police_uk import FileRefused, RowKeys

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ",".join(police_uk.STREET_HEADER)
FIELDS = (
    "lines",
    "crime_id",
    "month",
    "reported_by",
    "falls_within",
    "location",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "last_outcome",
    "row_key",
    "rows_read",
    "bad_rows",
)


def _row(month="2024-01", longitude="-0.09", latitude="51.51", location="On or near X", crime_id=""):
    return (
        f"{crime_id},{month},City of London Police,City of London Police,{longitude},{latitude},"
        f"{location},E01000001,City of London 001A,Anti-social behaviour,,"
    )


def _chunks(data: bytes, *, csv_only: bool, monkeypatch, chunk_rows: int = 7) -> list:
    with monkeypatch.context() as patched:
        if csv_only:

            def refuse(*args, **kwargs):
                raise police_uk._NotPlain

            patched.setattr(police_uk, "_street_chunk_arrow", refuse)
        return list(police_uk.street_chunks(io.BytesIO(data), chunk_rows=chunk_rows))


def _same(left: list, right: list) -> None:
    assert len(left) == len(right)
    for one, other in zip(left, right, strict=True):
        for name in FIELDS:
            assert getattr(one, name) == getattr(other, name), name
        assert np.array_equal(one.longitude, other.longitude, equal_nan=True)
        assert np.array_equal(one.latitude, other.latitude, equal_nan=True)


def _arrow_blocks(data: bytes, monkeypatch, chunk_rows: int = 7) -> int:
    """How many blocks pyarrow read."""
    read = []
    real = police_uk._street_chunk_arrow

    def counted(*args, **kwargs):
        chunk = real(*args, **kwargs)
        read.append(chunk)
        return chunk

    with monkeypatch.context() as patched:
        patched.setattr(police_uk, "_street_chunk_arrow", counted)
        list(police_uk.street_chunks(io.BytesIO(data), chunk_rows=chunk_rows))
    return len(read)


@pytest.mark.parametrize(
    "name",
    [
        "2024-01-city-of-london-street.csv",
        "2013-06-city-of-london-street.csv",
        "2013-06-leicestershire-street-excerpt.csv",
        "2022-10-leicestershire-street-excerpt.csv",
        "2018-01-essex-street-snakecase-first-100.csv",
    ],
)
def test_the_real_files_read_the_same_both_ways(name, monkeypatch):
    data = (FIXTURES / name).read_bytes()
    fast = _chunks(data, csv_only=False, monkeypatch=monkeypatch, chunk_rows=97)
    slow = _chunks(data, csv_only=True, monkeypatch=monkeypatch, chunk_rows=97)
    _same(fast, slow)
    # and the columnar reader really read them (these files are plain)
    assert _arrow_blocks(data, monkeypatch, chunk_rows=97) == len(fast)


def test_bad_rows_in_a_plain_block_are_reported_on_their_own_lines(monkeypatch):
    lines = [HEADER, _row(), _row(month="2024-13"), _row(longitude="-500"), _row(latitude="")]
    lines += [_row(location="x" * 301), _row(crime_id="c" * 81), _row(longitude="200")]
    data = ("\r\n".join(lines) + "\r\n").encode()
    fast = _chunks(data, csv_only=False, monkeypatch=monkeypatch, chunk_rows=50)
    assert _arrow_blocks(data, monkeypatch, chunk_rows=50) == 1
    [chunk] = fast
    assert [(bad.line, bad.column) for bad in chunk.bad_rows] == [
        (3, "Month"),
        (4, "Longitude"),
        (5, "Latitude"),
        (6, "Location"),
        (7, "Crime ID"),
        (8, "Longitude"),
    ]
    assert chunk.lines == [2]
    _same(fast, _chunks(data, csv_only=True, monkeypatch=monkeypatch, chunk_rows=50))


@pytest.mark.parametrize(
    "quirk",
    [
        pytest.param(_row() + "\n\n" + _row(), id="blank line"),
        pytest.param(_row() + "\r" + _row(), id="a lone carriage return"),
        pytest.param(_row() + ",extra", id="a row too wide"),
        pytest.param(_row(location='"On or near ""The Street"", EC1"'), id="quoted, with quotes"),
        pytest.param(_row(longitude=" -0.09"), id="a coordinate with a space"),
        pytest.param(_row(location='On "or" near'), id="a quote inside a bare field"),
    ],
)
def test_a_block_with_a_quirk_is_read_as_the_csv_module_reads_it(quirk, monkeypatch):
    lines = [HEADER, _row(), quirk, _row(crime_id="abc")]
    data = ("\n".join(lines) + "\n").encode()
    fast = _chunks(data, csv_only=False, monkeypatch=monkeypatch)
    _same(fast, _chunks(data, csv_only=True, monkeypatch=monkeypatch))


def test_a_quote_round_part_of_a_field_refuses_the_file_with_its_line(monkeypatch):
    data = ("\n".join([HEADER, _row(), _row(location='"On or near" X'), _row()]) + "\n").encode()
    with pytest.raises(FileRefused, match="Line 3"):
        _chunks(data, csv_only=False, monkeypatch=monkeypatch)


def test_bytes_that_are_not_utf8_refuse_the_file_with_their_line(monkeypatch):
    lines = [HEADER.encode()] + [_row().encode()] * 9 + [_row(location="Caf\xe9").encode("latin-1")]
    data = b"\n".join(lines) + b"\n"
    with pytest.raises(FileRefused, match="Line 11.*not UTF-8"):
        _chunks(data, csv_only=False, monkeypatch=monkeypatch, chunk_rows=4)


def test_a_quoted_line_break_across_two_blocks_is_one_row(monkeypatch):
    lines = [HEADER, _row(), _row(), _row(location='"On or near\nthe corner"'), _row(crime_id="x")]
    data = ("\n".join(lines) + "\n").encode()
    chunks = _chunks(data, csv_only=False, monkeypatch=monkeypatch, chunk_rows=3)
    locations = [location for chunk in chunks for location in chunk.location]
    assert locations == ["On or near X", "On or near X", "On or near\nthe corner", "On or near X"]
    assert [line for chunk in chunks for line in chunk.lines] == [2, 3, 5, 6]


def _reference_keys(identities: list[bytes], seen: dict[bytes, int]) -> list[str]:
    """The keys as the first importer made them: one dict of every key seen in the file."""
    out = []
    for identity in identities:
        key = base64.urlsafe_b64encode(hashlib.blake2b(identity, digest_size=12).digest()).decode()
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        out.append(f"{key}#{occurrence}" if occurrence else key)
    return out


def test_row_keys_are_numbered_across_chunks_as_the_first_importer_numbered_them():
    rng = np.random.default_rng(7)
    pool = [f"crime-{number}".encode() for number in range(300)]
    keys, seen = RowKeys(), {}
    for size in (1, 50, 0, 400, 3, 250):
        identities = [pool[index] for index in rng.integers(0, len(pool), size)]
        assert keys.keys_of(identities) == _reference_keys(identities, seen)


def test_a_file_read_again_gets_the_same_keys(monkeypatch):
    data = (FIXTURES / "2024-01-city-of-london-street.csv").read_bytes()
    first = [
        key
        for chunk in _chunks(data, csv_only=False, monkeypatch=monkeypatch, chunk_rows=50)
        for key in chunk.row_key
    ]
    again = [
        key
        for chunk in _chunks(data, csv_only=False, monkeypatch=monkeypatch, chunk_rows=333)
        for key in chunk.row_key
    ]
    assert first == again
    assert len(set(first)) == len(first)
