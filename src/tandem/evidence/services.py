"""Importing incidents: every change to the evidence tables goes through here.

One file is one transaction: a file that is refused, or an import killed halfway, leaves no
incident of that file behind (the import report of a refused file is kept, after the
rollback). A directory or a police.uk monthly ``.zip`` archive is imported file by file.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import json
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from .importers import police_uk
from .importers.police_rows import ReaderProcess, ZipMemberStream, placed_chunks, reader_process_possible
from .importers.police_uk import CountingReader, FileRefused
from .models import ImportRun, Source
from .placement import Placer
from .store import IncidentWriter, counts_add, highest_incident_id, outcomes_update

OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 (data.police.uk)."
)
logger = logging.getLogger(__name__)
STREET_CHUNK_ROWS = police_uk.CHUNK_ROWS  # lines of a street file read and written at a time
BAD_ROWS_KEPT = 1000  # in the report; the count is always complete

Progress = Callable[[int, int], None]  # bytes done, bytes in all


@dataclass(frozen=True)
class PoliceFile:
    """One file to import: a name for the report, its size, and how to open it."""

    name: str
    size: int
    opener: Callable[[], BinaryIO]


def police_files_find(paths: list[str | Path]) -> list[PoliceFile]:
    """The CSV files named, the CSVs in the directories named (recursively) and the street and
    outcomes files inside the .zip archives named or found, in name order."""
    found: list[PoliceFile] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".csv", ".zip"))
        elif path.exists():
            candidates = [path]
        else:
            raise FileNotFoundError(f"There is no file or directory “{given}”.")
        for candidate in candidates:
            if candidate.suffix.lower() == ".zip":
                found.extend(_zip_members(candidate))
            else:
                found.append(
                    PoliceFile(
                        name=str(candidate),
                        size=candidate.stat().st_size,
                        opener=functools.partial(Path.open, candidate, "rb"),
                    )
                )
    return found


def _zip_members(archive: Path) -> list[PoliceFile]:
    try:
        with zipfile.ZipFile(archive) as opened:
            members = [
                info
                for info in opened.infolist()
                if not info.is_dir() and re.search(r"-(street|outcomes)\.csv$", info.filename, re.I)
            ]
    except zipfile.BadZipFile as error:
        raise FileRefused(f"“{archive.name}” is not a readable .zip archive ({error}).") from error

    return [
        PoliceFile(
            name=f"{archive}:{info.filename}",
            size=info.file_size,
            opener=functools.partial(ZipMemberStream, archive, info),
        )
        for info in sorted(members, key=lambda info: info.filename)
    ]


# --- Sources ---------------------------------------------------------------------------

_FORCE_SUFFIXES = re.compile(r"\s+(police service|constabulary|police|service)$", re.I)


def force_key(name: str) -> str:
    """A force's name without "Police", "Constabulary" or "Police Service", which police.uk has
    changed over the years (Leicestershire Constabulary, now Leicestershire Police)."""
    return _FORCE_SUFFIXES.sub("", name.strip()) or name.strip()


def source_for_force(force: str) -> Source:
    key = force_key(force) or "Unknown force"
    slug = "police-uk-" + slugify(key)
    source = Source.objects.filter(slug=slug).first()
    if source is None:
        source = Source.objects.create(
            name=f"police.uk: {key}",
            slug=slug,
            kind=Source.Kind.POLICE_UK,
            attribution=OGL_ATTRIBUTION,
        )
    return source


class _Sources:
    def __init__(self) -> None:
        self.by_force: dict[str, int] = {}

    def ids(self, forces: list[str]) -> list[int]:
        by_force = self.by_force
        for force in set(forces) - by_force.keys():
            by_force[force] = source_for_force(force).pk
        return [by_force[force] for force in forces]


# --- Import ----------------------------------------------------------------------------


@contextmanager
def _opened(file: PoliceFile) -> Iterator[BinaryIO]:
    stream = file.opener()
    try:
        yield stream
    finally:
        stream.close()


def police_file_import(
    *,
    file: PoliceFile,
    placer: Placer | None = None,
    started_by=None,
    run: ImportRun | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Import one police.uk street or outcomes file in one transaction; return its report."""
    placer = placer or Placer.from_database()
    if run is None:
        run = ImportRun(file_name=file.name[-300:], started_by=started_by)
    run.status = ImportRun.Status.RUNNING
    try:
        with _opened(file) as raw:
            header = police_uk.file_kind(raw)
            run.source = _first_source(raw, header)
            run.file_kind = header.kind
            counting = CountingReader(raw)
            with transaction.atomic():
                run.save()
                if header.kind == "street":
                    digest = _street_import(run, counting, file, placer, progress)
                else:
                    _outcomes_import(run, counting, file.size, progress)
                    digest = counting.sha256.hexdigest()
                run.content_hash = digest
                run.status = ImportRun.Status.DONE
                run.note = header.note
                run.progress = 100
                run.finished_at = timezone.now()
                run.save()
    except FileRefused as refused:
        _refuse(run, str(refused))
    return run


