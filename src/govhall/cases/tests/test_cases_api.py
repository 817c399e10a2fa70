"""The case API: submit with Idempotency-Key (201, then 200 for a retry), read with timeline
and due dates (working days used and left), actions answering 409 out of order, 403 for staff
without the right, 404 for anyone who may not see the case."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govhall.cases.models import Case
from govhall.cases.tests.conftest import uploads_for

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


def post(client: Client, url: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(url, body, content_type="application/json", **headers)


def test_submit_read_and_act_through_the_api(
    client: Client, version: Any, zhang: Any, clerk: Any, other_clerk: Any, yang: Any, at: Any
) -> None:
    client.force_login(zhang.user)
    body = {
        "version": str(version.uuid),
        "form_data": {"household_size": 3},
        "materials": [str(u) for u in uploads_for(version, zhang.user)],
    }
    with at(2026, 9, 25, 10, 0):
        created = post(client, CASES, body, HTTP_IDEMPOTENCY_KEY="abc-1")
        retried = post(client, CASES, body, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert (created.status_code, retried.status_code) == (201, 200)
    number = created.json()["number"]
    assert retried.json()["number"] == number == "5201212026092500001"
    missing_key = post(client, CASES, body)
    assert missing_key.status_code == 422
    assert [e["code"] for e in missing_key.json()["errors"]] == ["idempotency_key.required"]

    client.force_login(clerk)
    with at(2026, 9, 25, 11, 0):
        accepted = post(client, f"{CASES}{number}/actions/accept", {})
    assert accepted.status_code == 200
    # 09-29, 09-30, 10-08, 10-09, the working Saturday 10-10 and 10-12: six working days used.
    with at(2026, 10, 12, 9, 0):
        detail = client.get(f"{CASES}{number}").json()
    assert detail["state"] == "accepted"
    assert detail["accepted_on"] == "2026-09-28"
    assert detail["legal_due"] == {
        "due_on": "2026-10-30",
        "working_days_used": 6,
        "working_days_left": 14,
    }
    assert detail["promised_due"] == {
        "due_on": "2026-10-16",
        "working_days_used": 6,
        "working_days_left": 4,
    }
    assert [(a["action"], a["role"]) for a in detail["timeline"]] == [
        ("submit", "applicant"),
        ("accept", "staff"),
    ]
    again = post(client, f"{CASES}{number}/actions/accept", {})
    assert again.status_code == 409
    no_reason = post(client, f"{CASES}{number}/actions/reject", {"opinion": ""})
    assert no_reason.status_code == 422

    client.force_login(other_clerk)
    assert client.get(f"{CASES}{number}").status_code == 404
    assert post(client, f"{CASES}{number}/actions/approve", {"opinion": "x"}).status_code == 404
    client.force_login(yang.user)
    assert client.get(f"{CASES}{number}").status_code == 404
    client.logout()
    assert client.get(f"{CASES}{number}").status_code == 401
    assert Case.objects.get().state == "accepted"


def test_staff_who_see_the_case_but_lack_the_right_get_403(
    client: Client, version: Any, zhang: Any, clerk: Any
) -> None:
    client.force_login(zhang.user)
    body = {
        "version": str(version.uuid),
        "materials": [str(u) for u in uploads_for(version, zhang.user)],
    }
    number = post(client, CASES, body, HTTP_IDEMPOTENCY_KEY="k").json()["number"]
    # The applicant sees the case but may not accept it.
    assert client.get(f"{CASES}{number}").status_code == 200
    assert post(client, f"{CASES}{number}/actions/accept", {}).status_code == 403


def test_pre_review_through_the_api(
    client: Client, version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    from govhall.catalog.models import ItemVersion

    body = {
        "version": str(version.uuid),
        "form_data": {"household_size": 3},
        "materials": [str(u) for u in uploads_for(version, zhang.user)],
        "pre_review": True,
    }
    client.force_login(zhang.user)
    not_offered = post(client, CASES, body, HTTP_IDEMPOTENCY_KEY="pre-1")
    assert not_offered.status_code == 422
    assert [e["code"] for e in not_offered.json()["errors"]] == ["pre_review.not_offered"]
    ItemVersion.objects.filter(pk=version.pk).update(visits=1)  # the item needs one visit
    with at(2026, 11, 2, 9, 0):
        created = post(client, CASES, body, HTTP_IDEMPOTENCY_KEY="pre-1")
    assert created.status_code == 201
    number = created.json()["number"]
    assert created.json()["state"] == "pre_review"
    assert post(client, f"{CASES}{number}/actions/receive", {}).status_code == 403
    client.force_login(clerk)
    assert post(client, f"{CASES}{number}/actions/receive", {}).status_code == 409
    passed = post(client, f"{CASES}{number}/actions/pass-pre-review", {"opinion": "请带原件。"})
    assert passed.json()["state"] == "pre_reviewed"
    with at(2026, 11, 4, 15, 0):
        received = post(client, f"{CASES}{number}/actions/receive", {})
    assert received.status_code == 200
    assert [a["action"] for a in received.json()["timeline"]] == [
        "submit_for_pre_review",
        "pass_pre_review",
        "receive",
    ]
    assert (received.json()["state"], received.json()["received_on"]) == (
        "submitted",
        "2026-11-04",
    )


def test_a_page_past_the_last_possible_one_is_refused_not_a_server_error(
    client: Client, zhang: Any
) -> None:
    """Found by the schema fuzz test: ?page=10**30 asked the database for an offset it cannot
    hold (an OverflowError on SQLite, "bigint out of range" on PostgreSQL) and answered 500."""
    client.force_login(zhang.user)
    assert client.get(CASES, {"page": 10_000}).json() == {"count": 0, "items": [], "next": None}
    for page in (10_001, 2**63, 10**30):
        response = client.get(CASES, {"page": page})
        assert response.status_code == 422
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
            ("page", "page.invalid")
        ]
