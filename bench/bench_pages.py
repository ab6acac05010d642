"""Time Tandem's main pages against a demo-sized partnership and count their queries.

    .venv/bin/python bench/bench_pages.py [--repeat 30] [--budget 60]

Builds a fresh SQLite database under var/bench/ (migrate + load_demo, or a generated
partnership of the same size when this checkout has no load_demo), then requests each
page through Django's test client: a few warm-up requests, then --repeat timed ones.
Prints the median and 95th percentile in milliseconds, the number of SQL queries of one
request, and each page's median as a multiple of /healthz measured in the same run (the
baseline, so figures from different machines can be compared). Bounded: each page stops
after --budget seconds / number of pages, whatever --repeat says.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"


def load_data() -> str:
    from django.core.management import call_command, get_commands

    call_command("migrate", verbosity=0, interactive=False)
    if "load_demo" in get_commands():
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        return "load_demo"
    return generate_partnership()


def generate_partnership(groups: int = 40, organisations: int = 60, people_per_group: int = 12) -> str:
    """A partnership of demo size from the test factories (used until load_demo exists)."""
    import random

    from tandem.partnership.models import Membership, Organisation
    from tests.factories import Cast, make_group, make_membership, make_organisation, make_person

    rng = random.Random(20240101)
    cast = Cast()
    orgs = [
        make_organisation(name=f"Bench organisation {i}", sector=rng.choice(Organisation.Sector.values))
        for i in range(organisations)
    ]
    for i in range(groups):
        group = make_group(
            partnership=cast.partnership,
            group_type=cast.lag_type,
            name=f"Bench neighbourhood group {i}",
            parent=cast.board,
            area=cast.neighbourhood,
        )
        for j in range(people_per_group):
            make_membership(
                group=group,
                person=make_person(name=f"Bench Person {i}-{j}"),
                role=rng.choice(Membership.Role.values),
                organisation=rng.choice(orgs) if j % 2 else None,
            )
    return f"generated ({groups} groups, {organisations} organisations)"


def pages() -> list[tuple[str, str, object]]:
    """(label, path, user or None) for each page to time; the group is the one with most members."""
    from django.db.models import Count

    from tandem.accounts.models import User
    from tandem.partnership.models import Group, Organisation

    group = Group.objects.filter(is_public=True).annotate(n=Count("memberships")).order_by("-n").first()
    organisation = (
        Organisation.objects.annotate(n=Count("memberships")).order_by("-n").first()
        if hasattr(Organisation, "memberships")
        else Organisation.objects.first()
    )
    officer = User.objects.filter(role=User.Role.OFFICER).first()
    listed = [
        ("/healthz (baseline)", "/healthz", None),
        ("home", "/", None),
        ("partnership overview", "/partnership/", None),
    ]
    if group:
        listed.append((f"group page ({group.memberships.count()} members)", f"/groups/{group.slug}/", None))
        if officer:
            listed.append(("group page as an officer", f"/groups/{group.slug}/", officer))
    if organisation:
        listed.append(("organisation page", f"/organisations/{organisation.slug}/", None))
    listed += [
        ("directory search", "/directory/?q=a", None),
        ("areas", "/places/", None),
        ("API: groups", "/api/v1/groups/", None),
        ("API: areas", "/api/v1/areas/", None),
    ]
    return listed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "30")))
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET", "60")))
    args = parser.parse_args()

    started = time.perf_counter()
    harness.configure(WORK)
    source = load_data()
    setup_seconds = time.perf_counter() - started

    from tandem.partnership.models import Group, Membership, Organisation

    print(
        f"data: {source}; {Group.objects.count()} groups, {Organisation.objects.count()} organisations, "
        f"{Membership.objects.count()} memberships (set up in {setup_seconds:.1f}s)"
    )
    listed = pages()
    per_page = args.budget / len(listed)
    header = (
        f"{'page':<34} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'× base':>7} "
        f"{'queries':>8} {'KiB':>6} {'n':>4}"
    )
    print(header)
    print("-" * len(header))
    baseline = None
    failures = 0
    for label, path, user in listed:
        result = harness.measure(path, user, args.repeat, per_page)
        baseline = baseline or result["median"]
        if result["status"] >= 500:
            failures += 1
        print(
            f"{label:<34} {result['status']:>6} {result['median']:>10.1f} {result['p95']:>8.1f} "
            f"{result['median'] / baseline:>7.1f} {result['queries']:>8} {result['bytes'] / 1024:>6.1f} "
            f"{result['n']:>4}"
        )
    print(f"total {time.perf_counter() - started:.1f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
