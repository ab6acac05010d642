"""Incidents from police.uk and other sources, placed in the partnership's areas and in H3 cells,
with monthly counts kept up to date by the importer for fast dashboards and hotspots.

H3 resolution: incidents are indexed at resolution 9 (cells of about 0.1 km², edges of
about 174 m — the scale of the anonymised "on or near" map points police.uk snaps crimes
to, and of a street or a park). Coarser cells are derived with ``h3.cell_to_parent``, so
only the resolution-9 cell is stored (as H3's 64-bit integer).

Idempotency: each incident has a ``row_key`` unique per source — 16 characters of BLAKE2b of
the Crime ID, or for an ASB row (which has none) of its identifying fields (month, point,
location, LSOA, type; not the outcome, which changes), numbered among identical keys of the
same file ("…#1", "…#2"): Crime IDs repeated within a month with other locations, and identical
ASB rows, are all kept, and importing the same file again adds nothing. The key is short so
that the unique index over millions of rows stays small; outcomes find their crimes through
it too (``importers.police_uk.key_range``), so the Crime ID needs no index of its own.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from tandem.places.models import Area

from .placement import H3_RESOLUTION  # noqa: F401 - where it is explained, above


class Source(models.Model):
    """Where incidents come from: police.uk (one per force) or a council / housing provider log."""

    class Kind(models.TextChoices):
        POLICE_UK = "police_uk", "police.uk street-level crime and ASB"
        GENERIC = "generic", "Another organisation's log (CSV)"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    column_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text="For other sources: Tandem field → the column in their file (saved).",
    )
    date_format = models.CharField(max_length=40, blank=True)
    attribution = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown wherever its data is shown, e.g. the Open Government Licence statement.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One file imported (or refused): its report."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"

    class FileKind(models.TextChoices):
        STREET = "street", "police.uk street-level crime and ASB"
        OUTCOMES = "outcomes", "police.uk outcomes"
        GENERIC = "generic", "Another organisation's log"

    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
    file_name = models.CharField(max_length=300)
    file_kind = models.CharField(max_length=20, choices=FileKind.choices, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    without_location = models.PositiveIntegerField(default=0)
    outside_partnership = models.PositiveIntegerField(default=0)
    bad_row_count = models.PositiveIntegerField(default=0)
    bad_rows = models.JSONField(
        default=list, blank=True, help_text="[{line, column, reason}] of skipped rows (the first 1,000)."
    )
    note = models.TextField(blank=True, help_text="What the importer noticed about an accepted file.")
    message = models.TextField(blank=True, help_text="Why a refused file was refused.")
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done, for the upload page.")
    uploaded_file = models.FileField(upload_to="evidence-imports/", blank=True)
    upload = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parts",
        help_text="For a file inside an uploaded .zip archive: the archive's upload.",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("evidence:import-detail", kwargs={"pk": self.upload_id or self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)

    @property
    def display_name(self) -> str:
        """The file's own name, without the folders it was read from."""
        inside = self.file_name.rsplit(":", 1)[-1]
        return inside.rsplit("/", 1)[-1]


class Incident(models.Model):
    """One crime or ASB report (police.uk) or complaint (another source)."""

    # Foreign keys without database constraints or indexes of their own: the importer sets them
    # from rows it has just read in the same transaction, and each constraint would be checked
    # for every one of millions of rows (PostgreSQL checks its deferred ones at commit: about
    # half of an import's time). Deleting a source, area or import run goes through the ORM,
    # which still cascades or sets null.
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="incidents", db_index=False, db_constraint=False
    )
    row_key = models.CharField(max_length=24)
    crime_id = models.CharField(max_length=80, blank=True)
    month = models.DateField(help_text="The first day of the month it was reported in.")
    occurred_on = models.DateField(null=True, blank=True, help_text="The day, when the source gives one.")
    reported_by = models.CharField(max_length=100, blank=True)
    falls_within = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    lsoa_code = models.CharField(max_length=12, blank=True)
    lsoa_name = models.CharField(max_length=200, blank=True)
    crime_type = models.CharField(max_length=100)
    last_outcome = models.CharField(max_length=200, blank=True)
    outcome_month = models.DateField(
        null=True, blank=True, help_text="The month of the outcomes file that set the last outcome."
    )
    # One index only, the unique key the importer needs to skip rows it already has: every
    # B-tree costs time on each of millions of inserted rows (an (area, month) index was a
    # quarter of the insert), and the pages read the monthly counts, never the incidents.
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    h3_cell = models.BigIntegerField(null=True, blank=True, help_text="H3 resolution-9 cell, as an integer.")
    import_run = models.ForeignKey(
        ImportRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["-month", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "row_key"], name="evidence_incident_once"),
        ]

    def __str__(self) -> str:
        return f"{self.crime_type} {self.month:%b %Y}"


class CellMonthCount(models.Model):
    """Incidents per H3 cell, month and crime type: kept by the importer for hotspots."""

    h3_cell = models.BigIntegerField()
    month = models.DateField()
    crime_type = models.CharField(max_length=100)
    # No index of its own: the (area, month) index below starts with it. No database constraint
    # either: an import adds a count for every other incident, and PostgreSQL checked each one
    # against the areas at commit (0.7 s of a national month's import); the importer takes the
    # ids from the areas it placed them in, and deleting an area through the ORM still sets null.
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["h3_cell", "month", "crime_type"], name="evidence_cell_month_once"
            ),
        ]
        indexes = [models.Index(fields=["area", "month"])]

    def __str__(self) -> str:
        return f"{self.h3_cell:x} {self.month:%Y-%m} {self.crime_type}: {self.count}"


class AreaMonthCount(models.Model):
    """Incidents per area, month and crime type (with or without a point): for dashboards."""

    # No index of its own: the unique (area, month, crime type) key starts with it.
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    crime_type = models.CharField(max_length=100)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "month", "crime_type"], name="evidence_area_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.month:%Y-%m} {self.crime_type}: {self.count}"
