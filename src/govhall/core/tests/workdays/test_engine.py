"""Requirement: statutory time limits are counted in working days (《行政许可法》 Art. 82).

* Weekends and statutory holidays do not count; adjusted working weekends (调休) do.
* The start day is not counted: the first working day after it is day 1. A start on a
  non-working day is moved to the next working day first (顺延); n == 0 returns that
  effective start.
* working_days_between(a, b) counts working days d with effective(a) < d <= b and is
  antisymmetric for b < a.
* Working days inside clock stops (inclusive intervals, merged first) are not counted;
  stops before the start have no effect.
* Dates outside the loaded years raise CalendarRangeError; results touching a year
  without a published State Council schedule are flagged provisional.

Every expected date below was counted by hand on the 2026 schedule published by the State
Council (as shipped in chinese_calendar) and cross-checked with the naive day-by-day
reference in test_engine_properties.py.
"""

from datetime import date, datetime

import chinese_calendar
import pytest

from govhall.core.workdays.engine import (
    CalendarRangeError,
    ClockStop,
    WorkdayCalendar,
    WorkdayResult,
    merge_stops,
)
from govhall.core.workdays.sources import calendar_from_chinesecalendar

CAL = calendar_from_chinesecalendar(2004, 2035).to_calendar()
# Only 2004..2026 official: 2027 is computed from the statutory rules.
CAL_2027 = calendar_from_chinesecalendar(2004, 2027).to_calendar()


# --------------------------------------------------------------------- the schedule


def test_chinesecalendar_2026_adjusted_working_saturdays_are_known() -> None:
    # The premise of the Spring Festival tests below.
    assert chinese_calendar.is_workday(date(2026, 2, 14))
    assert chinese_calendar.is_workday(date(2026, 2, 28))
    assert chinese_calendar.is_holiday(date(2026, 2, 23))


def test_is_working_day_matches_chinesecalendar_for_every_official_day() -> None:
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert CAL.is_working_day(day) is chinese_calendar.is_workday(day), day
        day = date.fromordinal(day.toordinal() + 1)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ],
)
def test_adjusted_working_weekends_2026_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert CAL.is_working_day(day) is True


@pytest.mark.parametrize(
    "day", [date(2026, 1, 2), date(2026, 2, 23), date(2026, 9, 25), date(2026, 10, 7)]
)
def test_weekday_holidays_2026_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5
    assert CAL.is_working_day(day) is False


# --------------------------------------------------------------------- adding


def test_mid_autumn_and_national_day_2026_example() -> None:
    # 09-25 is 中秋 (Fri) -> counts as 09-28 -> day 1 is 09-29; 10-01..10-07 skipped;
    # the adjusted working Saturday 10-10 is day 5; day 20 is 10-30.
    assert CAL.add_working_days(date(2026, 9, 25), 20) == date(2026, 10, 30)


def test_zero_days_returns_effective_start() -> None:
    assert CAL.add_working_days(date(2026, 9, 28), 0) == date(2026, 9, 28)
    assert CAL.add_working_days(date(2026, 9, 25), 0) == date(2026, 9, 28)
    assert CAL.add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 8)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # 02-11,12,13 (1-3), Sat 02-14 (4), holiday 02-15..23, 02-24..27 (5-8),
        # Sat 02-28 (9), Mon 03-02 (10).
        (date(2026, 2, 10), 10, date(2026, 3, 2)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 13), 5, date(2026, 2, 27)),
        (date(2026, 2, 13), 6, date(2026, 2, 28)),
        # Starting on the adjusted working Saturday itself: it is not counted.
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        # Starting inside the holiday: effective start 02-24, day 1 02-25.
        (date(2026, 2, 15), 0, date(2026, 2, 24)),
        (date(2026, 2, 15), 1, date(2026, 2, 25)),
        (date(2026, 2, 20), 4, date(2026, 2, 28)),
    ],
)
def test_spring_festival_2026(start: date, n: int, due: date) -> None:
    assert CAL.add_working_days(start, n) == due


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Plain weekend: Sat 03-07 -> effective Mon 03-09 -> day 1 Tue 03-10.
        (date(2026, 3, 7), 0, date(2026, 3, 9)),
        (date(2026, 3, 7), 1, date(2026, 3, 10)),
        (date(2026, 3, 8), 5, date(2026, 3, 16)),
        # Sat 01-03 is a holiday, Sun 01-04 an adjusted working day: effective 01-04.
        (date(2026, 1, 3), 0, date(2026, 1, 4)),
        (date(2026, 1, 3), 1, date(2026, 1, 5)),
        # Sat 09-19 -> Sun 09-20 (adjusted working) -> day 1 Mon 09-21.
        (date(2026, 9, 19), 1, date(2026, 9, 21)),
    ],
)
def test_start_on_weekend(start: date, n: int, due: date) -> None:
    assert CAL.add_working_days(start, n) == due


def test_effective_and_next_working_day() -> None:
    assert CAL.effective_date(date(2026, 2, 14)) == date(2026, 2, 14)
    assert CAL.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)
    assert CAL.effective_date(date(2026, 2, 16)) == date(2026, 2, 24)
    assert CAL.next_working_day(date(2026, 2, 16)) == date(2026, 2, 24)
    assert CAL.next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)


