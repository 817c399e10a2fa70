"""The calendar table: seeded from chinesecalendar (official) and statutory holidays
(provisional); an administrator's load makes a year official, is validated and audited, and
the cached engine follows the table at once."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from govhall.core.calendar import (
    calendar_seed,
    calendar_year_load,
    get_calendar,
    parse_schedule,
)
from govhall.core.errors import ValidationFailed
from govhall.core.models import AuditRecord, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

# A hypothetical 2027 schedule in the State Council's usual shape (for the tests only).
SCHEDULE_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-05,holiday,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-13,adjusted_working,春节
2027-04-05,holiday,清明节
2027-05-01,holiday,劳动节
2027-05-02,holiday,劳动节
2027-05-03,holiday,劳动节
2027-06-09,holiday,端午节
2027-09-15,holiday,中秋节
2027-10-01,holiday,国庆节
2027-10-02,holiday,国庆节
2027-10-03,holiday,国庆节
2027-10-04,holiday,国庆节
2027-10-05,holiday,国庆节
2027-10-09,adjusted_working,国庆节
"""


def test_seed_marks_known_years_official_and_later_years_provisional() -> None:
    added = calendar_seed(first_year=2025, last_year=2028)
    assert added == 4
    official = dict(CalendarYear.objects.values_list("year", "is_official"))
    assert official == {2025: True, 2026: True, 2027: False, 2028: False}
    assert calendar_seed(first_year=2025, last_year=2028) == 0
    adjusted_2026 = CalendarDay.objects.filter(date__year=2026, kind="adjusted_working")
    assert [str(d) for d in adjusted_2026.values_list("date", flat=True)] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]


def test_load_makes_a_year_official_and_moves_due_dates() -> None:
    engine = get_calendar()
    before = engine.add_working_days_result(datetime.date(2027, 2, 1), 10)
    assert before.provisional is True
    assert before.due_date == datetime.date(2027, 2, 17)
    days = parse_schedule(SCHEDULE_2027, year=2027)
    calendar_year_load(year=2027, days=days, document="国办发明电〔2026〕示例", actor=None)
    after = get_calendar().add_working_days_result(datetime.date(2027, 2, 1), 10)
    assert after == type(after)(due_date=datetime.date(2027, 2, 19), provisional=False)
    assert (
        AuditRecord.objects.filter(action="core.calendar.load_year", object_id="2027").count() == 1
    )


def test_bad_schedule_is_refused_with_every_error() -> None:
    text = "\n".join(
        [
            "2027-02-30,holiday,x",
            "2027-03-01,adjusted_working,x",
            "2028-01-01,holiday,x",
            "2027-05-01,rest,x",
        ]
    )
    with pytest.raises(ValidationFailed) as raised:
        parse_schedule(text, year=2027)
    codes = [(e.field, e.code) for e in raised.value.errors]
    assert codes[:4] == [
        ("line 1", "schedule.date"),
        ("line 2", "schedule.weekday"),
        ("line 3", "schedule.year"),
        ("line 4", "schedule.kind"),
    ]
    assert {code for _field, code in codes[4:]} == {"schedule.statutory_missing"}


def test_load_command(tmp_path: Path, capsys: Any) -> None:
    source = tmp_path / "2027.csv"
    source.write_text(SCHEDULE_2027, encoding="utf-8")
    call_command("calendar_load", str(source), year=2027, document="国办发明电〔2026〕示例")
    assert CalendarYear.objects.get(year=2027).is_official is True
    source.write_text("2027-01-01,holiday,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("calendar_load", str(source), year=2027, document="x")
