"""Appending to and verifying the hash-chained audit log.

Every service that changes state calls :func:`audit_record_create` inside its own transaction,
so the record commits or rolls back with the change it describes.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from govhall.core.crypto import sm3_hex
from govhall.core.models import AuditHead, AuditRecord

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"
Head = TypeVar("Head", bound=models.Model)


def _canonical(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    data: dict[str, Any],
    previous_hash: str,
) -> bytes:
    """The exact bytes that are hashed: sorted-key JSON, UTC microsecond timestamp."""
    return canonical_json(
        {
            "sequence": sequence,
            "occurred_at": canonical_instant(occurred_at),
            "actor": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
            "previous_hash": previous_hash,
        }
    )


def canonical_json(payload: dict[str, Any]) -> bytes:
    """The one text of ``payload`` that is hashed: sorted keys, no spaces, UTF-8 (the archive's
    chain hashes its entries the same way)."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def canonical_instant(moment: datetime) -> str:
    """An aware moment as it is hashed: UTC, to the microsecond."""
    return moment.astimezone(_dt.UTC).isoformat(timespec="microseconds")


def record_hash(record: AuditRecord) -> str:
    """Recompute the hash a record should carry."""
    return sm3_hex(
        _canonical(
            sequence=record.sequence,
            occurred_at=record.occurred_at,
            actor_label=record.actor_label,
            action=record.action,
            object_type=record.object_type,
            object_id=record.object_id,
            data=record.data,
            previous_hash=record.previous_hash,
        )
    )


def actor_label(actor: AbstractBaseUser | AnonymousUser | None) -> str:
    if actor is None or not actor.is_authenticated:
        return SYSTEM_ACTOR
    return str(actor.get_username())


def audit_record_create(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    object_type: str,
    object_id: str,
    data: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the chain, in the caller's transaction.

    Inside a transaction the record joins it without a savepoint (it must commit or roll back
    with the change it describes, and an error here aborts that change anyway): two statements
    fewer per record than a nested ``atomic()``. Called outside one, it is its own transaction.
    """
    payload = json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))
    with transaction.atomic(savepoint=False):
        head = chain_head_lock(AuditHead)
        record = AuditRecord(
            sequence=head.last_sequence + 1,
            occurred_at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
            actor_label=actor_label(actor),
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=payload,
            previous_hash=head.last_hash,
        )
        record.hash = record_hash(record)
        record.save()
        head.last_sequence = record.sequence
        head.last_hash = record.hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return record


def chain_head_lock(model: type[Head]) -> Head:
    """The single head row (pk 1) of a hash chain — ``last_sequence`` and ``last_hash`` — locked
    until the transaction ends, so appends to the chain queue behind each other; created at
    the genesis on first use."""
    head = model._default_manager.select_for_update().filter(pk=1).first()
    if head is None:
        model._default_manager.get_or_create(
            pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
        )
        head = model._default_manager.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True, slots=True)
class ChainProblem:
    sequence: int
    problem: str


def audit_chain_verify(*, batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Yield every break in the chain: altered records, gaps, broken links, a cut tail."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    records = AuditRecord.objects.order_by("sequence").iterator(chunk_size=batch_size)
    for record in records:
        if record.sequence != expected_sequence:
            yield ChainProblem(
                expected_sequence,
                f"records {expected_sequence}..{record.sequence - 1} are missing",
            )
        if record.previous_hash != previous_hash:
            yield ChainProblem(record.sequence, "link to the previous record is broken")
        if record_hash(record) != record.hash:
            yield ChainProblem(record.sequence, "record content does not match its hash")
        expected_sequence = record.sequence + 1
        previous_hash = record.hash
    head = AuditHead.objects.filter(pk=1).first()
    last_sequence = head.last_sequence if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    if last_sequence != expected_sequence - 1 or last_hash != previous_hash:
        yield ChainProblem(
            expected_sequence,
            f"the chain ends at {expected_sequence - 1} but its head names {last_sequence}",
        )