# --------------------------------------------------------------------- counting


def test_working_days_between_example() -> None:
    assert CAL.working_days_between(date(2026, 9, 25), date(2026, 10, 30)) == 20
    assert CAL.working_days_between(date(2026, 10, 30), date(2026, 9, 25)) == -20


def test_working_days_between_counts_up_to_b_inclusive() -> None:
    assert CAL.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert CAL.working_days_between(date(2026, 3, 2), date(2026, 3, 3)) == 1
    # 03-07/08 is a weekend: b on a non-working day counts the days before it.
    assert CAL.working_days_between(date(2026, 3, 2), date(2026, 3, 8)) == 4
    # a and b inside the same holiday: nothing has elapsed.
    assert CAL.working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert CAL.working_days_between(date(2026, 10, 7), date(2026, 10, 1)) == 0


def test_working_days_between_spring_festival() -> None:
    assert CAL.working_days_between(date(2026, 2, 10), date(2026, 3, 2)) == 10
    assert CAL.working_days_between(date(2026, 2, 15), date(2026, 2, 24)) == 0


# --------------------------------------------------------------------- clock stops

START = date(2026, 3, 2)  # Monday; without stops day 10 is Mon 03-16.


def test_no_stops_baseline() -> None:
    assert CAL.add_working_days_with_stops(START, 10, []) == date(2026, 3, 16)
    assert CAL.add_working_days(START, 10) == date(2026, 3, 16)


def test_one_stop_in_the_middle() -> None:
    stops = [ClockStop(date(2026, 3, 5), date(2026, 3, 6))]  # Thu-Fri: 2 working days
    assert CAL.add_working_days_with_stops(START, 10, stops) == date(2026, 3, 18)
    assert CAL.working_days_between_with_stops(START, date(2026, 3, 18), stops) == 10
    assert CAL.working_days_between_with_stops(date(2026, 3, 18), START, stops) == -10


def test_overlapping_unsorted_stops_are_merged() -> None:
    # Union 03-05..03-11 holds 5 working days (05, 06, 09, 10, 11).
    stops = [(date(2026, 3, 9), date(2026, 3, 11)), (date(2026, 3, 5), date(2026, 3, 10))]
    assert CAL.add_working_days_with_stops(START, 10, stops) == date(2026, 3, 23)
    assert CAL.working_days_between_with_stops(START, date(2026, 3, 23), stops) == 10


def test_adjacent_stops_are_merged() -> None:
    stops = [(date(2026, 3, 7), date(2026, 3, 11)), (date(2026, 3, 5), date(2026, 3, 6))]
    assert merge_stops(stops) == (ClockStop(date(2026, 3, 5), date(2026, 3, 11)),)
    assert CAL.add_working_days_with_stops(START, 10, stops) == date(2026, 3, 23)


def test_merge_stops_keeps_separate_intervals_apart() -> None:
    stops = [(date(2026, 3, 9), date(2026, 3, 9)), (date(2026, 3, 5), date(2026, 3, 6))]
    assert merge_stops(stops) == (
        ClockStop(date(2026, 3, 5), date(2026, 3, 6)),
        ClockStop(date(2026, 3, 9), date(2026, 3, 9)),
    )


def test_stop_before_start_has_no_effect() -> None:
    stops = [(date(2026, 2, 24), date(2026, 2, 27))]
    assert CAL.add_working_days_with_stops(START, 10, stops) == date(2026, 3, 16)
    assert CAL.working_days_between_with_stops(START, date(2026, 3, 16), stops) == 10


def test_stop_covering_the_start() -> None:
    # Stop 02-27..03-04: the working days 03-03 and 03-04 after the start do not count,
    # so day 1 is 03-05 and day 10 is 03-18.
    stops = [(date(2026, 2, 27), date(2026, 3, 4))]
    assert CAL.add_working_days_with_stops(START, 10, stops) == date(2026, 3, 18)
    assert CAL.add_working_days_with_stops(START, 1, stops) == date(2026, 3, 5)
    assert CAL.add_working_days_with_stops(START, 0, stops) == START


def test_stop_spanning_a_holiday_only_removes_working_days() -> None:
    # Stop 09-28..10-09 on the 09-25 example removes 09-28 (effective start, not
    # counted anyway), 09-29, 09-30, 10-08, 10-09: day 1 becomes Sat 10-10.
    stops = [(date(2026, 9, 28), date(2026, 10, 9))]
    assert CAL.add_working_days_with_stops(date(2026, 9, 25), 1, stops) == date(2026, 10, 10)
    assert CAL.add_working_days_with_stops(date(2026, 9, 25), 20, stops) == date(2026, 11, 5)


def test_stop_with_end_before_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        CAL.add_working_days_with_stops(START, 1, [(date(2026, 3, 5), date(2026, 3, 4))])


