"""The public side under load: a neighbourhood page and Open311 GET requests.json, each driven
by 32 concurrent connections for 30 s against gunicorn on loopback.

    BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/bench_community.py [--reports 1500]
        [--connections 32] [--seconds 30] [--client auto|wrk|asyncio]

Builds the data in BENCH_DATABASE_URL (emptied first; SQLite under var/bench-community/ without
it): a partnership, its routing rule and --reports residents' reports sent through community's
report_submit (so each is routed, merged or made a problem as in real life), spread over the last
90 days; the neighbourhood's priorities, a year of beat surgeries and events, 30 published
"you said, we did" updates and a year of meetings. Then starts gunicorn with
deploy/gunicorn.conf.py on a free loopback port, and for --seconds each drives /healthz (the
same-run baseline), the neighbourhood page /neighbourhoods/oakfield/ and
/open311/v2/requests.json (the spec's default: the last 90 days, at most 1000 requests), plain
and as a client that accepts gzip (browsers, curl --compressed, most HTTP libraries) receives it.
--client picks the load generator: wrk (apt-get install wrk: a C load generator, so it takes the
least of the CPU it shares with the server) or one asyncio loop; auto, the default, takes wrk
when it is installed. Either holds --connections connections, each sending one request after
another (gunicorn's sync workers close the connection after each response, so each request
opens a new one), and both measure the time from opening the connection to the last byte.
Prints, per URL: requests, requests/s, p50 and p99 in milliseconds, errors (anything but a 200)
and the body size as sent; exits 1 if there were errors.
Rate limits are raised out of the way for the run (one address sends everything).
"""

import argparse
import asyncio
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-community"
NEIGHBOURHOOD = "/neighbourhoods/oakfield/"
REQUESTS = "/open311/v2/requests.json"
WHAT = ["noise late at night", "motorbikes on the path", "broken glass by the swings", "dealing by the shop"]


def build_data(reports: int) -> str:
    import datetime as dt

    from django.utils import timezone

    from tandem.community.models import Report, RoutingRule
    from tandem.community.services import report_submit
    from tandem.problems.models import Category
    from tests.factories import Cast

    vendor = harness.fresh_database()
    cast = Cast()
    RoutingRule.objects.create(partnership=cast.partnership, group=cast.group)
    categories = list(Category.objects.filter(is_active=True))
    rng = random.Random(20261203)
    places = [
        "Mill Lane",
        "the station car park",
        "Oakfield Road",
        "the rec",
        "Church Street",
        "the canal towpath",
    ]
    now = timezone.now()
    for n in range(reports):
        report_submit(
            category=rng.choice(categories),
            description=f"Report {n}: {rng.choice(WHAT)}.",
            latitude=53.72 + rng.uniform(-0.03, 0.03),
            longitude=-1.35 + rng.uniform(-0.05, 0.05),
            location_text=rng.choice(places),
            via=Report.Via.OPEN311,
            client_name="Bench FixMyStreet",
        )
    moments = {
        pk: now - dt.timedelta(seconds=rng.uniform(0, 89 * 86400))
        for pk in Report.objects.values_list("pk", flat=True)
    }
    for pk, moment in moments.items():
        Report.objects.filter(pk=pk).update(created_at=moment, updated_at=moment)
    _neighbourhood_content(cast, rng)
    accepted = Report.objects.filter(status=Report.Status.ACCEPTED).count()
    problems = Report.objects.exclude(problem=None).values("problem").distinct().count()
    return f"{vendor}: {reports} reports ({accepted} accepted) in {problems} problems"


