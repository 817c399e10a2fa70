"""Step roles (岗位): staff holding some step roles take only those steps of a process; staff
holding none take every step; a role's queue lists the cases waiting for its steps."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.cases.models import Case
from govhall.cases.selectors import available_actions, work_queue
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import _clerk, new_case
from govhall.core.errors import PermissionDenied
from govhall.identity.models import User
from govhall.identity.roles import role_group

pytestmark = pytest.mark.django_db


def _with_role(username: str, clerk: User, role: str) -> User:
    user = _clerk(username, clerk.department, clerk.region)
    user.groups.add(role_group(role))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def window(clerk: User) -> User:
    return _with_role("window.kaiyang", clerk, "case_window")


@pytest.fixture
def head(clerk: User) -> User:
    return _with_role("head.kaiyang", clerk, "case_approver")


def test_each_role_takes_its_own_steps_and_a_generalist_any(
    version: Any, zhang: Any, clerk: User, window: User, head: User
) -> None:
    case = new_case(version, zhang)
    assert case.step_roles == ",window_clerk,"
    with pytest.raises(PermissionDenied, match="该环节由“窗口受理”岗位办理。"):
        case_act(case=case, action="accept", actor=head)
    case = case_act(case=case, action="accept", actor=window)
    assert case.step_roles == ",reviewer,"
    with pytest.raises(PermissionDenied):
        case_act(case=case, action="review", actor=window, opinion="同意。")
    with pytest.raises(PermissionDenied):
        case_act(case=case, action="review", actor=head, opinion="同意。")
    case = case_act(case=case, action="review", actor=clerk, opinion="材料齐全，同意。")
    assert case.step_roles == ",approver,"
    # actions outside the steps (suspend, extension, visit) are not role-bound
    assert available_actions(head, case) == [
        "suspend",
        "request_extension",
        "record_visit",
        "approve",
        "reject",
    ]
    assert available_actions(window, case) == ["suspend", "request_extension", "record_visit"]
    case = case_act(case=case, action="approve", actor=head, opinion="准予。")
    assert case.step_roles == ",window_clerk,"
    case = case_act(case=case, action="deliver", actor=window, data={"method": "window"})
    case = case_act(case=case, action="close", actor=window)
    assert Case.objects.get(pk=case.pk).step_roles == ""


def test_a_roles_queue_lists_the_cases_waiting_for_its_steps(
    version: Any, zhang: Any, clerk: User, window: User, head: User
) -> None:
    waiting_acceptance = new_case(version, zhang, key="a")
    in_review = case_act(case=new_case(version, zhang, key="b"), action="accept", actor=clerk)
    to_decide = case_act(case=new_case(version, zhang, key="c"), action="accept", actor=clerk)
    to_decide = case_act(case=to_decide, action="review", actor=clerk, opinion="同意。")

    def mine(user: User) -> set[str]:
        return set(work_queue(user, steps="mine").values_list("number", flat=True))

    assert mine(window) == {waiting_acceptance.number}
    assert mine(head) == {to_decide.number}
    assert mine(clerk) == {waiting_acceptance.number, in_review.number, to_decide.number}
    assert set(work_queue(head).values_list("number", flat=True)) == mine(clerk)


def test_the_queue_api_filters_by_step_role(
    client: Any, version: Any, zhang: Any, clerk: User, head: User
) -> None:
    waiting = new_case(version, zhang, key="a")
    client.force_login(head)
    mine = client.get("/api/v1/cases/", {"view": "queue", "steps": "mine"}).json()
    assert mine["count"] == 0
    every = client.get("/api/v1/cases/", {"view": "queue"}).json()
    assert [row["number"] for row in every["items"]] == [waiting.number]
    bad = client.get("/api/v1/cases/", {"view": "queue", "steps": "all"})
    assert bad.status_code == 422
    assert [e["code"] for e in bad.json()["errors"]] == ["steps.invalid"]
