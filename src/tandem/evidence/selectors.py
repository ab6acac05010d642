"""Reading the evidence: monthly counts per area, counts per H3 cell, and hotspots.

Every page reads the monthly counts the importer keeps (``AreaMonthCount`` for an area and
every area it sits in, ``CellMonthCount`` per cell), never the incidents themselves, so a
dashboard costs the same with twenty million incidents as with twenty thousand.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import shapely.geometry
from django.db.models import Max, Min, Sum

from tandem.places.models import Area
from tandem.places.selectors import area_descendant_ids

from . import cells as h3cells
from .analysis.beforeafter import BeforeAfter, Change, before_after
from .analysis.hotspots import classify, gi_star
from .analysis.persistence import Persistence, hotspot_persistence
from .analysis.trends import add_months, format_date, month_range
from .models import AreaMonthCount, CellMonthCount, Source


def month_add(month: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after (or before) ``month``'s."""
    return add_months(month.replace(day=1), months)


def district_of(area: Area) -> Area:
    """The top of the area's tree (its district), or the area itself at the top."""
    ancestors = area.ancestors()
    return ancestors[0] if ancestors else area


def months_with_data(area: Area) -> list[dt.date]:
    """Every month from the first to the last that has incidents in the area."""
    span = AreaMonthCount.objects.filter(area=area).aggregate(first=Min("month"), last=Max("month"))
    if span["first"] is None:
        return []
    return month_range(span["first"], span["last"])


def crime_types_in(area: Area) -> list[str]:
    rows = AreaMonthCount.objects.filter(area=area).order_by("crime_type")
    return list(rows.values_list("crime_type", flat=True).distinct())


def area_counts(
    *, area: Area, start: dt.date, end: dt.date, crime_types: list[str] | None = None
) -> dict[str, np.ndarray]:
    """Incidents in the area (and the areas within it) per crime type and month from ``start``
    to ``end``: crime type → counts per month (zeros for months without any)."""
    months = month_range(start, end)
    position = {month: index for index, month in enumerate(months)}
    rows = AreaMonthCount.objects.filter(area=area, month__gte=months[0], month__lte=months[-1])
    if crime_types:
        rows = rows.filter(crime_type__in=crime_types)
    series: dict[str, np.ndarray] = {}
    for month, crime_type, count in rows.values_list("month", "crime_type", "count"):
        series.setdefault(crime_type, np.zeros(len(months), dtype=np.int64))[position[month]] += count
    return series


def area_totals(
    *, area: Area, start: dt.date, end: dt.date, crime_types: list[str] | None = None
) -> np.ndarray:
    """All incidents of those crime types in the area per month from ``start`` to ``end``."""
    months = month_range(start, end)
    position = {month: index for index, month in enumerate(months)}
    rows = AreaMonthCount.objects.filter(area=area, month__gte=months[0], month__lte=months[-1])
    if crime_types:
        rows = rows.filter(crime_type__in=crime_types)
    totals = np.zeros(len(months), dtype=np.int64)
    for month, count in rows.values("month").annotate(total=Sum("count")).values_list("month", "total"):
        totals[position[month]] = count
    return totals


def district_summaries() -> list[dict]:
    """Each top-level area with incidents: its latest month and the 12 months to it (one query)."""
    rows = (
        AreaMonthCount.objects.filter(area__parent=None)
        .values("area", "month")
        .annotate(total=Sum("count"))
        .values_list("area", "month", "total")
    )
    by_area: dict[int, dict[dt.date, int]] = {}
    for area_id, month, total in rows:
        by_area.setdefault(area_id, {})[month] = total
    areas = Area.objects.in_bulk(list(by_area))
    summaries = []
    for area_id, months in by_area.items():
        last = max(months)
        first = month_add(last, -11)
        summaries.append(
            {
                "area": areas[area_id],
                "first": first,
                "last": last,
                "total": sum(count for month, count in months.items() if month >= first),
                "within": None,
            }
        )
    return sorted(summaries, key=lambda row: row["area"].name)


