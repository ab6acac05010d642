"""Monthly series, rolling 12-month totals, year-on-year change and category breakdowns.

Pure functions: no database. Known answers are worked out by hand in the comments.
"""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.evidence.analysis.trends import (
    MonthlySeries,
    add_months,
    category_breakdown,
    category_for,
    counts_by_category,
    format_date,
    format_month,
    month_range,
    monthly_series,
    monthly_series_by,
    months_between,
    percent_change,
    rolling_totals,
    series_by_category,
    windows_around,
    year_on_year,
    year_on_year_series,
)

MAPPING = {
    "Anti-social behaviour": "Anti-social behaviour",
    "Drugs": "Drug dealing",
    "Criminal damage and arson": "Vandalism",
    "Public order": "Anti-social behaviour",
}


def m(year: int, month: int) -> date:
    return date(year, month, 1)


# --- months ---------------------------------------------------------------------------------


def test_adding_months_crosses_year_boundaries_both_ways():
    assert add_months(m(2024, 11), 3) == m(2025, 2)
    assert add_months(m(2025, 2), -3) == m(2024, 11)
    assert add_months(m(2025, 1), -13) == m(2023, 12)
    assert add_months(m(2025, 1), 0) == m(2025, 1)


def test_months_between_counts_calendar_months():
    assert months_between(m(2024, 11), m(2025, 2)) == 3
    assert months_between(m(2025, 2), m(2024, 11)) == -3
    assert month_range(m(2024, 11), m(2025, 2)) == [m(2024, 11), m(2024, 12), m(2025, 1), m(2025, 2)]
    assert month_range(m(2025, 2), m(2024, 11)) == []


def test_a_date_that_is_not_the_first_of_a_month_is_refused_rather_than_moved():
    with pytest.raises(ValueError, match="first day of a month"):
        add_months(date(2025, 3, 14), 1)
    with pytest.raises(ValueError, match="first day of a month"):
        monthly_series({date(2025, 3, 14): 1}, m(2025, 1), m(2025, 6))


def test_dates_and_months_are_written_the_british_way():
    assert format_date(date(2025, 3, 1)) == "1 March 2025"
    assert format_date(date(2024, 12, 25)) == "25 December 2024"
    assert format_month(m(2025, 3)) == "March 2025"


def test_percent_change_has_no_figure_when_the_earlier_figure_is_zero():
    assert percent_change(0, 5) is None
    assert percent_change(0, 0) is None
    assert percent_change(120, 83) == pytest.approx(-30.8333, abs=1e-4)
    assert percent_change(4, 5) == pytest.approx(25.0)


# --- series ---------------------------------------------------------------------------------


def test_missing_months_are_zero_and_rows_for_the_same_month_are_added():
    rows = [(m(2024, 11), 3), (m(2025, 1), 2), (m(2025, 1), 4), (m(2023, 1), 99), (m(2026, 1), 99)]
    series = monthly_series(rows, m(2024, 10), m(2025, 2))
    assert series.months == (m(2024, 10), m(2024, 11), m(2024, 12), m(2025, 1), m(2025, 2))
    assert series.counts == (0, 3, 0, 6, 0)
    assert series.total == 9
    assert series[m(2025, 1)] == 6
    assert series.end == m(2025, 2)
    with pytest.raises(KeyError):
        series[m(2025, 3)]


def test_a_mapping_of_month_to_count_works_as_well_as_pairs():
    series = monthly_series({m(2025, 1): 2, m(2025, 3): 1}, m(2025, 1), m(2025, 3))
    assert series.counts == (2, 0, 1)


def test_series_by_key_gives_one_filled_series_per_area():
    rows = [(m(2025, 1), "Area A", 2), (m(2025, 3), "Area A", 1), (m(2025, 2), "Area B", 5)]
    by_area = monthly_series_by(rows, m(2025, 1), m(2025, 3))
    assert by_area["Area A"].counts == (2, 0, 1)
    assert by_area["Area B"].counts == (0, 5, 0)


def test_crime_types_are_added_up_into_problem_categories_month_by_month():
    rows = [
        (m(2025, 1), "Anti-social behaviour", 10),
        (m(2025, 1), "Public order", 2),
        (m(2025, 2), "drugs", 3),
        (m(2025, 2), "Burglary", 1),
    ]
    by_category = series_by_category(rows, MAPPING, m(2025, 1), m(2025, 2))
    assert by_category == {
        "Anti-social behaviour": MonthlySeries(m(2025, 1), (12, 0)),
        "Drug dealing": MonthlySeries(m(2025, 1), (0, 3)),
        "Other": MonthlySeries(m(2025, 1), (0, 1)),
    }
    dropped = series_by_category(rows, MAPPING, m(2025, 1), m(2025, 2), unmapped=None)
    assert "Other" not in dropped


# Counts for March 2023 to February 2025 (24 months), with gaps and a year boundary:
#   2023: Mar 5, Jun 2, Dec 4          (every other month zero)
#   2024: Jan 1, Feb 3, Mar 6, Nov 7, Dec 2
#   2025: Jan 3, Feb 0
ROWS = {
    m(2023, 3): 5,
    m(2023, 6): 2,
    m(2023, 12): 4,
    m(2024, 1): 1,
    m(2024, 2): 3,
    m(2024, 3): 6,
    m(2024, 11): 7,
    m(2024, 12): 2,
    m(2025, 1): 3,
}
SERIES = monthly_series(ROWS, m(2023, 3), m(2025, 2))