def _first_source(raw: BinaryIO, header: police_uk.Header) -> Source:
    """The source of a file's first row (the force that reported it); a file with no rows is filed
    under an unknown force so that its (empty) report is still kept."""
    start = raw.tell()
    head = raw.read(1 << 16)
    raw.seek(start)
    lines = head.decode("utf-8", errors="replace").splitlines()
    force = ""
    if len(lines) > 1:
        cells = next(csv.reader([lines[1]]), [])
        position = header.index["Reported by"]
        if len(cells) > position:
            force = cells[position]
    return source_for_force(force or "Unknown force")


def _refuse(run: ImportRun, message: str) -> None:
    run.status = ImportRun.Status.REFUSED
    run.message = message
    run.imported = run.duplicates = run.without_location = run.outside_partnership = 0
    run.finished_at = timezone.now()
    if run.source_id is not None and not Source.objects.filter(pk=run.source_id).exists():
        run.source = None
    if run.pk and not ImportRun.objects.filter(pk=run.pk).exists():
        run.pk = None  # it was created inside the rolled-back transaction
    run.save()


def _bad_rows_add(run: ImportRun, bad: list[police_uk.BadRow], counter: list[int]) -> None:
    counter[0] += len(bad)
    room = BAD_ROWS_KEPT - len(run.bad_rows)
    if room > 0:
        run.bad_rows.extend(row.as_dict() for row in bad[:room])


def _street_import(run: ImportRun, raw: CountingReader, file: PoliceFile, placer: Placer, progress) -> str:
    """Import a street file's rows; return the file's SHA-256."""
    # The garbage collector would rescan each chunk's row tuples again and again (about
    # 15% of the import); nothing here makes reference cycles, so it waits until the file is in.
    collecting = gc.isenabled()
    gc.disable()
    try:
        sources = _Sources()
        per_file = None if progress is None else (lambda read: progress(read, file.size))
        large = file.size >= settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES
        if large and reader_process_possible(file.opener):
            return _street_rows_import_beside(run, file, placer, sources, per_file)
        chunks = placed_chunks(raw, placer, sources.ids, run.pk, STREET_CHUNK_ROWS, _as_csv())
        _street_rows_import(run, chunks, placer, per_file)
        return raw.sha256.hexdigest()
    finally:
        if collecting:
            gc.enable()


def _street_rows_import_beside(
    run: ImportRun, file: PoliceFile, placer: Placer, sources: _Sources, progress
) -> str:
    """Read the file in a second process while this one writes (``importers.police_rows``)."""
    with ReaderProcess(file.opener, placer, run.pk, sources.ids, STREET_CHUNK_ROWS, _as_csv()) as reader:
        _street_rows_import(run, reader.chunks(), placer, progress)
    logger.info(
        "%s: read in a second process (peak memory %d MB, %.1f s of CPU)",
        file.name,
        reader.peak_kib // 1024,
        reader.cpu_seconds,
        extra={"reader_peak_kib": reader.peak_kib, "reader_cpu_seconds": reader.cpu_seconds},
    )
    return reader.sha256


def _as_csv() -> bool:
    """Whether the rows are made as CSV for COPY (PostgreSQL) rather than as tuples (SQLite)."""
    return connection.vendor == "postgresql"


