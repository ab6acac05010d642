"""Before/after comparisons: known answers for the statistics and the exact wording of summaries.

Pure functions: no database. Reference values are computed independently in the tests (closed
forms, scipy's own tests, sums of binomial terms), never by calling the code under test twice.
"""

import dataclasses
import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats.contingency import odds_ratio

from tandem.evidence.analysis.beforeafter import before_after, format_p

MARCH = date(2025, 3, 1)

# The target: 120 incidents in the six months before, 83 after (a fall of 30.8%).
STEADY_BEFORE = [20, 20, 20, 20, 20, 20]
STEADY_AFTER = [14, 14, 14, 14, 14, 13]
# The rest of the district: 2,000 before.
DISTRICT_BEFORE = [333, 334, 333, 333, 334, 333]


def district_after(total: int) -> list[int]:
    """Six months adding up to ``total``, as evenly as possible (so not overdispersed)."""
    base, extra = divmod(total, 6)
    return [base + (1 if i < extra else 0) for i in range(6)]


def wald_p(log_ratio: float, se: float) -> float:
    return math.erfc(abs(log_ratio / se) / math.sqrt(2))


# --- known answers --------------------------------------------------------------------------


def test_difference_in_differences_by_hand():
    result = before_after(STEADY_BEFORE, STEADY_AFTER, DISTRICT_BEFORE, district_after(1500))
    assert (result.target.before, result.target.after) == (120, 83)
    assert (result.comparison.before, result.comparison.after) == (2000, 1500)
    # Ratio of rate ratios: (83/120) / (1500/2000) = 0.69167 / 0.75 = 0.92222.
    assert result.did_ratio == pytest.approx(0.922222, abs=1e-6)
    assert result.did_percent == pytest.approx(-7.7778, abs=1e-4)
    # Absolute DiD: (83 - 120) - (1500 - 2000) = -37 + 500 = 463.
    assert result.did_counts == 463
    # Had the target changed as the district did: 120 * 0.75 = 90, so 7 fewer than that.
    assert result.expected_after == pytest.approx(90.0)
    assert result.difference_from_expected == pytest.approx(-7.0)


def test_the_poisson_glm_interaction_is_the_log_ratio_of_rate_ratios_with_the_closed_form_se():
    a0, a1, c0, c1 = 120, 83, 2000, 1500
    result = before_after(STEADY_BEFORE, STEADY_AFTER, DISTRICT_BEFORE, district_after(1500))
    glm = result.did_test.poisson
    assert glm.method == "Poisson GLM, Wald test"
    expected_beta = math.log((a1 / a0) / (c1 / c0))
    expected_se = math.sqrt(1 / a1 + 1 / a0 + 1 / c1 + 1 / c0)
    assert glm.log_estimate == pytest.approx(expected_beta, abs=1e-9)
    assert glm.se == pytest.approx(expected_se, abs=1e-9)
    assert glm.p_value == pytest.approx(wald_p(expected_beta, expected_se), abs=1e-9)
    z = stats.norm.ppf(0.975)
    assert glm.ci_low == pytest.approx(math.exp(expected_beta - z * expected_se), rel=1e-9)
    assert glm.ci_high == pytest.approx(math.exp(expected_beta + z * expected_se), rel=1e-9)


def test_without_a_comparison_the_poisson_test_is_the_exact_conditional_binomial_test():
    result = before_after(STEADY_BEFORE, STEADY_AFTER)
    test = result.target_test.poisson
    assert test.method == "exact conditional binomial test"
    assert test.estimate == pytest.approx(83 / 120)
    assert test.p_value == pytest.approx(stats.binomtest(83, 203, 0.5).pvalue, rel=1e-12)
    # Independently: twice the lower binomial tail, P(X <= 83) for X ~ Binomial(203, 1/2).
    tail = sum(math.comb(203, k) for k in range(84)) / 2**203
    assert test.p_value == pytest.approx(2 * tail, rel=1e-9)
    # Clopper–Pearson limits for p from the beta distribution, turned into limits for p / (1 - p).
    low_p = stats.beta.ppf(0.025, 83, 121)
    high_p = stats.beta.ppf(0.975, 84, 120)
    assert test.ci_low == pytest.approx(low_p / (1 - low_p), rel=1e-6)
    assert test.ci_high == pytest.approx(high_p / (1 - high_p), rel=1e-6)


