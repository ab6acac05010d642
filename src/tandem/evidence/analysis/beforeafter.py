"""Before/after comparison for a problem or an action: "did it work?", honestly.

What it does
------------
Given the monthly incident counts in a problem's area (or a drawn radius) and categories for N
months **before** and N months **after** a date, :func:`before_after` works out

* totals, change and % change, and rates (per month; per 1,000 residents and per km² over the
  period when the population or size is given);
* the same for a **comparison area** (the rest of the district, or one the user chooses), and
  the **difference-in-differences**: on the ratio scale (the ratio of rate ratios, with a
  confidence interval) and in counts;
* whether the target's change **differs from chance** — alone, or relative to the comparison —
  with a Poisson test and, when the months vary more than Poisson allows, a negative binomial
  one;
* the **seasonality check**: did the same months a year earlier show the same change?
* ``summary``: a sentence or three in plain British English saying what can and cannot be
  concluded. It never claims that the action caused a change; the most it says is that a
  change is unlikely to be chance alone.

Conventions
-----------
Inputs are one-dimensional sequences (lists, tuples, numpy arrays) of **non-negative whole
monthly counts, oldest first**. ``target_before`` and ``target_after`` must have the same length
N ≥ 1, and so must every other series passed. Counts are per calendar month, because police.uk
publishes by month; which month the "after" period starts with is the caller's choice (see
:func:`tandem.evidence.analysis.trends.windows_around`). ``change_date`` is only used in the
wording. The comparison series must **not include the target area** (pass "the rest of the
district", not the district), or the comparison is contaminated by the change being tested.

Statistical model and choices
-----------------------------
Counts are modelled as Poisson (or negative binomial) with one mean per area and period.

*Rate ratio.* The rate ratio is (after total) / (before total). With equal lengths the months
of exposure cancel, and so does a population or an area that is the same before and after, so
the rate ratio of counts is also the ratio of rates per month, per resident and per km².

*Target alone (no comparison).* Conditional on the total ``n = before + after``, the after
count is Binomial(n, ½) under "no change" — the standard exact test for the ratio of two
Poisson rates. We use :func:`scipy.stats.binomtest` (two-sided) and turn its Clopper–Pearson
interval for the proportion *p* into one for the rate ratio, *p* / (1 − *p*). It is exact, so it
is valid for small numbers and for a zero on either side.

*With a comparison: difference-in-differences.* The ratio of rate ratios
RRR = (T₁/T₀) / (C₁/C₀) is the interaction term of a Poisson GLM with log link,
``log μ = β₀ + β₁·after + β₂·target + β₃·after·target``, fitted to the monthly counts by
iteratively reweighted least squares in numpy (no statsmodels). β₃ = log RRR and, because the
model is saturated in the four area × period groups, its standard error is
√(1/T₀ + 1/T₁ + 1/C₀ + 1/C₁); the test is the Wald z-test and the interval exp(β₃ ± z·SE). When
any of the four totals is zero the log-linear fit does not exist, and we fall back to the exact
conditional test (given all the margins of the 2×2 table of totals, the target's after count is
hypergeometric under RRR = 1: Fisher's exact test) with the conditional exact interval (as
:func:`scipy.stats.contingency.odds_ratio` gives it, computed directly for speed). The
absolute DiD, (T₁ − T₀) − (C₁ − C₀), is also given, but it only means something when the two
areas are of similar size, so the summary does not use it; ``expected_after`` (T₀ · C₁/C₀:
what the target would have had if it had changed as the comparison did) is the fairer count to
show.

*Overdispersion and the negative binomial test.* Monthly counts often vary more than Poisson
allows (a bad month, a seasonal swing within the period), and a Poisson test then overstates
how sure we can be. For each series (target, comparison, a year earlier) we compute Pearson's
X² = Σ (y − ȳ_g)² / ȳ_g around the before and after means, with 2N − 2 degrees of freedom,
and call the series **overdispersed** when X² is significant against χ² at 5%
(``overdispersion_level``): "variance clearly greater than the mean". The negative binomial
(NB2) variance is μ + αμ²; α is estimated **by the method of moments** — the α ≥ 0 at which
X²(α) = Σ (y − ȳ_g)² / (ȳ_g + αȳ_g²) equals its degrees of freedom (the Pearson estimator,
solved with :func:`scipy.optimize.brentq`; 0 when X² is already at or below its degrees of
freedom). We prefer it to maximum likelihood because with as few as six months per group the
ML estimate is biased towards zero, which would make the test over-confident. Each series has
its own α, because a whole district and a small area rarely share one. The NB GLM is then
fitted by IRLS with weights μ / (1 + αμ) and tested by Wald; its SE for the saturated design is
√(Σ_g (1/Y_g + α_g/N)). When any series is overdispersed and the NB fit exists, the NB test is
the headline test; both are kept in the result.

*Seasonality.* Given the same months a year earlier, we compare the target's rate ratio now
with the rate ratio a year earlier (the same 2×2 machinery, the year earlier standing in for
the comparison) and say whether the same change happened then: "as much" when the year-earlier
change was in the same direction and at least as big (on the ratio scale), "partly" when it was
in the same direction and at least a quarter as big, otherwise "no".

*Small numbers.* Fewer than ``min_total`` (default 10) incidents before and after together is
"too few to tell": the result still holds all the figures, but the summary says only that.

*Wording of the comparison.* On the log scale, s = log(C₁/C₀) / log(T₁/T₀) is how much of the
target's change the comparison also showed. s ≥ 1: the change here was "no bigger than the
wider trend"; ½ ≤ s < 1: "most of the fall was happening anyway"; 0 < s < ½: "bigger than the
wider trend"; s ≤ 0: "went against the wider trend". Whether the difference is more than chance
is said separately, from the test, at the ``significance`` level (default 5%, and the
confidence intervals are 95%).

Depends only on numpy, scipy and the standard library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from scipy import optimize, special, stats

from .trends import format_date

__all__ = [
    "BeforeAfter",
    "Change",
    "Dispersion",
    "RatioEstimate",
    "RatioTest",
    "before_after",
    "format_p",
]

Counts = Sequence[int] | np.ndarray
Seasonality = Literal["not checked", "too few", "as much", "partly", "no"]


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One series' totals and rates before and after."""

    months: int
    before: int
    after: int
    #: ``after - before``.
    change: int
    #: ``None`` when ``before`` is zero.
    percent_change: float | None
    #: ``after / before``; ``None`` when ``before`` is zero.
    rate_ratio: float | None
    before_per_month: float
    after_per_month: float
    #: Over the whole N-month period, when a population was given.
    before_per_1000_residents: float | None = None
    after_per_1000_residents: float | None = None
    #: Over the whole N-month period, when an area in km² was given.
    before_per_km2: float | None = None
    after_per_km2: float | None = None

    @property
    def total(self) -> int:
        return self.before + self.after


