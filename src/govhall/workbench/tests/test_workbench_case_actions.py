"""Working on one case: the page offers the actions the clerk may take now, each a POST
through ``case_act`` answered by a redirect; the timeline grows with every step of the
standard process (accept, review, decide, deliver). A refused action — out of order (409),
without the opinion it needs (400) or not the clerk's to take (403) — is explained on the page
and changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from govhall.cases.models import Case, CaseAction
from govhall.cases.tests.conftest import new_case
from govhall.workbench.tests.conftest import html

pytestmark = pytest.mark.django_db


def offered(page: str) -> list[str]:
    return re.findall(r'<form method="post" class="action-form" id="form-(\w+)">', page)


def timeline(page: str) -> list[str]:
    return re.findall(r'<li data-action="(\w+)">', page)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_accept_review_approve_deliver(
    version: Any, zhang: Any, clerk: Any, signed_in: Any
) -> None:
    case = new_case(version, zhang)
    url = f"/workbench/cases/{case.number}/"
    client = signed_in(clerk)
    page = html(client.get(url))
    assert offered(page) == ["accept", "refuse", "request_supplement", "record_visit"]
    assert timeline(page) == ["submit"]
    assert 'class="process-step process-step--current" data-step="accept" aria-current="step"' in (
        page
    )

    accepted = client.post(url, {"action": "accept", "opinion": ""})
    assert (accepted.status_code, accepted["Location"]) == (302, url)
    after_accept = client.get(url)
    assert messages_of(after_accept) == [f"Case {case.number}: Accepted."]
    page = html(after_accept)
    # Suspending, asking for an extension, recording a visit: under "More actions".
    assert offered(page) == ["review", "suspend", "request_extension", "record_visit"]
    assert page.index('id="form-review"') < page.index("<summary>More actions</summary>")
    assert timeline(page) == ["submit", "accept"]

    assert (
        client.post(url, {"action": "review", "opinion": "材料齐全，符合条件。"}).status_code == 302
    )
    page = html(client.get(url))
    assert offered(page) == ["approve", "reject", "suspend", "request_extension", "record_visit"]
    assert '<span class="tag">审查</span>' in page and "材料齐全，符合条件。" in page

    assert client.post(url, {"action": "approve", "opinion": "准予。"}).status_code == 302
    assert offered(html(client.get(url))) == ["deliver", "record_visit"]
    assert client.post(url, {"action": "deliver", "data_method": "window"}).status_code == 302
    page = html(client.get(url))
    assert timeline(page) == ["submit", "accept", "review", "approve", "deliver"]
    assert offered(page) == ["close", "record_visit"]
    done = Case.objects.get(pk=case.pk)
    assert (done.state, done.current_steps) == ("delivered", [])
    staff_entries = CaseAction.objects.filter(case=case, role="staff").order_by("sequence")
    assert [(a.action, a.actor_label) for a in staff_entries] == [
        ("accept", "clerk.kaiyang"),
        ("review", "clerk.kaiyang"),
        ("approve", "clerk.kaiyang"),
        ("deliver", "clerk.kaiyang"),
    ]
    assert staff_entries.get(action="deliver").data["method"] == "window"


def test_approving_before_the_review_is_refused_with_409(
    version: Any, zhang: Any, clerk: Any, signed_in: Any
) -> None:
    case = new_case(version, zhang)
    url = f"/workbench/cases/{case.number}/"
    client = signed_in(clerk)
    client.post(url, {"action": "accept"})
    revision = Case.objects.get(pk=case.pk).revision
    early = client.post(url, {"action": "approve", "opinion": "准予。"})
    assert early.status_code == 409
    page = html(early)
    assert "Nothing was changed" in page
    assert "The process is waiting for: 审查." in page
    after = Case.objects.get(pk=case.pk)
    assert (after.state, after.revision) == ("accepted", revision)
    assert timeline(page) == ["submit", "accept"]
    assert list(CaseAction.objects.filter(case=case).values_list("action", flat=True)) == [
        "submit",
        "accept",
    ]


def test_an_opinion_is_required_where_the_law_asks_for_reasons(
    version: Any, zhang: Any, clerk: Any, signed_in: Any
) -> None:
    case = new_case(version, zhang)
    url = f"/workbench/cases/{case.number}/"
    client = signed_in(clerk)
    refused = client.post(url, {"action": "refuse", "opinion": "   "})
    assert refused.status_code == 400
    page = html(refused)
    assert '<p class="field__error" id="error_refuse">State the reasons.</p>' in page
    assert '<a href="#form-refuse">State the reasons.</a>' in page
    assert 'aria-invalid="true" aria-describedby="error_refuse"' in page
    assert Case.objects.get(pk=case.pk).state == "submitted"
    # What was typed stays in the form after a refusal.
    too_long = client.post(url, {"action": "refuse", "opinion": "理" * 2001})
    assert too_long.status_code == 400
    assert "At most 2,000 characters." in html(too_long)
    unknown = client.post(url, {"action": "withdraw", "opinion": "撤回"})
    assert unknown.status_code == 400 and "Unknown action." in html(unknown)
    assert Case.objects.get(pk=case.pk).state == "submitted"


def test_delivery_needs_its_method(version: Any, zhang: Any, clerk: Any, signed_in: Any) -> None:
    case = new_case(version, zhang)
    url = f"/workbench/cases/{case.number}/"
    client = signed_in(clerk)
    client.post(url, {"action": "accept"})
    client.post(url, {"action": "review", "opinion": "同意。"})
    client.post(url, {"action": "approve", "opinion": "准予。"})
    page = html(client.get(url))
    assert '<select id="id_deliver_method" name="data_method"' in page
    mail = client.post(url, {"action": "deliver", "data_method": "mail", "data_carrier": ""})
    assert mail.status_code == 400
    assert "Name the carrier." in html(mail)
    assert Case.objects.get(pk=case.pk).state == "approved"
