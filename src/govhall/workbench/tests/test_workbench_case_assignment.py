"""Who works on a case: a clerk claims an unassigned case, assigns it to a colleague of the
bureau who may process cases, or transfers it; each is a log entry. A claim on a case someone
else has is refused with their name, and a colleague who may not process it is not offered
and not accepted."""

from __future__ import annotations

import re
from typing import Any

import pytest

from govhall.cases.models import Case, CaseAction
from govhall.cases.tests.conftest import new_case
from govhall.identity.models import User
from govhall.workbench.tests.conftest import html, staff

pytestmark = pytest.mark.django_db


def options(page: str) -> list[str]:
    return re.findall(r'<option value="[0-9a-f-]{36}"[^>]*>([^<]+)</option>', page)


def test_claim_assign_and_transfer(
    version: Any, zhang: Any, clerk: Any, colleague: Any, signed_in: Any, region: Any
) -> None:
    User.objects.create_user(username="driver.kaiyang", is_staff=True, department=clerk.department)
    staff("clerk.xifeng.lent", clerk.department, region=region("520122"))
    case = new_case(version, zhang)
    url = f"/workbench/cases/{case.number}/"
    client = signed_in(clerk)
    page = html(client.get(url))
    assert 'id="form-claim"' in page
    # Only colleagues of the bureau who may process a case of this county are offered.
    assert options(page) == ["clerk.kaiyang (you)", "reviewer.kaiyang"]

    assert client.post(url, {"action": "claim"}).status_code == 302
    page = html(client.get(url))
    assert 'id="form-claim"' not in page
    assert '<dd id="assignee">clerk.kaiyang</dd>' in page
    assert '<label for="id_assignee">Transfer to</label>' in page

    again = signed_in(colleague).post(url, {"action": "claim"})
    assert again.status_code == 409
    assert "clerk.kaiyang already works on this case." in html(again)

    transferred = client.post(url, {"action": "assign", "assignee": str(colleague.uuid)})
    assert transferred.status_code == 302
    assert Case.objects.get(pk=case.pk).assignee == colleague
    kinds = [a.data["kind"] for a in CaseAction.objects.filter(case=case, action="assign")]
    assert kinds == ["claim", "transfer"]
    page = html(client.get(url))
    assert f"Case {case.number} was given to reviewer.kaiyang." in page
    assert re.findall(r'<li data-action="(\w+)">', page) == ["submit", "assign", "assign"]


def test_assigning_someone_who_may_not_process_is_refused(
    version: Any, zhang: Any, clerk: Any, other_clerk: Any, signed_in: Any
) -> None:
    case = new_case(version, zhang)
    url = f"/workbench/cases/{case.number}/"
    client = signed_in(clerk)
    nobody = client.post(url, {"action": "assign", "assignee": ""})
    assert nobody.status_code == 400 and "Choose a colleague." in html(nobody)
    elsewhere = client.post(url, {"action": "assign", "assignee": str(other_clerk.uuid)})
    assert elsewhere.status_code == 400
    assert "This colleague may not process this case." in html(elsewhere)
    assert Case.objects.get(pk=case.pk).assignee is None
