"""A street file's rows as the incidents table takes them: read, checked, keyed and placed, in
this process or, for a large file, in a second process while this one writes.

Importing a national month on SQLite, reading (the CSV, the checks, the row keys, the areas
and H3 cells) takes about a third of the time and writing the rows about half; SQLite writes
in the importing process, so the two can only overlap in two processes. ``ReaderProcess``
starts ``child_main`` with a pipe each way: it is sent how to open the file, the placer and
the import run's id, and sends back chunks of finished row tuples (``PlacedChunk``), which this
process inserts while the next chunk is read. The reader needs no database and no Django: when
it meets a force it has not seen, it asks this process for the force's source id (sources are
created in the import's transaction), and it ends with the file's SHA-256 and its own peak
memory. A refused file ends the reader with the refusal (line and column), which this process
raises as ``FileRefused`` exactly as if it had read the file itself; if this process stops, the
reader finds its pipe closed and stops too, and if the reader dies, the import fails and its
transaction is rolled back. Either way nothing of the file is kept.

The rows are the same in both ways (``placed_chunks`` is what both run), and so are the row
keys, bad rows and counts: ``tests/evidence/test_import_police.py`` imports the same files both
ways. Small files are read here: starting a Python process with numpy, pyarrow and shapely
takes about a third of a second, what a file of a few megabytes takes to import
(``settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import subprocess
import sys
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..placement import NO_AREA, Placer
from . import police_uk
from .police_uk import CHUNK_ROWS, BadRow, CountingReader, FileRefused, StreetChunk

# The order of the values in each row tuple: the incidents table's columns (``store.COLUMNS``).
ROW_COLUMNS = (
    "source_id",
    "row_key",
    "crime_id",
    "month",
    "reported_by",
    "falls_within",
    "latitude",
    "longitude",
    "location",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "last_outcome",
    "area_id",
    "h3_cell",
    "import_run_id",
)
PIPE_BUFFER = 1 << 20

SourceIds = Callable[[list[str]], list[int]]  # force names → their source ids


@dataclass
class PlacedChunk:
    """Rows ready to insert and what the report needs of them.

    The rows are tuples in ``ROW_COLUMNS`` order (``rows``) or, for PostgreSQL, the same rows as
    ``COPY … (FORMAT csv)`` takes them (``csv``, with ``rows`` empty): written by pyarrow from the
    columns, with no tuple made, so that neither this process nor a reader process spends its
    time on half a million tuples, and a reader sends bytes rather than pickled rows. A value
    that is NULL is an empty field and an empty string is ``""``, as PostgreSQL reads them."""

    rows: list[tuple]
    count: int
    rows_read: int
    without_location: int
    outside: int
    bytes_read: int
    bad_rows: list[BadRow] = field(default_factory=list)
    csv: bytes | None = None
    # How many rows there are by (area id or None, month, crime type), when ``csv`` is given.
    area_tally: Counter | None = None


def placed_chunk(
    chunk: StreetChunk,
    placer: Placer,
    source_ids: SourceIds,
    run_id: int,
    bytes_read: int,
    as_csv: bool = False,
) -> PlacedChunk:
    """A chunk of checked rows, placed in areas and H3 cells, as row tuples or (``as_csv``) CSV."""
    if not len(chunk):
        return PlacedChunk([], 0, chunk.rows_read, 0, 0, bytes_read, chunk.bad_rows)
    placed = placer.place(chunk.longitude, chunk.latitude, chunk.lsoa_code)
    no_point = np.isnan(chunk.longitude)
    iso = {month: month.isoformat() for month in set(chunk.month)}
    months = [iso[month] for month in chunk.month]
    done = {
        "count": len(chunk),
        "rows_read": chunk.rows_read,
        "without_location": int(no_point.sum()),
        "outside": int((placed.area == NO_AREA).sum()),
        "bytes_read": bytes_read,
        "bad_rows": chunk.bad_rows,
    }
    if as_csv:
        payload = _csv_of(chunk, placed, source_ids(chunk.reported_by), months, run_id)
        areas = [area or None for area in placed.area.tolist()]
        tally = Counter(zip(areas, months, chunk.crime_type, strict=True))
        return PlacedChunk(rows=[], csv=payload, area_tally=tally, **done)
    latitude = [None if no else value for no, value in zip(no_point, chunk.latitude.tolist(), strict=True)]
    longitude = [None if no else value for no, value in zip(no_point, chunk.longitude.tolist(), strict=True)]
    areas = [area or None for area in placed.area.tolist()]
    cells = [cell or None for cell in placed.cell.tolist()]
    rows = list(
        zip(
            source_ids(chunk.reported_by),
            chunk.row_key,
            chunk.crime_id,
            months,
            chunk.reported_by,
            chunk.falls_within,
            latitude,
            longitude,
            chunk.location,
            chunk.lsoa_code,
            chunk.lsoa_name,
            chunk.crime_type,
            chunk.last_outcome,
            areas,
            cells,
            [run_id] * len(chunk),
            strict=True,
        )
    )
    return PlacedChunk(rows=rows, **done)


def _csv_of(chunk: StreetChunk, placed, source_ids: list[int], months: list[str], run_id: int) -> bytes:
    """The chunk's rows as CSV in ``ROW_COLUMNS`` order, for ``COPY … FROM STDIN (FORMAT csv)``."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    text = pa.string()
    no_area = placed.area == NO_AREA
    no_cell = placed.cell == 0
    area_mask = no_area if no_area.any() else None
    cell_mask = no_cell if no_cell.any() else None
    columns = {
        "source_id": pa.array(source_ids, pa.int64()),
        "row_key": pa.array(chunk.row_key, text),
        "crime_id": pa.array(chunk.crime_id, text),
        "month": pa.array(months, text),
        "reported_by": pa.array(chunk.reported_by, text),
        "falls_within": pa.array(chunk.falls_within, text),
        # NaN (no point) becomes NULL
        "latitude": pa.array(chunk.latitude, pa.float64(), from_pandas=True),
        "longitude": pa.array(chunk.longitude, pa.float64(), from_pandas=True),
        "location": pa.array(chunk.location, text),
        "lsoa_code": pa.array(chunk.lsoa_code, text),
        "lsoa_name": pa.array(chunk.lsoa_name, text),
        "crime_type": pa.array(chunk.crime_type, text),
        "last_outcome": pa.array(chunk.last_outcome, text),
        "area_id": pa.array(placed.area.astype(np.int64), pa.int64(), mask=area_mask),
        "h3_cell": pa.array(placed.cell.astype(np.int64), pa.int64(), mask=cell_mask),
        "import_run_id": pa.array(np.full(len(chunk), run_id, dtype=np.int64)),
    }
    assert tuple(columns) == ROW_COLUMNS  # noqa: S101 - the order COPY is told
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(
        pa.table(columns),
        sink,
        write_options=pa_csv.WriteOptions(include_header=False, quoting_style="needed"),
    )
    return sink.getvalue().to_pybytes()


