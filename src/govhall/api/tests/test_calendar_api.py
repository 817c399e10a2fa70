"""GET /api/v1/calendar/working-days/add returns the statutory due date and whether it is
provisional; bad input is a problem+json 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_mid_autumn_example(client: Any) -> None:
    response = client.get("/api/v1/calendar/working-days/add", {"start": "2026-09-25", "days": 20})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-09-25",
        "days": 20,
        "due_date": "2026-10-30",
        "provisional": False,
    }


def test_result_in_a_year_without_schedule_is_provisional(client: Any) -> None:
    response = client.get("/api/v1/calendar/working-days/add", {"start": "2026-12-20", "days": 20})
    assert response.json() == {
        "start": "2026-12-20",
        "days": 20,
        "due_date": "2027-01-19",
        "provisional": True,
    }


def test_bad_input_is_a_problem_document(client: Any) -> None:
    response = client.get("/api/v1/calendar/working-days/add", {"start": "2026-02-30", "days": 5})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["start"]
    response = client.get("/api/v1/calendar/working-days/add", {"start": "2026-01-05", "days": -1})
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["days.range"]
    response = client.get("/api/v1/calendar/working-days/add", {"start": "1999-01-05", "days": 1})
    assert [e["code"] for e in response.json()["errors"]] == ["start.out_of_range"]


def test_error_messages_are_translated(client: Any) -> None:
    english = client.get(
        "/api/v1/calendar/working-days/add",
        {"start": "2026-01-05", "days": -1},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    chinese = client.get(
        "/api/v1/calendar/working-days/add",
        {"start": "2026-01-05", "days": -1},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert english.json()["errors"][0]["message"] == "Days must be between 0 and 3650."
    assert chinese.json()["errors"][0]["message"] == "天数必须在 0 到 3650 之间。"
