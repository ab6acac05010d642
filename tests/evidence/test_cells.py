"""H3 helpers: stored identifiers, adjacency (checked against h3's grid_disk, across base cells and
pentagons), covering a district, the displacement ring, map hexagons and parents."""

import ast
import json
from pathlib import Path

import h3
import h3.api.basic_int as h3int
import numpy as np
import pytest

from tandem.evidence import cells as cells_module
from tandem.evidence.cells import (
    DEFAULT_RESOLUTION,
    Weights,
    adjacency,
    as_int64,
    as_str,
    as_uint64,
    boundary_geojson,
    fill_cells,
    is_valid,
    parent,
    resolution_of,
    ring,
)

MANCHESTER = (53.4794, -2.2453)
# Near Aalst, Belgium: the edge between H3 base cells 12 (all of England) and 15.
BASE_CELL_EDGE = (50.930685, 4.040625)
# About 600 m × 450 m (a few res-9 cells of 0.1 km²) around Piccadilly Gardens, in GeoJSON's
# longitude, latitude order.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-2.240, 53.479], [-2.231, 53.479], [-2.231, 53.483], [-2.240, 53.483], [-2.240, 53.479]]
    ],
}


def disk(latlng: tuple[float, float], k: int, resolution: int = 9) -> list[int]:
    return h3int.grid_disk(h3int.latlng_to_cell(*latlng, resolution), k)


def edges_by_grid_disk(cells: list[int]) -> set[tuple[int, int]]:
    """Adjacency the slow, obvious way: grid_disk(cell, 1) of every cell, kept within the set."""
    row = {cell: i for i, cell in enumerate(cells)}
    return {(row[c], row[n]) for c in cells for n in h3int.grid_disk(c, 1) if n != c and n in row}


def edges_of(cells: list[int]) -> set[tuple[int, int]]:
    matrix = adjacency(np.array(cells, dtype=np.uint64)).tocoo()
    assert (matrix.data == 1).all()
    return set(zip(matrix.row.tolist(), matrix.col.tolist(), strict=True))


def test_stored_ids_are_positive_signed_64_bit_integers_that_round_trip() -> None:
    cells = [
        h3int.latlng_to_cell(lat, lng, r) for lat, lng in [MANCHESTER, (-33.9, 151.2)] for r in range(16)
    ]
    cells += [p for r in (0, 9, 15) for p in h3int.get_pentagons(r)]
    stored = as_int64(cells)
    assert stored.dtype == np.int64
    assert (stored > 0).all() and (np.array(cells, dtype=np.uint64) < 2**63).all()
    assert stored.tolist() == cells  # the same number whether read signed or unsigned
    assert as_int64(as_str(stored)).tolist() == cells
    assert as_str(stored) == [h3.int_to_str(c) for c in cells]
    assert as_uint64(stored).dtype == np.uint64 and as_uint64(stored).tolist() == cells
    assert resolution_of(stored).tolist() == [h3int.get_resolution(c) for c in cells]


def test_is_valid_agrees_with_h3_on_cells_mutants_and_noise() -> None:
    rng = np.random.default_rng(0)
    good = np.array(disk(BASE_CELL_EDGE, 10), dtype=np.uint64)
    pentagons = np.array([p for r in range(16) for p in h3int.get_pentagons(r)], dtype=np.uint64)
    pentagon_children = np.array(
        [c for p in h3int.get_pentagons(2) for c in h3int.cell_to_children(p, 4)], dtype=np.uint64
    )
    bits = np.arange(64, dtype=np.uint64)
    values = np.concatenate(
        [
            good,
            good ^ (np.uint64(1) << rng.integers(0, 64, len(good)).astype(np.uint64)),
            pentagons,
            (pentagons[:, None] ^ (np.uint64(1) << bits)).ravel(),  # pentagons one bit off, e.g. a k digit
            pentagon_children,
            rng.integers(0, 2**63, 20000, dtype=np.uint64),
        ]
    )
    expected = np.array([h3int.is_valid_cell(int(v)) for v in values])
    assert expected.sum() > 1000 and (~expected).sum() > 1000
    np.testing.assert_array_equal(is_valid(values), expected)


def test_as_int64_refuses_values_that_are_not_cells() -> None:
    with pytest.raises(ValueError, match="not a valid H3 cell"):
        as_int64([h3int.latlng_to_cell(*MANCHESTER, 9) + 1])
    with pytest.raises(ValueError, match="negative"):
        as_int64(np.array([-5], dtype=np.int64))
    with pytest.raises(ValueError):
        as_int64(["not a cell"])
    assert as_int64([]).shape == (0,)


