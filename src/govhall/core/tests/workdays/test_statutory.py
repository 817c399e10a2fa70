"""Requirement: statutory holidays follow 《全国年节及纪念日放假办法》 for every rule version.

* From 2025 (2024 revision, 13 days): 元旦 1, 春节 除夕 + 正月初一至初三, 清明节 1,
  劳动节 5月1-2日, 端午节 1, 中秋节 1, 国庆节 10月1-3日.
* 2014-2024: 春节 正月初一至初三, 劳动节 5月1日 (11 days); 2008-2013: 春节 除夕、初一、初二;
  2000-2007: no 清明/端午/中秋, 劳动节 5月1-3日 (10 days).
* Only statutory days are listed (in-lieu days are unknowable in advance); every one of
  them must be a holiday in the published schedules shipped by chinese_calendar.
* sources.calendar_from_chinesecalendar marks chinese_calendar years official and falls
  back to the statutory weekday holidays, without adjusted working days, afterwards.

The 2027 lunar dates asserted here were verified with lunar_python (正月初一 2027-02-06,
五月初五 2027-06-09, 八月十五 2027-09-15, 清明 2027-04-05).
"""

from datetime import date

import chinese_calendar
import pytest

from govhall.core.workdays.sources import calendar_from_chinesecalendar, chinesecalendar_years
from govhall.core.workdays.statutory import provisional_year_days, statutory_holidays


def _days(year: int, name: str) -> list[date]:
    return sorted(d for d, n in statutory_holidays(year).items() if name in n.split("、"))


def test_2026_exact_statutory_days() -> None:
    assert statutory_holidays(2026) == {
        date(2026, 1, 1): "元旦",
        date(2026, 2, 16): "春节",
        date(2026, 2, 17): "春节",
        date(2026, 2, 18): "春节",
        date(2026, 2, 19): "春节",
        date(2026, 4, 5): "清明节",
        date(2026, 5, 1): "劳动节",
        date(2026, 5, 2): "劳动节",
        date(2026, 6, 19): "端午节",
        date(2026, 9, 25): "中秋节",
        date(2026, 10, 1): "国庆节",
        date(2026, 10, 2): "国庆节",
        date(2026, 10, 3): "国庆节",
    }


@pytest.mark.parametrize("year", list(chinesecalendar_years()))
def test_every_statutory_day_is_a_published_holiday(year: int) -> None:
    for day in statutory_holidays(year):
        assert chinese_calendar.is_holiday(day), day


def test_2027_computed_values() -> None:
    assert _days(2027, "春节") == [date(2027, 2, d) for d in (5, 6, 7, 8)]
    assert _days(2027, "清明节") == [date(2027, 4, 5)]
    assert _days(2027, "端午节") == [date(2027, 6, 9)]
    assert _days(2027, "中秋节") == [date(2027, 9, 15)]
    assert _days(2027, "劳动节") == [date(2027, 5, 1), date(2027, 5, 2)]
    assert _days(2027, "国庆节") == [date(2027, 10, d) for d in (1, 2, 3)]
    assert _days(2027, "元旦") == [date(2027, 1, 1)]
    assert len(statutory_holidays(2027)) == 13


def test_rule_versions() -> None:
    # 2008-2013: 除夕、初一、初二 (2013 正月初一 = 02-10).
    assert _days(2013, "春节") == [date(2013, 2, 9), date(2013, 2, 10), date(2013, 2, 11)]
    # 2014-2024: 初一至初三 (2014 正月初一 = 01-31); 劳动节 one day.
    assert _days(2014, "春节") == [date(2014, 1, 31), date(2014, 2, 1), date(2014, 2, 2)]
    assert _days(2024, "劳动节") == [date(2024, 5, 1)]
    assert len(statutory_holidays(2024)) == 11
    # 2000-2007: no traditional festivals except 春节; 劳动节 three days.
    assert _days(2007, "劳动节") == [date(2007, 5, d) for d in (1, 2, 3)]
    assert _days(2007, "清明节") == []
    assert len(statutory_holidays(2007)) == 10


def test_coinciding_festivals_share_one_day() -> None:
    # 2020: 中秋 fell on October 1, so the law grants one day for both.
    holidays_2020 = statutory_holidays(2020)
    assert holidays_2020[date(2020, 10, 1)] == "中秋节、国庆节"
    assert len(holidays_2020) == 10


def test_qingming_is_always_early_april() -> None:
    for year in range(2008, 2101):
        (qingming,) = _days(year, "清明节")
        assert qingming.month == 4
        assert 4 <= qingming.day <= 6, qingming


@pytest.mark.parametrize("year", [1999, 2101])
def test_unsupported_years_raise(year: int) -> None:
    with pytest.raises(ValueError, match="statutory holidays are modelled"):
        statutory_holidays(year)


def test_provisional_year_days_2027() -> None:
    non_working, adjusted = provisional_year_days(2027)
    # 05-01/02 and 10-02/03 fall on weekends and are therefore not listed.
    assert non_working == {
        date(2027, 1, 1),
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 4, 5),
        date(2027, 6, 9),
        date(2027, 9, 15),
        date(2027, 10, 1),
    }
    assert adjusted == set()


def test_sources_official_and_provisional_years() -> None:
    seed = calendar_from_chinesecalendar(2025, 2028)
    assert chinesecalendar_years()[0] == 2004
    assert seed.official_years == frozenset({2025, 2026})
    # Published 2026: in-lieu 02-23 (Mon) and adjusted working Saturday 02-14.
    assert date(2026, 2, 23) in seed.non_working
    assert date(2026, 2, 14) in seed.adjusted_working
    assert seed.names[date(2026, 2, 23)] == "春节"
    assert seed.names[date(2026, 4, 6)] == "清明节"
    # Computed 2027: statutory weekday holidays only.
    assert {d for d in seed.non_working if d.year == 2027} == provisional_year_days(2027)[0]
    assert not any(d.year >= 2027 for d in seed.adjusted_working)
    assert all(d.weekday() < 5 for d in seed.non_working)
    assert all(d.weekday() >= 5 for d in seed.adjusted_working)


def test_sources_reject_empty_range() -> None:
    with pytest.raises(ValueError, match="empty year range"):
        calendar_from_chinesecalendar(2027, 2026)