def test_rolling_12_month_totals_start_only_once_there_is_a_full_year():
    rolling = rolling_totals(SERIES)
    # The first full year is March 2023 to February 2024: 5 + 2 + 4 + 1 + 3 = 15.
    assert rolling.start == m(2024, 2)
    assert rolling[m(2024, 2)] == 15
    # To March 2024: March 2023 (5) drops out, March 2024 (6) comes in: 16.
    assert rolling[m(2024, 3)] == 16
    # To June 2024: June 2023 (2) drops out: 14. To December 2024: January to December 2024 = 19.
    assert rolling[m(2024, 6)] == 14
    assert rolling[m(2024, 12)] == 19
    # To February 2025: March 2024 to February 2025 = 6 + 7 + 2 + 3 = 18.
    assert rolling[m(2025, 2)] == 18
    assert len(rolling) == 13


def test_rolling_totals_of_a_series_shorter_than_the_window_are_empty():
    assert len(rolling_totals(monthly_series({}, m(2025, 1), m(2025, 6)))) == 0


def test_year_on_year_across_a_year_boundary_with_gaps():
    yoy = year_on_year(SERIES)
    assert (yoy.current_start, yoy.current_end) == (m(2024, 3), m(2025, 2))
    assert (yoy.previous_start, yoy.previous_end) == (m(2023, 3), m(2024, 2))
    assert (yoy.current_total, yoy.previous_total, yoy.change) == (18, 15, 3)
    assert yoy.percent_change == pytest.approx(20.0)
    assert yoy.summary == "18 incidents in the 12 months to February 2025, up 20% on the year before (15)."


def test_year_on_year_for_a_single_month_compares_the_same_month_a_year_earlier():
    # December 2024 (2) against December 2023 (4): down 50%.
    december = year_on_year(SERIES, m(2024, 12), window=1)
    assert (december.current_total, december.previous_total) == (2, 4)
    assert december.summary == "2 incidents in December 2024, down 50% on December 2023 (4)."


def test_year_on_year_gives_no_percentage_when_the_year_before_had_none():
    # November 2024 (7) against November 2023 (0).
    november = year_on_year(SERIES, m(2024, 11), window=1)
    assert november.percent_change is None
    assert november.change == 7
    assert november.summary == (
        "7 incidents in November 2024; none in November 2023, so there is no percentage change to give."
    )
    nothing = year_on_year(SERIES, m(2024, 10), window=1)
    assert nothing.summary == "No incidents in October 2024, and none in October 2023."
    one = year_on_year(
        monthly_series({m(2025, 1): 1}, m(2024, 1), m(2025, 1)), window=1, subject="complaints"
    )
    assert (
        one.summary
        == "1 complaint in January 2025; none in January 2024, so there is no percentage change to give."
    )


def test_year_on_year_refuses_a_period_the_series_does_not_cover():
    with pytest.raises(ValueError, match="not within"):
        year_on_year(SERIES, m(2024, 6))


def test_year_on_year_series_covers_every_month_with_a_full_comparison():
    months = [y.current_end for y in year_on_year_series(SERIES)]
    assert months == [m(2025, 2)]
    monthly = year_on_year_series(SERIES, window=1)
    assert monthly[0].current_end == m(2024, 3)
    assert len(monthly) == 12


def test_windows_around_a_date_give_the_months_before_and_from_it():
    before, after = windows_around(SERIES, m(2024, 12), 3)
    assert before.tolist() == [0, 0, 7]  # Sep, Oct, Nov 2024
    assert after.tolist() == [2, 3, 0]  # Dec 2024, Jan, Feb 2025
    with pytest.raises(ValueError):
        windows_around(SERIES, m(2024, 12), 4)


@given(
    st.lists(st.integers(min_value=0, max_value=1000), max_size=40), st.integers(min_value=1, max_value=15)
)
def test_rolling_totals_are_the_sums_of_each_window(counts, window):
    series = MonthlySeries(m(2022, 5), tuple(counts))
    rolling = rolling_totals(series, window)
    expected = [sum(counts[i - window + 1 : i + 1]) for i in range(window - 1, len(counts))]
    assert list(rolling.counts) == expected
    if expected:
        assert rolling.end == series.end


# --- categories -----------------------------------------------------------------------------


def test_crime_types_map_to_categories_ignoring_case_and_spacing():
    assert category_for("anti-social  behaviour", MAPPING) == "Anti-social behaviour"
    assert category_for("Burglary", MAPPING) == "Other"
    assert category_for("Burglary", MAPPING, unmapped=None) is None


def test_counts_by_category_add_crime_types_together():
    counts = {"Anti-social behaviour": 30, "Public order": 10, "Drugs": 5, "Burglary": 4, "Robbery": 1}
    assert counts_by_category(counts, MAPPING) == {"Anti-social behaviour": 40, "Drug dealing": 5, "Other": 5}
    assert counts_by_category(counts, MAPPING, unmapped=None) == {
        "Anti-social behaviour": 40,
        "Drug dealing": 5,
    }


def test_category_breakdown_is_largest_first_with_shares():
    counts = {"Anti-social behaviour": 30, "Public order": 10, "Drugs": 5, "Burglary": 4, "Robbery": 1}
    breakdown = category_breakdown(counts, MAPPING)
    assert breakdown.total == 50
    assert [(r.category, r.count, r.share) for r in breakdown.rows] == [
        ("Anti-social behaviour", 40, 0.8),
        ("Drug dealing", 5, 0.1),  # ties by name
        ("Other", 5, 0.1),
    ]
    assert breakdown.rows[0].percent == pytest.approx(80.0)


def test_category_breakdown_of_nothing_has_no_shares_rather_than_dividing_by_zero():
    breakdown = category_breakdown({"Drug dealing": 0, "Vandalism": 0})
    assert breakdown.total == 0
    assert all(r.share is None and r.percent is None for r in breakdown.rows)
