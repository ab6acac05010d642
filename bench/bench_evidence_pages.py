"""The evidence dashboard and hotspot pages with 20 million incidents: three years of national data.

    .venv/bin/python bench/bench_evidence_pages.py [--months 36] [--rows 550000] [--repeat 30]
        [--budget 120] [--keep] [--profile]
    BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/bench_evidence_pages.py   # on PostgreSQL

    # a quick run (3 months of 100,000 rows, about a minute):
    .venv/bin/python bench/bench_evidence_pages.py --months 3 --rows 100000

Builds the 339 England & Wales local authority districts of ``ew-lad-339-codes-only.geojson``
as district areas (named by their LAD code, e.g. "E06000016"), and under Leicester
(E06000016) its 192 real LSOA boundaries as neighbourhoods, so a district's dashboard has
areas within it. Then it loads --months national months from ``generate_police_month.py``
(--rows rows each, the same seed shifted month by month from 2023-01, so each month has its
own Crime IDs), each file generated to a temporary path just before ``police_file_import``
takes it (with one ``Placer`` for them all) and deleted after: 36 × 550,000 = 19.8 million
rows, with the monthly counts per area and per H3 cell the importer keeps.

Then, beside the /healthz baseline of the same run, it times through Django's test client
(median and 95th percentile in ms, the query count of one request): the district's dashboard
(the default last 12 months), the same with one crime type chosen, the busiest neighbourhood's
dashboard, the district's hotspots GeoJSON, ``/api/v1/hotspots/`` and
``/api/v1/incident-counts/``; and ``selectors.hotspots`` called directly, with a cold weights
cache (cleared before each call) and warm. It prints one table and a line per goal of the issue:
a dashboard under 200 ms, a district's hotspots under 100 ms (medians). A page that misses is
profiled (cProfile, a few requests), its slowest queries listed with the slowest one's plan;
--profile profiles every page. On PostgreSQL the pages are then timed again with ``jit = off``
and ``max_parallel_workers_per_gather = 0`` set on each connection: with the counts of 20
million incidents the planner overestimates the rows of the per-cell query, and JIT and the
start of parallel workers cost more than the query itself (a suggested setting, not the app's).

The timed district is Leicester unless the generator left it nearly empty (under 0.1% of the
incidents; with 550,000 rows it has about 11,000 a month, with --rows 100000 none), then the
busiest district (it says which). The database lives in var/bench-evidence-pages-db/
(SQLite) or in BENCH_DATABASE_URL, and is emptied at the end unless --keep; a kept (or
interrupted) database is reused: the months already imported (their ImportRuns) are not
imported again, so a second run with --keep only times the pages. A database holding other
months, or another --rows, is emptied first. 19.8 million incidents take 11 GB on SQLite
(14 GB with the WAL while loading) and 12 GB on PostgreSQL; the free space is checked first.
Loading them took 28 min on SQLite and 23 min on PostgreSQL here (2 cores, shared).
"""

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import harness
from bench_evidence_import import districts_load
from generate_police_month import generate

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-evidence-pages"
DB_DIR = ROOT / "var" / "bench-evidence-pages-db"
SQLITE_PATH = DB_DIR / "pages.sqlite3"
LSOA_BOUNDARIES = Path("/work/shared/data/real/boundaries/lsoa-2011-bsc-leicestershire-force-area.geojson")
DISTRICT_CODE = "E06000016"  # Leicester
NEIGHBOURHOOD_PREFIX = "Leicester "
FIRST_MONTH = (2023, 1)
SEED = 1
NEARLY_EMPTY_SHARE = 0.001
DISK_BYTES_PER_ROW = 700  # measured: 560 for the incidents, indexes and counts, and the WAL on top
GOAL_DASHBOARD_MS = 200
GOAL_HOTSPOTS_MS = 100
DISTRICTS = 339


def month_label(shift: int) -> str:
    index = FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def file_name(rows: int, shift: int) -> str:
    return f"bench-pages-{rows}-{month_label(shift)}-street.csv"


# --- The database: reuse a kept one, or start afresh ---------------------------------------------


