"""Statutory public holidays computed from the national rules (《全国年节及纪念日放假办法》).

Why compute instead of look up: the State Council publishes each year's schedule
(including in-lieu days and adjusted working weekends) only in the preceding autumn or
winter, yet deadlines issued today can already reach into next year. The *statutory*
days themselves follow fixed rules tied to the Gregorian and lunar calendars, so they
can be computed for any year; only the in-lieu arrangements stay unknown. Calendars
built from these days are therefore marked provisional by the engine.

Rule versions implemented (effective from January 1 of the first year unless noted):

* 2025 on (2024 revision, 13 days): 元旦 1; 春节 农历除夕 + 正月初一至初三 (4);
  清明节 1; 劳动节 5月1-2日 (2); 端午节 1; 中秋节 1; 国庆节 10月1-3日 (3).
* 2014-2024 (2013 revision, 11 days): as above but 春节 正月初一至初三 (3) and
  劳动节 5月1日 (1).
* 2008-2013 (2007 revision, 11 days): as 2014-2024 but 春节 is 农历除夕、正月初一、初二.
* 2000-2007 (1999 revision, 10 days): 元旦 1; 春节 正月初一至初三 (3);
  劳动节 5月1-3日 (3); 国庆节 10月1-3日 (3); no 清明/端午/中秋 holidays.

Lunar dates and the 清明 solar term come from ``lunar_python`` (Beijing time).
"""

from __future__ import annotations

from datetime import date, timedelta

from lunar_python import Lunar

__all__ = [
    "DRAGON_BOAT",
    "FIRST_SUPPORTED_YEAR",
    "LABOUR_DAY",
    "LAST_SUPPORTED_YEAR",
    "MID_AUTUMN",
    "NATIONAL_DAY",
    "NEW_YEAR",
    "QINGMING",
    "SPRING_FESTIVAL",
    "provisional_year_days",
    "statutory_holidays",
]

NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
QINGMING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"

FIRST_SUPPORTED_YEAR = 2000
"""The 1999 revision took effect in September 1999; earlier rules are not modelled."""

LAST_SUPPORTED_YEAR = 2100
"""Upper bound of the range checked against lunar_python's solar-term tables."""

_SATURDAY = 5


def statutory_holidays(year: int) -> dict[date, str]:
    """Statutory public-holiday dates of ``year`` mapped to their Chinese names.

    Only the statutory days are returned, sorted by date; in-lieu days (补休) and
    adjusted working weekends are decided by the State Council each year and are not
    derivable. When two festivals fall on the same date (e.g. 中秋节 on October 1 in
    2020) the law grants one day, and the names are joined with "、".
    Raises ``ValueError`` outside ``FIRST_SUPPORTED_YEAR .. LAST_SUPPORTED_YEAR``.
    """
    if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
        raise ValueError(
            f"statutory holidays are modelled for {FIRST_SUPPORTED_YEAR}.."
            f"{LAST_SUPPORTED_YEAR}, got {year}"
        )
    entries: list[tuple[date, str]] = [(date(year, 1, 1), NEW_YEAR)]
    entries += [(d, SPRING_FESTIVAL) for d in _spring_festival(year)]
    entries += [(d, LABOUR_DAY) for d in _labour_day(year)]
    entries += [(d, NATIONAL_DAY) for d in _national_day(year)]
    if year >= 2008:  # the 2007 revision introduced the three traditional festivals
        entries.append((_qingming(year), QINGMING))
        entries.append((_lunar_to_date(year, 5, 5), DRAGON_BOAT))
        entries.append((_lunar_to_date(year, 8, 15), MID_AUTUMN))
    return _merge_names(entries)


def provisional_year_days(year: int) -> tuple[set[date], set[date]]:
    """Calendar data for a year whose State Council schedule is not yet published.

    Returns ``(non_working_weekdays, adjusted_working)``: the statutory holidays that
    fall on Monday-Friday, and an empty set because adjusted working weekends cannot be
    known in advance. Holidays on weekends are omitted since weekends are already
    non-working; their in-lieu days are unknown, which is why such years are provisional.
    """
    non_working = {d for d in statutory_holidays(year) if d.weekday() < _SATURDAY}
    return non_working, set()


def _merge_names(entries: list[tuple[date, str]]) -> dict[date, str]:
    """Build the date->name map, joining names of festivals that coincide."""
    merged: dict[date, str] = {}
    for day, name in sorted(entries):
        merged[day] = f"{merged[day]}、{name}" if day in merged else name
    return merged


def _lunar_to_date(year: int, month: int, day: int) -> date:
    """Gregorian date of a (non-leap) lunar month/day in lunar year ``year``."""
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _spring_festival(year: int) -> list[date]:
    """春节 days of the lunar year starting in Gregorian ``year``, per rule version.

    除夕 is taken as the day before 正月初一 because the last lunar month can have 29
    or 30 days, so "腊月三十" does not always exist.
    """
    new_year = _lunar_to_date(year, 1, 1)
    eve = new_year - timedelta(days=1)
    first_three = [new_year + timedelta(days=k) for k in range(3)]
    if year >= 2025:
        return [eve, *first_three]
    if 2008 <= year <= 2013:
        return [eve, *first_three[:2]]
    return first_three


def _labour_day(year: int) -> list[date]:
    """劳动节: 3 days until 2007, 1 day 2008-2024, 2 days from 2025."""
    if year >= 2025:
        length = 2
    elif year >= 2008:
        length = 1
    else:
        length = 3
    return [date(year, 5, 1 + k) for k in range(length)]


def _national_day(year: int) -> list[date]:
    """国庆节: October 1-3 under every rule version modelled here."""
    return [date(year, 10, 1 + k) for k in range(3)]


def _qingming(year: int) -> date:
    """The day of the 清明 solar term (Beijing time) in Gregorian ``year``.

    The solar-term table of the lunar year beginning in ``year`` contains exactly one
    清明, in early April of the same Gregorian year; the assertion guards against a
    library change returning the neighbouring year's term.
    """
    solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    qingming = date(solar.getYear(), solar.getMonth(), solar.getDay())
    if qingming.year != year or qingming.month != 4:
        raise RuntimeError(f"lunar_python returned 清明 {qingming} for {year}")
    return qingming