@dataclass(frozen=True)
class Dispersion:
    """Is a series' month-to-month variation more than Poisson allows?"""

    series: str
    #: Pearson's X² around the before and after means.
    pearson_chi2: float
    degrees_of_freedom: int
    #: X² / degrees of freedom (about 1 for Poisson data); ``None`` with no degrees of freedom.
    ratio: float | None
    #: Upper-tail χ² p-value for X² (``None`` with no degrees of freedom).
    p_value: float | None
    #: NB2 dispersion α (variance μ + αμ²), by the method of moments; 0 when not overdispersed.
    alpha: float
    overdispersed: bool


@dataclass(frozen=True)
class RatioEstimate:
    """One method's estimate of a ratio with its confidence interval and p-value (H₀: ratio 1)."""

    method: str
    #: The observed ratio; ``None`` when it has no finite value (e.g. zero before).
    estimate: float | None
    ci_low: float
    #: May be ``math.inf`` (no upper limit can be put on it).
    ci_high: float
    p_value: float
    #: For Wald tests: the log ratio and its standard error.
    log_estimate: float | None = None
    se: float | None = None


@dataclass(frozen=True)
class RatioTest:
    """The Poisson and negative binomial tests of one ratio, and which one to believe."""

    #: "rate ratio" (target after / before) or "ratio of rate ratios".
    what: str
    poisson: RatioEstimate
    #: ``None`` when it cannot be fitted (a zero total).
    negative_binomial: RatioEstimate | None
    dispersion: tuple[Dispersion, ...]
    overdispersed: bool

    @property
    def chosen(self) -> RatioEstimate:
        if self.overdispersed and self.negative_binomial is not None:
            return self.negative_binomial
        return self.poisson

    @property
    def p_value(self) -> float:
        return self.chosen.p_value


