"""Import files of another organisation's log (CSV) with the columns saved for its source."""

from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tandem.evidence.generic_services import generic_file_import
from tandem.evidence.management.commands._import_command import ImportCommand
from tandem.evidence.models import ImportRun, Source
from tandem.evidence.placement import Placer


class Command(ImportCommand):
    help = (
        "Import CSV files of another organisation's incident log (a council's or housing provider's "
        "complaints) into a source whose columns were chosen on its upload page. Each file is one "
        "transaction; importing a file again adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("paths", nargs="+", help="CSV files of the source's log.")
        parser.add_argument("--source", required=True, help="The source's slug (see its upload page).")

    def handle(self, *args, **options) -> None:
        source = self._source(options["source"])
        paths = [Path(given) for given in options["paths"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"There is no file “{path}”.")
        placer = Placer.from_database()
        console = Console(stderr=True)
        runs: list[ImportRun] = []
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress:
            for path in paths:
                task = progress.add_task(path.name[:60], total=None)

                def advance(done: int, total: int, task=task) -> None:
                    progress.update(task, completed=done, total=total)

                run = generic_file_import(
                    source=source,
                    content=path.read_bytes(),
                    file_name=str(path),
                    placer=placer,
                    progress=advance,
                )
                runs.append(run)
                progress.remove_task(task)
                if not options["json"]:
                    self.say(run)
        self.finish(runs, as_json=options["json"])

    def _source(self, slug: str) -> Source:
        source = Source.objects.filter(slug=slug).first()
        if source is None:
            known = ", ".join(Source.objects.filter(kind=Source.Kind.GENERIC).values_list("slug", flat=True))
            raise CommandError(
                f"There is no source “{slug}”." + (f" The sources are: {known}." if known else "")
            )
        if source.kind != Source.Kind.GENERIC:
            raise CommandError(
                f"“{source.name}” is a police.uk source: import its files with import_police_data."
            )
        if not source.column_mapping:
            raise CommandError(
                f"The columns of “{source.name}” have not been chosen yet: upload its first file on the "
                "source's upload page and choose them there, then import the rest here."
            )
        return source
