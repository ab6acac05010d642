"""Issue an Open311 key to a new client application and print it (the only time it is shown)."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.open311.models import ClientApplication
from tandem.open311.services import client_create


class Command(BaseCommand):
    help = "Issue an Open311 API key to a new client application and print the key (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The application's name, such as “Castleford FixMyStreet”.")
        parser.add_argument("--json", action="store_true", help="Print the client and its key as JSON.")

    def handle(self, *args, **options) -> None:
        name = " ".join(options["name"].split())
        if ClientApplication.objects.filter(name__iexact=name).exists():
            raise CommandError(f"There is already a client application called “{name}”: choose another name.")
        try:
            client, key = client_create(name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if options["json"]:
            self.stdout.write(json.dumps({"id": client.pk, "name": client.name, "api_key": key}))
            return
        self.stdout.write(self.style.SUCCESS(f"Issued a key to “{client.name}”. It is shown only this once:"))
        self.stdout.write(key)