@dataclass(frozen=True)
class BeforeAfter:
    months: int
    change_date: date | None
    target: Change
    comparison: Change | None
    year_earlier: Change | None
    #: Target after vs before, on its own.
    target_test: RatioTest
    #: Target's change vs the comparison's (``None`` without a comparison).
    did_test: RatioTest | None
    #: Target's change now vs the same months a year earlier (``None`` if not given).
    seasonal_test: RatioTest | None
    #: The test the summary relies on: ``did_test`` when the comparison is usable, else ``target_test``.
    test: RatioTest
    #: (T₁/T₀) / (C₁/C₀); ``None`` when it has no finite value.
    did_ratio: float | None
    #: (T₁ − T₀) − (C₁ − C₀).
    did_counts: int | None
    #: Difference in the change of the rates per 1,000 residents (both populations needed).
    did_per_1000_residents: float | None
    #: T₀ · C₁/C₀: the target's after count had it changed as the comparison did.
    expected_after: float | None
    #: T₁ − expected_after (negative: fewer than expected).
    difference_from_expected: float | None
    too_few: bool
    seasonality: Seasonality
    significance: float
    summary: str

    @property
    def p_value(self) -> float:
        return self.test.p_value

    @property
    def significant(self) -> bool:
        return self.test.p_value < self.significance

    @property
    def did_percent(self) -> float | None:
        """How far the target ended up above (+) or below (−) following the comparison, in %."""
        return None if self.did_ratio is None else 100.0 * (self.did_ratio - 1.0)


# --- the analysis ---------------------------------------------------------------------------


