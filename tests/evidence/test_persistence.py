""" "Is it still a hotspot?": counts and sentences over the last N periods (newest last)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.evidence.analysis.persistence import hotspot_persistence


def test_hot_in_every_period_says_each():
    result = hotspot_persistence([True] * 6)
    assert result.summary == "A hotspot in each of the last 6 months."
    assert (result.hot_periods, result.periods, result.current_run, result.periods_since_hot) == (6, 6, 6, 0)
    assert result.hot_now


def test_never_hot_says_not_in_any():
    result = hotspot_persistence([False] * 6)
    assert result.summary == "Not a hotspot in any of the last 6 months."
    assert result.hot_periods == 0
    assert result.periods_since_hot is None
    assert result.last_hot_index is None
    assert result.longest_hot_run == 0


def test_cooled_off_recently_says_not_in_the_last_few():
    result = hotspot_persistence([True, True, True, True, True, False, False])
    assert result.summary == "A hotspot in 5 of the last 7 months, not in the last 2."
    assert (result.hot_periods, result.periods, result.current_run) == (5, 7, 2)
    assert not result.hot_now
    assert result.periods_since_hot == 2
    assert result.last_hot_index == 4


def test_looking_at_the_last_six_of_a_longer_history():
    # Oldest first: only the last 6 (T, T, T, T, F, F) count.
    result = hotspot_persistence([False, False, True, True, True, True, False, False], last=6)
    assert result.summary == "A hotspot in 4 of the last 6 months, not in the last 2."
    assert result.statuses == (True, True, True, True, False, False)
    assert result.last_hot_index == 5  # an index into the sequence passed in


def test_hot_again_now_says_including_the_latest():
    assert (
        hotspot_persistence([False, True, False, True, True, True]).summary
        == "A hotspot in 4 of the last 6 months, including the last 3."
    )
    assert (
        hotspot_persistence([True, False, False, False, False, True]).summary
        == "A hotspot in 2 of the last 6 months, including the latest month."
    )


def test_a_single_cool_month_after_being_hot_is_the_latest_month():
    result = hotspot_persistence([True, True, True, True, True, False])
    assert result.summary == "A hotspot in 5 of the last 6 months, not in the latest month."
    assert result.current_run == 1


def test_quarters_and_other_words_can_be_used():
    result = hotspot_persistence([True, False, True, True], unit="quarter")
    assert result.summary == "A hotspot in 3 of the last 4 quarters, including the last 2."
    priority = hotspot_persistence([False, False], unit="quarter", noun="a priority")
    assert priority.summary == "Not a priority in any of the last 2 quarters."


def test_one_period_and_no_periods_read_naturally():
    assert hotspot_persistence([True]).summary == "A hotspot in the latest month."
    assert hotspot_persistence([False]).summary == "Not a hotspot in the latest month."
    empty = hotspot_persistence([])
    assert empty.summary == "No months of hotspot data yet."
    assert empty.share_hot is None


def test_classifications_with_a_predicate_and_labels_give_the_last_hot_month():
    classes = ["hot-99", "hot-95", "not significant", "hot-90", "not significant", "cold-95"]
    months = [date(2024, m, 1) for m in range(7, 13)]
    result = hotspot_persistence(classes, is_hot=lambda c: c.startswith("hot"), labels=months)
    assert result.summary == "A hotspot in 3 of the last 6 months, not in the last 2."
    assert result.last_hot_label == date(2024, 10, 1)
    assert result.longest_hot_run == 2
    assert result.share_hot == pytest.approx(0.5)


def test_labels_must_match_the_statuses():
    with pytest.raises(ValueError):
        hotspot_persistence([True, False], labels=[date(2025, 1, 1)])


@given(st.lists(st.booleans(), max_size=30), st.one_of(st.none(), st.integers(min_value=0, max_value=40)))
def test_counts_are_consistent_for_any_history(statuses, last):
    result = hotspot_persistence(statuses, last=last)
    assert result.periods == (len(statuses) if last is None else min(last, len(statuses)))
    assert 0 <= result.hot_periods <= result.periods
    assert result.current_run <= result.periods
    assert result.longest_hot_run <= result.hot_periods
    if result.hot_now:
        assert result.periods_since_hot == 0
        assert result.longest_hot_run >= result.current_run
    elif result.hot_periods:
        assert result.periods_since_hot == result.current_run
    assert result.summary.endswith(".")