def loaded_files() -> set[str]:
    """The file names (without folders) of the street files imported into this database."""
    from tandem.evidence.models import ImportRun

    runs = ImportRun.objects.filter(status=ImportRun.Status.DONE).values_list("file_name", flat=True)
    return {name.rsplit("/", 1)[-1] for name in runs}


def neighbourhood_features() -> list[dict]:
    import json

    collection = json.loads(LSOA_BOUNDARIES.read_text())
    return [
        feature
        for feature in collection["features"]
        if feature["properties"]["LSOA11NM"].startswith(NEIGHBOURHOOD_PREFIX)
    ]


def areas_ready() -> bool:
    from tandem.places.models import Area

    district = Area.objects.filter(code=DISTRICT_CODE).first()
    return (
        Area.objects.filter(kind=Area.Kind.DISTRICT, parent=None).count() == DISTRICTS
        and district is not None
        and Area.objects.filter(parent=district).count() == len(neighbourhood_features())
    )


def database_open(expected: list[str]) -> tuple[str, set[str]]:
    """Migrate; keep what a previous run loaded if it is a part of what this run wants, else
    start afresh. Returns the vendor and the files already imported."""
    from django.core.management import call_command
    from django.db import connection

    from tandem.places.models import Area

    call_command("migrate", verbosity=0, interactive=False)
    done = loaded_files()
    if done and done <= set(expected) and areas_ready():
        return connection.vendor, done
    if not done and not Area.objects.exists():
        return connection.vendor, set()  # a new database
    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
    else:
        database_empty()
    return connection.vendor, set()


def database_empty() -> None:
    """PostgreSQL: every table emptied (TRUNCATE gives the space back), the seeded rows put back."""
    from importlib import import_module

    from django.apps import apps
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False)
    import_module("tandem.problems.migrations.0002_seed_categories").seed(apps, None)