def before_after(
    target_before: Counts,
    target_after: Counts,
    comparison_before: Counts | None = None,
    comparison_after: Counts | None = None,
    target_year_earlier_before: Counts | None = None,
    target_year_earlier_after: Counts | None = None,
    *,
    change_date: date | None = None,
    population: float | None = None,
    area_km2: float | None = None,
    comparison_population: float | None = None,
    comparison_area_km2: float | None = None,
    comparison_label: str = "the rest of the district",
    subject: str = "incidents",
    min_total: int = 10,
    significance: float = 0.05,
    overdispersion_level: float = 0.05,
) -> BeforeAfter:
    """Compare N months before with N months after, honestly (see the module docstring).

    ``subject`` is the plural noun for what is counted ("incidents", "complaints");
    ``comparison_label`` names the comparison area as it reads mid-sentence.
    """
    if not 0 < significance < 1 or not 0 < overdispersion_level < 1:
        raise ValueError("significance levels must be between 0 and 1")
    t0 = _counts(target_before, "target_before")
    t1 = _counts(target_after, "target_after")
    n = len(t0)
    if n == 0:
        raise ValueError("need at least one month before and after")
    _same_length(n, t1, "target_after")
    comparison = _pair(comparison_before, comparison_after, "comparison", n)
    earlier = _pair(target_year_earlier_before, target_year_earlier_after, "target_year_earlier", n)

    target = _change(t0, t1, population, area_km2)
    target_test = _ratio_test({"target": (t0, t1)}, overdispersion_level, significance)
    too_few = target.total < min_total

    comp: Change | None = None
    did_test = None
    did_ratio = did_counts = did_rate = expected = diff_expected = None
    usable = False
    if comparison is not None:
        c0, c1 = comparison
        comp = _change(c0, c1, comparison_population, comparison_area_km2)
        did_test = _ratio_test(
            {"comparison": (c0, c1), "target": (t0, t1)}, overdispersion_level, significance
        )
        usable = comp.before > 0 and comp.total >= min_total
        did_counts = target.change - comp.change
        if comp.before > 0:
            expected = target.before * comp.after / comp.before
            diff_expected = target.after - expected
            if target.before > 0 and comp.after > 0:
                did_ratio = (target.after / target.before) / (comp.after / comp.before)
        if population is not None and comparison_population is not None:
            did_rate = 1000.0 * (target.change / population - comp.change / comparison_population)

    year: Change | None = None
    seasonal_test = None
    seasonality: Seasonality = "not checked"
    if earlier is not None:
        e0, e1 = earlier
        year = _change(e0, e1, population, area_km2)
        seasonal_test = _ratio_test(
            {"a year earlier": (e0, e1), "target": (t0, t1)}, overdispersion_level, significance
        )
        seasonality = _seasonality(target, year, min_total)

    test = did_test if usable and did_test is not None else target_test
    summary = _summary(
        target=target,
        comparison=comp,
        comparison_usable=usable,
        year_earlier=year,
        seasonality=seasonality,
        test=test,
        too_few=too_few,
        change_date=change_date,
        comparison_label=comparison_label,
        subject=subject,
        significance=significance,
    )
    return BeforeAfter(
        months=n,
        change_date=change_date,
        target=target,
        comparison=comp,
        year_earlier=year,
        target_test=target_test,
        did_test=did_test,
        seasonal_test=seasonal_test,
        test=test,
        did_ratio=did_ratio,
        did_counts=did_counts,
        did_per_1000_residents=did_rate,
        expected_after=expected,
        difference_from_expected=diff_expected,
        too_few=too_few,
        seasonality=seasonality,
        significance=significance,
        summary=summary,
    )


# --- inputs ---------------------------------------------------------------------------------


def _counts(values: Counts, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional sequence of monthly counts")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must hold non-negative whole numbers")
    return arr.astype(np.int64)


def _same_length(n: int, arr: np.ndarray, name: str) -> None:
    if len(arr) != n:
        raise ValueError(f"{name} has {len(arr)} months; every series must have {n}")


def _pair(
    before: Counts | None, after: Counts | None, name: str, n: int
) -> tuple[np.ndarray, np.ndarray] | None:
    if before is None and after is None:
        return None
    if before is None or after is None:
        raise ValueError(f"give both {name}_before and {name}_after, or neither")
    b, a = _counts(before, f"{name}_before"), _counts(after, f"{name}_after")
    _same_length(n, b, f"{name}_before")
    _same_length(n, a, f"{name}_after")
    return b, a


def _positive(value: float | None, name: str) -> float | None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number")
    return value


def _change(before: np.ndarray, after: np.ndarray, population: float | None, km2: float | None) -> Change:
    _positive(population, "population")
    _positive(km2, "area_km2")
    b, a, n = int(before.sum()), int(after.sum()), len(before)
    return Change(
        months=n,
        before=b,
        after=a,
        change=a - b,
        percent_change=None if b == 0 else 100.0 * (a - b) / b,
        rate_ratio=None if b == 0 else a / b,
        before_per_month=b / n,
        after_per_month=a / n,
        before_per_1000_residents=None if population is None else 1000.0 * b / population,
        after_per_1000_residents=None if population is None else 1000.0 * a / population,
        before_per_km2=None if km2 is None else b / km2,
        after_per_km2=None if km2 is None else a / km2,
    )


# --- dispersion -----------------------------------------------------------------------------


