"""Getis–Ord Gi* hotspots: Tandem's numpy/scipy.sparse implementation against PySAL (esda, libpysal).

    .venv/bin/python bench/bench_gistar.py [--repeat 5] [--sizes 5000,50000] [--transforms R,B]

No Django and no database: on about 5,000 and 50,000 contiguous H3 resolution-9 cells around
Birmingham (grid_disk of the nearest size) with clustered Poisson counts, like police.uk
incidents, it times, as the median of --repeat runs after one warm-up run:

* end to end from cell ids — ours: ``Weights.from_cells`` (validation and H3 adjacency) then
  ``gi_star``; PySAL: the neighbour lists from ``h3.grid_disk`` for every cell (kept within the
  set), a ``libpysal.weights.W`` from them, then ``esda.G_Local(star=True, permutations=0)``.
  Both start from the same cell ids and both ask h3 for the adjacency, so both pay for it.
* the statistic alone with cached weights — ours: ``gi_star`` on the prebuilt matrix; PySAL:
  ``G_Local`` on the prebuilt W. Each call of G_Local with star=True copies W to add the
  self-weights (libpysal's fill_diagonal) and re-applies the transform; ``gi_star`` does the
  equivalent work (self-weights and standardisation) on every call too, so this is like for like.
* the statistic, PySAL given the self-weights — the best case we could give esda: a W that
  already has the self-weights (fill_diagonal done once, outside the timing) and star=None, so
  G_Local only re-applies the transform and rebuilds its sparse matrix before computing.

It prints one table with both medians, the speed-up, and the largest differences in z and in
the two-sided p-value (ours ``p`` against esda's one-sided ``p_norm`` × 2). The goals: at least
10× end to end, at least 100× for the statistic alone, and max |Δz| below 1e-9. Exits 1 when
the results disagree (the speed-ups depend on the machine and are only reported).
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path

import h3.api.basic_int as h3int
import numpy as np
from esda.getisord import G_Local
from libpysal.weights import W
from libpysal.weights.util import fill_diagonal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tandem.evidence.analysis.hotspots import GiStar, gi_star  # noqa: E402
from tandem.evidence.cells import Weights  # noqa: E402

BIRMINGHAM = (52.4862, -1.8904)
AGREEMENT = 1e-9


def contiguous_cells(size: int) -> np.ndarray:
    """The grid disk around Birmingham whose size (3k² + 3k + 1) is nearest `size`, as stored ids."""
    k = min(range(1, 400), key=lambda k: abs(3 * k * k + 3 * k + 1 - size))
    cells = h3int.grid_disk(h3int.latlng_to_cell(*BIRMINGHAM, 9), k)
    return np.array(cells, dtype=np.int64)


def clustered_counts(cells: np.ndarray, seed: int = 2024) -> np.ndarray:
    """A year of incidents per cell: a low background and a dozen clusters of 300-900 m."""
    rng = np.random.default_rng(seed)
    centres = np.array([h3int.cell_to_latlng(cell) for cell in cells.tolist()])
    kilometres = centres * [111.2, 111.2 * np.cos(np.radians(BIRMINGHAM[0]))]
    rate = np.full(len(cells), 0.6)
    for _ in range(12):
        focus = kilometres[rng.integers(len(cells))]
        spread = rng.uniform(0.3, 0.9)
        rate += rng.uniform(2, 15) * np.exp(-((kilometres - focus) ** 2).sum(axis=1) / (2 * spread**2))
    return rng.poisson(rate).astype(np.float64)


def pysal_weights(cells: list[int]) -> W:
    inside = set(cells)
    neighbours = {cell: [n for n in h3int.grid_disk(cell, 1) if n != cell and n in inside] for cell in cells}
    return W(neighbours, id_order=cells, silence_warnings=True)


def ours_end_to_end(cells: np.ndarray, counts: np.ndarray, transform: str) -> GiStar:
    return gi_star(counts, Weights.from_cells(cells).matrix, transform=transform)


def pysal_end_to_end(cells: np.ndarray, counts: np.ndarray, transform: str) -> G_Local:
    return G_Local(counts, pysal_weights(cells.tolist()), transform=transform, star=True, permutations=0)


def median_ms(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time in milliseconds of `repeat` calls after a warm-up, and the last result."""
    result = run()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def differences(ours, theirs) -> tuple[float, float]:
    return (
        float(np.abs(ours.z - theirs.Zs).max()),
        float(np.abs(ours.p - 2 * theirs.p_norm).max()),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "5")))
    parser.add_argument("--sizes", default="5000,50000", help="approximate numbers of cells, comma-separated")
    parser.add_argument("--transforms", default="R,B", help='"R" (esda\'s default), "B" or both')
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    transforms = [transform.strip().upper() for transform in args.transforms.split(",")]
    # esda warns that it assumes the self-weight for "R" (its documented rule, which we follow).
    warnings.filterwarnings("ignore", message="Gi\\* requested", category=UserWarning)

    started = time.perf_counter()
    print(
        f"numpy {np.__version__}, scipy {version('scipy')}, h3 {version('h3')}, "
        f"esda {version('esda')}, libpysal {version('libpysal')}; median of {args.repeat} runs"
    )
    header = (
        f"{'cells':>7} {'tr':>2} {'stage':<35} {'ours ms':>9} {'PySAL ms':>10} {'speed-up':>9} "
        f"{'max |Δz|':>9} {'max |Δp|':>9}"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    goals = []
    for size in sizes:
        cells = contiguous_cells(size)
        counts = clustered_counts(cells)
        cached = Weights.from_cells(cells)
        prebuilt = pysal_weights(cells.tolist())
        with_self = fill_diagonal(prebuilt, 1.0)
        for transform in transforms:
            stages = [
                (
                    "end to end from cell ids",
                    partial(ours_end_to_end, cells, counts, transform),
                    partial(pysal_end_to_end, cells, counts, transform),
                    10,
                ),
                (
                    "statistic, cached weights",
                    partial(gi_star, counts, cached.matrix, transform=transform),
                    partial(G_Local, counts, prebuilt, transform=transform, star=True, permutations=0),
                    100,
                ),
                (
                    "statistic, PySAL given self-weights",
                    partial(gi_star, counts, cached.matrix, transform=transform),
                    partial(G_Local, counts, with_self, transform=transform, star=None, permutations=0),
                    None,
                ),
            ]
            for label, ours_run, pysal_run, goal in stages:
                ours_ms, ours = median_ms(ours_run, args.repeat)
                pysal_ms, theirs = median_ms(pysal_run, args.repeat)
                dz, dp = differences(ours, theirs)
                worst = max(worst, dz, dp)
                speed_up = pysal_ms / ours_ms
                if goal:
                    goals.append((f"{len(cells)} cells, {transform}, {label}", speed_up, goal))
                print(
                    f"{len(cells):>7} {transform:>2} {label:<35} {ours_ms:>9.2f} {pysal_ms:>10.1f} "
                    f"{speed_up:>8.0f}× {dz:>9.1e} {dp:>9.1e}"
                )
    print()
    for label, speed_up, goal in goals:
        verdict = "met" if speed_up >= goal else "MISSED"
        print(f"goal ≥{goal}× {verdict}: {label} ({speed_up:.0f}×)")
    agreed = worst < AGREEMENT
    print(f"agreement with esda: largest difference {worst:.1e} ({'below' if agreed else 'NOT below'} 1e-9)")
    print(f"total {time.perf_counter() - started:.1f}s")
    return 0 if agreed else 1


if __name__ == "__main__":
    sys.exit(main())
