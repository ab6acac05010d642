"""Delete or anonymise closed cases whose retention period has ended; --preview to see first."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateformat import format as format_date
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from tandem.cases import selectors
from tandem.cases.retention import retention_run
from tandem.cases.tasks import next_run_after, schedule_retention


class Command(BaseCommand):
    help = (
        "Delete or anonymise (as each agreement says) the closed cases whose agreement's retention "
        "period has ended, writing an audit entry for each. --preview lists them and changes nothing; "
        "--enqueue queues the daily background task instead (02:00 Europe/London)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preview", action="store_true", help="List what would be done; change nothing.")
        parser.add_argument("--enqueue", action="store_true", help="Queue the daily background task instead.")

    def handle(self, *args, **options) -> None:
        console = Console(file=self.stdout, highlight=False, width=120)
        if options["enqueue"]:
            if options["preview"]:
                raise CommandError("--enqueue queues the daily task: it takes no --preview.")
            result = schedule_retention()
            when = format_date(next_run_after(), "l j F Y, H:i")
            console.print(
                f"Queued for {when}." if result else "Already queued, or the backend cannot defer tasks."
            )
            return
        preview = options["preview"]
        due = len(selectors.retention_due())
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        ) as progress:
            bar = progress.add_task("Checking cases" if preview else "Applying retention", total=due)
            report = retention_run(preview=preview, progress=lambda row: progress.advance(bar))
        table = Table(title="Would be done (preview: nothing changed)" if preview else "Done")
        for column in ("Case", "Closed", "Retention", "Action"):
            table.add_column(column)
        done = {"delete": "deleted", "anonymise": "anonymised"}
        for row in report.rows:
            table.add_row(
                row.reference,
                format_date(row.closed_on, "j M Y"),
                f"{row.retention_months} months",
                row.action if preview else done[row.action],
            )
        if report.rows:
            console.print(table)
        summary = (
            f"{report.deleted} to delete, {report.anonymised} to anonymise"
            if preview
            else (f"{report.deleted} deleted, {report.anonymised} anonymised; each is in the audit log")
        )
        console.print(
            f"{'Preview: ' if preview else ''}{summary}." if report.rows else "No case is due for retention."
        )