def _street_rows_import(run: ImportRun, chunks, placer: Placer, progress) -> None:
    writer = IncidentWriter()
    after_id = highest_incident_id()
    run.bad_rows = []
    bad_count = [0]
    rows_read = without_location = outside = good = 0
    try:
        for chunk in chunks:
            rows_read += chunk.rows_read
            _bad_rows_add(run, chunk.bad_rows, bad_count)
            if not chunk.count:
                continue
            good += chunk.count
            without_location += chunk.without_location
            outside += chunk.outside
            if chunk.csv is not None:
                writer.write_csv(chunk.csv, chunk.count, chunk.area_tally)
            else:
                writer.write(chunk.rows)
            if progress:
                progress(chunk.bytes_read)
        counts_add(
            run_id=run.pk, after_id=after_id, ancestors=placer.ancestors, area_counts=writer.area_counts()
        )
    finally:
        writer.close()
    run.rows_read = rows_read
    run.imported = writer.inserted
    run.duplicates = good - writer.inserted
    run.without_location = without_location
    run.outside_partnership = outside
    run.bad_row_count = bad_count[0]


def _outcomes_import(run: ImportRun, raw: CountingReader, size: int, progress) -> None:
    """Apply a file's outcomes: a Crime ID listed twice in the file takes its last outcome, so
    importing the file again changes nothing."""
    run.bad_rows = []
    bad_count = [0]
    rows_read = 0
    latest: dict[str, tuple[str, dt.date]] = {}
    for chunk in police_uk.outcomes_chunks(raw):
        rows_read += chunk.rows_read
        _bad_rows_add(run, chunk.bad_rows, bad_count)
        for crime_id, month, outcome in zip(chunk.crime_id, chunk.month, chunk.outcome, strict=True):
            known = latest.get(crime_id)
            if known is None or month >= known[1]:
                latest[crime_id] = (outcome, month)
        if progress:
            progress(raw.bytes_read, size)
    # Outcomes are filed under the run's source (the force of the file's first row).
    rows = [
        (outcome, month, run.source_id, *police_uk.key_range(crime_id), month, month, outcome)
        for crime_id, (outcome, month) in latest.items()
    ]
    updated = 0
    for start in range(0, len(rows), 10_000):
        updated += outcomes_update(rows[start : start + 10_000])
    run.rows_read = rows_read
    run.imported = updated
    run.duplicates = rows_read - bad_count[0] - updated  # already applied, newer, or not imported
    run.bad_row_count = bad_count[0]


def police_import_report(run: ImportRun) -> dict:
    """The import report as one JSON-able object (``--json`` prints one per file)."""
    return {
        "file": run.file_name,
        "status": run.status,
        "kind": run.file_kind,
        "source": run.source.name if run.source_id else None,
        "rows_read": run.rows_read,
        "imported": run.imported,
        "duplicates": run.duplicates,
        "without_location": run.without_location,
        "outside_partnership": run.outside_partnership,
        "bad_row_count": run.bad_row_count,
        "bad_rows": run.bad_rows,
        "message": run.message,
        "note": run.note,
    }


def import_report_lines(run: ImportRun) -> list[tuple[str, str]]:
    """The import report in words for the command line, as (level, line) pairs; the level is
    "error", "success", "warning" or "" (plain)."""
    if run.status != ImportRun.Status.DONE:
        return [("error", f"{run.file_name}: refused. {run.message}")]
    if run.file_kind == ImportRun.FileKind.OUTCOMES:
        parts = [
            f"{run.rows_read:,} outcome rows read",
            f"{run.imported:,} incidents given a new last outcome",
            f"{run.duplicates:,} already up to date or not imported",
        ]
    else:
        parts = [
            f"{run.rows_read:,} rows read",
            f"{run.imported:,} imported",
            f"{run.duplicates:,} already there",
            f"{run.without_location:,} without a location",
            f"{run.outside_partnership:,} outside every area",
        ]
    if run.bad_row_count:
        parts.append(f"{run.bad_row_count:,} bad rows skipped")
    lines = [("success", f"{run.file_name}: " + ", ".join(parts) + ".")]
    for bad in run.bad_rows[:10]:
        column = f", column “{bad['column']}”" if bad["column"] else ""
        lines.append(("warning", f"  line {bad['line']}{column}: {bad['reason']}"))
    if run.bad_row_count > 10:
        lines.append(("warning", f"  … and {run.bad_row_count - 10:,} more (see --json)."))
    if run.note:
        lines.append(("", f"  {run.note}"))
    return lines


