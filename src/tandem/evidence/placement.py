"""Place incidents in the partnership's areas and in H3 cells, a whole chunk at a time.

Points are placed on their *unique* coordinates (police.uk snaps every incident to one of a
limited set of anonymised map points, so a month of national data has far fewer points than
rows), with a shapely STRtree over the areas' boundaries and one vectorised query. An incident
goes in the deepest area that holds it (a parish before its ward, a ward before its district);
where two areas of the same depth overlap, the smaller wins. An incident with no point is
placed by its LSOA code when an LSOA with that code has been placed in an area; so is one whose
point falls outside every boundary (boundaries are generalised; LSOAs are exact).

H3: incidents are stored at resolution 9 (``H3_RESOLUTION``; ``tandem.evidence.models`` says why).
The per-cell counts are filed under an area of the cell's incidents (``store.counts_add``).

This module does not need Django until ``Placer.from_database``: a placer is pickled to the
process that reads a large file (``importers.police_rows``), which has no database.
"""

from __future__ import annotations

from dataclasses import dataclass

import h3.api.basic_int as h3int
import numpy as np
import shapely
from shapely.geometry import shape
from shapely.strtree import STRtree

NO_AREA = 0
H3_RESOLUTION = 9


@dataclass
class Placed:
    area: np.ndarray  # int64 area id, 0 where none
    cell: np.ndarray  # int64 H3 cell, 0 where there is no point


class Placer:
    """Built once per import from every area with a boundary and every placed LSOA."""

    def __init__(
        self, areas: list[tuple[int, int, dict]], lsoas: dict[str, int], parents: dict[int, int | None]
    ):
        geometries = []
        ids = []
        ranks = []
        for area_id, level, boundary in areas:
            try:
                geometry = shape(boundary)
            except (ValueError, TypeError, KeyError, AttributeError):
                continue
            if geometry.is_empty:
                continue
            geometries.append(geometry)
            ids.append(area_id)
            ranks.append((level, -geometry.area))
        # A higher score wins: deeper first, then smaller.
        order = sorted(range(len(ranks)), key=lambda position: ranks[position])
        score = np.empty(len(ranks), dtype=np.int64)
        score[order] = np.arange(len(ranks))
        self._index(geometries, np.array(ids, dtype=np.int64), score)
        self.lsoas = lsoas
        self.parents = parents

    def _index(self, geometries: list, ids: np.ndarray, score: np.ndarray) -> None:
        self.geometries = geometries
        self.ids = ids
        self.score = score
        self.tree = STRtree(geometries) if geometries else None
        if geometries:
            shapely.prepare(geometries)

    def __reduce__(self):
        # The boundaries travel as WKB and the tree is built again on the other side.
        return (
            _placer_restored,
            (shapely.to_wkb(self.geometries).tolist(), self.ids, self.score, self.lsoas, self.parents),
        )

    @classmethod
    def from_database(cls) -> Placer:
        from tandem.places.models import LSOA, Area

        rows = Area.objects.exclude(boundary=None).values_list("pk", "kind", "boundary")
        areas = [(pk, Area.LEVELS[Area.Kind(kind)], boundary) for pk, kind, boundary in rows]
        levels = dict(Area.objects.values_list("pk", "kind"))
        lsoas: dict[str, int] = {}
        # An LSOA placed in several areas (a ward and a neighbourhood) goes in the deepest.
        for code, area_id in LSOA.objects.values_list("code", "area_id"):
            current = lsoas.get(code)
            if (
                current is None
                or Area.LEVELS[Area.Kind(levels[area_id])] > Area.LEVELS[Area.Kind(levels[current])]
            ):
                lsoas[code] = area_id
        parents = dict(Area.objects.values_list("pk", "parent_id"))
        return cls(areas, lsoas, parents)

    def ancestors(self, area_id: int) -> list[int]:
        """The area and every area it sits in, deepest first."""
        chain = []
        while area_id:
            chain.append(area_id)
            area_id = self.parents.get(area_id) or 0
        return chain

    def _areas_of_points(self, longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
        found = np.zeros(len(longitude), dtype=np.int64)
        if self.tree is None or not len(longitude):
            return found
        points = shapely.points(longitude, latitude)
        hits = self.tree.query(points, predicate="intersects")
        if not hits.shape[1]:
            return found
        point_index, tree_index = hits
        score = self.score[tree_index]
        # For each point keep its best-scoring area: sort by point, then score, take the last.
        order = np.lexsort((score, point_index))
        point_sorted = point_index[order]
        last = np.r_[point_sorted[1:] != point_sorted[:-1], True]
        found[point_sorted[last]] = self.ids[tree_index[order][last]]
        return found

    def place(self, longitude: np.ndarray, latitude: np.ndarray, lsoa_codes: list[str]) -> Placed:
        rows = len(longitude)
        area = np.zeros(rows, dtype=np.int64)
        cell = np.zeros(rows, dtype=np.int64)
        has_point = ~np.isnan(longitude)
        if has_point.any():
            lng, lat = longitude[has_point], latitude[has_point]
            # One int64 per point (micro-degrees, the precision police.uk publishes) makes finding
            # the distinct points a 1-D unique, twenty times faster than a unique over rows.
            packed = (np.round((lat + 90.0) * 1e6).astype(np.int64) << 30) | np.round(
                (lng + 180.0) * 1e6
            ).astype(np.int64)
            _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
            unique = np.column_stack((lng[first], lat[first]))
            inverse = inverse.reshape(-1)
            cells = np.fromiter(
                (h3int.latlng_to_cell(lat, lng, H3_RESOLUTION) for lng, lat in unique),
                dtype=np.int64,
                count=len(unique),
            )
            cell[has_point] = cells[inverse]
            area[has_point] = self._areas_of_points(unique[:, 0], unique[:, 1])[inverse]
        missing = np.flatnonzero(area == NO_AREA)
        if len(missing) and self.lsoas:
            lookup = self.lsoas
            area[missing] = np.fromiter(
                (lookup.get(lsoa_codes[position], NO_AREA) for position in missing),
                dtype=np.int64,
                count=len(missing),
            )
        return Placed(area=area, cell=cell)


def _placer_restored(
    wkb: list[bytes], ids: np.ndarray, score: np.ndarray, lsoas: dict[str, int], parents: dict
) -> Placer:
    placer = Placer.__new__(Placer)
    placer._index(list(shapely.from_wkb(wkb)) if wkb else [], ids, score)
    placer.lsoas = lsoas
    placer.parents = parents
    return placer
