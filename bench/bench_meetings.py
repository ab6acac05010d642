"""Time the meeting documents: a 30-item agenda pack and 12-month calendar feeds.

    .venv/bin/python bench/bench_meetings.py [--repeat 10] [--budget 90]

Builds a throwaway SQLite database under var/bench-meetings/ with a 40-group
partnership, each group meeting monthly for a year (six months back, six ahead),
one meeting with a 30-item agenda, papers, attendance, decisions and actions, and
one person who belongs to all 40 groups. Then times, after a warm-up: the agenda
pack (HTML, PDF, Word), the minutes PDF, the group feed and the 40-group personal
feed, each through Django's test client like a real request. Prints the median and
95th percentile in milliseconds, the response size, and each median as a multiple of
/healthz measured in the same run (the baseline). Bounded by --budget seconds.
"""

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-meetings"
GROUPS = 40
ITEMS = 30


def build_data() -> dict:
    """The partnership, a year of monthly meetings for each group, and the big agenda."""
    from django.core.management import call_command
    from django.utils import timezone

    from tandem.meetings.models import ActionArising, AgendaItem, Attendance, Decision, Meeting, Paper
    from tandem.partnership.models import Membership
    from tests.factories import Cast, make_group, make_membership, make_person

    call_command("migrate", verbosity=0, interactive=False)
    cast = Cast()
    everywhere = make_person(name="Olive Everywhere", email="olive@example.org")
    groups = [cast.group]
    for i in range(GROUPS - 1):
        groups.append(
            make_group(
                partnership=cast.partnership,
                group_type=cast.lag_type,
                name=f"Bench neighbourhood group {i}",
                parent=cast.board,
                venue_name=f"Community centre {i}",
                venue_address=f"{i} High Street\nCastleford",
            )
        )
    for group in groups:
        make_membership(group=group, person=everywhere, role=Membership.Role.SUPPORT_OFFICER)
    today = timezone.localdate()
    meetings = []
    for group in groups:
        for month in range(-6, 6):
            day = (today.replace(day=1) + dt.timedelta(days=32 * month)).replace(day=9)
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))
            meetings.append(
                Meeting(
                    group=group,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2),
                    venue_name=group.venue_name,
                    venue_address=group.venue_address,
                )
            )
    Meeting.objects.bulk_create(meetings)
    items = []
    for meeting in Meeting.objects.all():
        items += [
            AgendaItem(meeting=meeting, position=n, title=f"Agenda item {n}", is_confidential=(n == 4))
            for n in range(1, 7)
        ]
    AgendaItem.objects.bulk_create(items)

    big = Meeting.objects.filter(group=cast.group, starts_at__gte=timezone.now()).first()
    big.items.all().delete()
    for n in range(1, ITEMS + 1):
        item = AgendaItem.objects.create(
            meeting=big,
            position=n,
            title=f"Item {n}: anti-social behaviour around the shops on Station Road",
            description="Report from the neighbourhood policing team and the housing provider. " * 4,
            presenter=cast.police_rep.person,
            presenter_organisation=cast.police,
            minutes_allowed=10,
            is_confidential=(n % 10 == 0),
            minutes="Points noted: residents described the problem; the police will patrol. " * 3,
        )
        Paper.objects.create(
            item=item,
            title=f"Paper {n}",
            file=f"papers/{n}.pdf",
            content_type="application/pdf",
            size=250_000,
        )
        Decision.objects.create(
            meeting=big, item=item, text=f"RESOLVED that item {n} is escalated.", votes_for=6
        )
        ActionArising.objects.create(
            meeting=big, item=item, description=f"Follow up item {n}", lead=cast.chair_person, due_on=today
        )
    for membership in cast.group.memberships.select_related("person"):
        Attendance.objects.create(meeting=big, person=membership.person, status=Attendance.Status.PRESENT)
    big.minutes_status = Meeting.MinutesStatus.DRAFT
    big.save(update_fields=["minutes_status"])
    return {"cast": cast, "meeting": big, "person": everywhere, "group": cast.group}


def cases(data: dict) -> list[tuple[str, str, object]]:
    from tandem.meetings import calendar

    pk = data["meeting"].pk
    token = calendar.person_token(data["person"])
    officer = data["cast"].officer
    return [
        ("/healthz (baseline)", "/healthz", None),
        (f"agenda pack PDF, {ITEMS} items (public)", f"/meetings/{pk}/agenda.pdf", None),
        (f"agenda pack PDF, {ITEMS} items (officer)", f"/meetings/{pk}/agenda.pdf", officer),
        (f"agenda .docx, {ITEMS} items", f"/meetings/{pk}/agenda.docx", officer),
        (f"minutes PDF, {ITEMS} items (draft)", f"/meetings/{pk}/minutes.pdf", officer),
        ("invitation .ics", f"/meetings/{pk}/invite.ics", None),
        ("group feed .ics, 12 months", f"/groups/{data['group'].slug}/meetings.ics", None),
        (f"personal feed .ics, {GROUPS} groups × 12", f"/calendar/{token}.ics", None),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "10")))
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET", "90")))
    args = parser.parse_args()

    started = time.perf_counter()
    harness.configure(WORK)
    data = build_data()
    from tandem.meetings.models import AgendaItem, Meeting

    print(
        f"data: {GROUPS} groups, {Meeting.objects.count()} meetings, "
        f"{AgendaItem.objects.count()} agenda items "
        f"(set up in {time.perf_counter() - started:.1f}s)"
    )
    listed = cases(data)
    per_case = args.budget / len(listed)
    header = (
        f"{'case':<40} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'× base':>7} "
        f"{'queries':>8} {'KiB':>7} {'events':>7} {'n':>4}"
    )
    print(header)
    print("-" * len(header))
    baseline = None
    failures = 0
    for label, path, user in listed:
        result = harness.measure(path, user, args.repeat, per_case, warmups=1)
        baseline = baseline or result["median"]
        if result["status"] != 200:
            failures += 1
        print(
            f"{label:<40} {result['status']:>6} {result['median']:>10.1f} {result['p95']:>8.1f} "
            f"{result['median'] / baseline:>7.1f} {result['queries']:>8} {result['bytes'] / 1024:>7.1f} "
            f"{result['response'].content.count(b'BEGIN:VEVENT') or '':>7} {result['n']:>4}"
        )
    print(f"total {time.perf_counter() - started:.1f}s")
    shutil.rmtree(WORK, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
