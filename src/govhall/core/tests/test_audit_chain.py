"""The audit log is hash-chained: a modified, deleted or truncated record is detected,
and ``govhall audit-verify`` exits non-zero naming it."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from govhall.core.audit import GENESIS_HASH, audit_chain_verify, audit_record_create, record_hash
from govhall.core.models import AuditHead, AuditRecord

pytestmark = pytest.mark.django_db


def _three() -> list[AuditRecord]:
    return [
        audit_record_create(
            actor=None, action="test.step", object_type="thing", object_id=str(n), data={"n": n}
        )
        for n in range(1, 4)
    ]


def test_records_link_to_their_predecessor() -> None:
    first, second, third = _three()
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert record_hash(third) == third.hash
    assert len(third.hash) == 64
    assert list(audit_chain_verify()) == []
    assert AuditHead.objects.get(pk=1).last_sequence == 3


def test_modified_record_is_detected() -> None:
    _three()
    AuditRecord.objects.filter(sequence=2).update(data={"n": 99})
    problems = list(audit_chain_verify())
    assert [(p.sequence, p.problem) for p in problems] == [
        (2, "record content does not match its hash")
    ]


def test_deleted_record_is_detected() -> None:
    _three()
    AuditRecord.objects.filter(sequence=2).delete()
    problems = [(p.sequence, p.problem) for p in audit_chain_verify()]
    assert problems == [
        (2, "records 2..2 are missing"),
        (3, "link to the previous record is broken"),
    ]


def test_deleted_tail_is_detected() -> None:
    _three()
    AuditRecord.objects.filter(sequence=3).delete()
    problems = [(p.sequence, p.problem) for p in audit_chain_verify()]
    assert problems == [(3, "the chain ends at 2 but its head names 3")]


def test_command_reports_and_fails() -> None:
    _three()
    call_command("audit_verify")
    AuditRecord.objects.filter(sequence=1).update(action="tampered")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit_verify")
