"""Import area boundaries, or LSOAs placed in areas, from a GeoJSON FeatureCollection."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from tandem.places.models import Area
from tandem.places.services import BoundaryImportError, areas_import_geojson, lsoas_import_geojson


class Command(BaseCommand):
    help = (
        "Import areas from a GeoJSON FeatureCollection of polygons: each feature becomes (or updates) "
        "an area of --kind under --parent. With --lsoa, the features are LSOAs placed in the areas "
        "under --parent, by boundary or by a --lookup CSV. British National Grid files are reprojected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A GeoJSON file (a FeatureCollection of Polygons/MultiPolygons).")
        parser.add_argument(
            "--kind",
            choices=Area.Kind.values,
            help="The kind of the areas to create; with --lsoa, the kind of area to place LSOAs in.",
        )
        parser.add_argument("--parent", help="The slug of the area the new areas sit in.")
        parser.add_argument("--name-property", default="name", help="The feature property with the name.")
        parser.add_argument("--code-property", help="The feature property with the official (ONS) code.")
        parser.add_argument(
            "--source", default="", help="Where the boundaries came from, with their licence."
        )
        parser.add_argument(
            "--crs", help="The coordinate reference system, if the file does not say (EPSG:27700)."
        )
        parser.add_argument("--lsoa", action="store_true", help="The features are LSOAs to place in areas.")
        parser.add_argument("--census-year", type=int, choices=[2011, 2021], default=2021)
        parser.add_argument("--lookup", help="With --lsoa: a CSV of LSOA code → area code to place them by.")
        parser.add_argument(
            "--lookup-lsoa-column", help="The lookup's LSOA code column (found if not given)."
        )
        parser.add_argument(
            "--lookup-area-column", help="The lookup's area code column (found if not given)."
        )

    def handle(self, *args, **options) -> None:
        parent = None
        if options["parent"]:
            parent = Area.objects.filter(slug=options["parent"]).first()
            if parent is None:
                raise CommandError(f'There is no area with the slug "{options["parent"]}".')
        if options["lsoa"]:
            if not options["code_property"]:
                raise CommandError(
                    "Importing LSOAs needs --code-property (the feature property with the code)."
                )
        else:
            if not options["kind"]:
                raise CommandError("Say what kind of areas these are with --kind (for example --kind ward).")
            if options["lookup"]:
                raise CommandError("--lookup is only for --lsoa imports.")

        with Progress(
            TextColumn("[bold]Importing[/bold]"), BarColumn(), MofNCompleteColumn(), transient=True
        ) as progress:
            task = progress.add_task("import", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            try:
                if options["lsoa"]:
                    report = lsoas_import_geojson(
                        source=options["file"],
                        parent=parent,
                        kind=options["kind"],
                        code_property=options["code_property"],
                        name_property=options["name_property"],
                        census_year=options["census_year"],
                        lookup=options["lookup"],
                        lookup_lsoa_column=options["lookup_lsoa_column"],
                        lookup_area_column=options["lookup_area_column"],
                        crs=options["crs"],
                        progress=advance,
                    )
                else:
                    report = areas_import_geojson(
                        source=options["file"],
                        kind=options["kind"],
                        parent=parent,
                        name_property=options["name_property"],
                        code_property=options["code_property"],
                        boundary_source=options["source"],
                        crs=options["crs"],
                        progress=advance,
                    )
            except BoundaryImportError as error:
                raise CommandError(f"{error} Nothing was imported.") from error

        what = "LSOAs" if options["lsoa"] else "areas"
        self.stdout.write(self.style.SUCCESS(f"Imported {report.total} {what}: {report.summary()}."))
        if report.unplaced:
            shown = ", ".join(report.unplaced[:20]) + (" …" if len(report.unplaced) > 20 else "")
            self.stdout.write(self.style.WARNING(f"Not in any area: {shown}"))
