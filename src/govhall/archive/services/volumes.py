"""Archiving a finished case (归档): one volume, its entries, their links in the chain.

The only write of volumes and entries. There is no update or delete: an archived entry is never
altered, and a case archived once is not archived again (the case number is unique; a second
call returns the first volume and writes nothing — a re-delivered event archives nothing
twice).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.archive.chain import entry_link, header_link
from govhall.archive.models import (
    ArchiveEntry,
    ArchiveHead,
    ArchiveOutcome,
    ArchiveVolume,
    EntryKind,
    StoredFile,
)
from govhall.archive.rules import class_code, class_name, retain_until, retention_for
from govhall.archive.selectors import archive_volume_for_case
from govhall.catalog.models import ItemType
from govhall.core.audit import audit_record_create, chain_head_lock
from govhall.core.errors import ErrorCollector
from govhall.core.models import Department
from govhall.core.outbox import event_publish
from govhall.core.transactions import service_atomic

AUDIT_ACTION = "archive.volume.create"
AUDIT_OBJECT_TYPE = "archive_volume"
EVENT_TOPIC = "archive.volume.archived"
MAX_CASE_NUMBER = 30
MAX_ITEM_CODE = 50
MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class EntryInput:
    """One document to archive: what it is, its title, and its bytes (already stored)."""

    kind: str
    title: str
    stored_file: StoredFile


def archive_volume_create(
    *,
    case_number: str,
    department: Department,
    item_code: str,
    item_name: str,
    item_type_code: str,
    outcome: str,
    closed_on: datetime.date,
    entries: Sequence[EntryInput],
    actor: AbstractBaseUser | AnonymousUser | None = None,
) -> ArchiveVolume:
    """Archive a finished case: classify it, set its retention, chain its entries in the
    given order; audited and announced (``archive.volume.archived``) in one transaction.

    Returns the case's existing volume, writing nothing, when it was archived before. Bad
    input raises ``ValidationFailed`` naming every field at once; nothing is written.
    """
    case_number, item_code, item_name = case_number.strip(), item_code.strip(), item_name.strip()
    existing = archive_volume_for_case(case_number)
    if existing is not None:
        return existing
    type_name = _checked(
        case_number=case_number,
        item_code=item_code,
        item_name=item_name,
        item_type_code=item_type_code,
        outcome=outcome,
        closed_on=closed_on,
        entries=entries,
    )
    with service_atomic():
        head = chain_head_lock(ArchiveHead)
        # Checked again under the head's lock: a concurrent call for the same case waited here.
        existing = archive_volume_for_case(case_number)
        if existing is not None:
            return existing
        retention = retention_for(item_type_code=item_type_code, outcome=outcome)
        volume = ArchiveVolume(
            sequence=head.last_sequence + 1,
            case_number=case_number,
            department=department,
            department_name=department.name,
            department_code=department.credit_code,
            item_code=item_code,
            item_name=item_name,
            item_type_code=item_type_code,
            outcome=outcome,
            class_code=class_code(item_type_code=item_type_code, outcome=outcome),
            class_name=class_name(item_type_name=type_name, outcome=outcome),
            retention=retention,
            closed_on=closed_on,
            archived_at=timezone.now(),
            retain_until=retain_until(retention, closed_on=closed_on),
            entry_count=len(entries),
            previous_hash=head.last_hash,
        )
        volume.header_hash = header_link(volume)
        rows = _chained_entries(volume, entries)
        volume.hash = rows[-1].hash
        volume.save()
        ArchiveEntry.objects.bulk_create(rows)
        head.last_sequence = volume.sequence
        head.last_hash = volume.hash
        head.save(update_fields=["last_sequence", "last_hash"])
        audit_record_create(
            actor=actor,
            action=AUDIT_ACTION,
            object_type=AUDIT_OBJECT_TYPE,
            object_id=case_number,
            data={
                "sequence": volume.sequence,
                "class_code": volume.class_code,
                "retention": volume.retention,
                "entries": volume.entry_count,
                "hash": volume.hash,
            },
        )
        event_publish(
            topic=EVENT_TOPIC,
            payload={
                "case_number": case_number,
                "sequence": volume.sequence,
                "department": volume.department_code,
                "item_code": item_code,
                "class_code": volume.class_code,
                "retention": volume.retention,
                "retain_until": volume.retain_until.isoformat() if volume.retain_until else None,
                "entries": volume.entry_count,
                "hash": volume.hash,
            },
        )
    return volume


def _chained_entries(volume: ArchiveVolume, entries: Sequence[EntryInput]) -> list[ArchiveEntry]:
    """The entries in order, each linked to the one before (the first to the header)."""
    rows = []
    link = volume.header_hash
    for sequence, given in enumerate(entries, start=1):
        entry = ArchiveEntry(
            volume=volume,
            sequence=sequence,
            kind=given.kind,
            title=given.title.strip(),
            stored_file=given.stored_file,
            sm3=given.stored_file.sm3,
            size=given.stored_file.size,
            previous_hash=link,
        )
        entry.hash = link = entry_link(entry, case_number=volume.case_number)
        rows.append(entry)
    return rows


def _checked(
    *,
    case_number: str,
    item_code: str,
    item_name: str,
    item_type_code: str,
    outcome: str,
    closed_on: datetime.date,
    entries: Sequence[EntryInput],
) -> str:
    """Every problem of the input at once; the item type's name when there is none."""
    errors = ErrorCollector()
    for field, value, limit in (
        ("case_number", case_number, MAX_CASE_NUMBER),
        ("item_code", item_code, MAX_ITEM_CODE),
        ("item_name", item_name, MAX_TEXT),
    ):
        if not value:
            errors.add(field, f"{field}.required", _("Required."))
        elif len(value) > limit:
            errors.add(
                field, f"{field}.too_long", _("At most %(limit)s characters.") % {"limit": limit}
            )
    type_name = ItemType.objects.filter(code=item_type_code).values_list("name", flat=True).first()
    if type_name is None:
        errors.add("item_type_code", "item_type_code.unknown", _("Unknown item type."))
    if outcome not in ArchiveOutcome.values:
        errors.add("outcome", "outcome.unknown", _("Unknown outcome."))
    if closed_on > timezone.localdate():
        errors.add("closed_on", "closed_on.future", _("A case cannot close in the future."))
    if not entries:
        errors.add("entries", "entries.required", _("A volume holds at least one document."))
    for index, entry in enumerate(entries):
        if entry.kind not in EntryKind.values:
            errors.add(f"entries.{index}.kind", "entry_kind.unknown", _("Unknown kind."))
        title = entry.title.strip()
        if not title or len(title) > MAX_TEXT:
            errors.add(
                f"entries.{index}.title",
                "entry_title.length",
                _("1 to %(limit)s characters.") % {"limit": MAX_TEXT},
            )
        if entry.stored_file.pk is None:
            errors.add(
                f"entries.{index}.stored_file",
                "entry_file.not_stored",
                _("The file is not in the archive's storage."),
            )
    errors.raise_if_any()
    return str(type_name)