# --- Imports started from the web --------------------------------------------------------

UPLOAD_SUFFIXES = (".csv", ".zip")


def _progress_path(run_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence-imports" / "progress" / f"{run_id}.json"


def import_progress_write(run_id: int, percent: int, *, file: str = "") -> None:
    """Write how far an upload's import has gone where the upload page can read it.

    The import itself runs in one transaction per file, which no other connection can see
    into (and SQLite lets no one else write meanwhile), so progress goes to a small file
    beside the uploads instead; the web server and the worker share MEDIA_ROOT."""
    path = _progress_path(run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"percent": percent, "file": file}))
    partial.replace(path)


def import_progress_read(run: ImportRun) -> dict:
    if run.is_finished:
        return {"percent": 100, "file": ""}
    try:
        return json.loads(_progress_path(run.pk).read_text())
    except (OSError, ValueError):
        return {"percent": run.progress, "file": ""}


def import_upload_start(*, uploaded_file, started_by) -> ImportRun:
    """Keep an uploaded police.uk file (.csv) or monthly archive (.zip) and queue its import."""
    from .tasks import import_upload_task

    with transaction.atomic():
        run = ImportRun(
            file_name=Path(uploaded_file.name).name[-300:],
            status=ImportRun.Status.QUEUED,
            started_by=started_by,
        )
        run.uploaded_file.save(Path(uploaded_file.name).name, uploaded_file, save=False)
        run.save()
        run_id = run.pk
        transaction.on_commit(lambda: import_upload_task.enqueue(run_id))
    return run


def import_upload_run(*, run_id: int) -> ImportRun:
    """The background task's work: import the uploaded file (or each file of the archive)."""
    run = ImportRun.objects.get(pk=run_id)
    if run.is_finished:
        return run
    path = Path(run.uploaded_file.path)
    placer = Placer.from_database()
    try:
        if path.suffix.lower() == ".zip":
            _import_archive(run, path, placer)
        else:
            file = PoliceFile(
                name=run.file_name, size=path.stat().st_size, opener=functools.partial(Path.open, path, "rb")
            )

            def progress(read: int, size: int) -> None:
                import_progress_write(run.pk, min(99, read * 100 // max(size, 1)), file=run.file_name)

            police_file_import(file=file, placer=placer, run=run, progress=progress)
    except Exception as error:  # the upload page must say it failed, whatever went wrong
        run.refresh_from_db()
        run.status = ImportRun.Status.FAILED
        run.message = f"The import stopped with an error: {error}"
        run.finished_at = timezone.now()
        run.save()
        raise
    finally:
        _progress_path(run.pk).unlink(missing_ok=True)
    return run


def _import_archive(run: ImportRun, path: Path, placer: Placer) -> None:
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])
    try:
        members = _zip_members(path)
    except FileRefused as refused:
        _refuse(run, str(refused))
        return
    if not members:
        _refuse(
            run, "The archive holds no police.uk street or outcomes files (…-street.csv, …-outcomes.csv)."
        )
        return
    total = sum(member.size for member in members) or 1
    done = 0
    for member in members:
        inside = member.name.rsplit(":", 1)[-1]
        part = ImportRun(file_name=f"{run.file_name}:{inside}"[-300:], started_by=run.started_by, upload=run)

        def progress(read: int, size: int, done=done, inside=inside) -> None:
            import_progress_write(run.pk, min(99, (done + read) * 100 // total), file=inside)

        police_file_import(file=member, placer=placer, run=part, progress=progress)
        done += member.size
    parts = list(run.parts.all())
    run.rows_read = sum(part.rows_read for part in parts)
    run.imported = sum(part.imported for part in parts)
    run.duplicates = sum(part.duplicates for part in parts)
    run.without_location = sum(part.without_location for part in parts)
    run.outside_partnership = sum(part.outside_partnership for part in parts)
    run.bad_row_count = sum(part.bad_row_count for part in parts)
    refused = [part for part in parts if part.status != ImportRun.Status.DONE]
    run.status = ImportRun.Status.DONE if len(refused) < len(parts) else ImportRun.Status.REFUSED
    if refused:
        run.message = f"{len(refused)} of the {len(parts)} files in the archive were refused."
    run.progress = 100
    run.finished_at = timezone.now()
    run.save()
