"""Import police.uk street-level crime and ASB files, and outcomes files, into the evidence."""

from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from tandem.evidence.importers.police_uk import FileRefused
from tandem.evidence.management.commands._import_command import ImportCommand
from tandem.evidence.models import ImportRun
from tandem.evidence.placement import Placer
from tandem.evidence.services import police_file_import, police_files_find


class Command(ImportCommand):
    help = (
        "Import police.uk files: street-level crime and anti-social behaviour CSVs, outcomes CSVs, "
        "directories of them and police.uk's monthly .zip archives. Each file is one transaction; "
        "importing a file again adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("paths", nargs="+", help="CSV files, .zip archives or directories.")

    def handle(self, *args, **options) -> None:
        try:
            files = police_files_find(options["paths"])
        except (FileNotFoundError, FileRefused) as error:
            raise CommandError(str(error)) from error
        if not files:
            raise CommandError("No .csv or .zip files were found there.")
        placer = Placer.from_database()
        console = Console(stderr=True)
        runs: list[ImportRun] = []
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress:
            overall = progress.add_task(f"{len(files)} files", total=sum(file.size for file in files))
            done = 0
            for file in files:
                task = progress.add_task(file.name.rsplit("/", 1)[-1][:60], total=file.size or 1)

                def advance(read: int, size: int, task=task, done=done) -> None:
                    progress.update(task, completed=read)
                    progress.update(overall, completed=done + read)

                run = police_file_import(file=file, placer=placer, progress=advance)
                runs.append(run)
                done += file.size
                progress.update(overall, completed=done)
                progress.remove_task(task)
                if not options["json"]:
                    self.say(run)
        self.finish(runs, as_json=options["json"])
