"""Working-day arithmetic for Chinese statutory time limits.

Why a dedicated engine: the Administrative Licensing Law (《行政许可法》, Art. 82) counts
its time limits in *working days*, and every deadline shown to an applicant or an
official is derived from that count. Weekends and statutory holidays do not count,
adjusted working weekends (调休) do, and periods during which the clock is stopped
(补正 supplement requests, expert review, hearings, suspensions) are skipped. Getting
one day wrong means an unlawful overdue decision, so the rules live in one small,
heavily tested place instead of being re-derived in views.

Counting convention (the one used throughout this module):

* The start day itself is never counted; the first working day *after* it is day 1
  (cf. 《民法典》 Art. 201: a period counted in days starts on the following day).
* An event on a non-working day is treated as happening on the next working day
  (顺延, the "effective start"); counting starts after that day.
* ``add_working_days(start, 0)`` therefore returns the effective start.

Why precomputed arrays instead of a day-by-day loop: the API evaluates deadlines for
whole work queues (hundreds of cases per page, thousands in nightly overdue scans).
Every working day of the calendar range is stored in a sorted list and every calendar
day knows how many working days precede it, so adding *n* working days is two list
look-ups (O(1)) regardless of *n*, and each clock stop costs O(1) more.

Dates must lie inside ``[first_year-01-01, last_year-12-31]``; anything else raises
``CalendarRangeError`` because silently treating an unknown year as "weekends only"
would produce plausible-looking but wrong deadlines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, TypeAlias

__all__ = [
    "CalendarRangeError",
    "ClockStop",
    "StopLike",
    "WorkdayCalendar",
    "WorkdayResult",
    "merge_stops",
]

_SATURDAY = 5


class CalendarRangeError(ValueError):
    """A date given to, or produced by, the calendar lies outside its loaded years.

    Subclasses ``ValueError`` so generic validation handlers still catch it, while the
    API can map this specific type to "holiday schedule not loaded for that year".
    """

    def __init__(self, message: str, *, first_day: date, last_day: date) -> None:
        super().__init__(message)
        self.first_day = first_day
        self.last_day = last_day


class ClockStop(NamedTuple):
    """An inclusive date interval during which the statutory clock does not run.

    Both ends are inclusive: a supplement request issued on ``start`` and answered on
    ``end`` stops the clock for both days; counting resumes with the first working day
    after ``end`` (the day the materials arrive is, like any start day, not counted).
    """

    start: date
    end: date


StopLike: TypeAlias = tuple[date, date]
"""Anything shaped like ``(start, end)``; ``ClockStop`` is one, so is a plain tuple."""


@dataclass(frozen=True, slots=True)
class WorkdayResult:
    """A computed due date plus whether it rests on an unpublished holiday schedule.

    ``provisional`` is True when any day in ``[start, due_date]`` lies in a year whose
    State Council schedule is not loaded: in-lieu days and adjusted working weekends
    for such years are unknown, so the due date may still move and the UI must say so.
    """

    due_date: date
    provisional: bool


def _check_date(value: object, what: str) -> date:
    """Reject non-dates and datetimes before they are silently truncated.

    Why reject ``datetime``: Django hands out aware UTC datetimes; truncating one to a
    date gives the UTC calendar day, which is the previous Beijing day for events
    between 00:00 and 08:00 local time. Callers must convert to local dates first.
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date (not datetime), got {value!r}")
    return value


