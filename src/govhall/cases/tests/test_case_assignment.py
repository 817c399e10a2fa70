"""Who works on a case: claim, assign, transfer, bulk actions; each an entry of the log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govhall.cases.models import CaseAction
from govhall.cases.selectors import available_actions, work_queue
from govhall.cases.services.assignment import case_assign, cases_bulk_act
from govhall.cases.tests.conftest import new_case
from govhall.cases.transitions import state_after
from govhall.core.errors import Conflict, PermissionDenied, ValidationFailed
from govhall.core.models import AuditRecord
from govhall.identity.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(clerk: Any) -> User:
    user = User.objects.create_user(
        username="clerk2.kaiyang",
        password="x-Kaiyang-2026",
        is_staff=True,
        department=clerk.department,
        region=clerk.region,
    )
    user.user_permissions.set(clerk.user_permissions.all())
    return User.objects.get(pk=user.pk)


def test_claim_then_transfer(version: Any, zhang: Any, clerk: Any, colleague: Any) -> None:
    case = new_case(version, zhang)
    assert list(work_queue(clerk, assigned="unassigned")) == [case]
    claimed = case_assign(case=case, actor=clerk, assignee=clerk, claim=True)
    assert claimed.assignee == clerk
    assert list(work_queue(clerk, assigned="me")) == [case]
    assert list(work_queue(colleague, assigned="me")) == []
    with pytest.raises(Conflict) as taken:
        case_assign(case=case, actor=colleague, assignee=colleague, claim=True)
    assert "clerk.kaiyang" in str(taken.value.detail)
    moved = case_assign(case=case, actor=clerk, assignee=colleague)
    assert moved.assignee == colleague
    kinds = list(
        CaseAction.objects.filter(case=case, action="assign")
        .order_by("sequence")
        .values_list("data__kind", "data__assignee", "data__previous")
    )
    assert kinds == [
        ("claim", "clerk.kaiyang", ""),
        ("transfer", "clerk2.kaiyang", "clerk.kaiyang"),
    ]
    log = list(case.actions.order_by("sequence").values_list("action", flat=True))
    assert state_after(log) == "submitted"
    assert AuditRecord.objects.filter(action="cases.case.assign").count() == 2


def test_only_eligible_staff(version: Any, zhang: Any, clerk: Any, other_clerk: Any) -> None:
    case = new_case(version, zhang)
    with pytest.raises(PermissionDenied):
        case_assign(case=case, actor=other_clerk, assignee=other_clerk, claim=True)
    with pytest.raises(ValidationFailed) as refused:
        case_assign(case=case, actor=clerk, assignee=other_clerk)
    assert [e.code for e in refused.value.errors] == ["assignee.not_eligible"]
    with pytest.raises(ValidationFailed):
        case_assign(case=case, actor=clerk, assignee=zhang.user)
    assert CaseAction.objects.filter(action="assign").count() == 0


def test_bulk_reports_each_case(version: Any, zhang: Any, clerk: Any, colleague: Any) -> None:
    first = new_case(version, zhang, key="a")
    second = new_case(version, zhang, key="b")
    third = new_case(version, zhang, key="c")
    case_assign(case=third, actor=colleague, assignee=colleague, claim=True)
    outcomes = cases_bulk_act(
        numbers=[first.number, second.number, third.number, "0"], action="claim", actor=clerk
    )
    assert [(o.number, o.done) for o in outcomes] == [
        (first.number, True),
        (second.number, True),
        (third.number, False),
        ("0", False),
    ]
    assert "clerk2.kaiyang" in outcomes[2].message
    accepted = cases_bulk_act(numbers=[first.number, second.number], action="accept", actor=clerk)
    assert all(o.done for o in accepted)
    with pytest.raises(ValidationFailed):
        cases_bulk_act(numbers=[str(n) for n in range(101)], action="claim", actor=clerk)


def test_available_actions_follow_state_right_and_process(
    version: Any, zhang: Any, clerk: Any, other_clerk: Any
) -> None:
    case = new_case(version, zhang)
    assert available_actions(clerk, case) == [
        "accept",
        "refuse",
        "request_supplement",
        "record_visit",
    ]
    assert available_actions(zhang.user, case) == ["withdraw"]
    assert available_actions(other_clerk, case) == []


def test_assign_and_bulk_through_the_api(
    client: Client, version: Any, zhang: Any, clerk: Any, colleague: Any
) -> None:
    case = new_case(version, zhang)
    client.force_login(clerk)
    url = f"/api/v1/cases/{case.number}/assign"
    claimed = client.post(url, {}, content_type="application/json")
    assert claimed.status_code == 200
    body = claimed.json()
    assert (body["assignee"], body["actions"]) == (
        "clerk.kaiyang",
        ["accept", "refuse", "request_supplement", "record_visit"],
    )
    assert body["current_steps"] == [
        {"spec_id": "accept", "name": "受理", "role": "window_clerk", "department": None}
    ]
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409
    nobody = client.post(url, {"assignee": "nobody"}, content_type="application/json")
    assert nobody.status_code == 422
    bulk = client.post(
        "/api/v1/cases/bulk",
        {"numbers": [case.number, "5201212026010100001"], "action": "accept"},
        content_type="application/json",
    )
    assert bulk.status_code == 200
    assert [(o["number"], o["done"]) for o in bulk.json()] == [
        (case.number, True),
        ("5201212026010100001", False),
    ]
