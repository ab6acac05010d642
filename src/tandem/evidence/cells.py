"""H3 cells for the evidence pages: identifiers, adjacency, covering a district, rings and map shapes.

Incidents are stored per H3 cell (resolution 9) as H3's 64-bit integer in a signed BIGINT
column. An H3 cell index has its top bit reserved as 0 (and its mode bits 59–62 set to 1), so
every cell is below 2⁶³ and its signed and unsigned 64-bit forms are the same positive number:
``as_int64`` converts strings, Python ints and ``uint64`` arrays (``h3.api.numpy_int``) to the
stored form, checking each is a valid cell; ``as_uint64`` and ``as_str`` convert back.

Adjacency is what the Gi* hotspot statistic (``tandem.evidence.analysis.hotspots``, which knows
nothing of H3) needs: ``Weights.from_cells`` holds the binary adjacency matrix of a set of cells
with the map from cell to row, so the statistic can be rerun on new counts (another period or
category) without touching h3 again. Two cells are adjacent when they share an edge, which for
H3's hexagons is ``grid_disk(cell, 1)`` less the cell itself (a "queen" neighbourhood: hexagons
that meet only at a corner do not exist).

Why adjacency does not simply call ``grid_disk`` for every cell: at about 1.5 µs a call that
alone is as slow as the whole statistic. Within one of H3's 122 base cells, every cell has
integer lattice coordinates that follow from the digits of its index (the aperture-7 steps of
H3's ``_h3ToFaceIjk``), and two cells of the same hexagonal base cell are neighbours exactly
when their coordinates differ by one of the six unit steps. So neighbours are matched with
numpy alone; only cells with fewer than six neighbours found that way — cells at the edge of
the set, next to another base cell, or in one of the twelve pentagonal base cells — ask h3.
The tests check the result against ``grid_disk`` across base-cell boundaries and pentagons.

Only this module imports h3; it uses no Django, so the benchmarks and pure tests can use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import h3
import h3.api.basic_int as h3int
import numpy as np
import scipy.sparse as sp

DEFAULT_RESOLUTION = 9  # the resolution incidents are stored at (tandem.evidence.placement.H3_RESOLUTION)

_MAX_RESOLUTION = 15
_BASE_CELLS = 122
_PENTAGON_BASE = np.zeros(128, dtype=bool)  # indexable by any 7-bit base-cell field
_PENTAGON_BASE[[h3int.get_base_cell_number(cell) for cell in h3int.get_pentagons(0)]] = True

# Each digit's unit step in axial lattice coordinates (a, b) = (i - k, j - k) of H3's IJK
# coordinates: 0 centre, 1 k, 2 j, 3 jk, 4 i, 5 ik, 6 ij.
_DIGIT_A = np.array([0, -1, 0, -1, 1, 0, 1, 0], dtype=np.int64)
_DIGIT_B = np.array([0, -1, 1, 0, 0, -1, 1, 0], dtype=np.int64)
_STEPS = ((1, 0), (0, 1), (1, 1), (-1, 0), (0, -1), (-1, -1))
_DIGIT_BITS = np.uint64((1 << 45) - 1)
_DIGIT_LOW_BITS = np.uint64(sum(1 << (3 * i) for i in range(_MAX_RESOLUTION)))
# |a|, |b| ≤ 1,372,571 at resolution 15 (the sum over levels of each level's largest step), so
# 28 bits each, offset by 2**27, leave room for a step either way.
_COORDINATE_BITS = 28


def _field(cells: np.ndarray, shift: int, bits: int) -> np.ndarray:
    return ((cells >> np.uint64(shift)) & np.uint64((1 << bits) - 1)).astype(np.int64)


def _digit(cells: np.ndarray, resolution: int) -> np.ndarray:
    return _field(cells, 3 * (_MAX_RESOLUTION - resolution), 3)


def is_valid(values: np.ndarray) -> np.ndarray:
    """Whether each 64-bit value is a valid H3 cell: H3's ``isValidCell`` checks, vectorised."""
    cells = np.asarray(values)
    if cells.dtype != np.uint64:
        cells = cells.astype(np.int64).view(np.uint64)
    # Top byte: reserved high bit 0, mode 1 (a cell), reserved bits 56-58 zero.
    valid = (cells >> np.uint64(56)) == np.uint64(0b0000_1000)
    base = _field(cells, 45, 7)
    valid &= base < _BASE_CELLS
    # Digits finer than the resolution are all 7 (binary 111); the others are 0-6, never 7.
    unused = (np.uint64(1) << (np.uint64(3) * (_MAX_RESOLUTION - _field(cells, 52, 4)).astype(np.uint64))) - 1
    valid &= (cells & unused) == unused
    digits = cells & _DIGIT_BITS
    sevens = digits & (digits >> np.uint64(1)) & (digits >> np.uint64(2)) & _DIGIT_LOW_BITS
    valid &= (sevens & ~unused) == 0
    # A pentagon has no sub-cells in its deleted k direction: its first non-zero digit is not 1.
    pentagons = np.flatnonzero(valid & _PENTAGON_BASE[base])
    if len(pentagons):
        subset = cells[pentagons]
        first = np.zeros(len(subset), dtype=np.int64)
        for r in range(_MAX_RESOLUTION, 0, -1):  # coarsest non-zero digit wins
            digit = _digit(subset, r)
            first = np.where((digit != 0) & (digit != 7), digit, first)
        valid[pentagons[first == 1]] = False
    return valid


