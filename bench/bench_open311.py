"""GET requests.json (Open311 GeoReport v2) under concurrent load against gunicorn on loopback.

    BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/bench_open311.py [--reports 1500]
        [--connections 32] [--seconds 30]

Builds the data in BENCH_DATABASE_URL (emptied first; SQLite under var/bench-open311/ without
it): a partnership, its routing rule and --reports residents' reports sent through community's
report_submit (so each is routed, merged or made a problem as in real life), spread over the last
90 days. Then starts gunicorn with deploy/gunicorn.conf.py on a free loopback port, and for
--seconds each drives first /healthz (the same-run baseline) and then /open311/v2/requests.json
(the spec's default: the last 90 days, at most 1000 requests) with --connections threads, each
sending one request after another over http.client. Prints, per URL: requests, requests/s, p50
and p99 in milliseconds, errors (anything but a 200) and the body size; exits 1 if there were
errors. Rate limits are raised out of the way for the run (one address sends everything).
"""

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-open311"
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
    accepted = Report.objects.filter(status=Report.Status.ACCEPTED).count()
    problems = Report.objects.exclude(problem=None).values("problem").distinct().count()
    return f"{vendor}: {reports} reports ({accepted} accepted) in {problems} problems"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(port: int) -> subprocess.Popen:
    """gunicorn as deployed, with a settings module that only raises the Open311 rate limits."""
    (WORK / "bench_open311_settings.py").write_text(
        "from tandem.settings import *  # noqa: F403\n"
        "OPEN311_RATE_LIMITS = {'ip': (10**9, 60), 'key': (10**9, 60)}\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_open311_settings",
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


def fetch(port: int, path: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


def load(port: int, path: str, connections: int, seconds: float) -> dict:
    """`connections` threads sending GET `path` one after another for `seconds`."""
    timings: list[float] = []
    errors = [0]
    sizes: list[int] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        mine, failed, size = [], 0, 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                status, size = fetch(port, path)
            except OSError:
                status = 0
            mine.append((time.perf_counter() - started) * 1000)
            if status != 200:
                failed += 1
        with lock:
            timings.extend(mine)
            errors[0] += failed
            sizes.append(size)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    timings.sort()
    return {
        "n": len(timings),
        "rps": len(timings) / elapsed,
        "p50": statistics.median(timings),
        "p99": timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))],
        "errors": errors[0],
        "kib": max(sizes) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1500)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()

    started = time.perf_counter()
    harness.configure(WORK)
    source = build_data(args.reports)
    from django.db import connections

    connections.close_all()
    print(f"data: {source} (set up in {time.perf_counter() - started:.0f} s)")
    port = free_port()
    server = gunicorn_start(port)
    try:
        for path in ("/open311/v2/requests.json", "/healthz"):  # warm every worker
            for _ in range(20):
                fetch(port, path)
        rows = [
            ("/healthz (baseline)", load(port, "/healthz", args.connections, args.seconds)),
            ("GET requests.json", load(port, "/open311/v2/requests.json", args.connections, args.seconds)),
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    header = f"{'URL':<22} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'KiB':>7}"
    print(f"{args.connections} connections, {args.seconds:.0f} s each, gunicorn on loopback")
    print(header)
    print("-" * len(header))
    for label, row in rows:
        print(
            f"{label:<22} {row['n']:>9} {row['rps']:>8.0f} {row['p50']:>8.1f} {row['p99']:>8.1f} "
            f"{row['errors']:>7} {row['kib']:>7.1f}"
        )
    goal = rows[1][1]
    print(
        f"goal p99 < 100 ms and no errors: {'met' if goal['p99'] < 100 and not goal['errors'] else 'NOT met'}"
    )
    return 1 if any(row["errors"] for _, row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
