"""Requirement: the O(1) working-day engine agrees with the legal definition everywhere.

The definition is written out here as a naive day-by-day reference (deliberately slow
and obvious, sharing no code with the engine): working days come straight from
chinese_calendar for published years and from the statutory rules afterwards; stops are
checked interval by interval without merging. Hypothesis compares every engine function
with it over random starts in 2020..2027, counts 0..300 and random stop lists, and
checks the inverse law working_days_between(s, add_working_days(s, n)) == n.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from itertools import pairwise

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.core.workdays.engine import merge_stops
from govhall.core.workdays.sources import calendar_from_chinesecalendar
from govhall.core.workdays.statutory import statutory_holidays

LAST_OFFICIAL_YEAR = 2026
CAL = calendar_from_chinesecalendar(2004, 2035).to_calendar()
ONE_DAY = timedelta(days=1)

Stops = Sequence[tuple[date, date]]

# --------------------------------------------------------------------- naive reference


@cache
def _statutory_dates(year: int) -> frozenset[date]:
    return frozenset(statutory_holidays(year))


def naive_is_working(day: date) -> bool:
    if day.year <= LAST_OFFICIAL_YEAR:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5 and day not in _statutory_dates(day.year)


def naive_stopped(day: date, stops: Stops) -> bool:
    return any(start <= day <= end for start, end in stops)


def naive_effective(day: date) -> date:
    while not naive_is_working(day):
        day += ONE_DAY
    return day


def naive_add(start: date, n: int, stops: Stops = ()) -> date:
    day = naive_effective(start)
    counted = 0
    while counted < n:
        day += ONE_DAY
        if naive_is_working(day) and not naive_stopped(day, stops):
            counted += 1
    return day


def naive_between(a: date, b: date, stops: Stops = ()) -> int:
    if b < a:
        return -naive_between(b, a, stops)
    day = naive_effective(a) + ONE_DAY
    counted = 0
    while day <= b:
        if naive_is_working(day) and not naive_stopped(day, stops):
            counted += 1
        day += ONE_DAY
    return counted


# --------------------------------------------------------------------- strategies

starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=0, max_value=300)
# Stops are generated relative to the start so that they actually interact with it:
# offsets from 60 days before to 450 days after, lengths up to 90 days.
stop_offsets = st.lists(
    st.tuples(st.integers(min_value=-60, max_value=450), st.integers(min_value=0, max_value=90)),
    max_size=5,
)
FAST = settings(max_examples=150, deadline=None, database=None)


def build_stops(anchor: date, offsets: list[tuple[int, int]]) -> list[tuple[date, date]]:
    stops = []
    for offset, length in offsets:
        first = anchor + timedelta(days=offset)
        stops.append((first, first + timedelta(days=length)))
    return stops


# --------------------------------------------------------------------- properties


@FAST
@given(day=starts)
def test_single_day_queries_match_reference(day: date) -> None:
    assert CAL.is_working_day(day) is naive_is_working(day)
    assert CAL.effective_date(day) == naive_effective(day)
    assert CAL.next_working_day(day) == naive_effective(day + ONE_DAY)
    assert CAL.is_provisional(day) is (day.year > LAST_OFFICIAL_YEAR)


@FAST
@given(start=starts, n=counts)
def test_add_matches_reference(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n) == naive_add(start, n)


@FAST
@given(start=starts, n=counts)
def test_between_inverts_add(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due) == n
    assert CAL.working_days_between(due, start) == -n


@FAST
@given(a=starts, b=starts)
def test_between_matches_reference(a: date, b: date) -> None:
    assert CAL.working_days_between(a, b) == naive_between(a, b)
    assert CAL.working_days_between(b, a) == -CAL.working_days_between(a, b)


@FAST
@given(start=starts, n=counts, offsets=stop_offsets)
def test_add_with_stops_matches_reference(
    start: date, n: int, offsets: list[tuple[int, int]]
) -> None:
    stops = build_stops(start, offsets)
    due = CAL.add_working_days_with_stops(start, n, stops)
    assert due == naive_add(start, n, stops)
    assert CAL.working_days_between_with_stops(start, due, stops) == n
    if n > 0:
        assert not naive_stopped(due, stops)


@FAST
@given(a=starts, b=starts, offsets=stop_offsets)
def test_between_with_stops_matches_reference(
    a: date, b: date, offsets: list[tuple[int, int]]
) -> None:
    stops = build_stops(min(a, b), offsets)
    assert CAL.working_days_between_with_stops(a, b, stops) == naive_between(a, b, stops)


@FAST
@given(start=starts, n=counts, offsets=stop_offsets)
def test_result_flags_provisional_years(
    start: date, n: int, offsets: list[tuple[int, int]]
) -> None:
    stops = build_stops(start, offsets)
    result = CAL.add_working_days_result(start, n, stops)
    assert result.due_date == naive_add(start, n, stops)
    years = range(start.year, result.due_date.year + 1)
    assert result.provisional is any(year > LAST_OFFICIAL_YEAR for year in years)


@FAST
@given(anchor=starts, offsets=stop_offsets)
def test_merge_stops_preserves_the_covered_days(
    anchor: date, offsets: list[tuple[int, int]]
) -> None:
    stops = build_stops(anchor, offsets)
    merged = merge_stops(reversed(stops))
    covered = {s + timedelta(days=k) for s, e in stops for k in range((e - s).days + 1)}
    merged_days = {s + timedelta(days=k) for s, e in merged for k in range((e - s).days + 1)}
    assert merged_days == covered
    for previous, following in pairwise(merged):
        assert previous.end + ONE_DAY < following.start  # sorted, disjoint, not adjacent