def areas_within(
    *, area: Area, start: dt.date, end: dt.date, crime_types: list[str] | None = None
) -> list[dict]:
    """The areas directly within this one, each with its incidents over the months, most first."""
    children = list(Area.objects.filter(parent=area).only("pk", "name", "slug", "kind").order_by("name"))
    # By the children's ids, so the (area, month, crime type) index is used, not a join.
    rows = AreaMonthCount.objects.filter(
        area_id__in=[child.pk for child in children], month__gte=start, month__lte=end
    )
    if crime_types:
        rows = rows.filter(crime_type__in=crime_types)
    totals = dict(rows.values("area").annotate(total=Sum("count")).values_list("area", "total"))
    found = [{"area": child, "total": totals.get(child.pk, 0)} for child in children]
    return sorted(found, key=lambda row: (-row["total"], row["area"].name))


def comparison_areas(area: Area):
    """The areas a before/after comparison for ``area`` may compare with: those of its district
    and the other districts that have incidents, except the areas inside it (they are part of the
    place itself)."""
    district = district_of(area)
    inside = set(area_descendant_ids(area))
    districts = Area.objects.filter(parent__isnull=True).values_list("pk", flat=True)
    candidates = {*districts, *area_descendant_ids(district)}
    with_data = set(
        AreaMonthCount.objects.filter(area_id__in=[pk for pk in candidates if pk not in inside])
        .values_list("area_id", flat=True)
        .distinct()
    )
    found = Area.objects.filter(pk__in=with_data).only("pk", "name", "slug", "kind", "parent_id")
    return found.order_by("name")


def area_bounds(area: Area) -> list[list[float]] | None:
    """[[south, west], [north, east]] around the area's boundary, where its map opens; None without one."""
    if not area.boundary:
        return None
    west, south, east, north = shapely.geometry.shape(area.boundary).bounds
    return [[south, west], [north, east]]


def source_attributions() -> list[str]:
    """The attributions of the sources whose incidents are shown (the OGL statement for police.uk)."""
    return sorted(set(Source.objects.exclude(attribution="").values_list("attribution", flat=True)))


# --- Hotspots ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _weights_for(area_id: int, boundary_hash: str, boundary_json: str) -> h3cells.Weights:
    """The cells covering an area's boundary and their adjacency, built once per boundary."""
    del area_id, boundary_hash  # part of the cache key only
    return h3cells.Weights.from_cells(h3cells.fill_cells(json.loads(boundary_json)))


def area_weights(area: Area) -> h3cells.Weights | None:
    if not area.boundary:
        return None
    text = json.dumps(area.boundary, sort_keys=True)
    return _weights_for(area.pk, hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest(), text)


