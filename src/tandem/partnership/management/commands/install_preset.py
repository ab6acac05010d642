"""Install one of the structure presets (group types and their stakeholder lists) into a partnership."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.partnership.models import Partnership
from tandem.partnership.presets import PRESETS, preset_install


class Command(BaseCommand):
    help = "Install a structure preset's group types into a partnership. Installing twice changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("preset", choices=list(PRESETS), help="Which preset to install.")
        parser.add_argument("--partnership", required=True, help="The slug of the partnership.")

    def handle(self, *args, **options) -> None:
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            known = ", ".join(Partnership.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(
                f'There is no partnership with the slug "{options["partnership"]}". '
                f"The partnerships are: {known}."
            )
        preset = PRESETS[options["preset"]]
        group_types = preset_install(partnership=partnership, key=preset.key)
        chain = " → ".join(f"{t.name} ({t.short_name})" if t.short_name else t.name for t in group_types)
        self.stdout.write(self.style.SUCCESS(f"{preset.name} is installed in {partnership}: {chain}."))
