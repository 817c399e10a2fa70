"""A joint case (并联审批): the officer of a participating department finds it in their
queue with their own review step named, may give that review and nothing else (no accept,
no decision, no claiming the lead's case); the lead decides after every review."""

from __future__ import annotations

import re
from typing import Any

import pytest

from govhall.cases.models import Case, CaseAction
from govhall.cases.services.process import version_process_set
from govhall.cases.tests.conftest import new_case
from govhall.workbench.tests.conftest import html, staff

pytestmark = pytest.mark.django_db


def offered(page: str) -> list[str]:
    return re.findall(r'<form method="post" class="action-form" id="form-(\w+)">', page)


@pytest.fixture
def joint(version: Any, clerk: Any, department: Any) -> Any:
    fire = department("520121", "开阳县消防救援大队")
    version_process_set(
        actor=clerk,
        version=version,
        template="joint",
        departments=[clerk.department.credit_code, fire.credit_code],
    )
    return fire


def test_a_participating_officer_reviews_only_their_part(
    joint: Any, version: Any, zhang: Any, clerk: Any, signed_in: Any
) -> None:
    fire_officer = staff("fire.kaiyang", joint)
    case = new_case(version, zhang)
    url = f"/workbench/cases/{case.number}/"
    officer = signed_in(fire_officer)
    lead = signed_in(clerk)

    queue = html(officer.get("/workbench/cases/"))
    assert re.findall(r'<tr data-case="(\d+)">', queue) == [case.number]
    page = html(officer.get(url))
    assert offered(page) == []
    assert 'id="form-claim"' not in page and 'id="form-assign"' not in page
    refused = officer.post(url, {"action": "accept"})
    assert refused.status_code == 403
    assert "You may not process this case." in html(refused)
    claim = officer.post(url, {"action": "claim"})
    assert claim.status_code == 403
    assert "Only the accepting department assigns this case." in html(claim)

    lead.post(url, {"action": "accept"})
    page = html(officer.get(url))
    assert offered(page) == ["review"]
    assert "<li><strong>部门并联审查</strong>（开阳县民政局）" in page
    assert "<li><strong>部门并联审查</strong>（开阳县消防救援大队）" in page
    assert "waiting for: 开阳县民政局、开阳县消防救援大队" in page
    queue = html(officer.get("/workbench/cases/"))
    assert '<span class="step">部门并联审查（开阳县消防救援大队）</span>' in queue
    assert officer.post(url, {"action": "approve", "opinion": "准予"}).status_code == 403
    assert officer.post(url, {"action": "review", "opinion": "消防检查合格。"}).status_code == 302
    # Their review is done: nothing more for them, and the lead still waits for its own.
    assert offered(html(officer.get(url))) == []
    early = lead.post(url, {"action": "approve", "opinion": "准予"})
    assert early.status_code == 409
    assert lead.post(url, {"action": "review", "opinion": "符合条件。"}).status_code == 302
    assert lead.post(url, {"action": "approve", "opinion": "准予许可。"}).status_code == 302
    reviews = CaseAction.objects.filter(case=case, action="review").order_by("sequence")
    assert [(a.actor_label, a.data["step_name"]) for a in reviews] == [
        ("fire.kaiyang", "部门并联审查"),
        ("clerk.kaiyang", "部门并联审查"),
    ]
    page = html(lead.get(url))
    assert '<span class="tag">部门并联审查（开阳县消防救援大队）</span>' in page
    assert Case.objects.get(pk=case.pk).state == "approved"