def test_rates_per_month_per_1000_residents_and_per_km2():
    result = before_after(
        STEADY_BEFORE,
        STEADY_AFTER,
        DISTRICT_BEFORE,
        district_after(1500),
        population=5000,
        area_km2=2.5,
        comparison_population=100_000,
    )
    t = result.target
    assert (t.before_per_month, t.after_per_month) == pytest.approx((20.0, 83 / 6))
    assert (t.before_per_1000_residents, t.after_per_1000_residents) == pytest.approx((24.0, 16.6))
    assert (t.before_per_km2, t.after_per_km2) == pytest.approx((48.0, 33.2))
    assert result.comparison.before_per_km2 is None
    # (16.6 - 24) - (15 - 20) = -7.4 + 5 = -2.4 per 1,000 residents.
    assert result.did_per_1000_residents == pytest.approx(-2.4)


def test_the_exact_fisher_test_is_used_when_a_total_is_zero():
    result = before_after([2] * 6, [0] * 6, [50] * 6, [47, 47, 47, 47, 46, 46])
    poisson = result.did_test.poisson
    assert poisson.method == "exact conditional test (Fisher)"
    assert poisson.p_value == pytest.approx(stats.fisher_exact([[0, 12], [280, 300]]).pvalue, rel=1e-12)
    assert poisson.estimate == 0.0
    # The exact conditional interval, as scipy's conditional odds ratio gives it for [[T1, T0], [C1, C0]].
    reference = odds_ratio([[0, 12], [280, 300]], kind="conditional").confidence_interval(0.95)
    assert poisson.ci_low == 0.0 == reference.low
    assert poisson.ci_high == pytest.approx(reference.high, rel=1e-8)
    assert result.did_test.negative_binomial is None


# --- overdispersion -------------------------------------------------------------------------

# Months that swing wildly: 120 before, 83 after, as in the steady case, but lumpy.
LUMPY_BEFORE = [30, 5, 40, 2, 35, 8]
LUMPY_AFTER = [10, 25, 3, 30, 5, 10]


def test_overdispersed_months_make_a_poisson_significant_fall_not_significant_under_the_negative_binomial():
    result = before_after(LUMPY_BEFORE, LUMPY_AFTER, change_date=MARCH)
    test = result.target_test
    assert test.poisson.p_value < 0.05  # 0.011: Poisson takes the months at face value
    assert test.overdispersed
    assert test.negative_binomial.p_value > 0.05  # but the months vary far more than Poisson allows
    assert test.chosen is test.negative_binomial
    assert not result.significant


def test_the_dispersion_is_the_method_of_moments_alpha_and_the_nb_se_has_a_closed_form():
    result = before_after(LUMPY_BEFORE, LUMPY_AFTER)
    dispersion = result.target_test.dispersion[0]
    before, after = np.array(LUMPY_BEFORE, float), np.array(LUMPY_AFTER, float)

    def pearson(alpha: float) -> float:
        return sum(
            float(np.sum((g - g.mean()) ** 2)) / (g.mean() + alpha * g.mean() ** 2) for g in (before, after)
        )

    assert dispersion.degrees_of_freedom == 10
    assert dispersion.pearson_chi2 == pytest.approx(pearson(0.0))
    assert dispersion.p_value == pytest.approx(stats.chi2.sf(pearson(0.0), 10))
    assert pearson(dispersion.alpha) == pytest.approx(10.0, abs=1e-6)  # X²(α) equals its degrees of freedom
    # Saturated design: Var(log mean of a group) = 1/total + α/months, so the SE of the log rate ratio is
    # sqrt(1/120 + 1/83 + 2α/6).
    nb = result.target_test.negative_binomial
    se = math.sqrt(1 / 120 + 1 / 83 + 2 * dispersion.alpha / 6)
    assert nb.log_estimate == pytest.approx(math.log(83 / 120), abs=1e-9)
    assert nb.se == pytest.approx(se, rel=1e-8)
    assert nb.p_value == pytest.approx(wald_p(math.log(83 / 120), se), rel=1e-8)


def test_each_area_gets_its_own_dispersion_in_the_negative_binomial_did():
    result = before_after(LUMPY_BEFORE, LUMPY_AFTER, DISTRICT_BEFORE, district_after(1500))
    comparison, target = result.did_test.dispersion
    assert (comparison.series, target.series) == ("comparison", "target")
    assert comparison.alpha == 0.0 and not comparison.overdispersed
    assert target.overdispersed
    se = math.sqrt(1 / 120 + 1 / 83 + 1 / 2000 + 1 / 1500 + 2 * target.alpha / 6)
    assert result.did_test.negative_binomial.se == pytest.approx(se, rel=1e-8)
    assert result.test is result.did_test