def as_int64(values: Iterable[int | str] | np.ndarray) -> np.ndarray:
    """The stored (signed 64-bit) form of H3 cells given as ints, hexadecimal strings or an array.

    Raises ValueError if any is not a valid H3 cell.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        raw = values.ravel()
    else:
        items = list(values)
        if items and isinstance(items[0], str):
            items = [h3.str_to_int(item) for item in items]
        raw = np.array(items, dtype=np.uint64) if items else np.zeros(0, dtype=np.uint64)
    if raw.dtype.kind == "i" and len(raw) and raw.min() < 0:
        raise ValueError("H3 cells are positive 64-bit integers; a negative value is not a cell")
    unsigned = raw.astype(np.uint64, copy=False)
    valid = is_valid(unsigned)
    if not valid.all():
        bad = int(unsigned[np.flatnonzero(~valid)[0]])
        raise ValueError(f"not a valid H3 cell: {bad} ({bad:x}), and {int((~valid).sum()) - 1} more")
    return unsigned.astype(np.int64)


def as_uint64(cells: np.ndarray) -> np.ndarray:
    """Stored cells as the unsigned integers of ``h3.api.numpy_int``."""
    return np.asarray(cells).astype(np.uint64)


def as_str(cells: np.ndarray) -> list[str]:
    """Stored cells as H3's hexadecimal strings (``h3.api.basic_str``), e.g. '89195da49b3ffff'."""
    return [h3.int_to_str(cell) for cell in np.asarray(cells).astype(np.uint64).tolist()]


def resolution_of(cells: np.ndarray) -> np.ndarray:
    """The resolution of each cell (vectorised ``h3.get_resolution``)."""
    return _field(np.asarray(cells).astype(np.uint64), 52, 4)


def parent(cells: np.ndarray, resolution: int) -> np.ndarray:
    """Each cell's parent at the coarser `resolution`, in the stored form.

    Vectorised ``h3.cell_to_parent`` (h3-py has no array form of it): H3 defines the parent as
    the same index with the resolution field set and the finer digits set to 7.
    """
    unsigned = as_int64(cells).astype(np.uint64)
    if not 0 <= resolution <= _MAX_RESOLUTION:
        raise ValueError(f"resolution must be between 0 and {_MAX_RESOLUTION}, not {resolution}")
    if len(unsigned) and resolution_of(unsigned).min() < resolution:
        raise ValueError(f"a parent must be coarser: some cells are finer than resolution {resolution}")
    cleared = unsigned & ~np.uint64(0xF << 52)
    unused_digits = np.uint64((1 << (3 * (_MAX_RESOLUTION - resolution))) - 1)
    return (cleared | np.uint64(resolution << 52) | unused_digits).astype(np.int64)