def _check_count(n: object) -> int:
    """Only non-negative integer counts have a defined meaning in Art. 82 practice."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number of working days must be an int, got {n!r}")
    if n < 0:
        raise ValueError(f"number of working days must be >= 0, got {n}")
    return n


def merge_stops(stops: Iterable[StopLike]) -> tuple[ClockStop, ...]:
    """Normalise clock stops into sorted, disjoint, non-adjacent intervals.

    Why: stops come from independent procedures (a supplement request and an expert
    review may overlap) and the counting algorithms rely on disjoint sorted intervals so
    that no working day is subtracted twice. Intervals that touch (one ends the day
    before the next starts) are merged as well, which is harmless and keeps the list
    minimal. Raises ``ValueError`` for an interval whose end precedes its start.
    """
    return tuple(
        ClockStop(date.fromordinal(first), date.fromordinal(last))
        for first, last in _merged_ordinals(stops)
    )


def _merged_ordinals(stops: Iterable[StopLike]) -> list[list[int]]:
    """``merge_stops`` on day ordinals, which the engine uses without building dates."""
    merged: list[list[int]] = []
    for first, last in sorted(_stop_ordinals(stop) for stop in stops):
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1][1] = last
        else:
            merged.append([first, last])
    return merged


def _stop_ordinals(stop: StopLike) -> tuple[int, int]:
    """Type-check one stop so a swapped interval fails loudly instead of being ignored."""
    start, end = stop
    first = _check_date(start, "clock stop start").toordinal()
    last = _check_date(end, "clock stop end").toordinal()
    if last < first:
        raise ValueError(f"clock stop ends before it starts: {start} .. {end}")
    return first, last


class WorkdayCalendar:
    """Immutable working-day calendar for ``first_year`` .. ``last_year`` (inclusive).

    A day is a working day when it is Monday-Friday and not in ``non_working``, or when
    it is in ``adjusted_working`` (调休 weekends). ``non_working`` is meant to hold the
    holidays that fall on weekdays; weekend dates in it are redundant and accepted so a
    caller may pass a full holiday list. Dates of either set outside the range are
    ignored so a multi-year holiday table can be passed as is.

    ``official_years`` lists the years whose State Council schedule is loaded; results
    touching any other year are flagged provisional (see ``WorkdayResult``).

    Internal representation (why it is fast):

    * ``_work[k]`` is the k-th working day of the range (a ``date``), so a result is
      returned without creating new objects;
    * ``_before[i]`` is the number of working days strictly before the day with index
      ``i`` (index 0 = ``first_year``-01-01), with one extra trailing entry, so
      ``_before[i]`` is also the index in ``_work`` of the first working day on or after
      day ``i`` — exactly the effective start of the counting convention.
    """

    __slots__ = (
        "_before",
        "_first_day",
        "_first_ordinal",
        "_first_year",
        "_last_day",
        "_last_year",
        "_n_days",
        "_official_years",
        "_unofficial_before",
        "_work",
    )

    def __init__(
        self,
        first_year: int,
        last_year: int,
        non_working: Iterable[date] = (),
        adjusted_working: Iterable[date] = (),
        official_years: Iterable[int] = (),
    ) -> None:
        _check_year_bounds(first_year, last_year)
        self._first_year = first_year
        self._last_year = last_year
        self._first_day = date(first_year, 1, 1)
        self._last_day = date(last_year, 12, 31)
        self._first_ordinal = self._first_day.toordinal()
        self._n_days = self._last_day.toordinal() - self._first_ordinal + 1
        self._official_years = frozenset(official_years)
        holidays = self._in_range(non_working, "non_working")
        extra_workdays = self._in_range(adjusted_working, "adjusted_working")
        _check_disjoint(holidays, extra_workdays)
        self._work, self._before = self._build_tables(holidays, extra_workdays)
        self._unofficial_before = self._build_unofficial_prefix()

    # ------------------------------------------------------------------ construction

    def _in_range(self, dates: Iterable[date], what: str) -> frozenset[date]:
        """Validate the dates of one set and keep those inside the calendar range."""
        checked = (_check_date(d, f"{what} entry") for d in dates)
        return frozenset(d for d in checked if self._first_day <= d <= self._last_day)

    def _build_tables(
        self, holidays: frozenset[date], extra_workdays: frozenset[date]
    ) -> tuple[list[date], list[int]]:
        """One linear pass at construction buys O(1) look-ups for every later query."""
        work: list[date] = []
        before: list[int] = []
        for ordinal in range(self._first_ordinal, self._first_ordinal + self._n_days):
            day = date.fromordinal(ordinal)
            before.append(len(work))
            weekday_open = day.weekday() < _SATURDAY and day not in holidays
            if weekday_open or day in extra_workdays:
                work.append(day)
        before.append(len(work))
        return work, before

    def _build_unofficial_prefix(self) -> list[int]:
        """Prefix counts of unofficial years make the provisional check O(1)."""
        prefix = [0]
        for year in range(self._first_year, self._last_year + 1):
            prefix.append(prefix[-1] + (year not in self._official_years))
        return prefix

    # ------------------------------------------------------------------ properties

    @property
    def first_year(self) -> int:
        """First calendar year covered (inclusive)."""
        return self._first_year

    @property
    def last_year(self) -> int:
        """Last calendar year covered (inclusive)."""
        return self._last_year

    @property
    def first_day(self) -> date:
        """January 1 of ``first_year``."""
        return self._first_day

    @property
    def last_day(self) -> date:
        """December 31 of ``last_year``."""
        return self._last_day

    @property
    def official_years(self) -> frozenset[int]:
        """Years whose State Council holiday schedule was loaded."""
        return self._official_years

    def __repr__(self) -> str:
        return (
            f"WorkdayCalendar({self._first_year}..{self._last_year}, "
            f"{len(self._work)} working days, official={sorted(self._official_years)})"
        )

    # ------------------------------------------------------------------ single days

    def _index(self, value: date, what: str = "date") -> int:
        """Map a date to its day index, refusing anything outside the loaded years."""
        if isinstance(value, datetime) or not isinstance(value, date):
            _check_date(value, what)  # raises TypeError with a helpful message
        index = value.toordinal() - self._first_ordinal
        if index < 0 or index >= self._n_days:
            raise CalendarRangeError(
                f"{what} {value.isoformat()} is outside the working-day calendar "
                f"({self._first_day.isoformat()} .. {self._last_day.isoformat()}); "
                "load the holiday schedule for that year",
                first_day=self._first_day,
                last_day=self._last_day,
            )
        return index

    def _work_day(self, k: int, what: str) -> date:
        """Return the k-th working day, or explain that the range ran out."""
        if k >= len(self._work):
            raise CalendarRangeError(
                f"{what} falls after {self._last_day.isoformat()}, the end of the "
                "working-day calendar; load later years",
                first_day=self._first_day,
                last_day=self._last_day,
            )
        return self._work[k]

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is a working day (weekday not on holiday, or a 调休 weekend)."""
        i = self._index(d)
        return self._before[i + 1] != self._before[i]

    def effective_date(self, d: date) -> date:
        """The first working day on or after ``d`` (顺延 of a non-working day).

        This is the day from which counting starts and also the rule for a deadline
        that falls on a holiday. Equal to ``add_working_days(d, 0)``.
        """
        return self._work_day(self._before[self._index(d)], f"the working day on/after {d}")

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d`` (``d`` itself never qualifies).

        For the 顺延 rule ("on or after") use ``effective_date``.
        """
        return self._work_day(self._before[self._index(d) + 1], f"the working day after {d}")

    def is_provisional(self, d: date) -> bool:
        """True if ``d``'s year has no published State Council schedule loaded."""
        self._index(d)
        return d.year not in self._official_years

    def is_provisional_range(self, a: date, b: date) -> bool:
        """True if any day between ``a`` and ``b`` (inclusive, either order) is provisional."""
        self._index(a)
        self._index(b)
        low, high = sorted((a.year, b.year))
        base = self._first_year
        return self._unofficial_before[high - base + 1] > self._unofficial_before[low - base]

    # ------------------------------------------------------------------ adding

    def add_working_days(self, start: date, n: int) -> date:
        """The date on which the ``n``-th working day after ``start`` falls.

        ``start`` is not counted; if it is a non-working day it is first moved to the
        next working day (顺延). ``n == 0`` returns that effective start. O(1).
        Raises ``CalendarRangeError`` if ``start`` or the result is outside the range.
        """
        i = self._index(start, "start")
        _check_count(n)
        k = self._before[i] + n
        if k < len(self._work):
            return self._work[k]
        return self._work_day(k, f"{n} working days after {start}")

    def add_working_days_with_stops(self, start: date, n: int, stops: Iterable[StopLike]) -> date:
        """Like ``add_working_days`` but working days inside clock stops are not counted.

        Stops are merged first (see ``merge_stops``); the parts of stops on or before the
        effective start have no effect. A stop covering the start simply postpones day 1
        to the first working day after the stop ends. ``n == 0`` returns the effective
        start whatever the stops. O(k log k) for k stops, independent of ``n``.
        """
        i = self._index(start, "start")
        _check_count(n)
        cursor = self._before[i]  # work index of the last day already consumed
        remaining = n
        for low, high in self._stop_ranges(stops):
            low = max(low, cursor + 1)
            if high <= low:
                continue  # stop contains no working day after the cursor
            free = low - cursor - 1  # uncounted working days before this stop
            if remaining <= free:
                break
            remaining -= free
            cursor = high - 1
        return self._work_day(cursor + remaining, f"{n} working days after {start}")

    def add_working_days_result(
        self, start: date, n: int, stops: Iterable[StopLike] = ()
    ) -> WorkdayResult:
        """``add_working_days_with_stops`` plus the provisional flag, for the API."""
        due = self.add_working_days_with_stops(start, n, stops)
        return WorkdayResult(due_date=due, provisional=self.is_provisional_range(start, due))

    # ------------------------------------------------------------------ counting

    def working_days_between(self, a: date, b: date) -> int:
        """Working days elapsed from ``a`` to ``b`` under the counting convention.

        For ``a <= b``: the number of working days ``d`` with
        ``effective_date(a) < d <= b`` (0 if there are none, e.g. when ``a`` and ``b``
        are in the same holiday). This is the inverse of ``add_working_days``:
        ``working_days_between(s, add_working_days(s, n)) == n``.

        For ``b < a``: ``-working_days_between(b, a)`` (antisymmetric), so a negative
        value reads as "that many working days before". O(1).
        """
        ia = self._index(a, "a")
        ib = self._index(b, "b")
        if ib < ia:
            return -self._count(ib, ia)
        return self._count(ia, ib)

    def working_days_between_with_stops(self, a: date, b: date, stops: Iterable[StopLike]) -> int:
        """``working_days_between`` ignoring working days inside clock stops.

        For ``a <= b``: working days ``d`` with ``effective_date(a) < d <= b`` that lie
        in no stop. For ``b < a``: ``-working_days_between_with_stops(b, a, stops)``.
        Inverse of ``add_working_days_with_stops`` for the same stops. O(k log k).
        """
        ia = self._index(a, "a")
        ib = self._index(b, "b")
        sign = 1
        if ib < ia:
            ia, ib, sign = ib, ia, -1
        first = self._before[ia] + 1  # work index of day 1
        last = self._before[ib + 1] - 1  # work index of the last working day <= b
        if last < first:
            return 0
        stopped = 0
        for low, high in self._stop_ranges(stops):
            overlap = min(high - 1, last) - max(low, first) + 1
            if overlap > 0:
                stopped += overlap
        return sign * (last - first + 1 - stopped)

    def _count(self, ia: int, ib: int) -> int:
        """Working days in (effective(ia), ib] for day indices ``ia <= ib``."""
        count = self._before[ib + 1] - self._before[ia] - 1
        return count if count > 0 else 0

    def _stop_ranges(self, stops: Iterable[StopLike]) -> list[tuple[int, int]]:
        """Translate merged stops into half-open ranges ``[low, high)`` of work indices.

        Stops are clamped to the calendar range rather than rejected: a stop before the
        first day cannot influence any result, and one reaching past the last day makes
        the result overflow, which ``_work_day`` reports.
        """
        before, offset, last_index = self._before, self._first_ordinal, self._n_days - 1
        ranges: list[tuple[int, int]] = []
        for first, last in _merged_ordinals(stops):
            i_start = max(first - offset, 0)
            i_end = min(last - offset, last_index)
            if i_start <= i_end:
                ranges.append((before[i_start], before[i_end + 1]))
        return ranges


def _check_year_bounds(first_year: int, last_year: int) -> None:
    """Fail early on an empty or impossible range instead of building empty tables."""
    if not (1 <= first_year <= last_year <= 9999):
        raise ValueError(f"invalid calendar year range {first_year}..{last_year}")


def _check_disjoint(holidays: frozenset[date], extra_workdays: frozenset[date]) -> None:
    """A day cannot be both a holiday and an adjusted working day; that is bad data."""
    clash = holidays & extra_workdays
    if clash:
        listed = ", ".join(d.isoformat() for d in sorted(clash))
        raise ValueError(f"dates are both non-working and adjusted working: {listed}")
