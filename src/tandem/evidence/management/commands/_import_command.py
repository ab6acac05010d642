"""What the two import commands share: the --json option, the report of each file, and the end.

The leading underscore keeps Django from taking this module for a command of its own.
"""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.evidence.models import ImportRun
from tandem.evidence.services import import_report_lines, police_import_report


class ImportCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json",
            action="store_true",
            help="End by printing the import report as one JSON object per file (one per line).",
        )

    def say(self, run: ImportRun) -> None:
        """The file's report in words, as each file is done (unless --json)."""
        styles = {"error": self.style.ERROR, "success": self.style.SUCCESS, "warning": self.style.WARNING}
        for level, line in import_report_lines(run):
            self.stdout.write(styles[level](line) if level else line)

    def finish(self, runs: list[ImportRun], *, as_json: bool) -> None:
        """Print the JSON reports with --json; fail when every file was refused."""
        if as_json:
            for run in runs:
                self.stdout.write(json.dumps(police_import_report(run), ensure_ascii=False))
        refused = [run for run in runs if run.status != ImportRun.Status.DONE]
        if refused and len(refused) == len(runs):
            raise CommandError(f"{len(refused)} of {len(runs)} files were refused; nothing was imported.")