def _lattice(cells: np.ndarray, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Base cell and axial lattice coordinates (a, b) of each cell within its base cell."""
    base = _field(cells, 45, 7)
    a = np.zeros(len(cells), dtype=np.int64)
    b = np.zeros(len(cells), dtype=np.int64)
    for r in range(1, resolution + 1):
        if r % 2:  # class III resolutions: H3's _downAp7
            a, b = 2 * a + b, 3 * b - a
        else:  # class II: _downAp7r
            a, b = 3 * a - b, a + 2 * b
        digit = _digit(cells, r)
        a += _DIGIT_A[digit]
        b += _DIGIT_B[digit]
    return base, a, b


def _key(base: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    offset = 1 << (_COORDINATE_BITS - 1)
    return (base << (2 * _COORDINATE_BITS)) | ((a + offset) << _COORDINATE_BITS) | (b + offset)


def _neighbour_lists(cells: np.ndarray, which: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(position in `which`, cell) for every cell of ``grid_disk(cells[i], k)``, i in `which`."""
    disks = [h3int.grid_disk(cell, k) for cell in cells[which].tolist()]
    lengths = np.fromiter(map(len, disks), dtype=np.int64, count=len(disks))
    flat = np.fromiter((c for disk in disks for c in disk), dtype=np.uint64, count=int(lengths.sum()))
    return np.repeat(which, lengths), flat.astype(np.int64)


def adjacency(cells: np.ndarray | Iterable[int | str]) -> sp.csr_matrix:
    """Binary adjacency of `cells` (all of one resolution, no repeats), rows and columns in their
    order: 1 where two cells share an edge, nothing on the diagonal. Symmetric, sorted indices."""
    return _adjacency(as_int64(cells))


def _adjacency(stored: np.ndarray) -> sp.csr_matrix:
    n = len(stored)
    if n == 0:
        return sp.csr_matrix((0, 0))
    cells = stored.view(np.uint64)
    resolutions = resolution_of(cells)
    if resolutions.min() != resolutions.max():
        raise ValueError("adjacency needs cells of one resolution")
    base, a, b = _lattice(cells, int(resolutions[0]))
    keys = _key(base, a, b)  # one key per cell: base cell and lattice position identify it
    key_order = np.argsort(keys)
    sorted_keys = keys[key_order]
    if (sorted_keys[1:] == sorted_keys[:-1]).any():
        raise ValueError("each cell may appear only once")

    # neighbours[i] holds the rows of cell i's neighbours, -1 for none. A step in the lattice
    # adds a constant to the key, so the queries are as sorted as the keys.
    neighbours = np.full((n, 6), -1, dtype=np.int64)
    hexagonal = ~_PENTAGON_BASE[base[key_order]]
    for column, (da, db) in enumerate(_STEPS):
        wanted = sorted_keys + ((da << _COORDINATE_BITS) + db)
        at = np.minimum(np.searchsorted(sorted_keys, wanted), n - 1)
        hit = (sorted_keys[at] == wanted) & hexagonal
        neighbours[key_order[hit], column] = key_order[at[hit]]

    # Cells short of six (edge of the set, next to another base cell, pentagonal base cells) ask h3.
    fallback = np.flatnonzero((neighbours >= 0).sum(axis=1) < 6)
    if len(fallback):
        neighbours[fallback] = -1
        origin, around = _neighbour_lists(cells, fallback, 1)
        around_base, around_a, around_b = _lattice(around.view(np.uint64), int(resolutions[0]))
        wanted = _key(around_base, around_a, around_b)
        at = np.minimum(np.searchsorted(sorted_keys, wanted), n - 1)
        target = key_order[at]
        hit = (sorted_keys[at] == wanted) & (target != origin)
        origin, target = origin[hit], target[hit]
        slot = np.arange(len(origin)) - np.searchsorted(origin, origin)  # 0, 1, … within each cell
        neighbours[origin, slot] = target

    neighbours.sort(axis=1)
    present = neighbours >= 0
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(present.sum(axis=1), out=indptr[1:])
    indices = neighbours[present].astype(np.int32)
    return sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(n, n))