def test_steady_months_are_not_overdispersed_and_the_poisson_test_stands():
    result = before_after(STEADY_BEFORE, STEADY_AFTER)
    assert not result.target_test.overdispersed
    assert result.target_test.chosen is result.target_test.poisson
    assert result.target_test.dispersion[0].alpha == 0.0


# --- the summaries --------------------------------------------------------------------------


def test_a_fall_mostly_matched_by_the_district_says_most_of_it_was_happening_anyway():
    result = before_after(
        STEADY_BEFORE, STEADY_AFTER, DISTRICT_BEFORE, district_after(1500), change_date=MARCH
    )
    beta = math.log((83 / 120) / 0.75)
    p = wald_p(beta, math.sqrt(1 / 83 + 1 / 120 + 1 / 1500 + 1 / 2000))
    assert format_p(p) == "p = 0.58"
    assert result.summary == (
        "Incidents fell by 31% (from 120 to 83) in the 6 months after 1 March 2025. "
        "The rest of the district fell by 25% over the same months, so most of the fall was happening "
        "anyway; the difference is not distinguishable from chance (p = 0.58)."
    )


def test_a_fall_no_bigger_than_the_districts_is_not_called_a_success():
    result = before_after(
        STEADY_BEFORE, STEADY_AFTER, DISTRICT_BEFORE, district_after(1300), change_date=MARCH
    )
    assert result.summary == (
        "Incidents fell by 31% (from 120 to 83) in the 6 months after 1 March 2025. "
        "The rest of the district fell by 35% over the same months, so the fall here was no bigger than "
        "the wider trend; the difference is not distinguishable from chance (p = 0.67)."
    )
    assert not result.significant
    for claim in ("success", "worked", "because", "thanks to"):
        assert claim not in result.summary


def test_a_real_fall_beyond_the_districts_is_called_unlikely_to_be_chance_but_not_caused():
    result = before_after([20] * 6, [10] * 6, DISTRICT_BEFORE, district_after(1900), change_date=MARCH)
    assert result.significant
    assert result.summary == (
        "Incidents fell by 50% (from 120 to 60) in the 6 months after 1 March 2025. "
        "The rest of the district fell by 5% over the same months, so the fall here was bigger than the "
        "wider trend; the difference is unlikely to be chance alone (p < 0.001), though that does not show "
        "what caused it."
    )


def test_a_fall_while_the_district_rose_went_against_the_wider_trend():
    result = before_after(
        STEADY_BEFORE, STEADY_AFTER, DISTRICT_BEFORE, district_after(2060), change_date=MARCH
    )
    assert "The rest of the district rose by 3% over the same months, so the fall here went against the " in (
        result.summary
    )


def test_a_rise_is_described_as_a_rise():
    result = before_after([10] * 6, [15] * 6, DISTRICT_BEFORE, district_after(2040), change_date=MARCH)
    p = wald_p(math.log(1.5 / 1.02), math.sqrt(1 / 60 + 1 / 90 + 1 / 2000 + 1 / 2040))
    assert format_p(p) == "p = 0.023"
    assert result.summary == (
        "Incidents rose by 50% (from 60 to 90) in the 6 months after 1 March 2025. "
        "The rest of the district rose by 2% over the same months, so the rise here was bigger than the "
        "wider trend; the difference is unlikely to be chance alone (p = 0.023), though that does not show "
        "what caused it."
    )


def test_too_few_incidents_says_so_and_nothing_more():
    result = before_after(
        [1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0], DISTRICT_BEFORE, district_after(1000), change_date=MARCH
    )
    assert result.too_few
    assert result.summary == (
        "Too few incidents to tell whether anything changed: 3 in the 6 months before 1 March 2025 "
        "and 3 in the 6 months after."
    )
    none = before_after([0] * 3, [2, 1, 0], change_date=MARCH)
    assert none.summary == (
        "Too few incidents to tell whether anything changed: none in the 3 months before 1 March 2025 "
        "and 3 in the 3 months after."
    )


