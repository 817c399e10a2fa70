"""The archive's hash chain: one chain through every volume and every entry, in order.

    genesis → volume 1 header → entry 1.1 → … → entry 1.n → volume 2 header → entry 2.1 → …

Each link is ``SM3(previous link ‖ canonical text)`` (the text: sorted-key JSON, as the audit
chain hashes its records). A volume's header link covers what the volume says about the case;
its first entry links to the header, each further entry to the entry before it, and the
volume's ``hash`` is its last entry's link, which the next volume's header continues. Changing a
row, a digest, the order of entries or of volumes, or removing any of them breaks a link that
``archive_verify`` recomputes; the head row (``ArchiveHead``) catches the newest volumes being
cut off. Why one chain and not one per volume: a whole volume deleted (entries and all) would
leave a per-volume chain intact.
"""

from __future__ import annotations

from typing import Any

from govhall.archive.models import ArchiveEntry, ArchiveVolume
from govhall.core.audit import GENESIS_HASH, canonical_instant, canonical_json
from govhall.core.crypto import sm3_hex

__all__ = ["GENESIS_HASH", "chain_link", "entry_link", "header_link"]


def chain_link(previous_hash: str, payload: dict[str, Any]) -> str:
    """SM3 over the previous link's hex text followed by the canonical text of ``payload``."""
    return sm3_hex(previous_hash.encode("ascii") + canonical_json(payload))


def header_payload(volume: ArchiveVolume) -> dict[str, Any]:
    return {
        "sequence": volume.sequence,
        "case_number": volume.case_number,
        "department_code": volume.department_code,
        "department_name": volume.department_name,
        "item_code": volume.item_code,
        "item_name": volume.item_name,
        "item_type_code": volume.item_type_code,
        "outcome": volume.outcome,
        "class_code": volume.class_code,
        "class_name": volume.class_name,
        "retention": volume.retention,
        "closed_on": volume.closed_on.isoformat(),
        "archived_at": canonical_instant(volume.archived_at),
        "retain_until": volume.retain_until.isoformat() if volume.retain_until else None,
        "entry_count": volume.entry_count,
    }


def header_link(volume: ArchiveVolume) -> str:
    """The link of the volume's header, continuing its ``previous_hash``."""
    return chain_link(volume.previous_hash, header_payload(volume))


def entry_payload(entry: ArchiveEntry, *, case_number: str) -> dict[str, Any]:
    return {
        "volume": case_number,
        "sequence": entry.sequence,
        "kind": entry.kind,
        "title": entry.title,
        "sm3": entry.sm3,
        "size": entry.size,
    }


def entry_link(entry: ArchiveEntry, *, case_number: str) -> str:
    """The link of an entry, continuing its ``previous_hash``."""
    return chain_link(entry.previous_hash, entry_payload(entry, case_number=case_number))