def test_adjacency_matches_grid_disk_in_the_middle_of_england() -> None:
    cells = disk(MANCHESTER, 25)
    assert edges_of(cells) == edges_by_grid_disk(cells)


def test_adjacency_matches_grid_disk_across_a_base_cell_boundary() -> None:
    for resolution in (7, 8, 9, 12):  # odd (class III) and even (class II) resolutions
        cells = disk(BASE_CELL_EDGE, 25, resolution)
        assert len({h3int.get_base_cell_number(c) for c in cells}) == 2
        assert edges_of(cells) == edges_by_grid_disk(cells)


def test_adjacency_matches_grid_disk_around_pentagons() -> None:
    for resolution in (2, 9):
        for pentagon in h3int.get_pentagons(resolution)[:4]:
            cells = h3int.grid_disk(pentagon, 4)
            assert edges_of(cells) == edges_by_grid_disk(cells)


def test_adjacency_matches_grid_disk_with_holes_in_any_order() -> None:
    rng = np.random.default_rng(1)
    cells = disk(BASE_CELL_EDGE, 30)
    rng.shuffle(cells)
    kept = [c for c in cells if rng.random() < 0.6]
    assert edges_of(kept) == edges_by_grid_disk(kept)


def test_adjacency_matches_grid_disk_all_over_the_globe() -> None:
    rng = np.random.default_rng(2)
    for _ in range(60):
        latlng = (rng.uniform(-90, 90), rng.uniform(-180, 180))
        cells = disk(latlng, int(rng.integers(1, 6)), int(rng.integers(0, 16)))
        assert edges_of(cells) == edges_by_grid_disk(cells), latlng


def test_adjacency_is_binary_symmetric_with_an_empty_diagonal() -> None:
    matrix = adjacency(np.array(disk(MANCHESTER, 1), dtype=np.uint64))
    assert matrix.shape == (7, 7) and matrix.has_sorted_indices
    assert (matrix != matrix.T).nnz == 0 and matrix.diagonal().sum() == 0
    degrees = np.diff(matrix.indptr)
    assert sorted(degrees.tolist()) == [3, 3, 3, 3, 3, 3, 6]  # a centre and its ring


def test_adjacency_refuses_repeated_cells_and_mixed_resolutions() -> None:
    cell = h3int.latlng_to_cell(*MANCHESTER, 9)
    with pytest.raises(ValueError, match="only once"):
        adjacency([cell, cell])
    with pytest.raises(ValueError, match="one resolution"):
        adjacency([cell, h3int.cell_to_parent(cell, 8)])
    assert adjacency([]).shape == (0, 0)


def test_weights_find_rows_and_align_counts_from_a_query() -> None:
    cells = disk(MANCHESTER, 3)
    weights = Weights.from_cells(cells)
    assert len(weights) == 37 and weights.cells.tolist() == cells
    some = [cells[5], cells[0], cells[5]]
    assert weights.index(some).tolist() == [5, 0, 5]
    far = h3int.latlng_to_cell(51.5, -0.12, 9)
    assert weights.index([far]).tolist() == [-1]
    counts = weights.align(as_str(some), [2, 7, 1])  # string ids work too; repeats add up
    assert counts[5] == 3 and counts[0] == 7 and counts.sum() == 10 and len(counts) == 37
    with pytest.raises(ValueError, match="not in the set"):
        weights.align([far], [1])
    assert weights.align([far, cells[1]], [4, 1], outside="ignore").sum() == 1
    assert (weights.neighbours == np.diff(adjacency(cells).indptr)).all()


def test_fill_cells_covers_a_small_polygon_and_nothing_far_outside() -> None:
    filled = fill_cells(SQUARE)
    assert 5 < len(filled) < 30 and (resolution_of(filled) == DEFAULT_RESOLUTION).all()
    rng = np.random.default_rng(3)
    points = zip(rng.uniform(53.479, 53.483, 500), rng.uniform(-2.240, -2.231, 500), strict=True)
    assert {h3int.latlng_to_cell(lat, lng, 9) for lat, lng in points} <= set(filled.tolist())
    centres = np.array([h3int.cell_to_latlng(c) for c in filled.tolist()])  # (lat, lng)
    # A cell that overlaps the square has its centre within a circumradius (~0.2 km) of it.
    assert centres[:, 0].min() > 53.479 - 0.003 and centres[:, 0].max() < 53.483 + 0.003
    assert centres[:, 1].min() > -2.240 - 0.005 and centres[:, 1].max() < -2.231 + 0.005