def database_bytes(vendor: str) -> int:
    from django.db import connection

    if vendor == "sqlite":
        return sum(
            Path(f"{SQLITE_PATH}{suffix}").stat().st_size
            for suffix in ("", "-wal")
            if Path(f"{SQLITE_PATH}{suffix}").exists()
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def database_drop(vendor: str) -> None:
    from django.db import connection

    if vendor == "sqlite":
        connection.close()
        shutil.rmtree(DB_DIR, ignore_errors=True)
    else:
        database_empty()


def neighbourhoods_load(district) -> int:
    from tandem.places.models import Area
    from tandem.places.services import areas_import_geojson

    report = areas_import_geojson(
        source={"type": "FeatureCollection", "features": neighbourhood_features()},
        kind=Area.Kind.NEIGHBOURHOOD,
        parent=district,
        name_property="LSOA11NM",
        code_property="LSOA11CD",
        boundary_source=f"{LSOA_BOUNDARIES.name} (OGL v3.0, ONS)",
    )
    return report.created


# --- Loading the months --------------------------------------------------------------------------


def months_load(rows: int, months: int, done: set[str], vendor: str) -> list[dict]:
    """Generate, import and delete each month not yet imported; one line per month."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tandem.evidence.models import ImportRun
    from tandem.evidence.placement import Placer
    from tandem.evidence.services import police_file_import, police_files_find

    todo = [shift for shift in range(months) if file_name(rows, shift) not in done]
    if not todo:
        return []
    placer = Placer.from_database()
    folder = WORK / "months"
    folder.mkdir(parents=True, exist_ok=True)
    loaded = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns) as progress:
        overall = progress.add_task("months", total=len(todo))
        current = progress.add_task("file", total=100)
        for shift in todo:
            path = folder / file_name(rows, shift)
            progress.update(current, description=f"{month_label(shift)}: generating", completed=0)
            started = time.perf_counter()
            generate(path, rows=rows, month=month_label(0), seed=SEED, shift_months=shift)
            generated = time.perf_counter() - started
            progress.update(current, description=f"{month_label(shift)}: importing")

            def advance(read: int, size: int) -> None:
                progress.update(current, completed=read * 100 // max(size, 1))

            started = time.perf_counter()
            (file,) = police_files_find([path])
            run = police_file_import(file=file, placer=placer, progress=advance)
            imported = time.perf_counter() - started
            path.unlink()
            if run.status != ImportRun.Status.DONE:
                raise RuntimeError(f"{path.name}: {run.status}: {run.message}")
            size = database_bytes(vendor)
            loaded.append({"generate": generated, "import": imported, "rows": run.rows_read})
            progress.console.print(
                f"{month_label(shift)}: generated in {generated:5.1f}s, imported {run.imported:,} of "
                f"{run.rows_read:,} rows in {imported:6.1f}s ({run.rows_read / imported:,.0f} rows/s); "
                f"database {size / 1e9:.2f} GB",
                soft_wrap=True,
            )
            progress.advance(overall)
    return loaded


# --- Timing --------------------------------------------------------------------------------------


def busiest_child(area):
    from django.db.models import Sum

    from tandem.evidence.models import AreaMonthCount
    from tandem.places.models import Area

    row = (
        AreaMonthCount.objects.filter(area__parent=area)
        .values("area")
        .annotate(total=Sum("count"))
        .order_by("-total")
        .first()
    )
    return Area.objects.get(pk=row["area"]) if row else None


def district_choose(total: int) -> tuple[object, int, str]:
    """Leicester, or the busiest district if the generator left Leicester nearly empty."""
    from django.db.models import Sum

    from tandem.evidence.models import AreaMonthCount
    from tandem.places.models import Area

    leicester = Area.objects.get(code=DISTRICT_CODE)
    counted = AreaMonthCount.objects.filter(area=leicester).aggregate(total=Sum("count"))["total"] or 0
    if counted >= NEARLY_EMPTY_SHARE * total:
        return leicester, counted, "Leicester"
    row = (
        AreaMonthCount.objects.filter(area__parent=None)
        .values("area")
        .annotate(total=Sum("count"))
        .order_by("-total")
        .first()
    )
    busiest = Area.objects.get(pk=row["area"])
    note = f"the busiest district (Leicester has only {counted:,} incidents)"
    return busiest, row["total"], note


def selector_time(area, start, end, repeat: int, budget: float, *, cold: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tandem.evidence import selectors

    def call():
        if cold:
            selectors._weights_for.cache_clear()
        return selectors.hotspots(area=area, start=start, end=end)

    call()
    with CaptureQueriesContext(connection) as captured:
        found = call()
    timings = []
    deadline = time.perf_counter() + budget
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline:
            break
    timings.sort()
    return {
        "status": "—",
        "median": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        "queries": len(captured),
        "bytes": 0,
        "n": len(timings),
        "cells": len(found.cells) if found else 0,
    }


PROFILED = (
    r"\(execute\)|\(render\)|\(dumps\)|selectors\.py|cells\.py|hotspots\.py|charts\.py|"
    r"dashboard\.py|api\.py|services\.py"
)


def profile_print(label: str, path: str, requests: int = 5) -> None:
    """Where a page's time goes: its queries (slowest first, with the slowest one's plan) and
    cProfile's top functions of the app, the queries and the templates."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        client.get(path)
        took = (time.perf_counter() - started) * 1000
    sql_ms = sum(float(query["time"]) for query in captured) * 1000
    print(f"\n{label}: {took:.0f} ms, of it {sql_ms:.0f} ms in {len(captured)} queries; the slowest:")
    slowest = sorted(captured, key=lambda query: -float(query["time"]))
    for query in slowest[:5]:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:140]}")
    if slowest:
        explain = (
            "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        )
        with connection.cursor() as cursor:
            cursor.execute(explain + slowest[0]["sql"])
            plan = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
        print("  its plan:")
        for line in plan:
            if "::bigint[]" not in line and "IN (" not in line:  # the 193 area ids, again
                print(f"    {line[:150]}")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        client.get(path)
    profile.disable()
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text).strip_dirs().sort_stats("cumulative")
    stats.print_stats(PROFILED, 25)
    print(f"  cProfile over {requests} requests, by cumulative time (the app, queries, templates, JSON):")
    lines = text.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    print("\n".join(f"  {line}" for line in lines[start:] if line.strip()))


