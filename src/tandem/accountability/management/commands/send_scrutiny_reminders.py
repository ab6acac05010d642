"""Email the crime and disorder scrutiny committees whose yearly review of the partnership is
due, now; or queue the daily background task."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateformat import format as format_date

from tandem.accountability import scrutiny
from tandem.accountability.tasks import next_run_after, schedule_scrutiny_reminders


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f'"{value}" is not a date: give it as YYYY-MM-DD, for example 2026-03-02.'
        ) from exc


class Command(BaseCommand):
    help = (
        "Email the members of each crime and disorder scrutiny committee whose yearly review of the "
        "partnership is due (last meeting more than 11 months ago, or none, and none scheduled in "
        "time). Each committee is reminded once for each date due, so running it again sends nothing "
        "more. --enqueue instead queues the daily background task (07:00 Europe/London)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Show who would be emailed; send nothing.")
        parser.add_argument("--today", help="Work as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the daily background task instead of sending now."
        )

    def handle(self, *args, **options) -> None:
        if options["enqueue"]:
            if options["dry_run"] or options["today"]:
                raise CommandError("--enqueue queues the daily task: it takes no --dry-run or --today.")
            result = schedule_scrutiny_reminders()
            when = format_date(next_run_after(), "l j F Y, H:i")
            if result is None:
                self.stdout.write(
                    f"Not queued: the reminders are queued already for {when}, or the task backend "
                    "cannot run tasks later."
                )
            else:
                self.stdout.write(f"Queued the scrutiny reminders for {when} (Europe/London).")
            return
        today = _day(options["today"]) if options["today"] else None
        report = scrutiny.scrutiny_reminders_send(today=today, dry_run=options["dry_run"])
        verb = "Would remind" if report.dry_run else "Reminded"
        self.stdout.write(f"{verb} {len(report.sent)} committee{'s' if len(report.sent) != 1 else ''}.")
        for state, recipients in report.sent:
            group = state.group
            self.stdout.write(f"  {group.name} ({group.partnership.name}): {len(recipients)} members")
        for state in report.already_sent:
            self.stdout.write(f"  Already reminded: {state.group.name}")
        for state in report.no_members:
            self.stdout.write(f"  No current member with an email address: {state.group.name}")
        for state, error in report.failed:
            self.stderr.write(f"  Failed for {state.group.name}: {error} (tried again next run)")
        if report.failed:
            raise CommandError("Some reminders could not be sent; running the command again retries them.")
