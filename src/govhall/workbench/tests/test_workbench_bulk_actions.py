"""Claiming and accepting several cases at once from the queue: each case is done or refused
on its own, the page reports how many were done and why each other one was not, then goes
back to the same filters (POST, redirect, GET)."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.cases.models import Case
from govhall.cases.services.assignment import case_assign
from govhall.cases.tests.conftest import new_case
from govhall.workbench.tests.conftest import html

pytestmark = pytest.mark.django_db


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_bulk_claim_reports_the_case_someone_else_has(
    version: Any, zhang: Any, yang: Any, clerk: Any, colleague: Any, signed_in: Any
) -> None:
    first, second = new_case(version, zhang, "a"), new_case(version, yang, "b")
    taken = new_case(version, zhang, "c")
    case_assign(case=taken, actor=colleague, assignee=colleague, claim=True)
    client = signed_in(clerk)
    response = client.post(
        "/workbench/cases/",
        {
            "numbers": [first.number, second.number, taken.number],
            "bulk_action": "claim",
            "return_query": "assigned=unassigned&page=3&evil=1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/workbench/cases/?assigned=unassigned"
    page = client.get(response["Location"])
    assert messages_of(page) == [
        "Claim: 2 cases done.",
        f"Claim: case {taken.number} was not done: reviewer.kaiyang already works on this case.",
    ]
    assignees = dict(Case.objects.values_list("number", "assignee__username"))
    assert assignees == {
        first.number: "clerk.kaiyang",
        second.number: "clerk.kaiyang",
        taken.number: "reviewer.kaiyang",
    }
    assert [a.data["kind"] for a in first.actions.filter(action="assign")] == ["claim"]


def test_bulk_accept_and_what_is_refused(
    version: Any, zhang: Any, yang: Any, clerk: Any, other_clerk: Any, signed_in: Any
) -> None:
    first, second = new_case(version, zhang, "a"), new_case(version, yang, "b")
    client = signed_in(clerk)
    accepted = client.post(
        "/workbench/cases/",
        {"numbers": [first.number, "5201212099010199999"], "bulk_action": "accept"},
        follow=True,
    )
    assert messages_of(accepted) == [
        "Accept: 1 case done.",
        "Accept: case 5201212099010199999 was not done: No such case.",
    ]
    again = client.post(
        "/workbench/cases/",
        {"numbers": [first.number, second.number], "bulk_action": "accept"},
        follow=True,
    )
    assert messages_of(again) == [
        "Accept: 1 case done.",
        f"Accept: case {first.number} was not done: "
        "The case is now “Accepted, under review”; this action is not possible.",
    ]
    assert set(Case.objects.values_list("state", flat=True)) == {"accepted"}
    # Another county's clerk is not told that the numbers exist.
    elsewhere = signed_in(other_clerk).post(
        "/workbench/cases/", {"numbers": [first.number], "bulk_action": "claim"}, follow=True
    )
    assert messages_of(elsewhere) == [f"Claim: case {first.number} was not done: No such case."]
    assert Case.objects.get(pk=first.pk).assignee is None


def test_nothing_selected_or_no_action(
    version: Any, zhang: Any, clerk: Any, signed_in: Any
) -> None:
    case = new_case(version, zhang)
    client = signed_in(clerk)
    none = client.post("/workbench/cases/", {"bulk_action": "claim"}, follow=True)
    assert messages_of(none) == ["Select at least one case."]
    unknown = client.post(
        "/workbench/cases/", {"numbers": [case.number], "bulk_action": "approve"}, follow=True
    )
    assert messages_of(unknown) == ["Choose what to do with the selected cases."]
    too_many = client.post(
        "/workbench/cases/",
        {"numbers": [f"{n:019d}" for n in range(101)], "bulk_action": "claim"},
        follow=True,
    )
    assert messages_of(too_many) == ["At most 100 cases at once."]
    assert Case.objects.get().assignee is None
    assert 'name="numbers" value="' + case.number in html(client.get("/workbench/cases/"))
