"""Importing other organisations' incident logs (council and housing-provider complaints, as CSV).

The police.uk import's parts are reused as they are: the bulk ``IncidentWriter`` (skipping rows
already stored, which is what makes importing a file again add nothing), the ``Placer`` (areas
by boundary, else by LSOA code; and the H3 cell), ``counts_add`` for the monthly counts, and the
``ImportRun`` report with its refusal rules. What differs is the reading
(``importers/generic.py``): the columns are the ones the source's saved mapping names.

One file is one transaction: a refused file, or an import stopped halfway, leaves no incident of
it behind. An upload from the web is kept (as a queued ``ImportRun`` with its file) only until it
is imported or discarded: the file may hold columns Tandem does not import, such as complainants'
descriptions, so it is deleted then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tandem.places.models import Area

from .importers import generic
from .importers.generic import FIELDS, Field, Incidents, Table
from .importers.police_uk import FileRefused
from .models import ImportRun, Source
from .placement import NO_AREA, Placer
from .services import BAD_ROWS_KEPT, _refuse
from .store import COLUMNS, IncidentWriter, counts_add, highest_incident_id

GENERIC_COLUMNS = (*COLUMNS, "occurred_on")
WRITE_ROWS = 10_000
PREVIEW_ROWS = 20

Progress = Callable[[int, int], None]  # rows done, rows in all


# --- Sources ---------------------------------------------------------------------------------


def source_create(*, name: str, attribution: str = "") -> Source:
    """A new source of another organisation's log, with a slug of its own."""
    name = " ".join(name.split())
    base = slugify(name)[:190] or "source"
    slug, number = base, 1
    while Source.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    source = Source(name=name, slug=slug, kind=Source.Kind.GENERIC, attribution=attribution.strip())
    source.full_clean()
    source.save()
    return source


def source_mapping_save(*, source: Source, mapping: dict[str, str]) -> Source:
    """Keep which column of the source's files holds each field, for its next files."""
    mapping = {key: heading for key, heading in mapping.items() if heading}
    problems = generic.mapping_check(mapping)
    if problems:
        raise ValidationError(list(problems.values()))
    source.column_mapping = mapping
    source.save(update_fields=["column_mapping"])
    return source


# --- Importing one file ----------------------------------------------------------------------


