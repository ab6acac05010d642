"""Importing police.uk street files at national-month scale, beside the raw baselines of the same run.

    .venv/bin/python bench/bench_evidence_import.py [--rows 550000] [--repeat 3] [--keep] [--profile]
    BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/bench_evidence_import.py   # on PostgreSQL

On a file from ``generate_police_month.py`` (550,000 rows, 43 forces; made in var/bench-evidence/,
keyed by rows and seed, and removed at the end unless --keep) and the 339 England & Wales districts
of ``ew-lad-339-codes-only.geojson`` loaded as district areas, it times, each in a fresh child
process (so one measurement's memory is not another's):

* raw: the file read with the ``csv`` module and written to a bare 12-column table with plain
  ``sqlite3`` ``executemany`` (WAL, synchronous=NORMAL, as Django's connection) or, on
  PostgreSQL, with psycopg 3's ``COPY FROM STDIN`` — the median of --repeat runs (3);
* Django ``bulk_create`` of ``Incident`` objects built from the first 50,000 csv rows (batch
  size 2,000, no placement) — the median of three runs;
* Tandem end to end: ``police_file_import`` of the whole file, with area (STRtree) and H3
  placement and the monthly counts, into empty evidence tables, as configured (by default the
  file is read in a second process, ``importers/police_rows.py``) — the median of --repeat
  runs, each just after a raw run: the goal is judged on the median of those pairs' ratios, as
  the machine's speed can change by half from one minute to the next;
* the same read the other way, once (by default: in the importing process);
* the same file imported again (every row a duplicate);
* every City of London and Leicestershire street file in the shared real data.

It prints rows a second, the ratios to raw and to bulk_create, each child's peak resident memory
(VmHWM: on Linux a spawned child's ``ru_maxrss`` starts at its parent's size; it includes Django,
numpy and shapely, and the "before" figure says how much) plus its reader process's, as the
importer logs it (both are alive at once), and their CPU seconds (on PostgreSQL
the server's share is not in it; on this shared 2-core machine CPU time varies with the other
work nearly as much as wall time), then the goal: end to end at least 50% of raw, peak memory under
500 MB. A fingerprint of the importer's source tells runs apart while it is being changed.

``--profile`` then imports the file twice more, read in the importing process so that every
stage is seen: once timing each stage of the importer with wrappers (reader, checks, row keys,
placement, H3, insert, counts, commit; a few per cent overhead), once under cProfile, whose top
functions are printed (cProfile inflates per-row Python code, so read its shares beside the
stage timings).
"""

import argparse
import cProfile
import csv
import datetime as dt
import functools
import hashlib
import inspect
import io
import logging
import multiprocessing
import os
import pstats
import resource
import sqlite3
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import harness
from generate_police_month import LAD_BOUNDARIES, generate, lad_boundaries
from shapely.geometry import mapping

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench-evidence"
WORK = CACHE / "db"
REAL = Path("/work/shared/data/real/police-uk")
IMPORTER_FILES = ("models.py", "services.py", "store.py", "placement.py", "importers/police_uk.py")
SEED = 1
BASELINE_REPEAT = 3
BULK_ROWS = 50_000
BULK_BATCH = 2_000
RAW_CHUNK = 50_000
GOAL_OF_RAW = 0.5
GOAL_PEAK_MB = 500
RAW_COLUMNS = (
    "crime_id",
    "month",
    "reported_by",
    "falls_within",
    "longitude",
    "latitude",
    "location",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "last_outcome",
    "context",
)


# --- Children: each measurement in its own process -------------------------------------------


def _in_child(task, *args) -> dict:
    """Run ``task(*args)`` in a fresh spawned process; its result with the process's peak memory."""
    from django.db import connections

    connections.close_all()  # SQLite: no open transaction; PostgreSQL: nothing shared
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_measured, (task, *args))


def _peak_mb() -> float:
    """This process's peak resident memory. Linux carries ``ru_maxrss`` over from the forking
    parent across exec, so a spawned child would report the parent's size: VmHWM is its own."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


class _Clock:
    """Wall seconds and this process's CPU seconds (user + system) since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> dict:
        return {"seconds": time.perf_counter() - self.wall, "cpu": time.process_time() - self.cpu}


def _measured(task, *args) -> dict:
    result = task(*args)
    # A large file is read by a second process while this one writes: both are alive at once, so
    # the import's memory is the sum of their peaks, and its CPU time the sum of theirs.
    result["importer_peak_mb"] = _peak_mb()
    result["peak_mb"] = result["importer_peak_mb"] + result.get("reader_peak_mb", 0.0)
    result["cpu"] += result.get("reader_cpu", 0.0)
    return result


