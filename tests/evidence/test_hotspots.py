"""Getis–Ord Gi* hotspots: hand-computed answers, agreement with PySAL's esda, the false discovery
rate correction and the hot / cold / not significant verdicts.

esda and libpysal are test dependencies (pyproject's dev extra) and are imported unconditionally:
if they are missing these tests fail rather than skip, so CI always checks the agreement.
"""

import ast
import math
import warnings
from pathlib import Path

import h3.api.basic_int as h3int
import numpy as np
import pytest
import scipy.sparse as sp
from esda.getisord import G_Local
from libpysal.weights import W
from scipy.special import ndtr
from scipy.stats import false_discovery_control

from tandem.evidence.analysis import hotspots
from tandem.evidence.analysis.hotspots import (
    COLD,
    HOT,
    NOT_SIGNIFICANT,
    GiStar,
    benjamini_hochberg,
    classify,
    gi_star,
)
from tandem.evidence.cells import Weights

TOLERANCE = 1e-9

# A centre (row 0) and its ring of six (rows 1-6, each next to the previous and the next one).
CENTRE_AND_RING = sp.csr_matrix(
    np.array(
        [
            [0, 1, 1, 1, 1, 1, 1],
            [1, 0, 1, 0, 0, 0, 1],
            [1, 1, 0, 1, 0, 0, 0],
            [1, 0, 1, 0, 1, 0, 0],
            [1, 0, 0, 1, 0, 1, 0],
            [1, 0, 0, 0, 1, 0, 1],
            [1, 1, 0, 0, 0, 1, 0],
        ],
        dtype=float,
    )
)
# Centre 6, ring 0..5: n = 7, sum 21, mean 3, mean of squares 91 / 7 = 13, so s² = 13 - 9 = 4, s = 2.
COUNTS = np.array([6, 0, 1, 2, 3, 4, 5], dtype=float)


def esda_g_local(y: np.ndarray, matrix: sp.csr_matrix, transform: str) -> G_Local:
    """esda's Gi* on a libpysal W built from the same neighbour lists as `matrix`."""
    neighbours = {i: matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]].tolist() for i in range(len(y))}
    with warnings.catch_warnings():
        # esda warns that it assumes the self-weight for "R", and that W has islands; both expected.
        warnings.simplefilter("ignore")
        w = W(neighbours, silence_warnings=True)
        return G_Local(y, w, transform=transform, star=True, permutations=0)


def clustered_counts(cells: np.ndarray, seed: int) -> np.ndarray:
    """Poisson counts with a few Gaussian clusters of higher rates, as police.uk incidents look."""
    rng = np.random.default_rng(seed)
    centres = np.array([h3int.cell_to_latlng(int(c)) for c in cells])
    rate = np.full(len(cells), 0.8)
    for _ in range(4):
        focus = centres[rng.integers(len(cells))]
        distance2 = ((centres - focus) ** 2).sum(axis=1) / 0.004**2
        rate += rng.uniform(3, 12) * np.exp(-distance2 / 2)
    return rng.poisson(rate).astype(float)


def manchester(k: int = 30) -> np.ndarray:
    return np.array(h3int.grid_disk(h3int.latlng_to_cell(53.4794, -2.2453, 9), k), dtype=np.uint64)


def test_gi_star_row_standardised_matches_the_hand_computation() -> None:
    # With "R", z = (mean of the cell and its neighbours - 3) / 2. Ring cell 4 (count 3) sees
    # 6 + 2 + 3 + 4 = 15 over 4 cells: (15/4 - 3) / 2 = 3/8.
    result = gi_star(COUNTS, CENTRE_AND_RING)
    expected_z = [0, 0, -3 / 8, 0, 3 / 8, 3 / 4, 3 / 8]
    np.testing.assert_allclose(result.z, expected_z, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.p, [math.erfc(abs(z) / math.sqrt(2)) for z in expected_z], atol=1e-12)
    np.testing.assert_allclose(result.expected, np.full(7, 1 / 7), atol=1e-15)
    assert result.transform == "R"


