"""Saving only the changed columns: in-place changes of JSON values are seen, nothing changed
means no statement, and the UPDATE names exactly the changed columns."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govhall.core.changes import FieldSnapshot, save_changed
from govhall.core.identifiers import build_credit_code
from govhall.core.models import Department, OutboxEvent, Region

pytestmark = pytest.mark.django_db


def _event() -> OutboxEvent:
    now = timezone.now()
    return OutboxEvent.objects.create(
        topic="cases.case.accept",
        payload={"number": "1", "steps": ["accept"]},
        created_at=now,
        available_at=now,
    )


def test_an_in_place_change_of_a_json_value_is_saved() -> None:
    event = _event()
    snapshot = FieldSnapshot(event)
    event.payload["steps"].append("review")
    event.attempts = 2
    with CaptureQueriesContext(connection) as queries:
        written = save_changed(event, snapshot)
    assert written == ["payload", "attempts"]
    assert len(queries) == 1
    update = queries[0]["sql"]
    assert update.startswith('UPDATE "core_outboxevent" SET "payload" = ')
    assert '"attempts" = 2' in update and '"topic"' not in update
    event.refresh_from_db()
    assert event.payload == {"number": "1", "steps": ["accept", "review"]}
    assert event.attempts == 2


def test_nothing_changed_writes_nothing() -> None:
    event = _event()
    snapshot = FieldSnapshot(event)
    with CaptureQueriesContext(connection) as queries:
        assert save_changed(event, snapshot) == []
    assert queries.captured_queries == []


def test_a_model_with_timestamps_also_moves_updated_at() -> None:
    county = Region.objects.get(code="520121000000")
    department = Department.objects.create(
        name="开阳县民政局",
        credit_code=build_credit_code(area="520121", organisation="12345678"),
        region=county,
        level="county",
    )
    before = department.updated_at
    snapshot = FieldSnapshot(department)
    department.name = department.name + "（测试）"
    assert save_changed(department, snapshot) == ["name", "updated_at"]
    department.refresh_from_db()
    assert department.updated_at > before


def test_sqlite_planner_statistics_are_refreshed() -> None:
    from django.db import connection

    from govhall.core.statistics import sqlite_statistics_refresh

    if connection.vendor != "sqlite":
        assert sqlite_statistics_refresh() is False
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
        assert sqlite_statistics_refresh() is True
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'core_region'")
        (rows,) = cursor.fetchone()
    assert rows >= 1  # the regions' indexes are described
