"""The result of each integrity verification, kept and told (安全审计, 集中管控).

``govhall audit-verify`` and ``govhall archive-verify`` print their findings and exit 1 when
something is wrong; that alone reaches nobody when they run at night from cron. So each run
also appends its result to the audit chain (``core.integrity.verify``: which check, intact or
not, how many problems, the first few) — ``/health/ready`` and ``govhall health`` read the
latest — and a broken result publishes ``core.integrity.broken`` on the outbox, which the
notifications module turns into a message for every security auditor.

Appending to a chain that was just found broken is deliberate: the chain's head is intact
(verification recomputes from the stored records), and the record of the finding belongs in
the same trail as what it found.
"""

from __future__ import annotations

from collections.abc import Sequence

from govhall.core.audit import audit_record_create
from govhall.core.health import INTEGRITY_ACTION, INTEGRITY_CHECKS
from govhall.core.models import AuditRecord
from govhall.core.outbox import event_publish
from govhall.core.transactions import service_atomic

BROKEN_TOPIC = "core.integrity.broken"
KEPT_PROBLEMS = 5
"""How many problems a record names (the command prints them all)."""


def integrity_result_record(*, check: str, problems: Sequence[str], summary: str) -> AuditRecord:
    """Record one verification's result; a broken one is announced on the outbox."""
    if check not in INTEGRITY_CHECKS:
        raise ValueError(f"unknown integrity check {check!r}")
    data = {
        "intact": not problems,
        "problems": len(problems),
        "first_problems": [problem[:300] for problem in problems[:KEPT_PROBLEMS]],
        "summary": summary,
    }
    with service_atomic():
        record = audit_record_create(
            actor=None,
            action=INTEGRITY_ACTION,
            object_type="integrity_check",
            object_id=check,
            data=data,
        )
        if problems:
            event_publish(
                topic=BROKEN_TOPIC,
                payload={"check": check, "audit_sequence": record.sequence, **data},
            )
    return record
