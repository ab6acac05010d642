import datetime as dt

from tandem.accountability.deadlines import add_months, add_working_days
from tandem.accountability.threshold import ComplaintFacts, Threshold, threshold_check

D = dt.date
APPLIED = D(2026, 7, 15)


def _check(*complaints, **threshold):
    return threshold_check(complaints=list(complaints), applied_on=APPLIED, threshold=Threshold(**threshold))


def test_three_separate_incidents_reported_in_time_meet_the_threshold():
    verdict = _check(
        ComplaintFacts(D(2026, 3, 1), D(2026, 3, 2)),
        ComplaintFacts(D(2026, 5, 1), D(2026, 5, 3)),
        ComplaintFacts(D(2026, 7, 1), D(2026, 7, 1)),
    )
    assert verdict.met and verdict.qualifying_incidents == 3


def test_a_complaint_reported_exactly_one_month_later_counts_but_a_day_more_does_not():
    on_time = _check(ComplaintFacts(D(2026, 3, 1), D(2026, 4, 1)), hate_incident_suffices=False)
    late = _check(ComplaintFacts(D(2026, 3, 1), D(2026, 4, 2)), hate_incident_suffices=False)
    assert on_time.qualifying_incidents == 1
    assert late.qualifying_incidents == 0 and "more than 1 month after" in late.reasons[0]


def test_an_incident_exactly_six_months_before_counts_and_one_day_earlier_does_not():
    edge = _check(ComplaintFacts(D(2026, 1, 15), D(2026, 1, 20)))
    outside = _check(ComplaintFacts(D(2026, 1, 14), D(2026, 1, 20)))
    assert edge.qualifying_incidents == 1
    assert outside.qualifying_incidents == 0


def test_the_same_incident_reported_twice_counts_once():
    verdict = _check(
        ComplaintFacts(D(2026, 5, 1), D(2026, 5, 2)),
        ComplaintFacts(D(2026, 5, 1), D(2026, 5, 4)),
        ComplaintFacts(D(2026, 6, 1), D(2026, 6, 2)),
    )
    assert not verdict.met and verdict.qualifying_incidents == 2


def test_one_hate_incident_meets_the_threshold_only_when_the_option_is_on():
    hate = ComplaintFacts(D(2026, 6, 1), D(2026, 6, 2), hate_motivated=True)
    assert _check(hate).met
    assert not _check(hate, hate_incident_suffices=False).met


def test_a_report_before_the_incident_never_counts():
    verdict = _check(ComplaintFacts(D(2026, 6, 2), D(2026, 6, 1), hate_motivated=True))
    assert not verdict.met


def test_one_month_after_the_last_day_of_january_is_the_last_day_of_february():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 8, 31), -6) == D(2026, 2, 28)


def test_ten_working_days_skip_good_friday_and_easter_monday_2026():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are bank holidays.
    assert add_working_days(D(2026, 4, 2), 10) == D(2026, 4, 20)


def test_ten_working_days_skip_christmas_and_the_boxing_day_substitute_2026():
    # Christmas Day is Friday 25 December; Boxing Day falls on Saturday, so Monday 28th is off.
    assert add_working_days(D(2026, 12, 21), 10) == D(2027, 1, 7)


def test_ten_working_days_from_a_plain_monday_is_a_fortnight_later():
    assert add_working_days(D(2026, 6, 1), 10) == D(2026, 6, 15)