def _pearson(groups: Sequence[np.ndarray], alpha: float) -> float:
    total = 0.0
    for g in groups:
        m = float(g.mean())
        total += float(np.sum((g - m) ** 2)) / (m + alpha * m * m)
    return total


def _dispersion(label: str, before: np.ndarray, after: np.ndarray, level: float) -> Dispersion:
    # Groups with no incidents at all say nothing about dispersion (and have a fitted mean of 0).
    groups = [g.astype(float) for g in (before, after) if g.sum() > 0]
    df = sum(len(g) for g in groups) - len(groups)
    if df <= 0:
        return Dispersion(label, 0.0, 0, None, None, 0.0, False)
    x2 = _pearson(groups, 0.0)
    p = float(stats.chi2.sf(x2, df))
    alpha = 0.0
    if x2 > df:
        high = 1.0
        while _pearson(groups, high) > df:
            high *= 4.0
        alpha = float(optimize.brentq(lambda a: _pearson(groups, a) - df, 0.0, high, xtol=1e-12))
    return Dispersion(label, x2, df, x2 / df, p, alpha, p < level)


# --- GLM fitted by IRLS ---------------------------------------------------------------------


def _log_likelihood(y: np.ndarray, eta: np.ndarray, alpha: np.ndarray) -> float:
    """Poisson (α = 0) or NB2 log-likelihood of ``y`` at ``log μ = eta``, up to terms free of μ."""
    eta = np.minimum(eta, 700.0)
    mu = np.exp(eta)
    poisson = y * eta - mu
    safe = np.where(alpha > 0, alpha, 1.0)
    nb = y * np.log(safe * mu / (1.0 + safe * mu)) - np.log1p(safe * mu) / safe
    return float(np.sum(np.where(alpha > 0, nb, poisson)))