def generic_file_import(
    *,
    source: Source,
    content: bytes,
    file_name: str,
    placer: Placer | None = None,
    started_by=None,
    run: ImportRun | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Import one file of a source's log with its saved mapping, in one transaction; return the
    report (refused, with the line and column, when the file cannot be read)."""
    if run is None:
        run = ImportRun(file_name=file_name[-300:], started_by=started_by)
    run.source = source
    run.file_kind = ImportRun.FileKind.GENERIC
    run.status = ImportRun.Status.RUNNING
    try:
        if source.kind != Source.Kind.GENERIC:
            raise FileRefused(f"“{source.name}” is a police.uk source: import its files as police.uk files.")
        if not source.column_mapping:
            raise FileRefused(f"The columns of “{source.name}”’s files have not been chosen yet.")
        table = generic.table_read(content)
        incidents = generic.incidents_read(table, source.column_mapping, today=timezone.localdate())
        placer = placer or Placer.from_database()
        with transaction.atomic():
            run.save()
            _incidents_write(run, source, incidents, placer, progress)
            run.content_hash = table.sha256
            run.note = " ".join(_notes(table, incidents))
            run.status = ImportRun.Status.DONE
            run.progress = 100
            run.finished_at = timezone.now()
            run.save()
    except FileRefused as refused:
        run.content_hash = ""
        _refuse(run, str(refused))
    return run


def _notes(table: Table, incidents: Incidents) -> list[str]:
    notes = []
    if table.encoding != "UTF-8":
        notes.append(f"The file was read as {table.encoding} text, as Excel writes it on Windows.")
    if table.delimiter != ",":
        notes.append(f"Its columns are separated by {table.delimiter_name}.")
    if table.blank_lines:
        were = "s were" if table.blank_lines > 1 else " was"
        notes.append(f"{table.blank_lines} blank line{were} passed over.")
    return notes + incidents.notes


def _area_codes() -> dict[str, int]:
    """The partnership's areas by ONS code (and LSOA-sized neighbourhoods by their LSOA code)."""
    return dict(Area.objects.exclude(code="").values_list("code", "pk"))


def _incidents_write(
    run: ImportRun, source: Source, incidents: Incidents, placer: Placer, progress: Progress | None
) -> None:
    writer = IncidentWriter(GENERIC_COLUMNS)
    after_id = highest_incident_id()
    total = len(incidents)
    without_location = outside = 0
    by_code: dict[str, int] | None = None
    reported_by = source.name[:100]
    lsoa_codes = incidents.lsoa_codes()
    try:
        for start in range(0, total, WRITE_ROWS):
            part = slice(start, start + WRITE_ROWS)
            longitude, latitude = incidents.longitude[part], incidents.latitude[part]
            codes = incidents.area_code[part]
            placed = placer.place(longitude, latitude, codes)
            area = placed.area
            unplaced = np.flatnonzero(area == NO_AREA)
            if len(unplaced) and any(codes[position] for position in unplaced):
                by_code = _area_codes() if by_code is None else by_code
                for position in unplaced:
                    area[position] = by_code.get(codes[position], NO_AREA)
            no_point = np.isnan(longitude)
            without_location += int(no_point.sum())
            outside += int((area == NO_AREA).sum())
            rows = [
                (
                    source.pk,
                    key,
                    reference,
                    day.replace(day=1).isoformat(),
                    reported_by,
                    "",
                    None if missing else lat,
                    None if missing else lon,
                    location,
                    lsoa,
                    "",
                    category,
                    "",
                    area_id or None,
                    cell or None,
                    run.pk,
                    day.isoformat(),
                )
                for key, reference, day, missing, lat, lon, location, lsoa, category, area_id, cell in zip(
                    incidents.row_key[part],
                    incidents.reference[part],
                    incidents.occurred_on[part],
                    no_point.tolist(),
                    latitude.tolist(),
                    longitude.tolist(),
                    incidents.location[part],
                    lsoa_codes[part],
                    incidents.category[part],
                    area.tolist(),
                    placed.cell.tolist(),
                    strict=True,
                )
            ]
            writer.write(rows)
            if progress:
                progress(min(start + WRITE_ROWS, total), total)
        counts_add(
            run_id=run.pk, after_id=after_id, ancestors=placer.ancestors, area_counts=writer.area_counts()
        )
    finally:
        writer.close()
    run.rows_read = incidents.rows_read
    run.imported = writer.inserted
    run.duplicates = total - writer.inserted
    run.without_location = without_location
    run.outside_partnership = outside
    run.bad_row_count = len(incidents.bad_rows)
    run.bad_rows = [bad.as_dict() for bad in incidents.bad_rows[:BAD_ROWS_KEPT]]


# --- Uploads from the web --------------------------------------------------------------------


def generic_upload_create(*, source: Source, uploaded_file, started_by) -> ImportRun:
    """Keep an uploaded file of a source's log until its columns are checked and it is confirmed."""
    name = (uploaded_file.name or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1]
    run = ImportRun(
        source=source,
        file_name=name[-300:],
        file_kind=ImportRun.FileKind.GENERIC,
        status=ImportRun.Status.QUEUED,
        started_by=started_by,
    )
    run.uploaded_file.save(name, uploaded_file, save=False)
    run.save()
    return run


def generic_upload_table(run: ImportRun) -> Table:
    """The uploaded file of a queued import, read (it was checked when it was uploaded)."""
    if not run.uploaded_file:
        raise FileRefused("The uploaded file is no longer kept: upload it again.")
    with run.uploaded_file.open("rb") as opened:
        return generic.table_read(opened.read())


def generic_upload_import(*, run: ImportRun, placer: Placer | None = None) -> ImportRun:
    """Import a confirmed upload (once: a second confirmation finds it done), then delete its file."""
    with transaction.atomic():
        # PostgreSQL locks no row on the nullable side of a join: lock the upload alone (of=self)
        current = ImportRun.objects.select_for_update(of=("self",)).select_related("source").get(pk=run.pk)
        if current.status != ImportRun.Status.QUEUED:
            return current
        try:
            with current.uploaded_file.open("rb") as opened:
                content = opened.read()
        except (OSError, ValueError):
            _refuse(current, "The uploaded file is no longer kept: upload it again.")
            return current
        run = generic_file_import(
            source=current.source,
            content=content,
            file_name=current.file_name,
            placer=placer,
            run=current,
        )
    _upload_forget(run)
    return run


def generic_upload_discard(*, run: ImportRun) -> None:
    """Forget an upload that was not imported, and its file."""
    if run.status != ImportRun.Status.QUEUED:
        raise ValidationError("This file has already been imported: its report is kept.")
    run.uploaded_file.delete(save=False)
    run.delete()


def _upload_forget(run: ImportRun) -> None:
    if run.uploaded_file:
        run.uploaded_file.delete(save=False)
        run.save(update_fields=["uploaded_file"])


# --- The preview -----------------------------------------------------------------------------


@dataclass
class PreviewRow:
    line: int
    cells: list[str]  # the mapped columns' values, as in the file
    reason: str = ""  # why it will not be imported
    occurred_on: object = None
    category: str = ""
    latitude: float | None = None
    longitude: float | None = None
    area: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


@dataclass
class Preview:
    table: Table
    incidents: Incidents
    fields: list[Field]
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def will_import(self) -> int:
        return len(self.incidents)

    @property
    def without_point(self) -> int:
        return int(np.isnan(self.incidents.longitude).sum())


def generic_preview_build(*, table: Table, mapping: dict[str, str], placer: Placer | None = None) -> Preview:
    """How the first rows will be read with a mapping, where they will be placed, and every row
    that will be skipped (``FileRefused`` when the mapping does not fit the file)."""
    incidents = generic.incidents_read(table, mapping, today=timezone.localdate())
    position = generic.columns_find(mapping, table.headings)
    fields = [f for f in FIELDS if f.key in position]
    good = {line: index for index, line in enumerate(incidents.lines)}
    why = {}
    for bad in incidents.bad_rows:
        why.setdefault(bad.line, f"{bad.column}: {bad.reason}" if bad.column else bad.reason)
    first = list(zip(table.rows[:PREVIEW_ROWS], table.lines[:PREVIEW_ROWS], strict=True))
    indexes = [good[line] for _, line in first if line in good]
    names: dict[int, str] = {}
    area_of: dict[int, int] = {}
    if indexes:
        placer = placer or Placer.from_database()
        chosen = np.array(indexes, dtype=np.int64)
        placed = placer.place(
            incidents.longitude[chosen], incidents.latitude[chosen], [incidents.area_code[i] for i in indexes]
        )
        area_of = dict(zip(indexes, placed.area.tolist(), strict=True))
        codes = {incidents.area_code[i] for i, area in area_of.items() if area == NO_AREA} - {""}
        if codes:
            by_code = dict(Area.objects.filter(code__in=codes).values_list("code", "pk"))
            for index, area in area_of.items():
                if area == NO_AREA:
                    area_of[index] = by_code.get(incidents.area_code[index], NO_AREA)
        names = dict(Area.objects.filter(pk__in=set(area_of.values())).values_list("pk", "name"))
    rows = []
    for row, line in first:
        cells = [row[position[f.key]] if position[f.key] < len(row) else "" for f in fields]
        if line not in good:
            rows.append(PreviewRow(line=line, cells=cells, reason=why.get(line, "Cannot be read.")))
            continue
        index = good[line]
        has_point = not np.isnan(incidents.longitude[index])
        rows.append(
            PreviewRow(
                line=line,
                cells=cells,
                occurred_on=incidents.occurred_on[index],
                category=incidents.category[index],
                latitude=float(incidents.latitude[index]) if has_point else None,
                longitude=float(incidents.longitude[index]) if has_point else None,
                area=names.get(area_of.get(index, NO_AREA), ""),
            )
        )
    return Preview(table=table, incidents=incidents, fields=fields, rows=rows)
