"""Demo evidence: real police.uk months for Leicester and the City of London, on real boundaries.

Called by ``manage.py load_demo``. Trafford, the demo partnership, has no street-level police
data in the project's real data, so the demo's evidence is for two places that have: the nine
districts of the Leicestershire Police area and the City of London (district boundaries), with
Leicester's 192 and the City's 6 LSOAs (2011) as its neighbourhoods, and

- twelve months of Leicestershire Police street-level crime and ASB, November 2021 to
  October 2022, the rows in Leicester's LSOAs (about 53,000);
- twenty-four months of City of London Police, January 2024 to December 2025 (about 19,000).

They are police.uk's own files (see ``demo/SOURCES.md``), imported through the same importer
as any other upload. Running the demo again imports nothing twice (each archive member whose
import is already done is skipped).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tandem.places.models import Area
from tandem.places.services import areas_import_geojson, lsoas_import_geojson

from .models import ImportRun
from .placement import Placer
from .services import police_file_import, police_files_find

DATA = Path(__file__).parent / "demo"
BOUNDARY_SOURCE = (
    "Office for National Statistics (LAD and LSOA 2011 boundaries), Open Government Licence v3.0; "
    "contains OS data © Crown copyright and database right"
)
LEICESTER = "E06000016"
CITY_OF_LONDON = "E09000001"
ARCHIVES = ("police-uk-leicester-2021-11-to-2022-10.zip", "police-uk-city-of-london-2024-01-to-2025-12.zip")


def _neighbourhoods(district: Area, file: str) -> None:
    areas_import_geojson(
        source=DATA / file,
        kind=Area.Kind.NEIGHBOURHOOD,
        parent=district,
        name_property="LSOA11NM",
        code_property="LSOA11CD",
        boundary_source=BOUNDARY_SOURCE,
    )
    lsoas_import_geojson(
        source=DATA / file,
        parent=district,
        kind=Area.Kind.NEIGHBOURHOOD,
        code_property="LSOA11CD",
        name_property="LSOA11NM",
        census_year=2011,
    )


def demo_load(*, partnership, progress: Callable[[str], None], created: dict[str, int]) -> None:
    progress("evidence: Leicestershire and City of London boundaries")
    areas_import_geojson(
        source=DATA / "districts.geojson",
        kind=Area.Kind.DISTRICT,
        parent=None,
        name_property="name",
        code_property="code",
        boundary_source=BOUNDARY_SOURCE,
    )
    _neighbourhoods(Area.objects.get(code=LEICESTER), "leicester-lsoas-2011.geojson")
    _neighbourhoods(Area.objects.get(code=CITY_OF_LONDON), "city-of-london-lsoas-2011.geojson")

    progress("evidence: police.uk street-level crime for Leicester and the City of London")
    done = set(ImportRun.objects.filter(status=ImportRun.Status.DONE).values_list("file_name", flat=True))
    placer = None
    imported = 0
    for archive in ARCHIVES:
        for file in police_files_find([DATA / archive]):
            name = _demo_name(file.name)
            if name in done:
                continue
            placer = placer or Placer.from_database()
            run = police_file_import(file=file, placer=placer)
            run.file_name = name
            run.save(update_fields=["file_name"])
            imported += run.imported
    if imported:
        created["police.uk incidents"] = created.get("police.uk incidents", 0) + imported


def _demo_name(name: str) -> str:
    """An archive member's name without the folders of this machine: "<archive>:<member>"."""
    archive, _, member = name.rpartition(":")
    return f"{Path(archive).name}:{member}"