def cell_counts(
    *, area: Area, start: dt.date, end: dt.date, crime_types: list[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Incidents per H3 cell filed under the area or an area within it, over the months."""
    rows = CellMonthCount.objects.filter(
        area_id__in=[area.pk, *area_descendant_ids(area)], month__gte=start, month__lte=end
    )
    if crime_types:
        rows = rows.filter(crime_type__in=crime_types)
    pairs = list(rows.values("h3_cell").annotate(total=Sum("count")).values_list("h3_cell", "total"))
    if not pairs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    found = np.array(pairs, dtype=np.int64)
    return found[:, 0], found[:, 1]


@dataclass
class Hotspots:
    """Gi* over the cells covering an area: one entry per cell, in the weights' order."""

    cells: np.ndarray
    counts: np.ndarray
    z: np.ndarray
    p: np.ndarray
    q: np.ndarray
    label: np.ndarray  # "hot", "cold", "not significant"
    confidence: np.ndarray
    gi_bin: np.ndarray
    alpha: float

    @property
    def hot(self) -> np.ndarray:
        return self.label == "hot"

    def cells_as_str(self) -> list[str]:
        return h3cells.as_str(self.cells)

    def top(self, limit: int = 20) -> list[dict]:
        """The hottest significant cells first, for the table beside the map."""
        order = np.argsort(-self.z, kind="stable")
        rows = []
        for index in order:
            if self.label[index] != "hot" or len(rows) >= limit:
                break
            lat, lng = h3cells.h3int.cell_to_latlng(int(np.uint64(self.cells[index])))
            rows.append(
                {
                    "cell": h3cells.as_str(self.cells[index : index + 1])[0],
                    "count": int(self.counts[index]),
                    "z": float(self.z[index]),
                    "q": float(self.q[index]),
                    "confidence": int(self.confidence[index]),
                    "latitude": lat,
                    "longitude": lng,
                }
            )
        return rows

    def geojson(self, *, all_cells: bool = False) -> dict:
        """The hexagons for the map: every cell with incidents or a significant result."""
        keep = np.ones(len(self.cells), dtype=bool) if all_cells else (self.counts > 0) | (self.gi_bin != 0)
        return h3cells.boundary_geojson(
            self.cells[keep],
            {
                "count": self.counts[keep].astype(int),
                "z": np.round(self.z[keep], 3),
                "q": np.round(self.q[keep], 4),
                "bin": self.gi_bin[keep].astype(int),
                "label": self.label[keep],
            },
            precision=5,  # about a metre: enough for hexagons of 174 m, and a lighter page
        )


def hotspots(
    *, area: Area, start: dt.date, end: dt.date, crime_types: list[str] | None = None, alpha: float = 0.05
) -> Hotspots | None:
    """Getis-Ord Gi* (binary weights, the cell itself included) of the incidents per cell over
    the cells covering the area (zeros included), with the Benjamini–Hochberg correction;
    None for an area without a boundary."""
    weights = area_weights(area)
    if weights is None or not len(weights):
        return None
    found_cells, found_counts = cell_counts(area=area, start=start, end=end, crime_types=crime_types)
    counts = weights.align(found_cells, found_counts, outside="ignore")
    # Binary weights: the classic Gi* (as ArcGIS reports it). esda's default row-standardised
    # form gives z-scores about 2.6 times smaller on H3's six neighbours and misses most hotspots.
    result = gi_star(counts, weights.matrix, transform="B")
    classes = classify(result, alpha=alpha)
    return Hotspots(
        cells=weights.cells,
        counts=counts,
        z=result.z,
        p=result.p,
        q=classes.q,
        label=classes.label,
        confidence=classes.confidence,
        gi_bin=classes.gi_bin,
        alpha=alpha,
    )


# --- Did it change? ---------------------------------------------------------------------------

PANEL_MONTHS = 6
MIN_PANEL_MONTHS = 3


@dataclass
class EvidencePanel:
    """What the incidents say about a problem's or an action's area since a date."""

    area: Area
    crime_types: list[str]
    change_date: dt.date
    months: int = 0
    before: tuple[dt.date, dt.date] | None = None
    after: tuple[dt.date, dt.date] | None = None
    result: BeforeAfter | None = None
    persistence: Persistence | None = None
    comparison: Area | None = None
    reason: str = ""
    attributions: list[str] | None = None
    history_to: dt.date | None = None
    displacement: Change | None = None
    # A drawn circle instead of the whole area: its centre and radius in metres.
    point: tuple[float, float] | None = None
    radius: int | None = None
    # True when the comparison is the rest of an area holding the place (the district by
    # default), False when it is another area chosen beside it.
    comparison_is_rest: bool = True
    district: Area | None = None

    @property
    def place_label(self) -> str:
        """The place compared, as a table row or a sentence names it."""
        if self.radius:
            return f"Within {self.radius:,} m of the point"
        return self.area.name

    @property
    def before_after_query(self) -> str:
        """The before/after page's query string that shows this comparison, to change it from there."""
        query = [
            ("change_date_0", self.change_date.day),
            ("change_date_1", self.change_date.month),
            ("change_date_2", self.change_date.year),
            ("months", self.months or PANEL_MONTHS),
            *(("crime_type", name) for name in self.crime_types),
        ]
        if self.radius and self.point:
            query += [
                ("place", "circle"),
                ("latitude", self.point[0]),
                ("longitude", self.point[1]),
                ("radius", self.radius),
            ]
        else:
            query.append(("place", "area"))
        if self.comparison is not None and self.comparison != self.district:
            query.append(("comparison", self.comparison.slug))
        return urlencode(query)

    @property
    def comparison_label(self) -> str:
        if self.comparison is None:
            return ""
        return f"The rest of {self.comparison.name}" if self.comparison_is_rest else self.comparison.name

    @property
    def rows(self) -> list[dict]:
        """The table under the summary: the area, the comparison, the same months a year earlier
        and the ring of hexagons around the place (the displacement check)."""
        if self.result is None:
            return []
        found = [{"what": self.place_label, "change": self.result.target}]
        if self.result.comparison is not None and self.comparison is not None:
            found.append({"what": self.comparison_label, "change": self.result.comparison})
        if self.result.year_earlier is not None:
            found.append(
                {
                    "what": f"{self.place_label}, the same months a year earlier",
                    "change": self.result.year_earlier,
                }
            )
        if self.displacement is not None:
            found.append(
                {
                    "what": "The hexagons around it, about 350 m (were incidents displaced?)",
                    "change": self.displacement,
                }
            )
        return found


def _series(area: Area, start: dt.date, end: dt.date, crime_types: list[str]) -> np.ndarray:
    return area_totals(area=area, start=start, end=end, crime_types=crime_types or None)


def cell_totals(*, cells: np.ndarray, start: dt.date, end: dt.date, crime_types: list[str]) -> np.ndarray:
    """Incidents of ``crime_types`` (all when empty) in the hexagons, month by month."""
    found = month_range(start, end)
    counts = np.zeros(len(found), dtype=np.int64)
    if not len(cells):
        return counts
    rows = CellMonthCount.objects.filter(h3_cell__in=cells.tolist(), month__gte=start, month__lte=end)
    if crime_types:
        rows = rows.filter(crime_type__in=crime_types)
    where = {month: index for index, month in enumerate(found)}
    for month, count in rows.values("month").annotate(n=Sum("count")).values_list("month", "n"):
        counts[where[month]] = count
    return counts


def _contains(outer: Area, inner: Area) -> bool:
    return outer == inner or outer in inner.ancestors()


RADIUS_CHOICES = (250, 500, 750, 1000, 1500, 2000)  # metres


def evidence_panel(
    *,
    area: Area,
    crime_types: list[str],
    change_date: dt.date,
    months: int = PANEL_MONTHS,
    point: tuple[float, float] | None = None,
    radius: int | None = None,
    comparison: Area | None = None,
) -> EvidencePanel:
    """Incidents of ``crime_types`` in ``area`` for up to ``months`` months before ``change_date``
    and as many after it, against a comparison area and the same months a year earlier; and
    whether the place has been a hotspot in the last six months of data.

    With ``radius`` (metres) the place is the circle of that radius round ``point`` (the hexagons
    whose centre is inside it, within the district) rather than the whole area. The comparison is
    the rest of the district unless ``comparison`` names another area: the rest of it when it
    holds the place, the whole of it when it lies beside it.

    Police data is monthly, so a month that ``change_date`` falls inside (after its first day)
    belongs to neither side and is left out."""
    if radius is not None and point is None:
        raise ValueError("a radius needs a point")
    panel = EvidencePanel(
        area=area,
        crime_types=list(crime_types),
        change_date=change_date,
        point=point if radius else None,
        radius=radius,
    )
    district = district_of(area)
    panel.district = district
    available = months_with_data(area)
    if not available:
        panel.reason = f"No incidents have been imported for {area.name} yet."
        return panel
    panel.attributions = source_attributions()
    change_month = change_date.replace(day=1)
    first_after = change_month if change_date.day == 1 else add_months(change_month, 1)
    after_months = len([m for m in available if m >= first_after])
    before_months = len([m for m in available if m < change_month])
    n = min(max(months, MIN_PANEL_MONTHS), after_months, before_months)
    if radius:
        place = h3cells.within_radius(point[0], point[1], radius)
        if district.boundary:
            inside = np.intersect1d(place, h3cells.fill_cells(district.boundary, contain="centre"))
            place = inside if len(inside) else place
    else:
        place = _place_cells(area, point)
    panel.persistence = _hotspot_history(area=area, crime_types=crime_types, last=available[-1], place=place)
    panel.history_to = available[-1]
    if n < MIN_PANEL_MONTHS:
        if after_months < MIN_PANEL_MONTHS:
            panel.reason = (
                f"There are {after_months} month{'s' if after_months != 1 else ''} of police data after "
                f"{format_date(change_date)} so far; a fair comparison needs at least {MIN_PANEL_MONTHS} "
                "on each side."
            )
        else:
            panel.reason = (
                f"There are only {before_months} month{'s' if before_months != 1 else ''} of police data "
                f"before {format_date(change_date)}; a fair comparison needs at least {MIN_PANEL_MONTHS}."
            )
        return panel
    before = (add_months(change_month, -n), add_months(change_month, -1))
    after = (first_after, add_months(first_after, n - 1))
    panel.months, panel.before, panel.after = n, before, after

    def target(months: tuple[dt.date, dt.date]) -> np.ndarray:
        if radius:
            return cell_totals(cells=place, start=months[0], end=months[1], crime_types=crime_types)
        return _series(area, *months, crime_types)

    target_before, target_after = target(before), target(after)
    chosen = comparison or district
    comparison_before = comparison_after = None
    if radius or chosen != area:
        # The rest of an area holding the place, or the whole of one beside it.
        rest = _contains(chosen, area)
        comparison_before = _series(chosen, *before, crime_types)
        comparison_after = _series(chosen, *after, crime_types)
        if rest:
            comparison_before = np.maximum(comparison_before - target_before, 0)
            comparison_after = np.maximum(comparison_after - target_after, 0)
        panel.comparison, panel.comparison_is_rest = chosen, rest
    earlier_before = earlier_after = None
    if add_months(before[0], -12) >= available[0]:
        earlier_before = target((add_months(before[0], -12), add_months(before[1], -12)))
        earlier_after = target((add_months(after[0], -12), add_months(after[1], -12)))
    panel.result = before_after(
        target_before,
        target_after,
        comparison_before,
        comparison_after,
        earlier_before,
        earlier_after,
        change_date=change_date,
        comparison_label=(f"the rest of {chosen.name}" if panel.comparison_is_rest else chosen.name),
    )
    panel.displacement = _displacement(place=place, before=before, after=after, crime_types=crime_types)
    return panel


DISPLACEMENT_RING = 2  # hexagons: about 350 m around the place


def _place_cells(area: Area, point: tuple[float, float] | None) -> np.ndarray | None:
    """The hexagons of the place: the pin's and the six round it, or those whose centre is in the area."""
    if point is not None:
        centre = h3cells.as_int64(
            [h3cells.h3int.latlng_to_cell(point[0], point[1], h3cells.DEFAULT_RESOLUTION)]
        )
        return np.union1d(centre, h3cells.ring(centre, 1))
    if area.boundary:
        return h3cells.fill_cells(area.boundary, contain="centre")
    return None


def _displacement(
    *,
    place: np.ndarray | None,
    before: tuple[dt.date, dt.date],
    after: tuple[dt.date, dt.date],
    crime_types: list[str],
) -> Change | None:
    """Incidents in the ring of hexagons around the place, before and after: had they moved next door?"""
    if place is None or not len(place):
        return None
    ring = h3cells.ring(place, DISPLACEMENT_RING)

    def total(months: tuple[dt.date, dt.date]) -> np.ndarray:
        return cell_totals(cells=ring, start=months[0], end=months[1], crime_types=crime_types)

    return before_after(total(before), total(after)).target


HISTORY_MONTHS = 6


def _hotspot_history(
    *, area: Area, crime_types: list[str], last: dt.date, place: np.ndarray | None
) -> Persistence | None:
    """Whether the place was a hotspot of its district in each of the last six months of data:
    the hexagon of the problem's pin or one next to it, or any hexagon of its area."""
    district = district_of(area)
    weights = area_weights(district)
    if weights is None:
        return None
    if place is None:
        return None
    rows = weights.index(place)
    rows = rows[rows >= 0]
    if not len(rows):
        return None
    months = [add_months(last, -k) for k in range(HISTORY_MONTHS - 1, -1, -1)]
    statuses = []
    for month in months:
        found = hotspots(area=district, start=month, end=month, crime_types=crime_types or None)
        statuses.append(bool(found is not None and found.hot[rows].any()))
    return hotspot_persistence(statuses, labels=months)


def recent_totals(
    area_ids: list[int], *, months: int = 12
) -> tuple[dict[tuple[int, str], int], tuple | None]:
    """Incidents by (area, crime type) over the last ``months`` months of data of these areas
    together, and those months (first, last); two queries whatever the number of areas."""
    if not area_ids:
        return {}, None
    last = AreaMonthCount.objects.filter(area_id__in=area_ids).aggregate(last=Max("month"))["last"]
    if last is None:
        return {}, None
    first = add_months(last, -(months - 1))
    rows = (
        AreaMonthCount.objects.filter(area_id__in=area_ids, month__gte=first, month__lte=last)
        .values("area_id", "crime_type")
        .annotate(total=Sum("count"))
        .values_list("area_id", "crime_type", "total")
    )
    return {(area_id, crime_type): total for area_id, crime_type, total in rows}, (first, last)


def incidents_counted(*, area: Area, crime_types: list[str], start: dt.date, end: dt.date) -> int | None:
    """Incidents of ``crime_types`` (all types when empty) in the area from ``start`` to ``end``
    (days, both included), or None when the police data does not cover every month of it."""
    available = months_with_data(area)
    first, last = start.replace(day=1), end.replace(day=1)
    if not available or first < available[0] or last > available[-1]:
        return None
    return int(_series(area, first, last, crime_types).sum())