def pages_time(cases: list, district, start, end, args, title: str) -> list[tuple]:
    """One table: each page beside the baseline (the first case), then the selector alone."""
    print(f"\n{title}")
    header = (
        f"{'page':<46} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'× base':>7} {'queries':>8} "
        f"{'KB':>6} {'n':>4}"
    )
    print(header)
    print("-" * len(header))
    budget = args.budget / (len(cases) + 2)
    baseline, results = None, []

    def row(label: str, result: dict) -> None:
        print(
            f"{label:<46} {result['status']:>6} {result['median']:>10.1f} {result['p95']:>8.1f} "
            f"{result['median'] / baseline:>7.1f} {result['queries']:>8} {result['bytes'] / 1024:>6.0f} "
            f"{result['n']:>4}"
        )

    for label, path, goal in cases:
        result = harness.measure(path, None, args.repeat, budget, warmups=2)
        baseline = baseline or result["median"]
        results.append((label, path, goal, result))
        row(label, result)
    cold = selector_time(district, start, end, max(5, args.repeat // 3), budget, cold=True)
    row(f"selectors.hotspots, cold weights ({cold['cells']:,} cells)", cold)
    warm = selector_time(district, start, end, args.repeat, budget, cold=False)
    row("selectors.hotspots, warm", warm)
    results.append(("selectors.hotspots, warm", None, "hotspots", warm))
    return results


def goals_print(results: list[tuple], prefix: str = "goal") -> list[tuple[str, str]]:
    """A line per goal of the issue; returns the pages that missed."""
    missed = []
    for goal, limit, name in (
        ("dashboard", GOAL_DASHBOARD_MS, "a dashboard"),
        ("hotspots", GOAL_HOTSPOTS_MS, "a district's hotspots"),
    ):
        mine = [(label, path, result) for label, path, kind, result in results if kind == goal]
        over = [(label, path, result) for label, path, result in mine if result["median"] >= limit]
        figures = "; ".join(f"{label} {result['median']:.0f} ms" for label, _, result in mine)
        print(f"{prefix}: {name} under {limit} ms (median) — {'met' if not over else 'NOT met'}: {figures}")
        missed += [(label, path) for label, path, _ in over if path]
    return missed


def session_settings(statements: list[str]) -> None:
    """Run these SETs on every connection from now on (the next query opens a new one)."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    def apply(sender, connection, **kwargs) -> None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    connection_created.connect(apply, weak=False)
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--months", type=int, default=int(os.environ.get("BENCH_MONTHS", "36")))
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", "550000")))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "30")))
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET", "120")))
    parser.add_argument("--keep", action="store_true", help="keep the database (a later run reuses it)")
    parser.add_argument("--profile", action="store_true", help="profile every page, not only those that miss")
    args = parser.parse_args()

    started = time.perf_counter()
    if not os.environ.get("BENCH_DATABASE_URL"):
        DB_DIR.mkdir(parents=True, exist_ok=True)
        os.environ["BENCH_DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"  # outside WORK, which is wiped
    harness.configure(WORK)
    expected = [file_name(args.rows, shift) for shift in range(args.months)]
    vendor, done = database_open(expected)

    from django.db import connection
    from django.db.models import Sum
    from django.urls import reverse

    from tandem.evidence import selectors
    from tandem.evidence.models import AreaMonthCount, ImportRun
    from tandem.places.models import Area

    if vendor == "postgresql":
        title = f"PostgreSQL {connection.pg_version // 10000} (database {connection.settings_dict['NAME']})"
    else:
        import sqlite3

        title = f"SQLite {sqlite3.sqlite_version} ({SQLITE_PATH.relative_to(ROOT)})"
    if done:
        print(f"{title}: reusing a kept database, {len(done)} of {args.months} months already imported")
    else:
        built = time.perf_counter()
        districts = districts_load()
        neighbourhoods = neighbourhoods_load(Area.objects.get(code=DISTRICT_CODE))
        print(
            f"{title}: {districts} districts and {neighbourhoods} Leicester LSOAs as neighbourhoods "
            f"({time.perf_counter() - built:.0f}s)"
        )
    todo = args.months - len(done)
    need = todo * args.rows * DISK_BYTES_PER_ROW
    free = shutil.disk_usage(DB_DIR if vendor == "sqlite" else ROOT).free
    if need > 0.9 * free:
        print(f"not enough disk: {todo} months need about {need / 1e9:.0f} GB, {free / 1e9:.0f} GB free")
        return 2
    loaded = months_load(args.rows, args.months, done, vendor)
    if vendor == "postgresql" and loaded:
        with connection.cursor() as cursor:  # what autovacuum would have done by the time anyone reads
            cursor.execute("ANALYZE")
    if loaded:
        seconds = [month["generate"] + month["import"] for month in loaded]
        imports = [month["import"] for month in loaded]
        print(
            f"loaded {len(loaded)} months in {sum(seconds) / 60:.1f} min: import median "
            f"{statistics.median(imports):.1f}s a month (first {imports[0]:.1f}s, last {imports[-1]:.1f}s), "
            f"generating median {statistics.median(m['generate'] for m in loaded):.1f}s"
        )
    runs = ImportRun.objects.filter(status=ImportRun.Status.DONE)
    totals = runs.aggregate(rows=Sum("rows_read"), imported=Sum("imported"))
    incidents = totals["imported"] or 0
    print(
        f"incidents: {incidents:,} imported from {totals['rows'] or 0:,} rows in {runs.count()} files; "
        f"database {database_bytes(vendor) / 1e9:.1f} GB"
    )

    district, counted, which = district_choose(incidents)
    months = selectors.months_with_data(district)
    end = months[-1]
    start = max(months[0], selectors.month_add(end, -11))
    last12 = (
        AreaMonthCount.objects.filter(area=district, month__gte=start, month__lte=end).aggregate(
            total=Sum("count")
        )["total"]
        or 0
    )
    print(
        f"district timed: {district.name} ({which}): {counted:,} incidents in AreaMonthCount over "
        f"{len(months)} months ({counted / max(len(months), 1):,.0f} a month), {last12:,} in the "
        f"12 months to {end:%Y-%m}; {Area.objects.filter(parent=district).count()} areas within it"
    )
    neighbourhood = busiest_child(district)
    crime_type = (
        AreaMonthCount.objects.filter(area=district)
        .values("crime_type")
        .annotate(total=Sum("count"))
        .order_by("-total")
        .first()["crime_type"]
    )
    dashboard = reverse("evidence:area-dashboard", args=[district.slug])
    cases = [
        ("/healthz (baseline)", reverse("web:healthz"), None),
        ("district dashboard (12 months)", dashboard, "dashboard"),
        (
            "district dashboard, one crime type",
            dashboard + "?" + urlencode({"crime_type": crime_type}),
            "dashboard",
        ),
    ]
    if neighbourhood is not None:
        cases.append(
            (
                f"neighbourhood dashboard ({neighbourhood.name})",
                reverse("evidence:area-dashboard", args=[neighbourhood.slug]),
                "dashboard",
            )
        )
    cases += [
        (
            "district hotspots.geojson",
            reverse("evidence:area-hotspots-geojson", args=[district.slug]),
            "hotspots",
        ),
        ("/api/v1/hotspots/?area=…", "/api/v1/hotspots/?" + urlencode({"area": district.slug}), "hotspots"),
        (
            "/api/v1/incident-counts/?area=…",
            "/api/v1/incident-counts/?" + urlencode({"area": district.slug}),
            None,
        ),
    ]
    about = (
        f"{incidents:,} incidents; {district.name}, {start:%Y-%m} to {end:%Y-%m}; crime type: {crime_type}"
    )
    results = pages_time(cases, district, start, end, args, f"{title}; {about}")
    failures = sum(result["status"] != 200 for _, path, _, result in results if path)
    missed = goals_print(results)
    if args.profile:
        missed = [(label, path) for label, path, goal, _ in results if path and goal]
    for label, path in missed:
        profile_print(label, path)
    if vendor == "postgresql":
        statements = ["SET jit = off", "SET max_parallel_workers_per_gather = 0"]
        session_settings(statements)
        tuned = pages_time(
            cases,
            district,
            start,
            end,
            args,
            f"{title} with {' and '.join(statement[4:] for statement in statements)} on each connection "
            "(a suggested setting, not the app's)",
        )
        goals_print(tuned, prefix="with those settings")

    if not args.keep:
        database_drop(vendor)
        print("database emptied (run with --keep to keep it for the next run)")
    print(f"total {time.perf_counter() - started:.0f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
