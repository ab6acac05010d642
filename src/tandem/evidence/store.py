"""Write incidents in bulk and keep the monthly counts: the importer's database side.

The ORM's ``bulk_create`` manages about 12,000–15,000 rows a second here; national data is
half a million rows a month, so the importer writes through the database's own fast paths, in
the transaction the service opened:

- SQLite: one ``INSERT OR IGNORE … VALUES`` prepared once and run with ``executemany``.
- PostgreSQL: ``COPY … FROM STDIN`` (psycopg 3) straight into the incidents, in a savepoint,
  while no row of the file is there already; from the first chunk that meets a stored row,
  into a temporary table and then one ``INSERT … SELECT … ON CONFLICT DO NOTHING``.

Both skip rows whose ``(source, row_key)`` is already there, which is what makes importing a
file twice add nothing. The monthly counts are then added from the rows this run inserted
(``id`` above the highest before it, and this run's id), so duplicates are never counted twice.

The per-area counts are few groups, so the writer tallies them in memory (a ``Counter`` of
(area, month, crime type)) as long as every chunk goes in whole, or not at all when it was all
there already: grouping them in the table meant reading every new row back, about half of the
counting time, since the table outgrows the page cache. When a chunk goes in only in part,
which of its rows were added is known only to the table, and they are grouped there instead.
(The per-cell counts are grouped in the table either way: with about one group for every two
rows, a tally in Python and its insert cost more than the table's own GROUP BY.)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from operator import itemgetter

from django.db import connection, transaction

from .importers.police_rows import ROW_COLUMNS
from .models import AreaMonthCount, CellMonthCount, Incident

COLUMNS = ROW_COLUMNS
INCIDENTS = Incident._meta.db_table
SQLITE_IMPORT_CACHE_KIB = 48 * 1024
CELLS = CellMonthCount._meta.db_table
AREAS = AreaMonthCount._meta.db_table


def highest_incident_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {INCIDENTS}")  # noqa: S608 - fixed names
        return cursor.fetchone()[0]


class IncidentWriter:
    """Inserts rows (tuples in ``COLUMNS`` order), skipping those already stored; counts the new ones.

    ``columns`` names the tuples' columns when they are not ``COLUMNS`` (another source's log
    also gives the day, ``occurred_on``)."""

    def __init__(self, columns: tuple[str, ...] = COLUMNS) -> None:
        self.columns = columns
        self.vendor = connection.vendor
        self.inserted = 0
        self._temp_ready = False
        self._cache_was: int | None = None
        self._direct = self.vendor == "postgresql"
        self._area_month_type = itemgetter(
            columns.index("area_id"), columns.index("month"), columns.index("crime_type")
        )
        self._area_tally: Counter | None = Counter()

    def write(self, rows: list[tuple]) -> int:
        if not rows:
            return 0
        if self.vendor == "postgresql":
            added = self._write_postgresql(len(rows), lambda copy: _rows_fed(copy, rows), "")
        else:
            added = self._write_generic(rows)
        self._tallied(added, len(rows), lambda: Counter(map(self._area_month_type, rows)))
        return added

    def write_csv(self, payload: bytes, count: int, area_tally: Counter) -> int:
        """Insert ``count`` rows given as CSV in ``COPY … (FORMAT csv)`` form, in this writer's
        columns' order, whose (area id, month, crime type) tally is ``area_tally`` (PostgreSQL)."""
        if not count:
            return 0
        added = self._write_postgresql(count, lambda copy: copy.write(payload), " (FORMAT csv)")
        self._tallied(added, count, lambda: area_tally)
        return added

    def _tallied(self, added: int, count: int, tally: Callable[[], Counter]) -> None:
        self.inserted += added
        if self._area_tally is not None:
            if added == count:
                self._area_tally.update(tally())
            elif added:
                self._area_tally = None  # which of the rows went in is known only to the table

    def area_counts(self) -> Counter | None:
        """How many rows were inserted by (area id, month, crime type), when every chunk went in
        whole or not at all; None when one went in only in part."""
        return self._area_tally

    def _write_generic(self, rows: list[tuple]) -> int:
        if self.vendor == "sqlite" and self._cache_was is None:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self._cache_was = cursor.fetchone()[0]
                # 48 MiB of page cache while importing (the default is 2 MiB): more of the indexes
                # stay in memory once the table holds millions of rows, within the 500 MB budget.
                cursor.execute(f"PRAGMA cache_size = {-SQLITE_IMPORT_CACHE_KIB}")
        names = ", ".join(self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        verb = "INSERT OR IGNORE" if self.vendor == "sqlite" else "INSERT"
        tail = "" if self.vendor == "sqlite" else " ON CONFLICT (source_id, row_key) DO NOTHING"
        with connection.cursor() as cursor:
            before = _total_changes(cursor) if self.vendor == "sqlite" else None
            cursor.executemany(f"{verb} INTO {INCIDENTS} ({names}) VALUES ({marks}){tail}", rows)  # noqa: S608
            if before is not None:
                return _total_changes(cursor) - before
            return max(cursor.rowcount, 0)

    def _write_postgresql(self, count: int, feed: Callable, options: str) -> int:
        """COPY ``count`` rows, which ``feed(copy)`` writes to the COPY, in the format ``options`` say."""
        names = ", ".join(self.columns)
        if self._direct:
            import psycopg  # only PostgreSQL imports reach here

            # While no row has been there already, COPY straight into the incidents in a
            # savepoint (half the work of going through the temporary table); the first chunk
            # that meets a stored row is rolled back to the savepoint and goes the slower way.
            try:
                with (
                    transaction.atomic(),
                    connection.cursor() as cursor,
                    cursor.cursor.copy(f"COPY {INCIDENTS} ({names}) FROM STDIN{options}") as copy,
                ):
                    feed(copy)
                return count
            except psycopg.errors.UniqueViolation:
                self._direct = False
        with connection.cursor() as cursor:
            if not self._temp_ready:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE evidence_incoming AS SELECT {names} FROM {INCIDENTS} "  # noqa: S608
                    "WITH NO DATA"
                )
                cursor.execute("ALTER TABLE evidence_incoming SET (autovacuum_enabled = false)")
                self._temp_ready = True
            else:
                cursor.execute("TRUNCATE evidence_incoming")
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY evidence_incoming ({names}) FROM STDIN{options}") as copy:
                feed(copy)
            cursor.execute(
                f"INSERT INTO {INCIDENTS} ({names}) SELECT {names} FROM evidence_incoming "  # noqa: S608
                "ON CONFLICT (source_id, row_key) DO NOTHING"
            )
            return max(cursor.rowcount, 0)

    def close(self) -> None:
        if self._cache_was is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self._cache_was)}")
            self._cache_was = None
        if self._temp_ready:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS evidence_incoming")
            self._temp_ready = False