def test_fill_cells_by_centre_is_the_inner_part_of_the_cover() -> None:
    inner = fill_cells(SQUARE, contain="centre")
    cover = fill_cells(SQUARE)
    assert set(inner.tolist()) < set(cover.tolist())
    assert set(inner.tolist()) == set(h3int.geo_to_cells(SQUARE, 9))


def test_fill_cells_takes_multipolygons_and_respects_holes() -> None:
    (outer,) = SQUARE["coordinates"]
    elsewhere = [[lng + 0.1, lat] for lng, lat in outer]
    both = fill_cells({"type": "MultiPolygon", "coordinates": [[outer], [elsewhere]]}, 8)
    assert set(both.tolist()) == set(fill_cells(SQUARE, 8).tolist()) | set(
        fill_cells({"type": "Polygon", "coordinates": [elsewhere]}, 8).tolist()
    )
    big = [[-2.30, 53.44], [-2.18, 53.44], [-2.18, 53.52], [-2.30, 53.52], [-2.30, 53.44]]
    hole = [[-2.26, 53.47], [-2.22, 53.47], [-2.22, 53.49], [-2.26, 53.49], [-2.26, 53.47]]  # ~2.6 × 2.2 km
    with_hole = set(fill_cells({"type": "Polygon", "coordinates": [big, hole]}).tolist())
    middle = h3int.latlng_to_cell(53.48, -2.24, 9)
    edge_of_hole = h3int.latlng_to_cell(53.47, -2.24, 9)
    assert middle not in with_hole and edge_of_hole in with_hole
    assert h3int.latlng_to_cell(53.45, -2.29, 9) in with_hole


def test_fill_cells_refuses_other_geometries() -> None:
    with pytest.raises(ValueError, match="Polygon or MultiPolygon"):
        fill_cells({"type": "Point", "coordinates": [-2.24, 53.48]})
    with pytest.raises(ValueError, match="contain"):
        fill_cells(SQUARE, contain="full")


def test_the_ring_is_the_band_around_the_set_and_excludes_the_set() -> None:
    centre = h3int.latlng_to_cell(*MANCHESTER, 9)
    target = h3int.grid_disk(centre, 2)
    assert set(ring(target).tolist()) == set(h3int.grid_ring(centre, 3))
    band = ring(target, k=2)
    assert set(band.tolist()) == set(h3int.grid_ring(centre, 3)) | set(h3int.grid_ring(centre, 4))
    assert not set(band.tolist()) & set(target)
    assert (np.diff(band) > 0).all()  # sorted, no repeats
    assert ring([]).shape == (0,)
    with pytest.raises(ValueError, match="at least 1"):
        ring(target, k=0)


def test_boundary_geojson_hexagons_are_closed_rings_in_lon_lat_order() -> None:
    cells = disk(MANCHESTER, 1)
    collection = boundary_geojson(cells, {"z": np.linspace(-1, 1, 7), "label": ["hot"] * 7})
    json.dumps(collection)  # numpy values became plain JSON values
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 7
    feature = collection["features"][0]
    assert feature["id"] == feature["properties"]["cell"] == h3.int_to_str(cells[0])
    assert feature["properties"]["z"] == -1.0 and feature["properties"]["label"] == "hot"
    (outline,) = feature["geometry"]["coordinates"]
    assert len(outline) == 7 and outline[0] == outline[-1]
    for lng, lat in outline:
        assert -2.26 < lng < -2.23 and 53.47 < lat < 53.49  # longitude first, as GeoJSON and Leaflet expect
    exact = boundary_geojson(cells[:1], precision=None)["features"][0]["geometry"]["coordinates"][0]
    assert exact[0] == [h3int.cell_to_boundary(cells[0])[0][1], h3int.cell_to_boundary(cells[0])[0][0]]
    with pytest.raises(ValueError, match="values for 7 cells"):
        boundary_geojson(cells, {"z": [1, 2]})


def test_parent_matches_h3_cell_to_parent() -> None:
    cells = disk(BASE_CELL_EDGE, 8) + h3int.grid_disk(h3int.get_pentagons(9)[0], 2)
    for resolution in range(10):
        expected = [h3int.cell_to_parent(c, resolution) for c in cells]
        assert parent(cells, resolution).tolist() == expected
    with pytest.raises(ValueError, match="coarser"):
        parent(cells, 10)


def test_the_default_resolution_is_the_one_incidents_are_stored_at() -> None:
    from tandem.evidence.models import H3_RESOLUTION

    assert DEFAULT_RESOLUTION == H3_RESOLUTION


def test_the_cells_module_uses_no_django() -> None:
    tree = ast.parse(Path(cells_module.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {name for name in imported if name.split(".")[0] in ("django", "tandem")}
