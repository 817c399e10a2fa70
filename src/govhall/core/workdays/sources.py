"""Assemble working-day calendar data from published and computed sources.

Why two sources: the ``chinese_calendar`` package ships the State Council schedules
(holidays, in-lieu days and adjusted working weekends) for the years published so far;
beyond its last year only the statutory days are knowable, so they are computed by
``statutory`` and those years are reported as provisional. The Django side stores the
result in a table (so administrators can correct or extend it without a release) and
builds a ``WorkdayCalendar`` from that table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from chinese_calendar import constants as cc_constants

from govhall.core.workdays.engine import WorkdayCalendar
from govhall.core.workdays.statutory import (
    DRAGON_BOAT,
    LABOUR_DAY,
    MID_AUTUMN,
    NATIONAL_DAY,
    NEW_YEAR,
    QINGMING,
    SPRING_FESTIVAL,
    provisional_year_days,
    statutory_holidays,
)

__all__ = ["CalendarSeed", "calendar_from_chinesecalendar", "chinesecalendar_years"]

_SATURDAY = 5

_CC_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "New Year's Day": NEW_YEAR,
        "Spring Festival": SPRING_FESTIVAL,
        "Tomb-sweeping Day": QINGMING,
        "Labour Day": LABOUR_DAY,
        "Dragon Boat Festival": DRAGON_BOAT,
        "Mid-autumn Festival": MID_AUTUMN,
        "National Day": NATIONAL_DAY,
    }
)
"""chinese_calendar's English names mapped to the names ``statutory`` uses, so official
and provisional years label the same festival identically."""


@dataclass(frozen=True, slots=True)
class CalendarSeed:
    """The data needed to build a ``WorkdayCalendar`` (or seed a holiday table).

    ``non_working`` holds only holidays on Monday-Friday and ``adjusted_working`` only
    working Saturdays/Sundays, because those are the deviations from the plain weekly
    rhythm; everything else is implied. ``names`` gives a Chinese label for every date
    in either set (the festival the arrangement belongs to), for display and auditing.
    """

    first_year: int
    last_year: int
    non_working: frozenset[date]
    adjusted_working: frozenset[date]
    official_years: frozenset[int]
    names: Mapping[date, str]

    def to_calendar(self) -> WorkdayCalendar:
        """Build the engine calendar from this data."""
        return WorkdayCalendar(
            self.first_year,
            self.last_year,
            non_working=self.non_working,
            adjusted_working=self.adjusted_working,
            official_years=self.official_years,
        )


def chinesecalendar_years() -> range:
    """Years covered by the installed ``chinese_calendar`` data (its first..last year)."""
    years = [d.year for d in cc_constants.holidays]
    return range(min(years), max(years) + 1)


def calendar_from_chinesecalendar(first_year: int, last_year: int) -> CalendarSeed:
    """Calendar data for ``first_year..last_year`` (inclusive).

    Years covered by ``chinese_calendar`` are official (published schedule, including
    in-lieu days and adjusted working weekends); other years fall back to the computed
    statutory holidays and are provisional. Raises ``ValueError`` for an empty range or
    for years the statutory rules do not model (see ``statutory.FIRST_SUPPORTED_YEAR``).
    """
    if first_year > last_year:
        raise ValueError(f"empty year range {first_year}..{last_year}")
    official = frozenset(chinesecalendar_years()) & frozenset(range(first_year, last_year + 1))
    non_working: set[date] = set()
    adjusted_working: set[date] = set()
    names: dict[date, str] = {}
    for year in range(first_year, last_year + 1):
        loader = _official_year if year in official else _provisional_year
        year_off, year_on, year_names = loader(year)
        non_working |= year_off
        adjusted_working |= year_on
        names.update(year_names)
    return CalendarSeed(
        first_year=first_year,
        last_year=last_year,
        non_working=frozenset(non_working),
        adjusted_working=frozenset(adjusted_working),
        official_years=official,
        names=MappingProxyType(dict(sorted(names.items()))),
    )


_YearData = tuple[set[date], set[date], dict[date, str]]


def _official_year(year: int) -> _YearData:
    """Weekday holidays and weekend working days of a published year."""
    holidays = _year_entries(cc_constants.holidays, year)
    workdays = _year_entries(cc_constants.workdays, year)
    non_working = {d for d in holidays if d.weekday() < _SATURDAY}
    adjusted = {d for d in workdays if d.weekday() >= _SATURDAY}
    names = {d: _chinese_name(holidays[d]) for d in non_working}
    names.update({d: _chinese_name(workdays[d]) for d in adjusted})
    return non_working, adjusted, names


def _provisional_year(year: int) -> _YearData:
    """Weekday statutory holidays of an unpublished year; no adjusted working days."""
    non_working, adjusted = provisional_year_days(year)
    statutory = statutory_holidays(year)
    return non_working, adjusted, {d: statutory[d] for d in non_working}


def _year_entries(table: Mapping[date, str], year: int) -> dict[date, str]:
    """The entries of a chinese_calendar table that fall in ``year``."""
    return {d: str(name) for d, name in table.items() if d.year == year}


def _chinese_name(english: str) -> str:
    """chinese_calendar stores English names; the UI and table use the Chinese ones.

    One-off days (e.g. the 2015 anti-fascist victory anniversary) are not in
    ``_CC_NAMES`` and take the Chinese name from chinese_calendar's own enum.
    """
    if english in _CC_NAMES:
        return _CC_NAMES[english]
    try:
        return str(cc_constants.Holiday(english).chinese)
    except ValueError:
        return english