def _rows_fed(copy, rows: list[tuple]) -> None:
    for row in rows:
        copy.write_row(row)


def _total_changes(cursor) -> int:
    # sqlite3's executemany rowcount is reliable only for plain DML; total_changes counts rows
    # actually written by this connection, which "INSERT OR IGNORE" keeps right.
    return cursor.connection.total_changes


def counts_add(
    *,
    run_id: int,
    after_id: int,
    ancestors: Callable[[int], Iterable[int]],
    area_counts: Counter | None = None,
) -> None:
    """Add the rows this run inserted (ids above ``after_id``) to the per-cell and per-area counts;
    the per-area ones from ``area_counts`` (``IncidentWriter.area_counts``) when there is a tally."""
    new_rows = f"FROM {INCIDENTS} WHERE id > %s AND import_run_id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        # Per cell: one statement. A cell is filed under the (highest id) area of its incidents.
        cursor.execute(
            f"INSERT INTO {CELLS} (h3_cell, month, crime_type, area_id, count) "  # noqa: S608
            f"SELECT h3_cell, month, crime_type, MAX(area_id), COUNT(*) {new_rows} AND h3_cell IS NOT NULL "
            "GROUP BY h3_cell, month, crime_type "
            f"ON CONFLICT (h3_cell, month, crime_type) DO UPDATE SET count = {CELLS}.count + excluded.count, "
            # a cell is filed under the highest id of its incidents' areas, whatever order they came in
            f"area_id = CASE WHEN {CELLS}.area_id IS NULL OR excluded.area_id > {CELLS}.area_id "
            f"THEN excluded.area_id ELSE {CELLS}.area_id END",
            [after_id, run_id],
        )
        # Per area and every area it sits in: few groups, expanded here.
        if area_counts is None:
            cursor.execute(
                f"SELECT area_id, month, crime_type, COUNT(*) {new_rows} AND area_id IS NOT NULL "
                "GROUP BY area_id, month, crime_type",
                [after_id, run_id],
            )
            groups = cursor.fetchall()
        else:
            groups = [(*key, count) for key, count in area_counts.items() if key[0] is not None]
        totals: dict[tuple, int] = defaultdict(int)
        for area_id, month, crime_type, count in groups:
            for area in ancestors(area_id):
                totals[(area, month, crime_type)] += count
        if totals:
            cursor.executemany(
                f"INSERT INTO {AREAS} (area_id, month, crime_type, count) VALUES (%s, %s, %s, %s) "  # noqa: S608
                "ON CONFLICT (area_id, month, crime_type) "
                f"DO UPDATE SET count = {AREAS}.count + excluded.count",
                [(*key, count) for key, count in totals.items()],
            )


def outcomes_update(rows: list[tuple]) -> int:
    """Set the last outcome of the incidents with these Crime IDs, unless a later file set one;
    return how many incidents changed (a file imported again changes none).

    ``rows`` are (outcome, month, source id, first key, last key, month, month, outcome) tuples:
    the keys bound the crime's row keys (``importers.police_uk.key_range``), so the unique
    index on (source, row key) finds them."""
    if not rows:
        return 0
    with connection.cursor() as cursor:
        before = _total_changes(cursor) if connection.vendor == "sqlite" else None
        cursor.executemany(
            f"UPDATE {INCIDENTS} SET last_outcome = %s, outcome_month = %s "  # noqa: S608
            "WHERE source_id = %s AND row_key >= %s AND row_key < %s "
            "AND (outcome_month IS NULL OR outcome_month < %s "
            "OR (outcome_month = %s AND last_outcome <> %s))",
            rows,
        )
        if before is not None:
            return _total_changes(cursor) - before
        return max(cursor.rowcount, 0)
