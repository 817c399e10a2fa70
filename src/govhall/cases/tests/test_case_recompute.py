"""Provisional due dates are recomputed when the official schedule of their year is loaded."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from govhall.cases.models import Case
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import new_case
from govhall.core.calendar import (
    calendar_cache_clear,
    calendar_year_load,
    get_calendar,
    parse_schedule,
)
from govhall.core.models import AuditRecord
from govhall.core.outbox import outbox_dispatch
from govhall.core.tests.test_calendar_table import SCHEDULE_2027

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar() -> Any:
    """The table is seeded inside this test's transaction; no engine built on it may outlive
    the rollback (get_calendar caches one per process)."""
    calendar_cache_clear()
    get_calendar()
    yield
    calendar_cache_clear()


def test_loading_2027_makes_due_dates_final(version: Any, zhang: Any, clerk: Any, at: Any) -> None:
    with at(2027, 2, 1, 9):
        case = new_case(version, zhang)
        case = case_act(case=case, action="accept", actor=clerk)
    assert (case.promised_due_on, case.due_provisional) == (datetime.date(2027, 2, 17), True)
    outbox_dispatch()
    calendar_year_load(
        year=2027,
        days=parse_schedule(SCHEDULE_2027, year=2027),
        document="国办发明电〔2026〕示例",
        actor=None,
    )
    outbox_dispatch()
    case = Case.objects.get(pk=case.pk)
    assert (case.promised_due_on, case.due_provisional) == (datetime.date(2027, 2, 19), False)
    record = AuditRecord.objects.get(action="cases.case.due_recomputed", object_id=case.number)
    assert record.data["promised"] == ["2027-02-17", "2027-02-19"]
