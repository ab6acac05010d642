"""Problem list and map with 50,000 problems across 200 areas, and a JAG's priority board for 20 NAPs.

    .venv/bin/python bench/bench_problems.py [--problems 50000] [--repeat 15] [--budget 90]
    BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/bench_problems.py   # on PostgreSQL

Builds the data (bulk inserts), then times each page through Django's test client beside
the /healthz baseline measured in the same run: median and 95th percentile in milliseconds
and the query count of one request. The issue's target is under 150 ms median.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-problems"


def build(problems: int, areas: int = 200, naps: int = 20) -> dict:
    from django.utils import timezone

    from tandem.partnership.models import GroupType
    from tandem.places.models import Area
    from tandem.problems.models import Category, Priority, Problem, quarter_of
    from tests.factories import Cast, make_area, make_group, make_group_type

    rng = random.Random(5)
    cast = Cast()
    nap_type = make_group_type(
        partnership=cast.partnership,
        name="Neighbourhood Action Panel",
        short_name="NAP",
        priorities_per_period=3,
        meeting_frequency=GroupType.Frequency.MONTHLY,
    )
    jag_type = make_group_type(
        partnership=cast.partnership, name="Joint Action Group", short_name="JAG", tier=1
    )
    jag = make_group(partnership=cast.partnership, group_type=jag_type, name="Bench JAG", parent=cast.board)
    places = []
    for i in range(areas):
        lat, lng = 53.40 + (i // 20) * 0.01, -2.35 + (i % 20) * 0.01
        square = [[lng, lat], [lng + 0.01, lat], [lng + 0.01, lat + 0.01], [lng, lat + 0.01], [lng, lat]]
        places.append(
            make_area(
                name=f"Bench neighbourhood {i}",
                kind=Area.Kind.NEIGHBOURHOOD,
                parent=cast.district,
                boundary={"type": "Polygon", "coordinates": [square]},
                centroid_lat=lat + 0.005,
                centroid_lng=lng + 0.005,
            )
        )
    groups = [
        make_group(
            partnership=cast.partnership,
            group_type=nap_type,
            name=f"Bench NAP {i}",
            parent=jag,
            area=places[i * (areas // naps)],
        )
        for i in range(naps)
    ]
    categories = list(Category.objects.all())
    today = timezone.localdate()
    batch = []
    for n in range(problems):
        area = places[n % areas]
        first = today - dt.timedelta(days=rng.randint(0, 700))
        batch.append(
            Problem(
                partnership=cast.partnership,
                group=groups[n % naps],
                title=f"Bench problem {n}",
                description="Residents report it again and again.",
                category=categories[n % len(categories)],
                area=area,
                latitude=area.centroid_lat + rng.uniform(-0.004, 0.004),
                longitude=area.centroid_lng + rng.uniform(-0.004, 0.004),
                first_raised_on=first,
                last_raised_on=first,
                times_raised=rng.randint(1, 12),
                status=rng.choice(Problem.Status.values),
                closed_reason="Done",
            )
        )
        if len(batch) == 5000:
            Problem.objects.bulk_create(batch)
            batch = []
    Problem.objects.bulk_create(batch)
    start, end = quarter_of(today)
    for group in groups:
        for rank, problem in enumerate(
            Problem.objects.filter(group=group, status__in=Problem.OPEN_STATUSES).order_by("pk")[:3], start=1
        ):
            Priority.objects.create(
                group=group, problem=problem, period_start=start, period_end=end, rank=rank, reason="Bench"
            )
    return {"cast": cast, "jag": jag, "area": places[7], "category": categories[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", type=int, default=int(os.environ.get("BENCH_PROBLEMS", "50000")))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "15")))
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET", "90")))
    args = parser.parse_args()

    started = time.perf_counter()
    harness.configure(WORK)
    vendor = harness.fresh_database()
    data = build(args.problems)
    from django.urls import reverse

    setup = time.perf_counter() - started
    print(
        f"data: {vendor}; {args.problems} problems, 200 areas, 20 NAPs under one JAG (built in {setup:.1f}s)"
    )
    cast, jag = data["cast"], data["jag"]
    filtered = f"?category={data['category'].slug}&area={data['area'].slug}"
    cases = [
        ("/healthz (baseline)", reverse("web:healthz"), None),
        ("problem list (public)", reverse("problems:problem-list"), None),
        ("problem list (officer)", reverse("problems:problem-list"), cast.officer),
        ("problem list, category + area", reverse("problems:problem-list") + filtered, None),
        ("problem map (public)", reverse("problems:problem-map"), None),
        ("problem map, category + area", reverse("problems:problem-map") + filtered, None),
        ("JAG priority board, 20 NAPs", reverse("problems:priority-board", args=[jag.slug]), None),
    ]
    header = (
        f"{'page':<34} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'× base':>7} {'queries':>8} {'n':>4}"
    )
    print(header)
    print("-" * len(header))
    baseline, failures = None, 0
    for label, path, user in cases:
        result = harness.measure(path, user, args.repeat, args.budget / len(cases), warmups=2)
        baseline = baseline or result["median"]
        failures += result["status"] != 200
        print(
            f"{label:<34} {result['status']:>6} {result['median']:>10.1f} {result['p95']:>8.1f} "
            f"{result['median'] / baseline:>7.1f} {result['queries']:>8} {result['n']:>4}"
        )
    print(f"total {time.perf_counter() - started:.1f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