def placed_chunks(
    raw: CountingReader,
    placer: Placer,
    source_ids: SourceIds,
    run_id: int,
    chunk_rows: int = CHUNK_ROWS,
    as_csv: bool = False,
) -> Iterator[PlacedChunk]:
    """Every chunk of ``chunk_rows`` lines of a street file (read from ``raw``), placed, in this process."""
    for chunk in police_uk.street_chunks(raw, chunk_rows=chunk_rows):
        yield placed_chunk(chunk, placer, source_ids, run_id, raw.bytes_read, as_csv)


# --- Opening a file again in the reader process ------------------------------------------


class ZipMemberStream:
    """A member of an archive, opened with its archive, seekable back to the start (for the header)."""

    def __init__(self, archive: Path, member: zipfile.ZipInfo) -> None:
        self._zip = zipfile.ZipFile(archive)
        self._member = member
        self._stream = self._zip.open(member)

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readline(self, size: int = -1) -> bytes:
        return self._stream.readline(size)

    def tell(self) -> int:
        return self._stream.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def close(self) -> None:
        self._stream.close()
        self._zip.close()


def reader_process_possible(opener: Callable[[], BinaryIO]) -> bool:
    """Whether a second process can read this file: two cores or more, and a way of opening the
    file that another process can be given (a path or an archive member, not a stream in memory)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    if cores < 2:
        return False
    try:
        pickle.dumps(opener)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    return True


class ReaderFailed(RuntimeError):
    """The reader process stopped with an error or without finishing."""


class ReaderProcess:
    """The parent's side: start the reader, answer its questions, hand on its chunks.

    ``with ReaderProcess(...) as reader: for chunk in reader.chunks(): …``; after the last chunk,
    ``reader.sha256`` is the file's SHA-256, ``reader.peak_kib`` the reader's peak memory and
    ``reader.cpu_seconds`` its CPU time."""

    def __init__(
        self,
        opener: Callable[[], BinaryIO],
        placer: Placer,
        run_id: int,
        source_ids: SourceIds,
        chunk_rows: int = CHUNK_ROWS,
        as_csv: bool = False,
    ) -> None:
        self._start = (opener, placer, run_id, chunk_rows, as_csv)
        self._source_ids = source_ids
        self.sha256: str | None = None
        self.peak_kib = 0
        self.cpu_seconds = 0.0
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> ReaderProcess:
        theirs_in, ours_out = os.pipe()
        ours_in, theirs_out = os.pipe()
        try:
            self._process = subprocess.Popen(  # noqa: S603 - this Python, this module
                [
                    sys.executable,
                    "-c",
                    "from tandem.evidence.importers.police_rows import child_main; child_main()",
                    str(theirs_in),
                    str(theirs_out),
                ],
                pass_fds=(theirs_in, theirs_out),
                stdin=subprocess.DEVNULL,
            )
        except BaseException:
            for descriptor in (theirs_in, ours_out, ours_in, theirs_out):
                os.close(descriptor)
            raise
        os.close(theirs_in)
        os.close(theirs_out)
        self._requests = open(ours_out, "wb", buffering=PIPE_BUFFER)  # noqa: SIM115 - closed in __exit__
        self._messages = open(ours_in, "rb", buffering=PIPE_BUFFER)  # noqa: SIM115
        try:
            self._send(self._start)
        except BaseException:
            self.__exit__()  # __exit__ is not called when __enter__ fails: stop the reader here
            raise
        return self

    def _send(self, message) -> None:
        try:
            pickle.dump(message, self._requests, protocol=pickle.HIGHEST_PROTOCOL)
            self._requests.flush()
        except BrokenPipeError:
            raise ReaderFailed(self._stopped()) from None

    def _stopped(self) -> str:
        code = self._process.wait(timeout=30) if self._process else None
        return f"The process reading the file stopped before the end (exit status {code})."

    def chunks(self) -> Iterator[PlacedChunk]:
        while True:
            try:
                message = pickle.load(self._messages)  # noqa: S301 - our own child, over our own pipe
            except EOFError:
                raise ReaderFailed(self._stopped()) from None
            kind = message[0]
            if kind == "chunk":
                yield message[1]
            elif kind == "sources":
                self._send(dict(zip(message[1], self._source_ids(message[1]), strict=True)))
            elif kind == "done":
                _, self.sha256, self.peak_kib, self.cpu_seconds = message
                return
            elif kind == "refused":
                _, text, line, column = message
                raise FileRefused(text, line=line, column=column)
            else:
                raise ReaderFailed(f"The process reading the file failed:\n{message[1]}")

    def __exit__(self, *exc_info) -> None:
        for stream in (self._requests, self._messages):
            with contextlib.suppress(BrokenPipeError):
                stream.close()
        process = self._process
        if process is None:
            return
        try:
            # Finished: it exits by itself. Stopped early (an error here, a refused file): our
            # end of the pipes is closed, but it may be reading a long stretch before it notices.
            process.wait(timeout=30 if self.sha256 is not None else 0.5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def child_main() -> None:
    """The reader process (``python -c … child_main()`` with the two pipes' descriptors)."""
    # Nothing here makes reference cycles; the collector would only rescan every chunk's rows.
    gc.disable()
    # pyarrow's own allocator keeps what each chunk's columns used (about 30 MB more at the peak
    # here); the C library's gives it back, at no cost in time that can be measured.
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    requests = open(int(sys.argv[1]), "rb", buffering=PIPE_BUFFER)  # noqa: SIM115 - the process's life
    replies = open(int(sys.argv[2]), "wb", buffering=PIPE_BUFFER)  # noqa: SIM115

    def send(message) -> None:
        pickle.dump(message, replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()

    known: dict[str, int] = {}

    def source_ids(forces: list[str]) -> list[int]:
        missing = set(forces) - known.keys()
        if missing:
            send(("sources", sorted(missing)))
            known.update(pickle.load(requests))  # noqa: S301 - from the importing process
        return [known[force] for force in forces]

    try:
        opener, placer, run_id, chunk_rows, as_csv = pickle.load(requests)  # noqa: S301 - from the importing process
        raw = opener()
        try:
            counting = CountingReader(raw)
            for chunk in placed_chunks(counting, placer, source_ids, run_id, chunk_rows, as_csv):
                send(("chunk", chunk))
        finally:
            raw.close()
        send(("done", counting.sha256.hexdigest(), _peak_kib(), time.process_time()))
    except (BrokenPipeError, EOFError):
        os._exit(1)  # the importing process has stopped: so does its reader
    except FileRefused as refused:
        send(("refused", refused.message, refused.line, refused.column))
    except BaseException:
        with contextlib.suppress(BrokenPipeError):
            send(("failed", traceback.format_exc()))
        os._exit(1)
    replies.close()


def _peak_kib() -> int:
    """This process's peak resident memory (VmHWM), in KiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