def test_none_before_gives_no_percentage_change():
    result = before_after([0] * 6, [2, 3, 2, 3, 2, 2], change_date=MARCH)
    assert result.target.percent_change is None
    assert result.target.rate_ratio is None
    assert result.target_test.poisson.estimate is None
    assert result.target_test.poisson.ci_high == math.inf
    assert result.p_value == pytest.approx(2 * 0.5**14)
    assert result.summary == (
        "There were no incidents in the 6 months before 1 March 2025 and 14 in the 6 months after, so no "
        "percentage change can be given. There is no comparison area, so there is no telling how much of "
        "this would have happened anyway; on its own, the change is unlikely to be chance alone "
        "(p < 0.001), though that does not show what caused it."
    )


def test_without_a_comparison_the_summary_says_there_is_no_telling_what_would_have_happened():
    result = before_after(STEADY_BEFORE, STEADY_AFTER, change_date=MARCH)
    assert result.summary == (
        "Incidents fell by 31% (from 120 to 83) in the 6 months after 1 March 2025. There is no comparison "
        "area, so there is no telling how much of this would have happened anyway; on its own, the change "
        "is unlikely to be chance alone (p = 0.011), though that does not show what caused it."
    )


def test_lumpy_months_are_flagged_and_allowed_for_in_the_summary():
    result = before_after(LUMPY_BEFORE, LUMPY_AFTER, change_date=MARCH)
    assert result.summary == (
        "Incidents fell by 31% (from 120 to 83) in the 6 months after 1 March 2025. There is no comparison "
        "area, so there is no telling how much of this would have happened anyway; on its own, the change "
        "is not distinguishable from chance (p = 0.44). The monthly figures go up and down more than "
        "chance alone would make them, and the test allows for that."
    )


def test_the_same_fall_a_year_earlier_is_put_down_to_the_time_of_year():
    result = before_after(STEADY_BEFORE, STEADY_AFTER, None, None, [22] * 6, [15] * 6, change_date=MARCH)
    assert result.seasonality == "as much"
    assert result.year_earlier.percent_change == pytest.approx(100 * (90 - 132) / 132)
    assert result.summary.endswith(
        "In the same months a year earlier incidents fell by 32%, so a fall like this may just be the time "
        "of year."
    )
    # The seasonal test compares this year's rate ratio with last year's: (83/120) / (90/132).
    assert result.seasonal_test.poisson.estimate == pytest.approx((83 / 120) / (90 / 132))


def test_a_smaller_fall_a_year_earlier_may_be_part_of_it():
    # A year earlier 132 -> 110: log(110/132) / log(83/120) = 0.49 of this year's fall.
    result = before_after(
        STEADY_BEFORE, STEADY_AFTER, None, None, [22] * 6, district_after(110), change_date=MARCH
    )
    assert result.seasonality == "partly"
    assert result.summary.endswith(
        "In the same months a year earlier incidents fell by 17%, so part of this may be the time of year."
    )


def test_no_such_fall_a_year_earlier_is_not_the_usual_pattern():
    result = before_after(STEADY_BEFORE, STEADY_AFTER, None, None, [22] * 6, [21] * 6, change_date=MARCH)
    assert result.seasonality == "no"
    assert result.summary.endswith(
        "In the same months a year earlier incidents fell by 5%, so this does not look like the usual "
        "pattern for the time of year."
    )


def test_too_few_a_year_earlier_cannot_check_the_time_of_year():
    result = before_after(STEADY_BEFORE, STEADY_AFTER, None, None, [1] * 6, [0] * 6)
    assert result.seasonality == "too few"
    assert result.summary.endswith(
        "The same months a year earlier had too few incidents to check the time of year."
    )


def test_no_change_says_unchanged():
    result = before_after([20] * 6, [20] * 6, change_date=MARCH)
    assert result.summary == (
        "Incidents were unchanged: 120 in the 6 months after 1 March 2025, the same as in the 6 months "
        "before. There is no comparison area to set this against."
    )


def test_a_fall_to_none_and_without_a_date_reads_naturally():
    to_none = before_after([2] * 6, [0] * 6, DISTRICT_BEFORE, district_after(1950), change_date=MARCH)
    assert to_none.summary.startswith("Incidents fell from 12 to none in the 6 months after 1 March 2025.")
    undated = before_after(STEADY_BEFORE, STEADY_AFTER)
    assert undated.summary.startswith(
        "Incidents fell by 31% (from 120 to 83) from the 6 months before to the 6 months after."
    )


