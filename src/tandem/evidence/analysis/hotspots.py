"""Getis–Ord Gi* hotspots: which cells sit in a cluster of unusually many (or few) incidents.

The hotspot page counts incidents per H3 cell over a period and set of categories, then asks,
for each cell, whether the cell *together with its neighbours* holds more (a hot spot) or fewer
(a cold spot) incidents than a random arrangement of the same counts would give. That is the
local Gi* statistic of Getis & Ord (1992) and Ord & Getis (1995). This module is pure numpy and
scipy.sparse (no Django, no h3): it takes the counts and a sparse weights matrix, whose rows
and columns are in the same order as the counts (``tandem.evidence.cells`` builds it from H3).

What is computed — exactly what PySAL's ``esda.G_Local(y, w, star=True, permutations=0)``
computes (esda 2.9; the test suite checks agreement to 1e-9), vectorised:

* Self-weight. If the weights have nothing on the diagonal (the usual case: plain adjacency),
  each cell is put in its own neighbourhood with weight 1 for the binary transform ``"B"``, and
  with the largest weight of its row for ``"R"`` (esda's rule; 1 for binary adjacency). Weights
  that already carry a diagonal are used as they are.
* Transform. ``"R"`` (esda's default, and ours) row-standardises the weights *including* the
  self-weight, so with adjacency every cell of the closed neighbourhood weighs 1 / (k + 1).
  ``"B"`` sets every stored weight to 1 (zero weights count as absent).
* Statistic: ``g = (W y) / sum(y)``; its expected value ``W_i / n`` where ``W_i`` is the row
  sum of the transformed weights (1 under ``"R"``, k + 1 under ``"B"``); its variance
  ``W_i (n - W_i) / (n - 1) / n² · s² / ȳ²`` with ``s²`` the population variance (ddof 0) of
  the counts; ``z = (g - E) / sqrt(V)``, which simplifies to
  ``(lag_i - ȳ W_i) / (s sqrt(W_i (n - W_i) / (n - 1)))``.
  Under ``"B"`` this is the classic Gi* z-score (the one ArcGIS reports). Under ``"R"`` esda
  keeps the binary variance formula with ``W_i = 1``, so its z reduces to
  ``(mean of the closed neighbourhood - ȳ) / s``: smaller in magnitude than the binary z and not
  a standard normal score in the strict sense. We reproduce it because it is esda's default;
  prefer ``transform="B"`` when the z-scores are to be read against normal critical values.
* p-values. esda's ``p_norm`` is ``norm.sf(|z|)``: a *one-sided* tail probability in the
  direction of the observed sign (esda's docstring: "for two-sided tests, this value should be
  multiplied by 2"). We return it as ``p_one_sided`` and use the two-sided ``p = 2 · p_norm``
  for significance, since a cell may be either hot or cold.

Where esda would divide by zero we define the answer instead (documented on ``GiStar``):
counts that are all equal (all zero included) give z = 0 and p = 1 for every cell; a cell whose
closed neighbourhood is the whole study area (``W_i = n``) gives z = 0 and p = 1; an island (a
cell with no neighbours) is its own neighbourhood with weight 1 under either transform, so its z
compares its own count with the mean (esda gives the same under ``"B"`` and NaN under ``"R"``).

Multiple testing. A map of thousands of cells tested at 5 % would show hundreds of "hot spots"
by chance alone, so cells are classified on Benjamini–Hochberg adjusted p-values (q-values),
controlling the false discovery rate: the expected share of false alarms among the cells
flagged. BH is the correction ArcGIS's Hot Spot Analysis applies ("FDR correction"); it is valid
for independent tests and for the positive dependence that overlapping neighbourhoods induce
(Benjamini & Yekutieli 2001, PRDS). Bonferroni, which controls the chance of even one false
alarm, would leave almost nothing significant on a map of this size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.special import ndtr

Transform = Literal["R", "B"]
Correction = Literal["fdr_bh", "none"]

HOT = "hot"
COLD = "cold"
NOT_SIGNIFICANT = "not significant"

# ArcGIS's Gi_Bin: ±3, ±2, ±1 for significance at 99, 95 and 90 % confidence.
CONFIDENCE_LEVELS: dict[float, int] = {0.01: 99, 0.05: 95, 0.10: 90}


def _read_only(*arrays: np.ndarray) -> None:
    for array in arrays:
        array.setflags(write=False)


@dataclass(frozen=True, eq=False)
class GiStar:
    """Gi* for each cell, in the order of the counts (all arrays read-only, float64 unless noted).

    z: the standardised statistic (esda's ``Zs``); 0 where it is undefined (see the module notes).
    p: two-sided normal p-value, ``2 · norm.sf(|z|)``; 1 where z is undefined.
    p_one_sided: ``norm.sf(|z|)``, exactly esda's ``p_norm`` (tail in the direction of z).
    g: the statistic ``(W y) / sum(y)`` (esda's ``Gs``).
    expected: its expected value ``W_i / n`` (esda's ``EGs``).
    variance: its variance under the null hypothesis (esda's ``VGs``); 0 where z is undefined.
    islands: bool, cells with no neighbours (judged on their own count).
    transform: "R" or "B".
    """

    z: np.ndarray
    p: np.ndarray
    p_one_sided: np.ndarray
    g: np.ndarray
    expected: np.ndarray
    variance: np.ndarray
    islands: np.ndarray
    transform: str

    def __len__(self) -> int:
        return len(self.z)


def _row_max(weights: sp.csr_matrix, stored: np.ndarray) -> np.ndarray:
    """The largest stored weight of each row (0 for an empty row)."""
    out = np.zeros(weights.shape[0])
    rows = stored > 0
    if weights.nnz and weights.data.min() == weights.data.max():  # binary or uniform: no search
        out[rows] = weights.data[0]
    elif weights.nnz:
        out[rows] = np.maximum.reduceat(weights.data, weights.indptr[:-1][rows])
    return out


def gi_star(
    counts: np.ndarray,
    weights: sp.csr_matrix | sp.csr_array | sp.spmatrix | sp.sparray,
    *,
    transform: Transform = "R",
) -> GiStar:
    """Getis–Ord Gi* of `counts` (one non-negative value per cell) over `weights` (n × n, rows
    and columns in the order of the counts, typically binary adjacency with an empty diagonal).

    `transform` is "R" (row-standardised, esda's default) or "B" (binary); see the module notes
    for exactly what each computes. The weights are not modified; rerunning on new counts with
    the same matrix costs two sparse products and a few vector operations.
    """
    kind = transform.upper()
    if kind not in ("R", "B"):
        raise ValueError(f'transform must be "R" (row-standardised) or "B" (binary), not {transform!r}')
    y = np.asarray(counts, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"counts must be one-dimensional, not of shape {y.shape}")
    n = len(y)
    if not np.all(np.isfinite(y)):
        raise ValueError("counts must be finite numbers")
    if n and y.min() < 0:
        raise ValueError("counts must not be negative")
    w = weights if sp.issparse(weights) and weights.format == "csr" else sp.csr_matrix(weights)
    if w.shape != (n, n):
        raise ValueError(f"weights must be {n} × {n} to match the counts, not {w.shape[0]} × {w.shape[1]}")
    w = w.astype(np.float64, copy=False)
    if w.nnz and not np.all(np.isfinite(w.data)):
        raise ValueError("weights must be finite numbers")
    if not w.has_canonical_format:
        w = w.copy()  # duplicate entries would count twice as neighbours
        w.sum_duplicates()
    if w.nnz and w.data.min() <= 0:
        if w.data.min() < 0:
            raise ValueError("weights must not be negative")
        w = w.copy()  # zero weights are not neighbours: drop them without touching the caller's matrix
        w.eliminate_zeros()

    stored = np.diff(w.indptr)  # stored weights per row
    diagonal = w.diagonal()
    has_self = diagonal != 0
    islands = (stored - has_self) == 0
    fill_diagonal = not has_self.any()  # as esda: add self-weights only when there are none at all

    if kind == "B":
        pattern = sp.csr_matrix((np.ones(w.nnz), w.indices, w.indptr), shape=w.shape)
        self_weight = np.ones(n) if fill_diagonal else np.zeros(n)
        row_sum = stored + self_weight
        empty = row_sum == 0
        self_weight[empty] = 1.0
        row_sum[empty] = 1.0
        lag = pattern @ y + self_weight * y
        w_i = row_sum
    else:
        self_weight = _row_max(w, stored) if fill_diagonal else np.zeros(n)
        row_sum = w @ np.ones(n) + self_weight
        empty = row_sum == 0
        self_weight[empty] = 1.0
        row_sum[empty] = 1.0
        lag = (w @ y + self_weight * y) / row_sum
        w_i = np.ones(n)

    total = y.sum()
    constant = n < 2 or y.min() == y.max()
    factor = np.zeros(n) if constant else w_i * (n - w_i) / (n - 1)
    defined = factor > 0
    expected = w_i / max(n, 1)
    z = np.zeros(n)
    variance = np.zeros(n)
    if constant:
        g = expected.copy()  # y / sum(y) is 0/0 for all-zero counts; the limit is the expectation
    else:
        mean = total / n
        s = np.sqrt(np.var(y))
        g = lag / total
        z[defined] = (lag[defined] - mean * w_i[defined]) / (s * np.sqrt(factor[defined]))
        variance[defined] = factor[defined] / n**2 * (s / mean) ** 2
    p_one_sided = ndtr(-np.abs(z))  # scipy.stats.norm.sf(|z|), as esda, without its overhead
    p = 2.0 * p_one_sided
    _read_only(z, p, p_one_sided, g, expected, variance, islands)
    return GiStar(
        z=z,
        p=p,
        p_one_sided=p_one_sided,
        g=g,
        expected=expected,
        variance=variance,
        islands=islands,
        transform=kind,
    )


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) for the false discovery rate.

    A cell is significant at FDR level alpha when its q-value is at most alpha, which is the
    same decision as the BH step-up procedure (reject the k smallest p-values, k the largest
    rank with ``p_(k) ≤ k · alpha / m``). Equal to ``scipy.stats.false_discovery_control(p)``.
    """
    p = np.asarray(p, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError(f"p-values must be one-dimensional, not of shape {p.shape}")
    m = len(p)
    if m == 0:
        return p.copy()
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError("p-values must lie between 0 and 1")
    order = np.argsort(p)
    scaled = p[order] * (m / np.arange(1, m + 1))
    q = np.empty(m)
    q[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q


@dataclass(frozen=True, eq=False)
class Classification:
    """Each cell's verdict, in the order of the counts (arrays read-only).

    label: "hot", "cold" or "not significant".
    confidence: 99, 95 or 90 (per cent) — the strongest of these levels at which the cell is
        significant, not beyond the chosen alpha — or 0 when not significant.
    gi_bin: ArcGIS's Gi_Bin: +3/+2/+1 hot at 99/95/90 %, -3/-2/-1 cold, 0 not significant.
    q: the p-values the decision used: BH-adjusted, or the raw two-sided ones without correction.
    """

    label: np.ndarray
    confidence: np.ndarray
    gi_bin: np.ndarray
    q: np.ndarray
    alpha: float
    correction: str

    def __len__(self) -> int:
        return len(self.label)


def classify(result: GiStar, *, alpha: float = 0.05, correction: Correction = "fdr_bh") -> Classification:
    """Hot, cold or not significant for each cell of a Gi* result at significance level `alpha`
    (0.10, 0.05 or 0.01: the 90, 95 and 99 % confidence levels of ArcGIS's Gi_Bin).

    With ``correction="fdr_bh"`` (the default) the two-sided p-values are first adjusted with
    Benjamini–Hochberg, so `alpha` bounds the expected share of false hot/cold spots among the
    cells flagged; ``"none"`` uses the raw p-values (each cell tested on its own).
    """
    if alpha not in CONFIDENCE_LEVELS:
        levels = ", ".join(str(level) for level in sorted(CONFIDENCE_LEVELS))
        raise ValueError(f"alpha must be one of {levels} (90, 95 or 99 % confidence), not {alpha!r}")
    if correction == "fdr_bh":
        q = benjamini_hochberg(result.p)
    elif correction == "none":
        q = np.array(result.p, dtype=np.float64)
    else:
        raise ValueError(f'correction must be "fdr_bh" or "none", not {correction!r}')
    # 3, 2, 1 for significance at 99, 95, 90 %, then nothing beyond the chosen level.
    strength = (q <= 0.10).astype(np.int8) + (q <= 0.05) + (q <= 0.01)
    strength[q > alpha] = 0
    sign = np.sign(result.z).astype(np.int8)
    gi_bin = sign * strength
    confidence = np.choose(strength, [0, 90, 95, 99]).astype(np.int16)
    label = np.full(len(q), NOT_SIGNIFICANT, dtype=object)
    label[gi_bin > 0] = HOT
    label[gi_bin < 0] = COLD
    _read_only(label, confidence, gi_bin, q)
    return Classification(
        label=label, confidence=confidence, gi_bin=gi_bin, q=q, alpha=alpha, correction=correction
    )