def test_gi_star_binary_matches_the_hand_computation() -> None:
    # With "B", z = (sum over the 4 cells - 3 · 4) / (s · sqrt(4 · (7 - 4) / 6)) = (S - 12) / (2 √2).
    result = gi_star(COUNTS, CENTRE_AND_RING, transform="B")
    root8 = 2 * math.sqrt(2)
    expected_z = [0, 0, -3 / root8, 0, 3 / root8, 6 / root8, 3 / root8]
    np.testing.assert_allclose(result.z, expected_z, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.g[5], 18 / 21, atol=1e-15)
    np.testing.assert_allclose(result.expected[1:], 4 / 7, atol=1e-15)
    np.testing.assert_allclose(result.variance[5], 2 / 49 * 4 / 9, atol=1e-15)
    np.testing.assert_allclose(result.p_one_sided * 2, result.p, atol=1e-15)


def test_a_cell_whose_neighbourhood_is_the_whole_area_has_z_zero_and_p_one() -> None:
    # The centre's closed neighbourhood is all 7 cells: under "B" its variance is 0 (esda: 0/0).
    result = gi_star(COUNTS, CENTRE_AND_RING, transform="B")
    assert result.z[0] == 0 and result.p[0] == 1 and result.variance[0] == 0


def test_the_hand_example_agrees_with_esda_where_esda_is_defined() -> None:
    for transform in ("R", "B"):
        ours = gi_star(COUNTS, CENTRE_AND_RING, transform=transform)
        theirs = esda_g_local(COUNTS, CENTRE_AND_RING, transform)
        defined = np.isfinite(theirs.Zs)
        assert defined[1:].all()
        np.testing.assert_allclose(ours.z[defined], theirs.Zs[defined], rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("transform", ["R", "B"])
@pytest.mark.parametrize("seed", [1, 2])
def test_gi_star_agrees_with_esda_on_thousands_of_h3_cells(transform: str, seed: int) -> None:
    weights = Weights.from_cells(manchester())
    assert len(weights) == 2791
    y = clustered_counts(weights.cells, seed)
    ours = gi_star(y, weights.matrix, transform=transform)
    theirs = esda_g_local(y, weights.matrix, transform)
    np.testing.assert_allclose(ours.z, theirs.Zs, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(ours.p_one_sided, theirs.p_norm, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(ours.p, 2 * theirs.p_norm, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(ours.g, theirs.Gs, rtol=1e-12, atol=0)
    np.testing.assert_allclose(ours.expected, theirs.EGs, rtol=1e-12, atol=0)
    np.testing.assert_allclose(ours.variance, theirs.VGs, rtol=1e-9, atol=0)
    assert np.abs(ours.z).max() > 3  # the clusters are there: not a vacuous comparison


def test_gi_star_agrees_with_esda_on_random_weights_and_a_given_diagonal() -> None:
    rng = np.random.default_rng(7)
    n = 400
    upper = sp.random(n, n, density=0.02, random_state=rng, format="csr")
    weighted = sp.csr_matrix(upper + upper.T)  # symmetric, non-binary, some islands
    weighted.setdiag(0)
    weighted.eliminate_zeros()
    with_diagonal = sp.csr_matrix(weighted + sp.identity(n) * 0.5)
    y = rng.poisson(4, n).astype(float)
    for matrix in (weighted, with_diagonal):
        weights = {i: matrix.data[matrix.indptr[i] : matrix.indptr[i + 1]].tolist() for i in range(n)}
        neighbours = {i: matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]].tolist() for i in range(n)}
        for transform in ("R", "B"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                w = W(neighbours, weights, silence_warnings=True)
                theirs = G_Local(
                    y, w, transform=transform, star=True if matrix is weighted else None, permutations=0
                )
            ours = gi_star(y, matrix, transform=transform)
            defined = np.isfinite(theirs.Zs)  # esda's "R" gives NaN for islands
            np.testing.assert_allclose(ours.z[defined], theirs.Zs[defined], rtol=0, atol=TOLERANCE)


def test_a_cluster_of_high_counts_is_a_hotspot_and_an_empty_patch_a_cold_spot() -> None:
    weights = Weights.from_cells(manchester())
    rng = np.random.default_rng(3)
    counts = rng.poisson(3, len(weights)).astype(float)
    hot_centre, cold_centre = (int(c) for c in weights.cells[[100, 2500]])
    hot = weights.index(h3int.grid_disk(hot_centre, 2))
    cold = weights.index(h3int.grid_disk(cold_centre, 3))
    counts[hot] = rng.poisson(12, len(hot))
    counts[cold] = 0
    verdict = classify(gi_star(counts, weights.matrix, transform="B"), alpha=0.05)
    at_hot, at_cold = weights.index([hot_centre, cold_centre])
    assert verdict.label[at_hot] == HOT and verdict.confidence[at_hot] == 99 and verdict.gi_bin[at_hot] == 3
    assert verdict.label[at_cold] == COLD and verdict.gi_bin[at_cold] < 0
    elsewhere = np.setdiff1d(np.arange(len(weights)), weights.index(h3int.grid_disk(hot_centre, 4)))
    elsewhere = np.setdiff1d(elsewhere, weights.index(h3int.grid_disk(cold_centre, 5)))
    assert (verdict.label[elsewhere] == NOT_SIGNIFICANT).mean() > 0.99


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("value", [0.0, 4.0, 0.1])
def test_equal_counts_everywhere_give_z_zero_p_one_and_no_hotspots(value: float) -> None:
    weights = Weights.from_cells(manchester(5))
    for transform in ("R", "B"):
        result = gi_star(np.full(len(weights), value), weights.matrix, transform=transform)
        assert (result.z == 0).all() and (result.p == 1).all() and (result.variance == 0).all()
        assert np.isfinite(result.g).all()
        assert (classify(result, alpha=0.10).label == NOT_SIGNIFICANT).all()


@pytest.mark.filterwarnings("error")
def test_an_island_is_judged_on_its_own_count() -> None:
    # A disk of cells and one far away with no neighbours in the set.
    far = h3int.latlng_to_cell(51.5, -0.12, 9)
    cells = np.append(manchester(4), np.uint64(far))
    weights = Weights.from_cells(cells)
    assert weights.neighbours[-1] == 0
    y = clustered_counts(weights.cells, 5)
    y[-1] = 9
    for transform in ("R", "B"):
        result = gi_star(y, weights.matrix, transform=transform)
        assert result.islands.tolist() == [False] * (len(y) - 1) + [True]
        np.testing.assert_allclose(result.z[-1], (9 - y.mean()) / y.std(), atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        binary, row_standardised = (esda_g_local(y, weights.matrix, t) for t in ("B", "R"))
    np.testing.assert_allclose(gi_star(y, weights.matrix, transform="B").z, binary.Zs, atol=TOLERANCE)
    assert np.isnan(row_standardised.Zs[-1])  # esda's "R" cannot place an island: we can
    np.testing.assert_allclose(gi_star(y, weights.matrix).z[:-1], row_standardised.Zs[:-1], atol=TOLERANCE)


def test_gi_star_leaves_the_weights_untouched_and_its_result_read_only() -> None:
    matrix = CENTRE_AND_RING.copy()
    matrix.data[0] = 0.0  # an explicit zero: not a neighbour, and must stay in the caller's matrix
    before = (matrix.data.copy(), matrix.indices.copy(), matrix.indptr.copy())
    result = gi_star(COUNTS, matrix)
    for array, kept in zip((matrix.data, matrix.indices, matrix.indptr), before, strict=True):
        np.testing.assert_array_equal(array, kept)
    with pytest.raises(ValueError, match="read-only"):
        result.z[0] = 1.0


def test_gi_star_takes_other_sparse_formats_and_integer_counts() -> None:
    reference = gi_star(COUNTS, CENTRE_AND_RING, transform="B").z
    for matrix in (CENTRE_AND_RING.tocoo(), sp.csr_array(CENTRE_AND_RING), CENTRE_AND_RING.toarray()):
        np.testing.assert_allclose(gi_star(COUNTS.astype(int), matrix, transform="b").z, reference)


@pytest.mark.parametrize(
    ("counts", "matrix", "transform", "message"),
    [
        (COUNTS, CENTRE_AND_RING, "D", "transform"),
        (COUNTS[:5], CENTRE_AND_RING, "R", "7 × 7"),
        (-COUNTS, CENTRE_AND_RING, "R", "negative"),
        (np.append(COUNTS[:6], np.nan), CENTRE_AND_RING, "R", "finite"),
        (COUNTS.reshape(7, 1), CENTRE_AND_RING, "R", "one-dimensional"),
        (COUNTS, -CENTRE_AND_RING, "R", "negative"),
    ],
)
def test_gi_star_refuses_what_it_cannot_compute(counts, matrix, transform, message) -> None:
    with pytest.raises(ValueError, match=message):
        gi_star(counts, matrix, transform=transform)


def test_benjamini_hochberg_matches_a_hand_example() -> None:
    # Sorted: 0.005, 0.01, 0.03, 0.04, 0.20 → × 5 / rank: 0.025, 0.025, 0.05, 0.05, 0.20,
    # already non-decreasing, so those are the q-values, put back in the original order.
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.005, 0.20]))
    np.testing.assert_allclose(q, [0.025, 0.05, 0.05, 0.025, 0.20], atol=1e-15)
    # A later small rank caps the earlier ones: 0.04 × 2 / 1 = 0.08 > 0.045 × 2 / 2.
    np.testing.assert_allclose(benjamini_hochberg(np.array([0.04, 0.045])), [0.045, 0.045], atol=1e-15)


def test_benjamini_hochberg_agrees_with_scipy_including_ties() -> None:
    rng = np.random.default_rng(11)
    p = np.concatenate([rng.uniform(size=3000) ** 3, np.full(50, 0.02), [0.0, 1.0]])
    rng.shuffle(p)
    np.testing.assert_allclose(benjamini_hochberg(p), false_discovery_control(p, method="bh"), atol=1e-15)
    assert benjamini_hochberg(np.array([])).shape == (0,)
    with pytest.raises(ValueError, match="between 0 and 1"):
        benjamini_hochberg(np.array([0.5, 1.5]))


def result_with(z: list[float]) -> GiStar:
    """A Gi* result carrying only the given z-scores (and their p-values)."""
    z_ = np.array(z)
    one_sided = ndtr(-np.abs(z_))
    blank = np.zeros(len(z_))
    return GiStar(
        z=z_,
        p=2 * one_sided,
        p_one_sided=one_sided,
        g=blank,
        expected=blank,
        variance=blank,
        islands=blank.astype(bool),
        transform="B",
    )


def test_classify_uses_gi_bin_confidence_levels_up_to_the_chosen_alpha() -> None:
    result = result_with([3.0, -2.2, 1.7, 0.5, -3.5])  # p ≈ 0.0027, 0.028, 0.089, 0.62, 0.0005
    cases = {
        0.10: ([3, -2, 1, 0, -3], [99, 95, 90, 0, 99]),
        0.05: ([3, -2, 0, 0, -3], [99, 95, 0, 0, 99]),
        0.01: ([3, 0, 0, 0, -3], [99, 0, 0, 0, 99]),
    }
    for alpha, (bins, confidence) in cases.items():
        verdict = classify(result, alpha=alpha, correction="none")
        assert verdict.gi_bin.tolist() == bins
        assert verdict.confidence.tolist() == confidence
        assert verdict.label.tolist() == [
            {1: HOT, -1: COLD, 0: NOT_SIGNIFICANT}[int(np.sign(b))] for b in bins
        ]


def test_the_false_discovery_rate_correction_flags_fewer_cells_than_raw_p_values() -> None:
    rng = np.random.default_rng(4)
    result = result_with(list(rng.normal(size=2000)))  # pure noise: about 5 % below p = 0.05 by chance
    raw = classify(result, correction="none")
    corrected = classify(result)
    assert (raw.label != NOT_SIGNIFICANT).sum() > 50
    assert (corrected.label != NOT_SIGNIFICANT).sum() < 5
    np.testing.assert_allclose(corrected.q, benjamini_hochberg(result.p))


def test_classify_refuses_other_alphas_and_corrections() -> None:
    with pytest.raises(ValueError, match="alpha"):
        classify(result_with([1.0]), alpha=0.2)
    with pytest.raises(ValueError, match="correction"):
        classify(result_with([1.0]), correction="bonferroni")


def test_the_analysis_module_depends_on_numpy_and_scipy_only() -> None:
    tree = ast.parse(Path(hotspots.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    top_level = {name.split(".")[0] for name in imported}
    assert top_level <= {"__future__", "dataclasses", "typing", "numpy", "scipy"}