@dataclass(frozen=True, eq=False)
class Weights:
    """The adjacency of a fixed set of cells and where each cell's row is: build it once per
    district and resolution (it may be cached), then run the statistic on any counts.

    cells: the stored cell ids, in row order. matrix: binary adjacency (see `adjacency`).
    """

    cells: np.ndarray
    matrix: sp.csr_matrix
    _sorted: np.ndarray = field(init=False, repr=False)
    _order: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.matrix.shape != (len(self.cells), len(self.cells)):
            raise ValueError(f"{len(self.cells)} cells but a {self.matrix.shape} matrix")
        order = np.argsort(self.cells)
        object.__setattr__(self, "_order", order)
        object.__setattr__(self, "_sorted", self.cells[order])

    @classmethod
    def from_cells(cls, cells: np.ndarray | Iterable[int | str]) -> Weights:
        """Validate `cells` (any form `as_int64` takes) and build their adjacency."""
        stored = as_int64(cells)
        stored.setflags(write=False)
        return cls(cells=stored, matrix=_adjacency(stored))

    def __len__(self) -> int:
        return len(self.cells)

    @property
    def neighbours(self) -> np.ndarray:
        """How many neighbours each cell has within the set (0 for an island)."""
        return np.diff(self.matrix.indptr)

    def index(self, cells: np.ndarray | Iterable[int | str]) -> np.ndarray:
        """The row of each of `cells`, or -1 for a cell not in the set."""
        stored = as_int64(cells)
        if not len(self.cells):
            return np.full(len(stored), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted, stored), len(self.cells) - 1)
        return np.where(self._sorted[at] == stored, self._order[at], -1)

    def align(
        self,
        cells: np.ndarray | Iterable[int | str],
        values: np.ndarray | Sequence[float],
        *,
        outside: Literal["error", "ignore"] = "error",
    ) -> np.ndarray:
        """Values given for some cells (say, incident counts from a GROUP BY) as one value per
        row, 0 for the cells not mentioned; values for a cell given twice are added.

        A cell outside the set raises ValueError, or with ``outside="ignore"`` is left out.
        """
        rows = self.index(cells)
        values = np.asarray(values, dtype=np.float64)
        if values.shape != rows.shape:
            raise ValueError(f"{len(rows)} cells but {values.size} values")
        inside = rows >= 0
        if not inside.all() and outside == "error":
            raise ValueError(f"{int((~inside).sum())} cells are not in the set the weights were built for")
        return np.bincount(rows[inside], weights=values[inside], minlength=len(self.cells))


def fill_cells(
    geometry_geojson: Mapping,
    resolution: int = DEFAULT_RESOLUTION,
    *,
    contain: Literal["overlap", "centre"] = "overlap",
) -> np.ndarray:
    """The cells (stored form, sorted) of a GeoJSON Polygon or MultiPolygon in WGS84 longitude,
    latitude order (holes respected), so that cells without incidents take part in Gi* too.

    ``contain="overlap"`` (the default) returns every cell that overlaps the shape, so every
    point of the district falls in one of them, incidents near its boundary included;
    ``"centre"`` returns the cells whose centre is inside (h3's ``polygon_to_cells``).
    """
    if not isinstance(geometry_geojson, Mapping) or geometry_geojson.get("type") not in (
        "Polygon",
        "MultiPolygon",
    ):
        kind = geometry_geojson.get("type") if isinstance(geometry_geojson, Mapping) else None
        raise ValueError(f"a GeoJSON Polygon or MultiPolygon is needed, not {kind or geometry_geojson!r}")
    shape = h3int.geo_to_h3shape(dict(geometry_geojson))  # swaps GeoJSON's lon/lat to h3's lat/lng
    if contain == "overlap":
        found = h3int.h3shape_to_cells_experimental(shape, resolution, contain="overlap")
    elif contain == "centre":
        found = h3int.h3shape_to_cells(shape, resolution)
    else:
        raise ValueError(f'contain must be "overlap" or "centre", not {contain!r}')
    return np.unique(np.array(found, dtype=np.uint64)).astype(np.int64)


