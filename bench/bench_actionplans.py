"""Compiling the annual Community Safety Action Plan from 5,000 actions in 60 groups, and the
quarterly review's committee report as a PDF.

    .venv/bin/python bench/bench_actionplans.py [--actions 5000] [--groups 60] [--repeat 7]
    BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/bench_actionplans.py   # on PostgreSQL

Builds the data (bulk inserts: a strategy with six strategic priorities, 60 groups, 5,000
actions of which about four in five are tagged with a priority, 20 partnership-level ones),
then times, beside the /healthz baseline measured in the same run:
- compiling the plan (the service, from nothing to every entry written), median of N runs;
- the plan page and the group action plan page (test client), with their query counts;
- the quarterly review page and its PDF and .docx committee reports.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-actionplans"


def build(actions: int, groups: int) -> dict:
    from tandem.actionplans.models import Action, ActionUpdate
    from tandem.partnership.models import Membership
    from tandem.strategy.models import Indicator, IndicatorValue, StrategicPriority, Strategy
    from tests.factories import Cast, make_group, make_membership, make_person

    rng = random.Random(6)
    cast = Cast()
    strategy = Strategy.objects.create(
        partnership=cast.partnership,
        title="Bench strategy 2026–28",
        slug="bench-strategy",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2029, 3, 31),
    )
    priorities = []
    for n, title in enumerate(
        ["ASB", "Rural crime", "Drugs", "Scams", "Violence and young people", "Road safety"]
    ):
        priority = StrategicPriority.objects.create(strategy=strategy, title=title, slug=f"p{n}", position=n)
        priorities.append(priority)
        for m in range(3):
            indicator = Indicator.objects.create(
                priority=priority, name=f"{title} measure {m}", baseline=100, target=80, direction="down"
            )
            IndicatorValue.objects.bulk_create(
                IndicatorValue(indicator=indicator, period_start=start, value=rng.randint(70, 110))
                for start in (dt.date(2026, 4, 1), dt.date(2026, 7, 1), dt.date(2026, 10, 1))
            )
    made = [
        make_group(
            partnership=cast.partnership, group_type=cast.lag_type, name=f"Bench group {i}", parent=cast.board
        )
        for i in range(groups)
    ]
    leads = []
    for i, group in enumerate(made):
        person = make_person(name=f"Bench lead {i}", email=f"lead{i}@example.org")
        make_membership(
            group=group, person=person, role=Membership.Role.AGENCY_REPRESENTATIVE, organisation=cast.police
        )
        leads.append(person)
    batch = []
    statuses = ["not_started", "on_track", "at_risk", "done", "cancelled"]
    for n in range(actions + 20):
        group = made[n % groups] if n < actions else None
        start = dt.date(2026, 4, 1) + dt.timedelta(days=rng.randint(-60, 300))
        status = rng.choice(statuses)
        batch.append(
            Action(
                partnership=cast.partnership,
                group=group,
                issue=f"Bench issue {n}",
                description=f"Bench action {n}: patrols, letters and a community clean-up.",
                lead=leads[n % groups],
                lead_organisation=cast.police,
                start_on=start,
                due_on=start + dt.timedelta(days=rng.randint(14, 200)),
                status=status,
                worked="yes" if status == "done" else "",
                strategic_priority=priorities[n % 6] if rng.random() < 0.8 else None,
            )
        )
    Action.objects.bulk_create(batch, batch_size=1000)
    ActionUpdate.objects.bulk_create(
        (
            ActionUpdate(action_id=pk, text="Progressing well.")
            for pk in Action.objects.values_list("pk", flat=True)
        ),
        batch_size=2000,
    )
    return {"cast": cast, "strategy": strategy, "group": made[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=int(os.environ.get("BENCH_ACTIONS", "5000")))
    parser.add_argument("--groups", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "7")))
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET", "120")))
    args = parser.parse_args()

    started = time.perf_counter()
    harness.configure(WORK)
    vendor = harness.fresh_database()
    data = build(args.actions, args.groups)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tandem.actionplans import annual, review
    from tandem.actionplans.models import AnnualPlan

    cast, strategy = data["cast"], data["strategy"]
    print(
        f"data: {vendor}; {args.actions} actions in {args.groups} groups + 20 partnership-level, "
        f"6 strategic priorities (built in {time.perf_counter() - started:.1f}s)"
    )

    # Compiling: from nothing to every entry written, each run on a clean slate.
    timings, queries, entries = [], 0, 0
    for _run in range(args.repeat):
        AnnualPlan.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            plan = annual.plan_compile(
                partnership=cast.partnership,
                strategy=strategy,
                starts_on=dt.date(2026, 4, 1),
                by=cast.officer,
            )
            timings.append((time.perf_counter() - begun) * 1000)
        queries, entries = len(captured), plan.entries.count()
    compile_ms = statistics.median(timings)
    the_review = review.review_create(plan=plan, period_start=dt.date(2026, 7, 1), by=cast.officer)

    cases = [
        ("/healthz (baseline)", reverse("web:healthz")),
        ("annual plan page", reverse("actionplans:plan-detail", args=[plan.pk])),
        ("group action plan page", reverse("actionplans:group-actions", args=[data["group"].slug])),
        ("quarterly review page", reverse("actionplans:review-detail", args=[the_review.pk])),
        ("quarterly report PDF", reverse("actionplans:review-pdf", args=[the_review.pk])),
        ("quarterly report .docx", reverse("actionplans:review-docx", args=[the_review.pk])),
    ]
    header = (
        f"{'what':<32} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'× base':>7} {'queries':>8} {'n':>4}"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{'compile the annual plan':<32} {'-':>6} {compile_ms:>10.1f} {max(timings):>8.1f} {'':>7} "
        f"{queries:>8} {len(timings):>4}   ({entries} entries)"
    )
    baseline, failures = None, 0
    for label, path in cases:
        result = harness.measure(path, cast.officer, args.repeat, args.budget / len(cases), warmups=1)
        baseline = baseline or result["median"]
        failures += result["status"] != 200
        print(
            f"{label:<32} {result['status']:>6} {result['median']:>10.1f} {result['p95']:>8.1f} "
            f"{result['median'] / baseline:>7.1f} {result['queries']:>8} {result['n']:>4}"
        )
    print(f"total {time.perf_counter() - started:.1f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
