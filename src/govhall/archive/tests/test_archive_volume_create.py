"""Archiving a finished case: one volume per case, classified, with its retention, its entries
in the given order, each linked into the archive's one hash chain; audited and announced in the
same transaction; a second call for the same case writes nothing; bad input writes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from govhall.archive.models import ArchiveEntry, ArchiveHead, ArchiveVolume
from govhall.archive.services import EntryInput, archive_volume_create
from govhall.archive.tests.volumes import CLOSED_ON, archive, link, sample_entries, store
from govhall.core.audit import GENESIS_HASH
from govhall.core.errors import ValidationFailed
from govhall.core.models import AuditRecord, OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(department: Any) -> Any:
    return department("520121", "开阳县市场监督管理局")


def test_a_granted_licence_is_classified_kept_permanently_and_chained(bureau: Any) -> None:
    entries = sample_entries()

    volume = archive(bureau, entries=entries)

    assert (volume.sequence, volume.case_number, volume.department) == (
        1,
        "520121260316000001",
        bureau,
    )
    assert (volume.department_name, volume.department_code) == (
        "开阳县市场监督管理局",
        bureau.credit_code,
    )
    assert (volume.item_type_code, volume.outcome, volume.class_code, volume.class_name) == (
        "01",
        "granted",
        "01-1",
        "行政许可·准予",
    )
    assert (volume.retention, volume.closed_on, volume.retain_until) == (
        "permanent",
        CLOSED_ON,
        None,
    )
    assert volume.entry_count == 4
    header = link(
        GENESIS_HASH,
        {
            "sequence": 1,
            "case_number": "520121260316000001",
            "department_code": bureau.credit_code,
            "department_name": "开阳县市场监督管理局",
            "item_code": "11520121MB1234567X352000100100001",
            "item_name": "食品经营许可（新办）",
            "item_type_code": "01",
            "outcome": "granted",
            "class_code": "01-1",
            "class_name": "行政许可·准予",
            "retention": "permanent",
            "closed_on": "2026-03-16",
            "archived_at": volume.archived_at.astimezone(datetime.UTC).isoformat(
                timespec="microseconds"
            ),
            "retain_until": None,
            "entry_count": 4,
        },
    )
    assert (volume.previous_hash, volume.header_hash) == (GENESIS_HASH, header)
    rows = list(volume.entries.order_by("sequence"))
    assert [(e.sequence, e.kind, e.title) for e in rows] == [
        (1, "application_form", "申请表"),
        (2, "material", "营业执照"),
        (3, "material", "身份证正面"),
        (4, "notice", "准予行政许可决定书（开阳准字〔2026〕00001号）"),
    ]
    previous = header
    for row, given in zip(rows, entries, strict=True):
        assert (row.stored_file, row.sm3, row.size) == (
            given.stored_file,
            given.stored_file.sm3,
            given.stored_file.size,
        )
        expected = link(
            previous,
            {
                "volume": "520121260316000001",
                "sequence": row.sequence,
                "kind": row.kind,
                "title": row.title,
                "sm3": row.sm3,
                "size": row.size,
            },
        )
        assert (row.previous_hash, row.hash) == (previous, expected)
        previous = expected
    assert volume.hash == rows[-1].hash
    head = ArchiveHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (1, volume.hash)


def test_it_is_audited_and_announced_in_the_same_transaction(bureau: Any) -> None:
    volume = archive(bureau)

    [audit] = AuditRecord.objects.filter(action="archive.volume.create")
    assert (audit.actor_label, audit.object_type, audit.object_id) == (
        "system",
        "archive_volume",
        "520121260316000001",
    )
    assert audit.data == {
        "sequence": 1,
        "class_code": "01-1",
        "retention": "permanent",
        "entries": 4,
        "hash": volume.hash,
    }
    [event] = OutboxEvent.objects.filter(topic="archive.volume.archived")
    assert event.payload == {
        "case_number": "520121260316000001",
        "sequence": 1,
        "department": bureau.credit_code,
        "item_code": "11520121MB1234567X352000100100001",
        "class_code": "01-1",
        "retention": "permanent",
        "retain_until": None,
        "entries": 4,
        "hash": volume.hash,
    }


def test_volumes_form_one_chain(bureau: Any) -> None:
    first = archive(bureau)
    second = archive(bureau, "520121260316000002", outcome="refused", item_type_code="05")

    assert (second.sequence, second.previous_hash) == (2, first.hash)
    assert second.entries.get(sequence=1).previous_hash == second.header_hash
    assert (second.class_code, second.class_name, second.retention, second.retain_until) == (
        "05-3",
        "行政给付·不予受理",
        "10y",
        datetime.date(2036, 12, 31),
    )
    assert ArchiveHead.objects.get().last_hash == second.hash


def test_a_case_is_archived_once(bureau: Any) -> None:
    first = archive(bureau)

    again = archive(bureau, outcome="denied", entries=sample_entries()[:1])

    assert again.pk == first.pk and again.outcome == "granted"
    assert ArchiveVolume.objects.count() == 1
    assert ArchiveEntry.objects.count() == 4
    assert AuditRecord.objects.filter(action="archive.volume.create").count() == 1
    assert OutboxEvent.objects.filter(topic="archive.volume.archived").count() == 1


def test_the_same_file_may_stand_in_two_volumes(bureau: Any) -> None:
    """Content-addressed: a material reused in a later case is archived there again."""
    shared = sample_entries()
    archive(bureau, entries=shared)
    second = archive(bureau, "520121260316000002", entries=shared[1:2])

    assert second.entries.get().stored_file == shared[1].stored_file


def test_bad_input_names_every_field_and_writes_nothing(bureau: Any) -> None:
    good = store(b"%PDF-1.4\n%%EOF\n", "a.pdf")
    unsaved = type(good)(sm3="0" * 64, size=1)
    with pytest.raises(ValidationFailed) as raised:
        archive_volume_create(
            case_number=" ",
            department=bureau,
            item_code="x" * 51,
            item_name="",
            item_type_code="99",
            outcome="lost",
            closed_on=timezone.localdate() + datetime.timedelta(days=1),
            entries=[EntryInput("photo", " ", good), EntryInput("material", "证明", unsaved)],
        )

    assert [(e.field, e.code) for e in raised.value.errors] == [
        ("case_number", "case_number.required"),
        ("item_code", "item_code.too_long"),
        ("item_name", "item_name.required"),
        ("item_type_code", "item_type_code.unknown"),
        ("outcome", "outcome.unknown"),
        ("closed_on", "closed_on.future"),
        ("entries.0.kind", "entry_kind.unknown"),
        ("entries.0.title", "entry_title.length"),
        ("entries.1.stored_file", "entry_file.not_stored"),
    ]
    assert ArchiveVolume.objects.count() == ArchiveHead.objects.count() == 0
    assert not AuditRecord.objects.filter(action="archive.volume.create").exists()


def test_a_volume_needs_a_document(bureau: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        archive(bureau, entries=[])

    assert [(e.field, e.code) for e in raised.value.errors] == [("entries", "entries.required")]
    assert ArchiveVolume.objects.count() == 0