def ring(cells: np.ndarray | Iterable[int | str], k: int = 1) -> np.ndarray:
    """The cells within `k` steps of the set but not in it (stored form, sorted): the band
    around a target area where displaced incidents would show up."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    stored = np.unique(as_int64(cells))
    if not len(stored):
        return stored
    _, around = _neighbour_lists(stored, np.arange(len(stored)), k)
    return np.setdiff1d(np.unique(around), stored, assume_unique=True)


EARTH_RADIUS_M = 6_371_008.8
_CENTRE_SPACING_M = {9: 300.0}  # about the distance between neighbouring cell centres


def within_radius(
    latitude: float, longitude: float, metres: float, resolution: int = DEFAULT_RESOLUTION
) -> np.ndarray:
    """The cells (stored form, sorted) whose centre is within ``metres`` of the point (great-circle
    distance): a drawn circle as the hexagons incidents are counted in. The point's own cell is
    always one of them, however small the circle."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"not a point on the Earth: {latitude}, {longitude}")
    if metres <= 0:
        raise ValueError(f"the radius must be more than 0 metres, not {metres}")
    centre = h3int.latlng_to_cell(latitude, longitude, resolution)
    spacing = _CENTRE_SPACING_M.get(resolution) or h3.average_hexagon_edge_length(resolution, "m") * 1.7
    candidates = np.array(h3int.grid_disk(centre, int(metres // (spacing * 0.85)) + 1), dtype=np.uint64)
    points = np.array([h3int.cell_to_latlng(int(cell)) for cell in candidates])
    lat1, lng1 = np.radians(latitude), np.radians(longitude)
    lat2, lng2 = np.radians(points[:, 0]), np.radians(points[:, 1])
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
    distance = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))
    chosen = candidates[(distance <= metres) | (candidates == np.uint64(centre))]
    return np.unique(chosen.astype(np.int64))


def boundary_geojson(
    cells: np.ndarray | Iterable[int | str],
    properties: Mapping[str, Sequence | np.ndarray] | None = None,
    *,
    precision: int | None = 6,
) -> dict:
    """A GeoJSON FeatureCollection of the cells' hexagons for a Leaflet map: one Feature per cell
    with ``id`` and ``properties["cell"]`` its H3 string, a closed Polygon ring in longitude,
    latitude order (rounded to `precision` decimals; 6 is about 10 cm), and for each entry of
    `properties` (name → one value per cell, e.g. z-scores or labels) that cell's value.
    Shapes crossing the antimeridian are not split (no need in England)."""
    stored = as_int64(cells)
    extra: dict[str, list] = {}
    for name, values in (properties or {}).items():
        listed = np.asarray(values).tolist()  # numpy scalars become JSON-ready Python values
        if len(listed) != len(stored):
            raise ValueError(f"property {name!r} has {len(listed)} values for {len(stored)} cells")
        extra[name] = listed
    features = []
    for i, cell in enumerate(stored.astype(np.uint64).tolist()):
        if precision is None:
            outline = [[lng, lat] for lat, lng in h3int.cell_to_boundary(cell)]
        else:
            outline = [
                [round(lng, precision), round(lat, precision)] for lat, lng in h3int.cell_to_boundary(cell)
            ]
        outline.append(outline[0])
        name = h3.int_to_str(cell)
        features.append(
            {
                "type": "Feature",
                "id": name,
                "geometry": {"type": "Polygon", "coordinates": [outline]},
                "properties": {"cell": name, **{key: column[i] for key, column in extra.items()}},
            }
        )
    return {"type": "FeatureCollection", "features": features}
