"""Builders for the volume tests: stored files, a department, one archived volume, and the
chain's links recomputed here independently of ``archive.chain``."""

from __future__ import annotations

import datetime
import json
from typing import Any

from govhall.archive.models import ArchiveVolume, StoredFile
from govhall.archive.services import EntryInput, archive_volume_create, stored_file_put
from govhall.archive.tests.conftest import JPEG, PNG, make_pdf, upload
from govhall.core.crypto import sm3_hex

CLOSED_ON = datetime.date(2026, 3, 16)


def store(data: bytes, name: str = "material.pdf") -> StoredFile:
    return stored_file_put(actor=None, uploaded=upload(data, name), declared_name=name)


def sample_entries() -> list[EntryInput]:
    """Four documents: a form record, two materials, a decision."""
    return [
        EntryInput("application_form", "申请表", store(make_pdf(comment=b"form"))),
        EntryInput("material", "营业执照", store(PNG, "licence.png")),
        EntryInput("material", "身份证正面", store(JPEG, "id.jpg")),
        EntryInput("notice", "准予行政许可决定书（开阳准字〔2026〕00001号）", store(make_pdf())),
    ]


def archive(
    department: Any,
    case_number: str = "520121260316000001",
    *,
    outcome: str = "granted",
    item_type_code: str = "01",
    entries: list[EntryInput] | None = None,
) -> ArchiveVolume:
    return archive_volume_create(
        case_number=case_number,
        department=department,
        item_code="11520121MB1234567X352000100100001",
        item_name="食品经营许可（新办）",
        item_type_code=item_type_code,
        outcome=outcome,
        closed_on=CLOSED_ON,
        entries=sample_entries() if entries is None else entries,
    )


def link(previous: str, payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sm3_hex(previous.encode() + text.encode())
