"""Time the case pages with the access rule and the audit writes included: an officer's caseload
and case list with many cases, and one case page with 500 timeline entries.

    .venv/bin/python bench/bench_cases.py [--cases 200] [--entries 500] [--repeat 30] [--budget 90]

Builds a throwaway database under var/bench-cases/ (or BENCH_DATABASE_URL, emptied first): the
test cast's partnership, an agreement signed by the police and the council, --cases open cases
led by the police officer (each involving the council, with three people, three tasks — some
overdue — a risk assessment and five timeline entries), and one case with --entries timeline
entries (a third of them kept to the council, so the officer's page filters them out), ten
people, twenty tasks and ten interventions. Then, after a warm-up, GETs each page through
Django's test client as the police officer: every request runs access_case_for_user (or
case_list_for_user) and writes its audit row, as in real use. Prints the median and 95th
percentile in milliseconds, the query count, the size and the number of requests timed, with
/healthz as the same-run baseline; exits 1 if a page does not answer 200 or a median is over
the goal (150 ms).
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
WORK = ROOT / "var" / "bench-cases"
GOAL_MS = 150


def build_data(cases: int, entries: int) -> dict:
    from importlib import import_module

    from django.apps import apps
    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.cases import services
    from tandem.cases.audit import Actor
    from tandem.cases.models import (
        AgencyStaff,
        CaseSubject,
        InterventionType,
        Purpose,
        Questionnaire,
        Subject,
        Task,
        TimelineEntry,
    )
    from tests.factories import Cast, make_organisation, make_user

    harness.fresh_database()
    if not Purpose.objects.exists():  # flushed with the rest on BENCH_DATABASE_URL
        import_module("tandem.cases.migrations.0002_seed_configuration").seed(apps, None)
    cast = Cast()
    council = make_organisation(name="Castleford Council")
    officer = make_user(role=User.Role.OFFICER, name="Sam Signatory")
    AgencyStaff.objects.create(user=officer, organisation=cast.police, start_date=dt.date(2020, 1, 1))
    council_officer = make_user(role=User.Role.OFFICER, name="Carla Council")
    AgencyStaff.objects.create(user=council_officer, organisation=council, start_date=dt.date(2020, 1, 1))
    today = timezone.localdate()
    purpose = Purpose.objects.get(slug="vulnerable-adults")
    admin = Actor(user=cast.administrator)
    agreement = services.agreement_create(
        partnership=cast.partnership,
        purposes=[purpose],
        organisations=[cast.police, council],
        actor=admin,
        title="Vulnerable adults",
        purpose="Bench",
        data_categories="Names",
        starts_on=today - dt.timedelta(days=30),
        expires_on=today + dt.timedelta(days=300),
        review_on=today + dt.timedelta(days=100),
    )
    for organisation in (cast.police, council):
        services.agreement_sign(agreement=agreement, organisation=organisation, signer_name="S", actor=admin)
    actor = Actor(user=officer)
    questionnaire = Questionnaire.objects.get(slug="asb-victim-risk-assessment")
    question_ids = list(questionnaire.questions.values_list("pk", flat=True))

    def open_case(n: int, *, timeline: int, people: int, tasks: int):
        case = services.case_open(
            agreement=agreement,
            purpose=purpose,
            title=f"Bench case {n}",
            lead_organisation=cast.police,
            lead_officer=officer,
            agencies=[council],
            actor=actor,
        )
        subjects = Subject.objects.bulk_create(
            [Subject(partnership=cast.partnership, name=f"Person {n}-{i}") for i in range(people)]
        )
        CaseSubject.objects.bulk_create([CaseSubject(case=case, subject=s, role="victim") for s in subjects])
        Task.objects.bulk_create(
            [
                Task(
                    case=case,
                    organisation=cast.police if i % 2 else council,
                    description=f"Task {i}",
                    due_on=today + dt.timedelta(days=i - 1),
                    created_by=officer,
                )
                for i in range(tasks)
            ]
        )
        services.risk_assessment_record(
            case=case,
            questionnaire=questionnaire,
            yes_ids=question_ids[: n % 6],
            organisation_id=cast.police.pk,
            actor=actor,
        )
        now = timezone.now()
        TimelineEntry.objects.bulk_create(
            [
                TimelineEntry(
                    case=case,
                    text=f"Entry {i}: contact with the resident about the calls. " * 3,
                    organisation=council if i % 3 == 0 else cast.police,
                    is_shared=i % 3 != 0,
                    happened_at=now - dt.timedelta(hours=i),
                    by=officer,
                )
                for i in range(timeline)
            ]
        )
        return case

    for n in range(cases):
        open_case(n, timeline=5, people=3, tasks=3)
    big = open_case(cases, timeline=entries, people=10, tasks=20)
    letter = InterventionType.objects.get(slug="warning-letter")
    for _ in range(10):
        services.intervention_record(case=big, type=letter, organisation_id=cast.police.pk, actor=actor)
    return {"officer": officer, "big": big}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "30")))
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET", "90")))
    args = parser.parse_args()

    started = time.perf_counter()
    harness.configure(WORK)
    data = build_data(args.cases, args.entries)
    from django.db import connection

    from tandem.cases.models import AuditEntry, Case, TimelineEntry

    print(
        f"data ({connection.vendor}): {Case.objects.count()} cases, {TimelineEntry.objects.count()} timeline "
        f"entries, {data['big'].timeline.count()} on the big case "
        f"(set up in {time.perf_counter() - started:.1f}s)"
    )
    officer, big = data["officer"], data["big"]
    listed = [
        ("/healthz (baseline)", "/healthz", None, False),
        (f"caseload, {args.cases + 1} open cases", "/cases/", officer, True),
        ("case list, first 50", "/cases/all/", officer, True),
        (f"case page, {args.entries} timeline entries", big.get_absolute_url(), officer, True),
        ("the same, ?timeline=all", big.get_absolute_url() + "?timeline=all", officer, True),
        ("case list searched by name", "/cases/all/?q=Person+7-1", officer, True),
    ]
    per_case = args.budget / len(listed)
    header = f"{'page':<40} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KiB':>7} {'n':>4}"
    print(header)
    print("-" * len(header))
    failures = 0
    audit_before = AuditEntry.objects.count()
    for label, path, user, goal in listed:
        result = harness.measure(path, user, args.repeat, per_case, warmups=3)
        over = goal and result["median"] > GOAL_MS
        if result["status"] != 200 or over:
            failures += 1
        print(
            f"{label:<40} {result['status']:>6} {result['median']:>10.1f} {result['p95']:>8.1f} "
            f"{result['queries']:>8} {result['bytes'] / 1024:>7.1f} {result['n']:>4}"
            + ("  over the goal" if over else "")
        )
    print(f"audit rows written while timing: {AuditEntry.objects.count() - audit_before}")
    print(f"goal: median under {GOAL_MS} ms; total {time.perf_counter() - started:.1f}s")
    shutil.rmtree(WORK, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
