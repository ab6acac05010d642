"""Load the demo partnership (Trafford, on real boundaries) and the demo sign-in accounts."""

import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from rich.console import Console

from tandem.partnership.demo.loader import PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo partnership: Trafford's real boundaries, made-up people and groups, and four demo "
        "sign-in accounts. Running it again brings the demo up to date and adds nothing."
    )

    def handle(self, *args, **options) -> None:
        console = Console(file=self.stdout, highlight=False)
        started = time.monotonic()
        with console.status("Loading the demo partnership…") as status:

            def progress(step: str) -> None:
                status.update(f"Loading the demo partnership: {step}…")
                console.log(step)

            report = demo_load(progress=progress)
            # Apps above the partnership add their demo data through a `demo` module of their own
            # (meetings, problems …): found here, never imported by name, so no import points upward.
            for config in apps.get_app_configs():
                if not config.name.startswith("tandem.") or config.name == "tandem.partnership":
                    continue
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.demo_load(partnership=report.partnership, progress=progress, created=report.created)

        created = ", ".join(f"{n} {what}" for what, n in sorted(report.created.items())) or "nothing new"
        updated = ", ".join(f"{n} {what}" for what, n in sorted(report.updated.items()))
        console.print(f"[green]Loaded {report.partnership} in {time.monotonic() - started:.1f} s.[/green]")
        console.print(f"Created: {created}." + (f" Updated: {updated}." if updated else ""))
        console.print(
            "Boundaries: Office for National Statistics, Open Government Licence v3.0; "
            "contains OS data © Crown copyright and database right."
        )
        console.print(f"\n[bold]Demo sign-in accounts[/bold] (password: {PASSWORD})")
        for email, description in report.logins:
            console.print(f"  {email:<22} {description}")
