"""The case page shows what a clerk needs at a glance — the facts with both due dates and
the working days used and left, the application form under the labels of the version's
form, the materials, the timeline, the waiting steps — and the process diagram's data for
bpmn-js, in a bounded number of queries."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govhall.cases.services.actions import case_act
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import uploads_for
from govhall.workbench.tests.conftest import html, staff

pytestmark = pytest.mark.django_db


def _submit(version: Any, person: Any) -> Any:
    case, _created = case_submit(
        actor=person.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="web",
        form_data={"household_size": "3", "monthly_income": "1200.5"},
        idempotency_key="page",
        materials=uploads_for(version, person.user),
    )
    return case


def facts(page: str) -> dict[str, str]:
    pairs = re.findall(r"<div><dt>([^<]+)</dt><dd[^>]*>(.*?)</dd></div>", page, re.S)
    return {
        label: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", value)).strip() for label, value in pairs
    }


def json_script(page: str, element_id: str) -> Any:
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', page, re.S
    )
    assert found is not None
    return json.loads(found.group(1))


def test_facts_form_data_and_diagram(
    version: Any, zhang: Any, clerk: Any, signed_in: Any, at: Any
) -> None:
    with at(2026, 9, 25, 10):
        case = _submit(version, zhang)
        case_act(case=case, action="accept", actor=clerk)
    with at(2026, 10, 12, 9):
        page = html(signed_in(clerk).get(f"/workbench/cases/{case.number}/"))
    shown = facts(page)
    assert shown["State"] == "Accepted, under review"
    assert shown["Applicant"] == "张建国"
    assert shown["Channel"] == "Online (web)"
    assert shown["Accepting department"] == "开阳县民政局"
    assert shown["Received on"] == "2026-09-28 submitted 2026-09-25 10:00"
    assert shown["Accepted on"] == "2026-09-28"
    assert shown["Promised due date"] == "2026-10-16 On time 6 working days used, 4 left"
    assert shown["Legal due date"] == "2026-10-30 6 working days used, 14 left"
    assert shown["Assigned to"] == "nobody yet"
    assert shown["家庭人口"] == "3"
    assert shown["家庭月收入（元）"] == "1200.5"

    assert json_script(page, "process-diagram-current") == ["review"]
    xml = json_script(page, "process-diagram-xml")
    assert xml.startswith("<?xml") and '<bpmn:userTask id="review"' in xml
    assert re.findall(r'class="process-step process-step--(\w+)" data-step="(\w+)"', page) == [
        ("done", "accept"),
        ("current", "review"),
        ("waiting", "decide"),
        ("waiting", "deliver"),
    ]
    assert "vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in page
    assert "<script>" not in page  # no inline script: the JSON is data, the code a file


def test_the_case_page_runs_a_bounded_number_of_queries(
    version: Any, zhang: Any, clerk: Any, signed_in: Any, django_assert_max_num_queries: Any
) -> None:
    """However many colleagues the assignment list holds."""
    case = _submit(version, zhang)
    client = signed_in(clerk)
    url = f"/workbench/cases/{case.number}/"
    client.post(url, {"action": "accept"})
    client.post(url, {"action": "review", "opinion": "同意。"})
    with CaptureQueriesContext(connection) as alone:
        client.get(url)
    for n in range(5):
        staff(f"clerk{n}.kaiyang", clerk.department, region=clerk.region)
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as six:
        page = html(client.get(url))
    assert len(six) == len(alone)
    assert len(re.findall(r'<option value="[0-9a-f-]{36}"', page)) == 6
