"""Send the leads' weekly action digests and the evaluation reminders due, now; or queue the
weekly background task."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateformat import format as format_date
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from tandem.actionplans import digest
from tandem.actionplans.tasks import schedule_weekly_digests


def _week(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f'"{value}" is not a date: give it as YYYY-MM-DD, for example 2026-03-02.'
        ) from exc


class Command(BaseCommand):
    help = (
        "Send each lead ONE email listing their open actions overdue or due within two weeks, with a "
        "one-click progress link for each, and email the evaluation reminders that are due. Running it "
        "again in the same week sends nothing more. --enqueue instead queues the weekly background task "
        "(next Monday 07:00 Europe/London; it then queues itself every week)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would get what; send and record nothing."
        )
        parser.add_argument(
            "--week", help="Any day (YYYY-MM-DD) of the week to send for; this week if not given."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the weekly background task instead of sending now."
        )

    def handle(self, *args, **options) -> None:
        console = Console(file=self.stdout, highlight=False, width=120)
        week = _week(options["week"]) if options["week"] else None
        if options["enqueue"]:
            if options["dry_run"] or week:
                raise CommandError("--enqueue queues the weekly task: it takes no --dry-run or --week.")
            result = schedule_weekly_digests()
            when = format_date(digest.next_run_after(), "l j F Y, H:i")
            if result is None:
                console.print(
                    f"Not queued: the weekly digest is queued already for {when}, or the task backend "
                    "cannot run tasks later."
                )
            else:
                console.print(f"Queued the weekly digest for {when} (Europe/London).")
            return

        with Progress(
            TextColumn("[bold]Sending digests[/bold]"), BarColumn(), MofNCompleteColumn(), transient=True
        ) as progress:
            bar = progress.add_task("digests", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            report = digest.weekly_send(week=week, dry_run=options["dry_run"], progress=advance)

        self._print(console, report)

    def _print(self, console: Console, report: digest.WeeklyReport) -> None:
        digests, reminders = report.digests, report.reminders
        verb = "Would send" if digests.dry_run else "Sent"
        week = format_date(digests.week_start, "j F Y")
        console.print(
            f"[bold]Week beginning {week}[/bold]{' (dry run: nothing sent)' if digests.dry_run else ''}"
        )
        console.print(f"{verb} {len(digests.sent)} digest{'s' if len(digests.sent) != 1 else ''}.")
        for sent in digests.sent:
            console.print(
                f"  {sent.person.name} <{sent.person.email}>: {len(sent.overdue)} overdue, "
                f"{len(sent.due_soon)} due soon"
            )
        if digests.already_sent:
            console.print(f"Already sent this week, so not again: {len(digests.already_sent)}.")
        if digests.without_email:
            names = ", ".join(person.name for person in digests.without_email)
            console.print(f"[yellow]Leads without an email address, not sent: {names}.[/yellow]")
        for person, error in digests.failed:
            console.print(f"[red]Failed for {person.name}: {error} (tried again next run)[/red]")
        console.print(
            f"{'Would send' if reminders.dry_run else 'Sent'} {len(reminders.sent)} evaluation "
            f"reminder{'s' if len(reminders.sent) != 1 else ''}."
        )
        for reminder in reminders.sent:
            console.print(f"  {reminder.action.lead.name}: evaluate “{reminder.action.description[:60]}”")
        if reminders.no_email:
            waiting = len(reminders.no_email)
            console.print(f"[yellow]Reminders waiting for a lead with an email address: {waiting}.[/yellow]")
        for reminder, error in reminders.failed:
            console.print(f"[red]Reminder for action {reminder.action_id} failed: {error}[/red]")
        if digests.failed or reminders.failed:
            raise CommandError("Some emails could not be sent; running the command again retries them.")
