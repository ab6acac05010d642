"""Writes for places: importing area boundaries and LSOAs from GeoJSON files.

The importers read and check the whole file first, then write everything in one
transaction, so a bad file changes nothing. Matching is by official code, else
by name under the same parent, so importing the same file twice adds nothing.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyproj
import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from tandem.places.models import LSOA, Area

# Decimal places kept in stored coordinates: 6 is about 10 cm, plenty for boundaries.
COORDINATE_PRECISION = 6

Progress = Callable[[int, int], None]


class BoundaryImportError(ValueError):
    """A boundary file or lookup that cannot be imported; the message says why and where."""


@dataclass
class ImportReport:
    """What an import did. `skipped` counts features that were already up to date."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    unplaced: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.skipped + len(self.unplaced)

    def summary(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.skipped} unchanged"
        if self.unplaced:
            text += f", {len(self.unplaced)} not placed in any area"
        return text


@dataclass(frozen=True)
class BoundaryFeature:
    """One checked feature of a boundary file, its geometry in WGS84 longitude/latitude."""

    number: int
    name: str
    code: str
    geometry: BaseGeometry

    @property
    def label(self) -> str:
        return f"Feature {self.number} ({self.name})"


# --- Reading -------------------------------------------------------------------------------------


def _load_collection(source: str | Path | dict) -> dict:
    if isinstance(source, dict):
        return source
    path = Path(source)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise BoundaryImportError(f"There is no file at {path}.") from error
    except IsADirectoryError as error:
        raise BoundaryImportError(f"{path} is a folder, not a GeoJSON file.") from error
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise BoundaryImportError(f"{path.name} is not a text file (it is not UTF-8).") from error
    except json.JSONDecodeError as error:
        raise BoundaryImportError(
            f"{path.name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from error


def _transformer_for(collection: dict, crs: str | None) -> pyproj.Transformer | None:
    """None when the coordinates are already longitude/latitude (WGS84, the GeoJSON default)."""
    name = crs
    if name is None:
        member = collection.get("crs")
        if member is None:
            return None
        try:
            name = member["properties"]["name"]
        except (KeyError, TypeError) as error:
            raise BoundaryImportError(
                'The file\'s "crs" member is not understood: it should look like '
                '{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}.'
            ) from error
    try:
        source_crs = pyproj.CRS.from_user_input(name)
    except pyproj.exceptions.CRSError as error:
        raise BoundaryImportError(
            f'The coordinate reference system "{name}" is not one Tandem knows.'
        ) from error
    if source_crs.equals(pyproj.CRS("OGC:CRS84")) or source_crs.to_epsg() == 4326:
        # GeoJSON files in EPSG:4326 are, in practice, longitude first like CRS84.
        return None
    return pyproj.Transformer.from_crs(source_crs, "EPSG:4326", always_xy=True)


def _text_property(properties: dict, key: str, number: int) -> str:
    if key not in properties:
        present = ", ".join(sorted(properties)) if properties else "none"
        raise BoundaryImportError(
            f'Feature {number} has no "{key}" property. The properties it has are: {present}.'
        )
    value = properties[key]
    text = "" if value is None else str(value).strip()
    if not text:
        raise BoundaryImportError(f'Feature {number} has an empty "{key}" property.')
    return text


def features_read(
    source: str | Path | dict,
    *,
    name_property: str,
    code_property: str | None = None,
    crs: str | None = None,
) -> list[BoundaryFeature]:
    """Read and check a GeoJSON FeatureCollection of polygons; reproject to WGS84 if needed.

    `crs` overrides the file's own "crs" member (for example "EPSG:27700").
    Raises BoundaryImportError naming the feature (numbered from 1) for anything wrong.
    """
    collection = _load_collection(source)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        found = collection.get("type") if isinstance(collection, dict) else type(collection).__name__
        raise BoundaryImportError(
            f'The file is not a GeoJSON FeatureCollection (its type is "{found}"). '
            "Export the boundaries as a FeatureCollection of polygons."
        )
    raw_features = collection.get("features")
    if not isinstance(raw_features, list):
        raise BoundaryImportError('The FeatureCollection has no "features" list.')
    if not raw_features:
        raise BoundaryImportError("The file has no features.")
    transformer = _transformer_for(collection, crs)

    features = []
    seen_codes: dict[str, int] = {}
    for number, raw in enumerate(raw_features, start=1):
        if not isinstance(raw, dict) or raw.get("type") != "Feature":
            raise BoundaryImportError(f"Feature {number} is not a GeoJSON Feature.")
        properties = raw.get("properties") or {}
        if not isinstance(properties, dict):
            raise BoundaryImportError(f"Feature {number} has properties that are not an object.")
        name = _text_property(properties, name_property, number)
        code = _text_property(properties, code_property, number) if code_property else ""
        if len(code) > 20:
            raise BoundaryImportError(
                f'Feature {number} ({name}) has a code longer than 20 characters: "{code}".'
            )
        if code:
            if code in seen_codes:
                raise BoundaryImportError(
                    f'Features {seen_codes[code]} and {number} have the same code "{code}".'
                )
            seen_codes[code] = number
        geometry = _geometry_read(raw.get("geometry"), number, name, transformer)
        features.append(BoundaryFeature(number=number, name=name, code=code, geometry=geometry))
    return features


def _geometry_read(raw: Any, number: int, name: str, transformer: pyproj.Transformer | None) -> BaseGeometry:
    label = f"Feature {number} ({name})"
    if not raw:
        raise BoundaryImportError(f"{label} has no geometry.")
    try:
        geometry = shape(raw)
    except Exception as error:  # shapely raises several kinds for malformed coordinates
        raise BoundaryImportError(f"{label} has a geometry that cannot be read: {error}.") from error
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise BoundaryImportError(
            f"{label} is a {geometry.geom_type}; boundaries must be a Polygon or MultiPolygon."
        )
    if geometry.is_empty:
        raise BoundaryImportError(f"{label} has an empty geometry.")
    if not geometry.is_valid:
        raise BoundaryImportError(f"{label} has an invalid geometry: {explain_validity(geometry)}.")
    if transformer is not None:
        geometry = shapely.transform(geometry, transformer.transform, interleaved=False)
    min_x, min_y, max_x, max_y = geometry.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise BoundaryImportError(
            f"{label} has coordinates outside longitude and latitude ({min_x:.0f}, {min_y:.0f}). "
            "If the file is in British National Grid, it needs a crs member naming EPSG:27700 "
            "(or give the coordinate reference system with --crs EPSG:27700)."
        )
    return geometry


def _rounded(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    return round(float(value), COORDINATE_PRECISION)


def geometry_as_geojson(geometry: BaseGeometry) -> dict:
    """The geometry as a GeoJSON dict with lists and rounded coordinates, as Area.boundary stores it."""
    geojson = mapping(geometry)
    return {"type": geojson["type"], "coordinates": _rounded(geojson["coordinates"])}


def boundary_values(geometry: BaseGeometry) -> dict:
    """The Area fields that follow from a boundary: the GeoJSON and its centroid."""
    centroid = geometry.centroid
    return {
        "boundary": geometry_as_geojson(geometry),
        "centroid_lat": round(centroid.y, COORDINATE_PRECISION),
        "centroid_lng": round(centroid.x, COORDINATE_PRECISION),
    }


# --- Areas ---------------------------------------------------------------------------------------


def _unique_slug(name: str, *, parent: Area | None, code: str, exclude_pk: int | None) -> str:
    taken = Area.objects.exclude(pk=exclude_pk) if exclude_pk else Area.objects.all()
    candidates = [slugify(name)]
    if parent is not None:
        candidates.append(slugify(f"{name} {parent.name}"))
    if code:
        candidates.append(slugify(f"{name} {code}"))
    for candidate in candidates:
        if candidate and not taken.filter(slug=candidate).exists():
            return candidate
    base = candidates[-1] or "area"
    number = 2
    while taken.filter(slug=f"{base}-{number}").exists():
        number += 1
    return f"{base}-{number}"


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(f"{message}" for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


def area_save_boundary(
    *,
    name: str,
    kind: str,
    parent: Area | None,
    geometry: BaseGeometry | None,
    code: str = "",
    boundary_source: str = "",
) -> tuple[Area, str]:
    """Create or update one area (matched by code, else by name under `parent`).

    Returns the area and what happened: "created", "updated" or "unchanged".
    Saves nothing when nothing differs, so no empty history entries are written.
    """
    area = Area.objects.filter(code=code).first() if code else None
    if area is None:
        area = Area.objects.filter(parent=parent, name__iexact=name).first()
    values: dict[str, Any] = {"name": name, "kind": kind, "parent": parent}
    if code:
        values["code"] = code
    if geometry is not None:
        values.update(boundary_values(geometry))
    if boundary_source:
        values["boundary_source"] = boundary_source

    if area is None:
        area = Area(slug=_unique_slug(name, parent=parent, code=code, exclude_pk=None), **values)
        area.full_clean()
        area.save()
        return area, "created"
    changed = [key for key, value in values.items() if getattr(area, key) != value]
    if not changed:
        return area, "unchanged"
    for key in changed:
        setattr(area, key, values[key])
    area.full_clean()
    area.save(update_fields=changed)
    return area, "updated"


def areas_import_geojson(
    *,
    source: str | Path | dict,
    kind: str,
    parent: Area | None,
    name_property: str,
    code_property: str | None = None,
    boundary_source: str = "",
    crs: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Each feature of a GeoJSON FeatureCollection becomes (or updates) an area of `kind` under `parent`."""
    if kind not in Area.Kind.values:
        raise BoundaryImportError(
            f'"{kind}" is not a kind of area; choose one of {", ".join(Area.Kind.values)}.'
        )
    features = features_read(source, name_property=name_property, code_property=code_property, crs=crs)
    report = ImportReport()
    with transaction.atomic():
        for done, feature in enumerate(features, start=1):
            try:
                _, outcome = area_save_boundary(
                    name=feature.name,
                    kind=kind,
                    parent=parent,
                    geometry=feature.geometry,
                    code=feature.code,
                    boundary_source=boundary_source,
                )
            except ValidationError as error:
                raise BoundaryImportError(f"{feature.label} cannot be saved: {_error_text(error)}") from error
            if outcome == "created":
                report.created += 1
            elif outcome == "updated":
                report.updated += 1
            else:
                report.skipped += 1
            if progress:
                progress(done, len(features))
    return report


# --- LSOAs ---------------------------------------------------------------------------------------


def _descendants(parent: Area | None) -> list[Area]:
    if parent is None:
        return list(Area.objects.all())
    found: list[Area] = []
    frontier = [parent.pk]
    while frontier:
        children = list(Area.objects.filter(parent_id__in=frontier))
        found.extend(children)
        frontier = [child.pk for child in children]
    return found


def _lookup_read(path: str | Path, lsoa_column: str | None, area_column: str | None) -> dict[str, str]:
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            headers = reader.fieldnames or []
            lsoa_column = lsoa_column or next(
                (h for h in headers if h.lower().startswith("lsoa") and h.lower().endswith(("cd", "code"))),
                None,
            )
            area_column = area_column or next(
                (
                    h
                    for h in headers
                    if h != lsoa_column
                    and not h.lower().startswith("lsoa")
                    and h.lower().endswith(("cd", "code"))
                ),
                None,
            )
            for column, what in ((lsoa_column, "LSOA code"), (area_column, "area code")):
                if not column or column not in headers:
                    raise BoundaryImportError(
                        f"The lookup {path.name} has no {what} column"
                        + (f' "{column}"' if column else "")
                        + f". Its columns are: {', '.join(headers) or 'none'}."
                    )
            return {
                row[lsoa_column].strip(): row[area_column].strip()
                for row in reader
                if row.get(lsoa_column) and row.get(area_column)
            }
    except FileNotFoundError as error:
        raise BoundaryImportError(f"There is no lookup file at {path}.") from error
    except UnicodeDecodeError as error:
        raise BoundaryImportError(f"The lookup {path.name} is not a UTF-8 CSV file.") from error


def _placer_by_containment(candidates: list[Area]) -> Callable[[BoundaryFeature], Area | None]:
    """Place an LSOA in the deepest (then smallest) area whose boundary contains its representative point.

    An LSOA whose point falls in no area goes in the area it overlaps most, if any.
    """
    shaped = []
    for area in candidates:
        if not area.boundary:
            continue
        try:
            geometry = shape(area.boundary)
        except Exception:  # noqa: S112 (an unreadable stored boundary cannot contain anything)
            continue
        shaped.append((area, geometry))
    if not shaped:
        raise BoundaryImportError(
            "No area to place the LSOAs in has a boundary. Import the areas' boundaries first, "
            "or give a lookup CSV."
        )
    tree = shapely.STRtree([geometry for _, geometry in shaped])

    def place(feature: BoundaryFeature) -> Area | None:
        point = feature.geometry.representative_point()
        hits = [shaped[index] for index in tree.query(point, predicate="intersects")]
        if hits:
            hits.sort(key=lambda hit: (-hit[0].level, hit[1].area))
            return hits[0][0]
        # Generalised boundaries do not always nest: fall back to the area it overlaps most.
        overlaps = [
            (shaped[index][0], shaped[index][1].intersection(feature.geometry).area)
            for index in tree.query(feature.geometry, predicate="intersects")
        ]
        overlaps = [(area, overlap) for area, overlap in overlaps if overlap > 0]
        if not overlaps:
            return None
        overlaps.sort(key=lambda hit: (-hit[0].level, -hit[1]))
        return overlaps[0][0]

    return place


def lsoas_import_geojson(
    *,
    source: str | Path | dict,
    parent: Area | None,
    code_property: str,
    name_property: str,
    census_year: int = 2021,
    kind: str | None = None,
    lookup: str | Path | None = None,
    lookup_lsoa_column: str | None = None,
    lookup_area_column: str | None = None,
    crs: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Place each LSOA feature in one of the areas under `parent` (of `kind`, if given).

    Without a lookup, an LSOA goes in the area whose boundary contains its
    representative point; with a lookup CSV (LSOA code → area code), in the area
    with that code. LSOAs that fit no area are listed in the report's `unplaced`.
    """
    if census_year not in (2011, 2021):
        raise BoundaryImportError("The census year must be 2011 or 2021.")
    features = features_read(source, name_property=name_property, code_property=code_property, crs=crs)
    candidates = [area for area in _descendants(parent) if kind is None or area.kind == kind]
    if not candidates:
        where = f"under {parent}" if parent else "in Tandem"
        raise BoundaryImportError(f"There are no areas {where} to place the LSOAs in.")
    if lookup is not None:
        by_code = {area.code: area for area in candidates if area.code}
        area_codes = _lookup_read(lookup, lookup_lsoa_column, lookup_area_column)

        def place(feature: BoundaryFeature) -> Area | None:
            return by_code.get(area_codes.get(feature.code, ""))

    else:
        place = _placer_by_containment(candidates)

    existing: dict[str, list[LSOA]] = {}
    for lsoa in LSOA.objects.filter(
        code__in=[feature.code for feature in features], census_year=census_year, area__in=candidates
    ):
        existing.setdefault(lsoa.code, []).append(lsoa)

    report = ImportReport()
    with transaction.atomic():
        for done, feature in enumerate(features, start=1):
            area = place(feature)
            if area is None:
                report.unplaced.append(feature.code)
            else:
                outcome = _lsoa_save(feature, area, census_year, existing.get(feature.code, []))
                setattr(report, outcome, getattr(report, outcome) + 1)
            if progress:
                progress(done, len(features))
    return report


def _lsoa_save(feature: BoundaryFeature, area: Area, census_year: int, current: list[LSOA]) -> str:
    lsoa = next((row for row in current if row.area_id == area.pk), None) or (current[0] if current else None)
    if lsoa is None:
        lsoa = LSOA(code=feature.code, name=feature.name, census_year=census_year, area=area)
        try:
            lsoa.full_clean()
        except ValidationError as error:
            raise BoundaryImportError(f"{feature.label} cannot be saved: {_error_text(error)}") from error
        lsoa.save()
        return "created"
    changed = []
    if lsoa.area_id != area.pk:
        lsoa.area = area
        changed.append("area")
    if lsoa.name != feature.name:
        lsoa.name = feature.name
        changed.append("name")
    if not changed:
        return "skipped"
    try:
        lsoa.full_clean()
    except ValidationError as error:
        raise BoundaryImportError(f"{feature.label} cannot be saved: {_error_text(error)}") from error
    lsoa.save(update_fields=changed)
    return "updated"
