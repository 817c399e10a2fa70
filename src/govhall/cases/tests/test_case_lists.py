"""My cases and the work queue: who sees which cases, most urgent first, with deadline states
(green; yellow from the warning share of the promised limit; red when overdue) counted in one
query."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from govhall.cases.selectors import queue_counts, work_queue
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import new_case

pytestmark = pytest.mark.django_db
D = datetime.date


def test_warning_date_is_the_share_of_the_promised_limit(
    version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    with at(2026, 9, 25, 10):
        case = case_act(case=new_case(version, zhang, "a"), action="accept", actor=clerk)
    # 80% of 10 promised working days = 8 working days after 09-28.
    assert (case.warn_on, case.promised_due_on) == (D(2026, 10, 14), D(2026, 10, 16))


def test_queue_order_states_and_counts(
    version: Any, zhang: Any, yang: Any, clerk: Any, other_clerk: Any, at: Any
) -> None:
    with at(2026, 9, 25, 10):
        early = case_act(case=new_case(version, zhang, "a"), action="accept", actor=clerk)
    with at(2026, 10, 9, 10):
        late = case_act(case=new_case(version, yang, "b"), action="accept", actor=clerk)
        waiting = new_case(version, zhang, "c")
    with at(2026, 10, 15, 9):
        assert [c.number for c in work_queue(clerk)] == [early.number, late.number, waiting.number]
        assert queue_counts(clerk) == {"total": 3, "green": 2, "yellow": 1, "red": 0}
        assert [c.number for c in work_queue(clerk, deadline="yellow")] == [early.number]
    with at(2026, 10, 19, 9):
        assert queue_counts(clerk) == {"total": 3, "green": 2, "yellow": 0, "red": 1}
        assert [c.number for c in work_queue(clerk, state="submitted")] == [waiting.number]
    assert queue_counts(other_clerk) == {"total": 0, "green": 0, "yellow": 0, "red": 0}
    assert list(work_queue(zhang.user)) == []


def test_lists_through_the_api(version: Any, zhang: Any, yang: Any, clerk: Any, at: Any) -> None:
    with at(2026, 9, 25, 10):
        first = case_act(case=new_case(version, zhang, "a"), action="accept", actor=clerk)
        new_case(version, yang, "b")
    client = Client()
    client.force_login(zhang.user)
    mine = client.get("/api/v1/cases/").json()
    assert mine["count"] == 1 and mine["next"] is None
    assert mine["items"][0]["number"] == first.number
    assert mine["items"][0]["item"] == "最低生活保障申请"
    client.force_login(clerk)
    with at(2026, 10, 19, 9):
        queue = client.get("/api/v1/cases/?view=queue").json()
        counts = client.get("/api/v1/cases/queue/counts").json()
    assert [row["deadline"] for row in queue["items"]] == ["red", "green"]
    assert counts == {"total": 2, "green": 1, "yellow": 0, "red": 1}
    bad = client.get("/api/v1/cases/?view=all&deadline=blue&page=0")
    assert bad.status_code == 422
    assert [e["code"] for e in bad.json()["errors"]] == [
        "view.invalid",
        "deadline.invalid",
        "page.invalid",
    ]