def test_stops_outside_the_calendar_are_clamped() -> None:
    before_range = [(date(1999, 1, 1), date(2004, 1, 5))]
    assert CAL.add_working_days_with_stops(START, 10, before_range) == date(2026, 3, 16)
    beyond_range = [(date(2035, 12, 1), date(2036, 1, 31))]
    with pytest.raises(CalendarRangeError):
        CAL.add_working_days_with_stops(date(2035, 11, 2), 30, beyond_range)


# --------------------------------------------------------------------- errors


@pytest.mark.parametrize("day", [date(2003, 12, 31), date(2036, 1, 1), date(1, 1, 1)])
def test_dates_outside_range_raise(day: date) -> None:
    with pytest.raises(CalendarRangeError, match="outside the working-day calendar"):
        CAL.add_working_days(day, 1)
    with pytest.raises(CalendarRangeError):
        CAL.is_working_day(day)
    with pytest.raises(CalendarRangeError):
        CAL.working_days_between(date(2026, 1, 5), day)


def test_range_error_is_a_value_error_with_bounds() -> None:
    with pytest.raises(ValueError) as info:
        CAL.effective_date(date(2036, 1, 1))
    assert isinstance(info.value, CalendarRangeError)
    assert info.value.first_day == date(2004, 1, 1)
    assert info.value.last_day == date(2035, 12, 31)


def test_result_past_the_last_day_raises() -> None:
    assert CAL.add_working_days(date(2035, 12, 26), 3) == date(2035, 12, 31)
    with pytest.raises(CalendarRangeError, match="falls after 2035-12-31"):
        CAL.add_working_days(date(2035, 12, 26), 4)
    with pytest.raises(CalendarRangeError):
        CAL.next_working_day(date(2035, 12, 31))


def test_datetime_and_negative_counts_are_rejected() -> None:
    with pytest.raises(TypeError, match="not datetime"):
        CAL.add_working_days(datetime(2026, 3, 2, 9, 0), 1)
    with pytest.raises(TypeError):
        CAL.add_working_days_with_stops(START, 1, [(datetime(2026, 3, 3), START)])
    with pytest.raises(ValueError, match=">= 0"):
        CAL.add_working_days(START, -1)
    with pytest.raises(TypeError):
        CAL.add_working_days(START, 1.0)  # type: ignore[arg-type]


# --------------------------------------------------------------------- provisional


def test_provisional_flag_for_2027_when_only_2004_to_2026_are_official() -> None:
    assert CAL_2027.official_years == frozenset(range(2004, 2027))
    assert CAL_2027.add_working_days_result(date(2026, 12, 1), 5) == WorkdayResult(
        due_date=date(2026, 12, 8), provisional=False
    )
    # Effective start Mon 12-21; 12-22..31 are days 1-8; 2027-01-01 (元旦, Fri) skipped;
    # 01-04..08 (9-13), 01-11..15 (14-18), 01-18 (19), 01-19 (20).
    assert CAL_2027.add_working_days_result(date(2026, 12, 20), 20) == WorkdayResult(
        due_date=date(2027, 1, 19), provisional=True
    )
    assert CAL_2027.add_working_days_result(date(2027, 3, 1), 0).provisional is True
    assert CAL_2027.is_provisional(date(2026, 12, 31)) is False
    assert CAL_2027.is_provisional(date(2027, 1, 1)) is True
    assert CAL_2027.is_provisional_range(date(2027, 1, 1), date(2025, 1, 1)) is True
    assert CAL_2027.is_provisional_range(date(2025, 1, 1), date(2026, 12, 31)) is False


def test_provisional_2027_uses_statutory_days() -> None:
    # 春节 2027: 除夕 Fri 02-05 .. 初三 Mon 02-08; only weekday holidays are known.
    assert CAL_2027.is_working_day(date(2027, 2, 5)) is False
    assert CAL_2027.is_working_day(date(2027, 2, 8)) is False
    assert CAL_2027.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 9)


def test_result_with_stops_reports_due_date_and_flag() -> None:
    stops = [(date(2026, 3, 5), date(2026, 3, 6))]
    result = CAL_2027.add_working_days_result(START, 10, stops)
    assert result == WorkdayResult(due_date=date(2026, 3, 18), provisional=False)


# --------------------------------------------------------------------- construction


def test_explicit_calendar_construction() -> None:
    cal = WorkdayCalendar(
        2026,
        2026,
        non_working={date(2026, 10, 1), date(2025, 10, 1), date(2026, 10, 3)},
        adjusted_working={date(2026, 10, 10)},
        official_years={2026},
    )
    assert cal.is_working_day(date(2026, 10, 1)) is False
    assert cal.is_working_day(date(2026, 10, 2)) is True
    assert cal.is_working_day(date(2026, 10, 10)) is True
    assert cal.is_working_day(date(2026, 10, 11)) is False
    assert cal.first_day == date(2026, 1, 1)
    assert cal.last_day == date(2026, 12, 31)


def test_conflicting_calendar_data_is_rejected() -> None:
    with pytest.raises(ValueError, match="both non-working and adjusted working"):
        WorkdayCalendar(2026, 2026, {date(2026, 10, 10)}, {date(2026, 10, 10)})
    with pytest.raises(ValueError, match="invalid calendar year range"):
        WorkdayCalendar(2027, 2026)
