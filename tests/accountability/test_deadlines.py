"""The bank holidays of England and Wales against gov.uk's published lists, and the
working-day deadlines around them."""

import datetime as dt

import pytest

from tandem.accountability.deadlines import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)

D = dt.date

# https://www.gov.uk/bank-holidays (England and Wales), year by year.
GOV_UK = {
    2019: [D(2019, 1, 1), D(2019, 4, 19), D(2019, 4, 22), D(2019, 5, 6), D(2019, 5, 27),
           D(2019, 8, 26), D(2019, 12, 25), D(2019, 12, 26)],
    2020: [D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25),
           D(2020, 8, 31), D(2020, 12, 25), D(2020, 12, 28)],
    2021: [D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31),
           D(2021, 8, 30), D(2021, 12, 27), D(2021, 12, 28)],
    2022: [D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2),
           D(2022, 6, 3), D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27)],
    2023: [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8),
           D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)],
    2024: [D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27),
           D(2024, 8, 26), D(2024, 12, 25), D(2024, 12, 26)],
    2025: [D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26),
           D(2025, 8, 25), D(2025, 12, 25), D(2025, 12, 26)],
    2026: [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25),
           D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28)],
    2027: [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31),
           D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28)],
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_the_bank_holidays_are_those_gov_uk_publishes(year):
    assert sorted(bank_holidays(year)) == GOV_UK[year]


def test_christmas_on_a_saturday_moves_to_monday_and_boxing_day_to_tuesday():
    assert {D(2021, 12, 27), D(2021, 12, 28)} <= bank_holidays(2021)
    assert D(2021, 12, 25) not in bank_holidays(2021)


def test_christmas_on_a_sunday_moves_to_tuesday_after_boxing_day_on_monday():
    assert {D(2022, 12, 26), D(2022, 12, 27)} <= bank_holidays(2022)


def test_new_year_on_a_sunday_moves_to_monday_2_january():
    assert D(2023, 1, 2) in bank_holidays(2023) and D(2023, 1, 1) not in bank_holidays(2023)


def test_the_one_off_days_replace_or_add_to_the_regular_ones():
    assert D(2020, 5, 4) not in bank_holidays(2020) and D(2020, 5, 8) in bank_holidays(2020)
    assert D(2022, 5, 30) not in bank_holidays(2022)
    assert D(2023, 5, 8) in bank_holidays(2023) and D(2023, 5, 1) in bank_holidays(2023)


def test_good_friday_and_easter_monday_2026_are_not_working_days():
    assert not is_working_day(D(2026, 4, 3)) and not is_working_day(D(2026, 4, 6))
    assert is_working_day(D(2026, 4, 2)) and is_working_day(D(2026, 4, 7))


def test_a_deadline_set_on_maundy_thursday_2026_skips_the_easter_weekend():
    assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)
    assert add_working_days(D(2026, 4, 2), 10) == D(2026, 4, 20)


def test_a_deadline_set_on_christmas_eve_2026_skips_christmas_the_boxing_day_substitute_and_new_year():
    # 25 Dec (Friday), 28 Dec (Boxing Day's substitute), 1 Jan 2027 (Friday)
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    assert add_working_days(D(2026, 12, 24), 4) == D(2027, 1, 4)
    assert add_working_days(D(2026, 12, 24), 10) == D(2027, 1, 12)


def test_working_days_between_counts_the_days_add_working_days_steps_over():
    start = D(2026, 12, 21)
    assert working_days_between(start, add_working_days(start, 10)) == 10
    assert working_days_between(start, start) == 0