def _neighbourhood_content(cast, rng) -> None:
    """What a busy neighbourhood page shows: priorities with actions, a year of fortnightly beat
    surgeries and a few events, 30 published updates and the group's meetings for the year."""
    import datetime as dt

    from django.utils import timezone

    from tandem.actionplans.models import Action
    from tandem.community import events, updates
    from tandem.community.models import Event, EventSeries
    from tandem.problems.models import Priority, Problem, quarter_of
    from tests.factories import make_meeting

    today = timezone.localdate()
    start, end = quarter_of(today)
    problems = list(Problem.objects.filter(group=cast.group, merged_into=None).order_by("pk")[:6])
    for rank, problem in enumerate(problems[:3], start=1):
        Priority.objects.create(
            group=cast.group,
            problem=problem,
            period_start=start,
            period_end=end,
            reason="Raised most",
            rank=rank,
        )
        Action.objects.create(
            partnership=cast.partnership,
            group=cast.group,
            problem=problem,
            description=f"Patrols and a letter drop about {problem.title.lower()}",
            lead_organisation=cast.police,
            due_on=today + dt.timedelta(days=30),
        )
    events.event_series_create(
        group=cast.group,
        frequency=EventSeries.Frequency.FORTNIGHTLY,
        weekday=5,
        week_of_month=None,
        starts_on=today,
        ends_on=today + dt.timedelta(days=364),
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 30),
        title="PCSO beat surgery",
        kind=Event.Kind.BEAT_SURGERY,
        venue_name="Oakfield library",
        hosts="PCSO Paula Beat",
    )
    for n in range(1, 5):
        starts_at = timezone.make_aware(
            dt.datetime.combine(today + dt.timedelta(days=20 * n), dt.time(18, 0))
        )
        events.event_create(
            group=cast.group,
            title=f"Community safety event {n}",
            kind=Event.Kind.COMMUNITY_SAFETY,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            venue_name="Oakfield Village Hall",
        )
    for n in range(30):
        updates.update_create(
            group=cast.group,
            title=f"Update {n}: {rng.choice(WHAT)}",
            you_said=f"Residents told us about {rng.choice(WHAT)}. " * 5,
            we_did="The police patrolled at the times residents gave, and the council mended the lights. "
            * 4,
            publish=True,
        )
    for n in range(12):
        day = today + dt.timedelta(days=30 * n + 3)
        make_meeting(
            group=cast.group, starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(18, 30)))
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(port: int) -> subprocess.Popen:
    """gunicorn as deployed, with a settings module that only raises the Open311 rate limits."""
    (WORK / "bench_community_settings.py").write_text(
        "from tandem.settings import *  # noqa: F403\n"
        "OPEN311_RATE_LIMITS = {'ip': (10**9, 60), 'key': (10**9, 60)}\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_community_settings",
        "PYTHONPATH": os.pathsep.join([str(WORK), str(ROOT / "src"), str(ROOT)]),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # whitenoise warns that the bench's static folder was never collected: the finders serve.
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "tandem.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            status, _ = fetch(port, "/healthz")
            if status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "localhost", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


async def _one(port: int, request: bytes) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        response = await reader.read()  # gunicorn's sync worker closes the connection
    finally:
        writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, len(body)


async def _load(port: int, path: str, headers: dict, connections: int, seconds: float) -> dict:
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\n{extra}Connection: close\r\n\r\n".encode()
    timings: list[float] = []
    errors = 0
    sizes: list[int] = []
    stop = time.perf_counter() + seconds

    async def connection() -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                status, size = await asyncio.wait_for(_one(port, request), timeout=30)
            except (TimeoutError, OSError, ValueError, IndexError):
                status, size = 0, 0
            timings.append((time.perf_counter() - started) * 1000)
            sizes.append(size)
            if status != 200:
                errors += 1

    began = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    timings.sort()
    return {
        "n": len(timings),
        "rps": len(timings) / elapsed,
        "p50": statistics.median(timings),
        "p99": timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))],
        "errors": errors,
        "kib": max(sizes) / 1024,
    }


def load(port: int, path: str, headers: dict, connections: int, seconds: float, client: str) -> dict:
    """`connections` connections sending GET `path` one after another for `seconds`, from wrk
    or from one asyncio loop."""
    if client == "wrk":
        return _wrk(port, path, headers, connections, seconds)
    return asyncio.run(_load(port, path, headers, connections, seconds))


def _wrk(port: int, path: str, headers: dict, connections: int, seconds: float) -> dict:
    script = WORK / "report.lua"
    # wrk prints its own latency percentiles rounded; the script prints exact ones and the counts.
    script.write_text(
        'wrk.headers["Host"] = "localhost"\n'
        + "".join(f'wrk.headers["{name}"] = "{value}"\n' for name, value in headers.items())
        + "done = function(summary, latency, requests)\n"
        '  io.write(string.format("RESULT %d %f %f %d %d %d\\n", summary.requests, latency:percentile(50),\n'
        "    latency:percentile(99), summary.errors.status + summary.errors.connect + summary.errors.read\n"
        "    + summary.errors.write + summary.errors.timeout, summary.bytes, summary.duration))\n"
        "end\n"
    )
    output = subprocess.run(  # noqa: S603 (wrk with fixed arguments)
        [
            shutil.which("wrk"),
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    n, p50, p99, errors, size, micros = line.split()[1:]
    _, body = fetch(port, path, headers)
    return {
        "n": int(n),
        "rps": int(n) / (int(micros) / 1e6),
        "p50": float(p50) / 1000,
        "p99": float(p99) / 1000,
        "errors": int(errors),
        "kib": body / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1500)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--client", choices=("auto", "wrk", "asyncio"), default="auto")
    args = parser.parse_args()
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "asyncio"
    if client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk), or use --client asyncio")

    started = time.perf_counter()
    harness.configure(WORK)
    source = build_data(args.reports)
    from django.db import connections

    connections.close_all()
    print(f"data: {source} (set up in {time.perf_counter() - started:.0f} s)")
    port = free_port()
    server = gunicorn_start(port)
    try:
        for path in (NEIGHBOURHOOD, REQUESTS, "/healthz"):  # warm every worker
            for _ in range(20):
                fetch(port, path)
        gzip = {"Accept-Encoding": "gzip"}
        rows = [
            (label, load(port, path, headers, args.connections, args.seconds, client))
            for label, path, headers in (
                ("/healthz (baseline)", "/healthz", {}),
                ("neighbourhood page", NEIGHBOURHOOD, {}),
                ("GET requests.json", REQUESTS, {}),
                ("requests.json gzip", REQUESTS, gzip),
            )
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    header = f"{'URL':<22} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'KiB':>7}"
    generator = {"wrk": "load from wrk", "asyncio": "load from one asyncio loop"}[client]
    print(f"{args.connections} connections, {args.seconds:.0f} s each, gunicorn on loopback, {generator}")
    print(header)
    print("-" * len(header))
    for label, row in rows:
        print(
            f"{label:<22} {row['n']:>9} {row['rps']:>8.0f} {row['p50']:>8.1f} {row['p99']:>8.1f} "
            f"{row['errors']:>7} {row['kib']:>7.1f}"
        )
    for label, goal in rows[1:]:
        met = goal["p99"] < 100 and not goal["errors"]
        print(f"{label}: goal p99 < 100 ms and no errors: {'met' if met else 'NOT met'}")
    return 1 if any(row["errors"] for _, row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