def _fit_log_linear(
    y: np.ndarray, x: np.ndarray, alpha: np.ndarray, mu_start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``log E[y] = x @ beta`` by IRLS for Poisson (α = 0) or NB2 with known α per row.

    Starts from ``mu_start`` (the group means, which for our saturated designs are already the
    maximum-likelihood fit, so IRLS confirms it in a step), and halves any step that lowers the
    likelihood, so it cannot run away. Returns the coefficients and their covariance,
    (Xᵀ W X)⁻¹ with W = μ / (1 + αμ) — the expected information for the log link, which is what
    the Wald tests use.
    """
    beta = np.linalg.lstsq(x, np.log(mu_start), rcond=None)[0]
    ll = _log_likelihood(y, x @ beta, alpha)
    for _ in range(100):
        eta = x @ beta
        mu = np.exp(eta)
        w = mu / (1.0 + alpha * mu)
        z = eta + (y - mu) / mu
        xtw = x.T * w
        step = np.linalg.solve(xtw @ x, xtw @ z) - beta
        t = 1.0
        while True:
            candidate = beta + t * step
            candidate_ll = _log_likelihood(y, x @ candidate, alpha)
            if candidate_ll >= ll - 1e-9 * abs(ll) or t < 1e-6:
                break
            t /= 2
        done = np.max(np.abs(candidate - beta)) < 1e-10
        beta, ll = candidate, candidate_ll
        if done:
            break
    mu = np.exp(x @ beta)
    w = mu / (1.0 + alpha * mu)
    cov = np.linalg.inv((x.T * w) @ x)
    return beta, cov


def _design(
    series: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Monthly rows for one series (columns: 1, after) or two (1, after, second, after·second).

    The last coefficient is the log rate ratio (one series) or the log ratio of rate ratios of
    the second series to the first (two series). Also returns each row's series index and its
    group's mean (series × period).
    """
    ys, rows, group, means = [], [], [], []
    for s, (before, after) in enumerate(series):
        for period, counts in enumerate((before, after)):
            mean = float(np.mean(counts))
            for value in counts:
                ys.append(float(value))
                row = [1.0, float(period)]
                if len(series) == 2:
                    row += [float(s), float(period * s)]
                rows.append(row)
                group.append(s)
                means.append(mean)
    return np.asarray(ys), np.asarray(rows), np.asarray(group), np.asarray(means)


def _wald(
    method: str, series: Sequence[tuple[np.ndarray, np.ndarray]], alphas: Sequence[float], level: float
) -> RatioEstimate:
    y, x, group, means = _design(series)
    beta, cov = _fit_log_linear(y, x, np.asarray(alphas, dtype=float)[group], means)
    b, se = float(beta[-1]), float(math.sqrt(cov[-1, -1]))
    zcrit = float(stats.norm.ppf(1 - level / 2))
    p = float(2 * stats.norm.sf(abs(b) / se))
    return RatioEstimate(
        method=method,
        estimate=math.exp(b),
        ci_low=math.exp(b - zcrit * se),
        ci_high=math.exp(b + zcrit * se),
        p_value=min(p, 1.0),
        log_estimate=b,
        se=se,
    )


# --- tests ----------------------------------------------------------------------------------


def _ratio_test(
    series: dict[str, tuple[np.ndarray, np.ndarray]], overdispersion_level: float, level: float
) -> RatioTest:
    """Test the rate ratio of one series, or the ratio of rate ratios of the second to the first."""
    pairs = list(series.values())
    dispersion = tuple(_dispersion(label, b, a, overdispersion_level) for label, (b, a) in series.items())
    totals = [int(v.sum()) for pair in pairs for v in pair]
    all_positive = all(t > 0 for t in totals)
    if len(pairs) == 1:
        what = "rate ratio"
        poisson = _exact_rate_ratio(totals[0], totals[1], level)
    else:
        what = "ratio of rate ratios"
        if all_positive:
            poisson = _wald("Poisson GLM, Wald test", pairs, [0.0, 0.0], level)
        else:
            poisson = _exact_ratio_of_ratios(*totals, level)
    nb = None
    if all_positive:
        nb = _wald("negative binomial GLM, Wald test", pairs, [d.alpha for d in dispersion], level)
    return RatioTest(
        what=what,
        poisson=poisson,
        negative_binomial=nb,
        dispersion=dispersion,
        overdispersed=any(d.overdispersed for d in dispersion),
    )


def _exact_rate_ratio(before: int, after: int, level: float) -> RatioEstimate:
    method = "exact conditional binomial test"
    n = before + after
    if n == 0:
        return RatioEstimate(method, None, 0.0, math.inf, 1.0)
    result = stats.binomtest(after, n, 0.5)
    ci = result.proportion_ci(confidence_level=1 - level, method="exact")
    low = ci.low / (1 - ci.low)
    high = math.inf if ci.high >= 1 else ci.high / (1 - ci.high)
    return RatioEstimate(method, None if before == 0 else after / before, low, high, min(result.pvalue, 1.0))


def _exact_ratio_of_ratios(c0: int, c1: int, t0: int, t1: int, level: float) -> RatioEstimate:
    method = "exact conditional test (Fisher)"
    table = [[t1, t0], [c1, c0]]
    if min(t0 + t1, c0 + c1, t1 + c1, t0 + c0) == 0:
        return RatioEstimate(method, None, 0.0, math.inf, 1.0)
    p = float(stats.fisher_exact(table).pvalue)
    low, high = _conditional_interval(t1, t0, c1, c0, level)
    estimate = None if t0 * c1 == 0 else (t1 * c0) / (t0 * c1)
    return RatioEstimate(method, estimate, low, high, min(p, 1.0))


def _conditional_interval(t1: int, t0: int, c1: int, c0: int, level: float) -> tuple[float, float]:
    """Exact conditional interval for the odds ratio of [[t1, t0], [c1, c0]] when a cell is zero.

    Given the margins, ``t1`` has Fisher's noncentral hypergeometric distribution with odds ratio
    ψ; a zero cell puts ``t1`` at one end of its support, so one limit is 0 or ∞ and the other
    is the ψ at which that end has probability ``level / 2``. This is the interval
    :func:`scipy.stats.contingency.odds_ratio` gives (``kind="conditional"``), computed on the
    log scale over the support directly because scipy's version takes seconds for the large
    margins of a whole district.
    """
    rows, col = t1 + t0, t1 + c1
    total = rows + c1 + c0
    lo, hi = max(0, rows - (t0 + c0)), min(rows, col)
    if lo == hi:
        return 0.0, math.inf
    xs = np.arange(lo, hi + 1)
    logf = stats.hypergeom.logpmf(xs, total, col, rows)
    end = 0 if t1 == lo else len(xs) - 1

    def log_p_end(theta: float) -> float:
        return float(logf[end] + theta * xs[end] - special.logsumexp(logf + theta * xs))

    target = math.log(level / 2)
    # P(t1 = lowest | ψ) falls from 1 to 0 as ψ grows, P(t1 = highest | ψ) rises: one root.
    a, b = -1.0, 1.0
    while (log_p_end(a) - target) * (log_p_end(b) - target) > 0:
        a, b = 2 * a, 2 * b
        if b > 1e4:  # cannot happen for real tables; never fail, give no limit
            return 0.0, math.inf
    theta = float(optimize.brentq(lambda th: log_p_end(th) - target, a, b, xtol=1e-12))
    return (0.0, math.exp(theta)) if end == 0 else (math.exp(theta), math.inf)


# --- words ----------------------------------------------------------------------------------


def format_p(p: float) -> str:
    """``"p = 0.41"``, ``"p = 0.003"``, ``"p < 0.001"`` (two significant figures)."""
    return "p < 0.001" if p < 0.001 else f"p = {p:#.2g}"


def _percent(pct: float) -> str:
    rounded = math.floor(abs(pct) + 0.5)
    return "less than 1%" if rounded == 0 else f"{rounded:,}%"


def _log_ratio(before: int, after: int) -> float | None:
    if before == 0:
        return None if after == 0 else math.inf
    return -math.inf if after == 0 else math.log(after / before)


def _share(other: float | None, target: float | None) -> float | None:
    """How much of the target's log change the other series also showed (see module docstring)."""
    if other is None or target is None or target == 0:
        return None
    if math.isinf(other) and math.isinf(target):
        return 1.0 if (other > 0) == (target > 0) else -1.0
    return other / target


def _moved(change: Change) -> str:
    """ "fell by 25%", "rose by 3%", "was unchanged" (for a series with something before)."""
    if change.change == 0:
        return "was unchanged"
    verb = "fell" if change.change < 0 else "rose"
    if change.percent_change is None:
        return f"{verb} from none to {change.after:,}"
    return f"{verb} by {_percent(change.percent_change)}"


def _number(n: int) -> str:
    return "none" if n == 0 else f"{n:,}"


def _chance(test: RatioTest, significance: float) -> str:
    p = test.p_value
    if p < significance:
        return f"unlikely to be chance alone ({format_p(p)}), though that does not show what caused it"
    return f"not distinguishable from chance ({format_p(p)})"


def _seasonality(target: Change, year: Change, min_total: int) -> Seasonality:
    if year.before == 0 or year.total < min_total:
        return "too few"
    other, mine = _log_ratio(year.before, year.after), _log_ratio(target.before, target.after)
    s = _share(other, mine)
    if s is None or other == 0 or (other > 0) != (mine > 0):  # type: ignore[operator]
        return "no"
    if s >= 1:
        return "as much"
    return "partly" if s >= 0.25 else "no"


def _summary(
    *,
    target: Change,
    comparison: Change | None,
    comparison_usable: bool,
    year_earlier: Change | None,
    seasonality: Seasonality,
    test: RatioTest,
    too_few: bool,
    change_date: date | None,
    comparison_label: str,
    subject: str,
    significance: float,
) -> str:
    span = "month" if target.months == 1 else f"{target.months} months"
    when = f" {format_date(change_date)}" if change_date is not None else ""
    before, after = f"the {span} before{when}", f"the {span} after{when}"
    subject_cap = subject[:1].upper() + subject[1:]
    label_cap = comparison_label[:1].upper() + comparison_label[1:]

    if too_few:
        return (
            f"Too few {subject} to tell whether anything changed: {_number(target.before)} in {before} "
            f"and {_number(target.after)} in the {span} after."
        )

    # 1. What happened in the target.
    if target.before == 0:
        first = (
            f"There were no {subject} in {before} and {target.after:,} in the {span} after, "
            "so no percentage change can be given."
        )
    elif target.after == 0:
        first = f"{subject_cap} fell from {target.before:,} to none in {after}."
    elif target.change == 0:
        first = (
            f"{subject_cap} were unchanged: {target.after:,} in {after}, the same as in the {span} before."
        )
    else:
        numbers = f"(from {target.before:,} to {target.after:,})"
        verb = "fell" if target.change < 0 else "rose"
        pct = _percent(target.percent_change)  # type: ignore[arg-type]
        if change_date is not None:
            first = f"{subject_cap} {verb} by {pct} {numbers} in {after}."
        else:
            first = f"{subject_cap} {verb} by {pct} {numbers} from the {span} before to the {span} after."
    sentences = [first]

    # 2. Against the comparison, or on its own.
    target_log = _log_ratio(target.before, target.after)
    if comparison is not None and not comparison_usable:
        sentences.append(
            f"{label_cap} had too few {subject} to compare with "
            f"({_number(comparison.before)} before and {_number(comparison.after)} after)."
        )
    if comparison is not None and comparison_usable:
        moved = _moved(comparison)
        so = ""
        if target.change != 0:
            kind = "fall" if target.change < 0 else "rise"
            other = _log_ratio(comparison.before, comparison.after)
            s = _share(other, target_log)
            if s is None or other == 0 or (other > 0) != (target_log > 0):  # type: ignore[operator]
                so = f", so the {kind} here went against the wider trend"
            elif s >= 1:
                so = f", so the {kind} here was no bigger than the wider trend"
            elif s >= 0.5:
                so = f", so most of the {kind} was happening anyway"
            else:
                so = f", so the {kind} here was bigger than the wider trend"
        sentences.append(
            f"{label_cap} {moved} over the same months{so}; the difference is {_chance(test, significance)}."
        )
    elif target.change == 0:
        sentences.append("There is no comparison area to set this against." if comparison is None else "")
    else:
        lead = (
            "There is no comparison area, so there is no telling how much of this would have happened anyway"
            if comparison is None
            else "So there is no telling how much of this would have happened anyway"
        )
        sentences.append(f"{lead}; on its own, the change is {_chance(test, significance)}.")

    # 3. Overdispersion.
    if test.overdispersed:
        if test.negative_binomial is not None:
            sentences.append(
                "The monthly figures go up and down more than chance alone would make them, "
                "and the test allows for that."
            )
        else:
            sentences.append(
                "The monthly figures go up and down more than chance alone would make them, "
                "so the test may overstate how sure we can be."
            )

    # 4. Seasonality.
    if year_earlier is not None:
        if seasonality == "too few":
            sentences.append(
                f"The same months a year earlier had too few {subject} to check the time of year."
            )
        else:
            then = f"In the same months a year earlier {subject} {_moved(year_earlier)}"
            if target.change == 0:
                sentences.append(f"{then}.")
            else:
                kind = "fall" if target.change < 0 else "rise"
                tail = {
                    "as much": f"so a {kind} like this may just be the time of year",
                    "partly": "so part of this may be the time of year",
                }.get(seasonality, "so this does not look like the usual pattern for the time of year")
                sentences.append(f"{then}, {tail}.")

    return " ".join(s for s in sentences if s)