class _ReaderLog(logging.Handler):
    """The reader processes' peak memory and CPU time, as the importer logs them."""

    def __init__(self) -> None:
        super().__init__()
        self.peak_kib = 0
        self.cpu = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "reader_peak_kib"):
            self.peak_kib = max(self.peak_kib, record.reader_peak_kib)
            self.cpu += record.reader_cpu_seconds


def _django() -> None:
    import django

    django.setup()  # the child inherits the parent's settings through the environment


@contextmanager
def _csv_rows(path: Path) -> Iterator[Iterator[list[str]]]:
    """The data rows of a CSV file (after its header)."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield reader


def raw_sqlite(path: Path, database: Path) -> dict:
    database.unlink(missing_ok=True)
    clock = _Clock()
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(f"CREATE TABLE raw_police ({', '.join(RAW_COLUMNS)})")
    insert = f"INSERT INTO raw_police VALUES ({', '.join('?' * len(RAW_COLUMNS))})"  # noqa: S608
    rows = 0
    with _csv_rows(path) as reader:
        chunk = []
        for row in reader:
            chunk.append(row)
            if len(chunk) == RAW_CHUNK:
                connection.executemany(insert, chunk)
                rows += len(chunk)
                chunk = []
        connection.executemany(insert, chunk)
        rows += len(chunk)
    connection.commit()
    timing = clock.read()
    connection.close()
    database.unlink()
    return {"rows": rows, **timing}


def raw_postgresql(path: Path, url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_raw_police")
        connection.execute(f"CREATE TABLE bench_raw_police ({', '.join(c + ' text' for c in RAW_COLUMNS)})")
        connection.commit()
        clock = _Clock()
        rows = 0
        with (
            _csv_rows(path) as reader,
            connection.cursor() as cursor,
            cursor.copy("COPY bench_raw_police FROM STDIN") as copy,
        ):
            for row in reader:
                copy.write_row(row)
                rows += 1
        connection.commit()
        timing = clock.read()
        connection.execute("DROP TABLE bench_raw_police")
    return {"rows": rows, **timing}


def bulk_create(path: Path, limit: int) -> dict:
    _django()
    from django.db import connection, transaction

    from tandem.evidence.models import Incident
    from tandem.evidence.services import source_for_force

    clock = _Clock()
    sources: dict[str, int] = {}
    objects = []
    with _csv_rows(path) as reader:
        for number, row in enumerate(reader):
            if number == limit:
                break
            crime_id, month, reported_by, falls_within, lng, lat, location, code, name, kind, outcome, _ = row
            if reported_by not in sources:
                sources[reported_by] = source_for_force(reported_by).pk
            objects.append(
                Incident(
                    source_id=sources[reported_by],
                    row_key=f"bulk-{number}",
                    crime_id=crime_id,
                    month=dt.date(int(month[:4]), int(month[5:7]), 1),
                    reported_by=reported_by,
                    falls_within=falls_within,
                    longitude=float(lng) if lng else None,
                    latitude=float(lat) if lat else None,
                    location=location,
                    lsoa_code=code,
                    lsoa_name=name,
                    crime_type=kind,
                    last_outcome=outcome,
                )
            )
    with transaction.atomic():
        Incident.objects.bulk_create(objects, batch_size=BULK_BATCH)
    timing = clock.read()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Incident._meta.db_table}")  # noqa: S608 - fixed name
    return {"rows": len(objects), **timing}


def _reader_process_bytes() -> int:
    from django.conf import settings

    return settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES


def tandem_import(paths: list[str], profile_to: str = "", reader_process: bool | None = None) -> dict:
    """Import the files as ``manage.py import_police_data`` does (one Placer for them all),
    under cProfile when ``profile_to`` names a file for its statistics; ``reader_process`` true
    or false reads every street file in a second process or in the importing one, None as the
    settings say."""
    _django()
    from django.conf import settings

    from tandem.evidence.models import ImportRun
    from tandem.evidence.placement import Placer
    from tandem.evidence.services import police_file_import, police_files_find

    if reader_process is not None:
        settings.EVIDENCE_IMPORT_READER_PROCESS_BYTES = 0 if reader_process else 1 << 62
    readers = _ReaderLog()
    services_log = logging.getLogger("tandem.evidence.services")
    services_log.addHandler(readers)
    services_log.setLevel(logging.INFO)
    before = _peak_mb()
    files = police_files_find(paths)
    profile = cProfile.Profile() if profile_to else None
    if profile:
        profile.enable()
    clock = _Clock()
    placer = Placer.from_database()
    runs = [police_file_import(file=file, placer=placer) for file in files]
    timing = clock.read()
    if profile:
        profile.disable()
        profile.dump_stats(profile_to)
    refused = [run for run in runs if run.status != ImportRun.Status.DONE]
    if refused:
        raise RuntimeError(f"{refused[0].file_name}: {refused[0].message}")
    return {
        "rows": sum(run.rows_read for run in runs),
        "imported": sum(run.imported for run in runs),
        "duplicates": sum(run.duplicates for run in runs),
        "outside": sum(run.outside_partnership for run in runs),
        "files": len(runs),
        "before_mb": before,
        "reader_peak_mb": readers.peak_kib / 1024,
        "reader_cpu": readers.cpu,
        **timing,
    }


# --- Profiling ---------------------------------------------------------------------------------

# (label, module, owner or None, function name, depth in the printed tree)
STAGES = (
    ("Placer.from_database (339 areas)", "tandem.evidence.placement", "Placer", "from_database", 0),
    ("read: street_chunks (all of reading)", "tandem.evidence.importers.police_uk", None, "street_chunks", 0),
    ("bytes read + SHA-256", "tandem.evidence.importers.police_uk", "CountingReader", "readinto", 1),
    ("plain-block check", "tandem.evidence.importers.police_uk", None, "_plain_check", 1),
    ("columnar CSV parse (pyarrow)", "tandem.evidence.importers.police_uk", None, "_arrow_read", 1),
    ("row keys (RowKeys.keys_of)", "tandem.evidence.importers.police_uk", "RowKeys", "keys_of", 1),
    ("blocks read by the csv module", "tandem.evidence.importers.police_uk", None, "_street_chunk_csv", 1),
    ("placement (Placer.place)", "tandem.evidence.placement", "Placer", "place", 0),
    ("areas: STRtree query", "tandem.evidence.placement", "Placer", "_areas_of_points", 1),
    ("H3 latlng_to_cell", "h3.api.basic_int", None, "latlng_to_cell", 1),
    ("insert (IncidentWriter.write)", "tandem.evidence.store", "IncidentWriter", "write", 0),
    ("counts (counts_add)", "tandem.evidence.services", None, "counts_add", 0),
    (
        "commit (PostgreSQL: the deferred FK checks)",
        "django.db.backends.base.base",
        "BaseDatabaseWrapper",
        "commit",
        0,
    ),
)


def _timed(function, totals: dict, label: str):
    """``function`` adding its wall and CPU seconds to ``totals[label]``."""

    def add(clock: _Clock) -> None:
        timing = clock.read()
        totals[label][0] += timing["seconds"]
        totals[label][1] += timing["cpu"]

    if inspect.isgeneratorfunction(function):  # time each step of it

        @functools.wraps(function)
        def generator(*args, **kwargs):
            inner = function(*args, **kwargs)
            while True:
                clock = _Clock()
                try:
                    item = next(inner)
                except StopIteration:
                    add(clock)
                    return
                add(clock)
                yield item

        return generator

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        clock = _Clock()
        try:
            return function(*args, **kwargs)
        finally:
            add(clock)

    return wrapper


def tandem_stages(path: str) -> dict:
    """Import the file with each stage wrapped in a timer: wall and CPU seconds per stage. A stage
    the importer no longer has (it is being optimised) is reported missing."""
    _django()
    import importlib

    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    missing = []
    for label, module_name, owner, name, _ in STAGES:
        module = importlib.import_module(module_name)
        target = getattr(module, owner, None) if owner else module
        original = vars(target).get(name) if target is not None else None
        if original is None:
            missing.append(label)
        elif isinstance(original, classmethod):
            setattr(target, name, classmethod(_timed(original.__func__, totals, label)))
        else:
            setattr(target, name, _timed(original, totals, label))
    result = tandem_import([path], reader_process=False)
    result["stages"] = dict(totals)
    result["missing"] = missing
    return result


# --- The parent: data, order, table -------------------------------------------------------------


def districts_load() -> int:
    """The 339 districts as district areas (name and code: the LAD code) through the places importer."""
    from tandem.places.models import Area
    from tandem.places.services import areas_import_geojson

    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code}, "geometry": mapping(geometry)}
            for code, geometry in lad_boundaries()
        ],
    }
    report = areas_import_geojson(
        source=collection,
        kind=Area.Kind.DISTRICT,
        parent=None,
        name_property="code",
        code_property="code",
        boundary_source=f"{LAD_BOUNDARIES.name} (OGL v3.0, ONS)",
    )
    return report.created


def evidence_empty() -> None:
    from django.db import connection

    from tandem.evidence.models import AreaMonthCount, CellMonthCount, ImportRun, Incident

    tables = [model._meta.db_table for model in (Incident, CellMonthCount, AreaMonthCount, ImportRun)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names


def median_run(repeat: int, task, *args) -> dict:
    """The median wall and CPU seconds of ``repeat`` runs, with the counts and peak memory of the
    median run."""
    return median_of([_in_child(task, *args) for _ in range(repeat)])


def median_of(runs: list[dict]) -> dict:
    runs = sorted(runs, key=lambda run: run["seconds"])
    chosen = dict(runs[(len(runs) - 1) // 2])
    chosen["seconds"] = statistics.median(run["seconds"] for run in runs)
    chosen["cpu"] = statistics.median(run["cpu"] for run in runs)
    chosen["n"] = len(runs)
    return chosen


def profile_print(path: Path, vendor: str) -> None:
    evidence_empty()
    staged = _in_child(tandem_stages, str(path))
    wall, cpu = staged["seconds"], staged["cpu"]
    stages = staged["stages"]
    print(
        f"\nstage timings, end to end on {vendor} ({staged['rows']:,} rows; with the timers "
        f"{wall:.2f}s wall, {cpu:.2f}s CPU of this process):"
    )
    print(f"  {'stage':<46} {'wall s':>7} {'CPU s':>7} {'% CPU':>6}")
    accounted = [0.0, 0.0]
    for label, *_, depth in STAGES:
        if label in staged["missing"]:
            print(f"  {'  ' * depth}{label}: not in this version of the importer")
            continue
        spent = stages.get(label, [0.0, 0.0])
        if depth == 0:
            accounted = [accounted[0] + spent[0], accounted[1] + spent[1]]
        indented = f"{'  ' * depth}{label}"
        print(f"  {indented:<46} {spent[0]:>7.2f} {spent[1]:>7.2f} {spent[1] / cpu:>6.1%}")
    rest = [wall - accounted[0], cpu - accounted[1]]
    label = "rest: service loop lists/zip, sources, saves"
    print(f"  {label:<46} {rest[0]:>7.2f} {rest[1]:>7.2f} {rest[1] / cpu:>6.1%}")
    evidence_empty()
    out = WORK / "import.prof"
    profiled = _in_child(tandem_import, [str(path)], str(out), False)
    print(f"\ncProfile, end to end ({profiled['seconds']:.2f}s under the profiler), top 25 by own time:")
    text = io.StringIO()
    pstats.Stats(str(out), stream=text).strip_dirs().sort_stats("tottime").print_stats(25)
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))
    print(f"(full profile: {out.relative_to(ROOT)}; e.g. python -m pstats {out.relative_to(ROOT)})")


def importer_version() -> str:
    """A fingerprint of the importer's source, to tell runs apart while it is being changed."""
    digest = hashlib.sha1(usedforsecurity=False)
    for name in IMPORTER_FILES:
        digest.update((ROOT / "src" / "tandem" / "evidence" / name).read_bytes())
    return digest.hexdigest()[:10]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", "550000")))
    parser.add_argument(
        "--repeat",
        type=int,
        default=int(os.environ.get("BENCH_REPEAT", "3")),
        help="raw and Tandem imports, in turns (default 3 of each)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated file for the next run")
    parser.add_argument("--profile", action="store_true", help="then time the importer's stages")
    args = parser.parse_args()

    started = time.perf_counter()
    version = importer_version()
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"police-street-{args.rows}-seed{SEED}.csv"
    if path.exists():
        print(f"file: {path.relative_to(ROOT)} (kept from an earlier run)")
    else:
        stats = generate(path, rows=args.rows, seed=SEED)
        print(
            f"file: {path.relative_to(ROOT)} generated: {stats['rows']:,} rows, "
            f"{stats['points']:,} map points ({stats['rows_per_point']:.1f} rows each), "
            f"{path.stat().st_size / 1e6:.0f} MB"
        )
    harness.configure(WORK)
    vendor = harness.fresh_database()
    districts = districts_load()
    from django.db import connection

    url = os.environ.get("BENCH_DATABASE_URL", "")
    if vendor == "postgresql":
        title = f"PostgreSQL {connection.pg_version // 10000} (database {connection.settings_dict['NAME']})"
        raw_task, raw_args = raw_postgresql, (path, url)
    else:
        title = f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"
        raw_task, raw_args = raw_sqlite, (path, WORK / "raw.sqlite3")
    bulk = median_run(BASELINE_REPEAT, bulk_create, path, BULK_ROWS)
    # Raw and Tandem in turns, so that each pair sees the machine as it was at the time: on this
    # shared machine the same run can take twice as long from one minute to the next.
    raw_runs, first_runs = [], []
    for _ in range(args.repeat):
        raw_runs.append(_in_child(raw_task, *raw_args))
        evidence_empty()
        first_runs.append(_in_child(tandem_import, [str(path)]))
    pairs = [
        (raw_run["seconds"] / raw_run["rows"]) / (tandem_run["seconds"] / tandem_run["rows"])
        for raw_run, tandem_run in zip(raw_runs, first_runs, strict=True)
    ]
    raw, first = median_of(raw_runs), median_of(first_runs)
    again = median_run(1, tandem_import, [str(path)])
    evidence_empty()
    # The other way of reading, for comparison: in the importing process when the settings read
    # a file this large in a second one (the default on either database), or the other way round.
    other_way = path.stat().st_size < _reader_process_bytes()
    alone = median_run(1, tandem_import, [str(path)], "", other_way)
    evidence_empty()
    real_files = sorted(
        str(file)
        for folder in ("city-of-london", "leicestershire")
        for file in (REAL / folder).glob("*-street.csv")
    )
    real = median_run(1, tandem_import, real_files)

    raw_rate = raw["rows"] / raw["seconds"]
    bulk_rate = bulk["rows"] / bulk["seconds"]
    cases = [
        (f"raw ({'COPY' if vendor == 'postgresql' else 'executemany'}, bare 12-column table)", raw),
        (f"Django bulk_create ({bulk['rows']:,}-row slice, no placement)", bulk),
        (f"Tandem police_file_import ({districts} LADs + H3)", first),
        (
            "Tandem, read in a second process (not the default)"
            if other_way
            else "Tandem, read in the importing process (not the default)",
            alone,
        ),
        ("Tandem re-import (every row a duplicate)", again),
        (f"Tandem real files (CoL + Leics, {real['files']} files)", real),
    ]
    changed = " (CHANGED during this run: rerun)" if importer_version() != version else ""
    print(f"\n{title}; importer source sha1 {version}{changed}; the median of n runs")
    header = (
        f"{'path':<54} {'rows':>8} {'seconds':>8} {'rows/s':>8} {'vs raw':>7} {'vs bulk_create':>14} "
        f"{'peak MB':>8} {'CPU s':>6} {'n':>2}"
    )
    print(header)
    print("-" * len(header))
    for label, result in cases:
        rate = result["rows"] / result["seconds"]
        print(
            f"{label:<54} {result['rows']:>8,} {result['seconds']:>8.2f} {rate:>8,.0f} "
            f"{rate / raw_rate:>7.0%} {rate / bulk_rate:>13.1f}× {result['peak_mb']:>8.0f} "
            f"{result['cpu']:>6.2f} {result['n']:>2}"
        )
    print(
        f"first import: {first['imported']:,} imported, {first['duplicates']:,} duplicates, "
        f"{first['outside']:,} outside every area; re-import: {again['imported']:,} imported; "
        f"real files: {real['imported']:,} of {real['rows']:,} imported. Peak MB is the child's "
        f"VmHWM, with Django, numpy and shapely ({first['before_mb']:.0f} MB before the import), "
        f"plus the reader process's when the file is read in one (the first import: "
        f"{first['importer_peak_mb']:.0f} + {first['reader_peak_mb']:.0f} MB; the real files are "
        "small and read in the importing process). CPU s is the child's and its reader's"
        + (" (not the server's)." if vendor == "postgresql" else " (SQLite runs inside the child).")
    )
    share = statistics.median(pairs)
    peak = max(result["peak_mb"] for result in (*first_runs, again, alone, real))
    print(
        f"raw and Tandem ran in turns, {len(pairs)} pairs; Tandem's rate as a share of raw's in each: "
        + ", ".join(f"{pair:.0%}" for pair in pairs)
    )
    print(
        f"goal: end to end ≥ {GOAL_OF_RAW:.0%} of raw — {share:.0%} (the median pair), "
        f"{'met' if share >= GOAL_OF_RAW else 'NOT met'}"
        + f"; peak < {GOAL_PEAK_MB} MB — {peak:.0f} MB, {'met' if peak < GOAL_PEAK_MB else 'NOT met'}"
    )
    if args.profile:
        profile_print(path, vendor)
    if not args.keep:
        path.unlink()
    print(f"total {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
