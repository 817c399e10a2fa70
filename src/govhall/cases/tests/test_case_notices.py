"""Written notices: made after the action committed (outbox subscriber), numbered per
department, kind and year, kept in the archive as PDFs with their CJK fonts embedded."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from govhall.archive.selectors import stored_file_open
from govhall.cases.models import CaseNotice
from govhall.cases.notices import notice_issue, on_case_event
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import new_case
from govhall.core.documents import pdf_fonts
from govhall.core.models import AuditRecord, OutboxEvent
from govhall.core.outbox import outbox_dispatch
from govhall.licenses.services.seals import seal_create
from govhall.licenses.tests.openssl import openssl_verify

pytestmark = pytest.mark.django_db


def test_notices_follow_the_decisions(version: Any, zhang: Any, clerk: Any, at: Any) -> None:
    issuer = clerk.department.short_name or clerk.department.name
    with at(2026, 11, 2, 9):
        case = new_case(version, zhang)
        other = new_case(version, zhang, key="2")
        case_act(case=case, action="accept", actor=clerk)
        case_act(case=other, action="request_supplement", actor=clerk, opinion="1. 户口簿复印件")
        case_act(case=case, action="review", actor=clerk, opinion="收入超过当地低保标准")
        case_act(case=case, action="reject", actor=clerk, opinion="家庭人均收入高于低保标准。")
    outbox_dispatch()
    notices = list(CaseNotice.objects.order_by("case_id", "action_sequence"))
    assert [(n.case_id, n.kind, n.number) for n in notices] == [
        (case.pk, "acceptance", f"{issuer}受字〔2026〕00001号"),
        (case.pk, "denial", f"{issuer}不准字〔2026〕00001号"),
        (other.pk, "supplement", f"{issuer}补字〔2026〕00001号"),
    ]
    pdf = stored_file_open(notices[1].stored_file).read()
    assert pdf.startswith(b"%PDF-")
    assert any("CJK" in font for font in pdf_fonts(pdf))
    assert notices[1].stored_file.content_type == "application/pdf"
    assert AuditRecord.objects.filter(action="cases.notice.issue").count() == 3
    assert [(n.seal, bytes(n.signature)) for n in notices] == [(None, b"")] * 3  # no seal yet
    # A re-delivered event finds its notice made: nothing twice.
    entry = case.actions.get(action="accept")
    assert notice_issue(case, entry) == notices[0]
    OutboxEvent.objects.update(delivered_at=None)
    outbox_dispatch()
    assert CaseNotice.objects.count() == 3


def test_no_notice_for_internal_steps(version: Any, zhang: Any, clerk: Any) -> None:
    case = new_case(version, zhang)
    outbox_dispatch()
    case_act(case=case, action="accept", actor=clerk)
    case_act(case=case, action="review", actor=clerk, opinion="同意")
    outbox_dispatch()
    assert list(CaseNotice.objects.values_list("kind", flat=True)) == ["acceptance"]


def test_only_the_entrys_own_event_makes_its_notice(version: Any, zhang: Any, clerk: Any) -> None:
    """A grant publishes cases.case.approve and cases.case.granted with the same payload; the
    grant notice comes from the approve event alone, so two dispatchers delivering the two
    events at once cannot both make it (found by the crash harness: IntegrityError, retried)."""
    case = new_case(version, zhang)
    case_act(case=case, action="accept", actor=clerk)
    case_act(case=case, action="review", actor=clerk, opinion="同意")
    case_act(case=case, action="approve", actor=clerk, opinion="准予")
    on_case_event(OutboxEvent.objects.get(topic="cases.case.granted"))
    assert not CaseNotice.objects.filter(kind="grant").exists()
    on_case_event(OutboxEvent.objects.get(topic="cases.case.approve"))
    assert list(
        CaseNotice.objects.filter(kind="grant").values_list("action_sequence", flat=True)
    ) == [4]


def test_a_department_with_a_seal_seals_its_notices(
    version: Any, zhang: Any, clerk: Any, tmp_path: Path
) -> None:
    today = timezone.localdate()
    seal = seal_create(
        department=clerk.department,
        name="开阳县民政局行政审批专用章",
        valid_from=today,
        valid_until=today + datetime.timedelta(days=365),
        actor=None,
    )
    case_act(case=new_case(version, zhang), action="accept", actor=clerk)
    outbox_dispatch()
    notice = CaseNotice.objects.get()
    assert notice.seal == seal
    pdf = stored_file_open(notice.stored_file).read()
    # a detached SM2 signature over the exact PDF bytes, which openssl accepts
    printed = openssl_verify(
        tmp_path,
        message=pdf,
        signature=bytes(notice.signature),
        public_pem=seal.public_key_pem.encode(),
    )
    assert printed == "Verified OK\n"
    assert AuditRecord.objects.get(action="cases.notice.issue").data["seal"] == seal.key_sm3