def test_a_comparison_with_too_few_incidents_is_not_relied_on():
    result = before_after(
        STEADY_BEFORE, STEADY_AFTER, [3, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0], change_date=MARCH
    )
    assert result.test is result.target_test
    assert "The rest of the district had too few incidents to compare with (3 before and 1 after)." in (
        result.summary
    )


def test_the_words_for_what_is_counted_and_the_comparison_can_be_changed():
    result = before_after(
        [20] * 6,
        [10] * 6,
        DISTRICT_BEFORE,
        district_after(1900),
        change_date=date(2024, 11, 1),
        subject="complaints",
        comparison_label="Riverside ward",
    )
    assert result.summary.startswith(
        "Complaints fell by 50% (from 120 to 60) in the 6 months after 1 November 2024. "
        "Riverside ward fell by 5% over the same months"
    )


def test_one_month_each_side_reads_as_the_month():
    result = before_after([30], [12], change_date=MARCH)
    assert result.summary.startswith("Incidents fell by 60% (from 30 to 12) in the month after 1 March 2025.")
    assert result.target_test.dispersion[0].p_value is None  # no degrees of freedom to judge dispersion


def test_p_values_are_written_to_two_significant_figures():
    assert format_p(0.4137) == "p = 0.41"
    assert format_p(0.0031) == "p = 0.0031"
    assert format_p(0.6) == "p = 0.60"
    assert format_p(0.0004) == "p < 0.001"


# --- inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1, 2], [1, 2, 3]), "every series must have 2"),
        (([1, -2], [1, 2]), "non-negative whole numbers"),
        (([1, 2.5], [1, 2]), "non-negative whole numbers"),
        (([], []), "at least one month"),
        (([1, 2], [1, 2], [1, 2], None), "or neither"),
        (([1, 2], [1, 2], [1, 2, 3], [1, 2, 3]), "every series must have 2"),
    ],
)
def test_bad_input_is_refused_with_a_reason(args, message):
    with pytest.raises(ValueError, match=message):
        before_after(*args)


def test_a_population_must_be_positive():
    with pytest.raises(ValueError, match="population"):
        before_after([1], [2], population=0)


# --- properties -----------------------------------------------------------------------------

months = st.integers(min_value=1, max_value=6)
count = st.integers(min_value=0, max_value=400)


@st.composite
def four_series(draw):
    n = draw(months)
    return [draw(st.lists(count, min_size=n, max_size=n)) for _ in range(4)]


def floats_in(obj):
    """Every float inside a (nested) result dataclass."""
    if dataclasses.is_dataclass(obj):
        for field in dataclasses.fields(obj):
            yield from floats_in(getattr(obj, field.name))
    elif isinstance(obj, tuple):
        for item in obj:
            yield from floats_in(item)
    elif isinstance(obj, float):
        yield obj


@settings(max_examples=150, deadline=None)
@given(four_series())
def test_swapping_before_and_after_flips_the_sign_of_the_log_ratio(series):
    t0, t1, c0, c1 = series
    forward = before_after(t0, t1, c0, c1)
    backward = before_after(t1, t0, c1, c0)
    if all(sum(s) > 0 for s in series):
        assert backward.did_test.poisson.log_estimate == pytest.approx(-forward.did_test.poisson.log_estimate)
        assert backward.did_test.poisson.p_value == pytest.approx(forward.did_test.poisson.p_value)
    assert backward.target_test.poisson.p_value == pytest.approx(forward.target_test.poisson.p_value)
    if sum(t0) > 0 and sum(t1) > 0:
        assert backward.target.rate_ratio == pytest.approx(1 / forward.target.rate_ratio)


@settings(max_examples=150, deadline=None)
@given(four_series(), st.booleans())
def test_results_are_never_nan_for_non_negative_whole_counts(series, with_year_earlier):
    t0, t1, c0, c1 = series
    extra = (c0, c1) if with_year_earlier else (None, None)
    result = before_after(t0, t1, c0, c1, *extra, change_date=MARCH, population=1234, area_km2=0.7)
    assert not any(math.isnan(x) for x in floats_in(result))
    for test in (result.target_test, result.did_test, result.seasonal_test):
        if test is None:
            continue
        for estimate in (test.poisson, test.negative_binomial):
            if estimate is not None:
                assert 0.0 <= estimate.p_value <= 1.0
                assert estimate.ci_low <= estimate.ci_high
    assert result.summary.endswith(".")
    assert "nan" not in result.summary and "inf" not in result.summary
