"""``backup_write``: one consistent, SM4-sealed, SM3-hashed file of the database and files.

The database is read in one snapshot (``database.read_snapshot``) and streamed out model by
model; the names of the files its rows refer to are noted (in a temporary file, not in
memory) and copied after the snapshot closes — content-addressed files never change, so the
copy is as consistent as the snapshot, and the database is not held open while files are
read. The file is written under ``<name>.partial`` (owner-only permissions), synced, and
renamed when complete: a failed backup leaves no file that looks like a backup.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import govhall
from govhall.core.audit import GENESIS_HASH, audit_record_create
from govhall.core.backup import database, files, sealing
from govhall.core.backup.errors import BackupError, BackupProblem
from govhall.core.backup.keys import configured_key
from govhall.core.backup.records import DATABASE_PREFIX, FILES_SECTION, RecordWriter
from govhall.core.models import AuditHead

FORMAT_NAME = "govhall-backup"
SUFFIX = ".ghbak"
AUDIT_ACTION = "core.backup.create"


@dataclass(frozen=True, slots=True)
class BackupSummary:
    path: Path
    backup_id: str
    cipher: str
    size: int  # bytes of the backup file
    models: int
    rows: int
    files: int
    file_bytes: int
    audit_sequence: int
    audit_hash: str
    seconds: float


def backup_write(
    *,
    destination: Path,
    cipher: str | None = None,
    key: bytes | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> BackupSummary:
    """Write a backup to ``destination`` (a new file, or a directory to name one in).

    ``cipher`` defaults to SM4-GCM where OpenSSL offers it; ``key`` to ``GOVHALL_BACKUP_KEY``.
    The backup is itself recorded in the audit chain (a copy of every personal record left
    the database), after its snapshot: the restored chain ends before that record.
    """
    started = time.monotonic()
    key = configured_key() if key is None else key
    path = _target(destination)
    partial = path.with_name(path.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise _exists(partial) from error
    try:
        with os.fdopen(descriptor, "wb") as raw:
            header = sealing.header_write(raw, key=key, cipher=cipher or sealing.preferred_cipher())
            sealed = sealing.SealedWriter(raw, header, key)
            records = RecordWriter(sealed)
            manifest = _write_content(records, header=header, using=using)
            sealed.close()
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(path)
        _sync_directory(path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    summary = _summary(path, header, manifest, started)
    audit_record_create(
        actor=None,
        action=AUDIT_ACTION,
        object_type="backup",
        object_id=header.backup_id,
        data={
            "rows": summary.rows,
            "files": summary.files,
            "audit_sequence": summary.audit_sequence,
            "cipher": summary.cipher,
        },
    )
    return summary


def _write_content(records: RecordWriter, *, header: sealing.Header, using: str) -> dict[str, Any]:
    backed_up = database.backed_up_models(using)
    with tempfile.TemporaryFile() as references:
        with database.read_snapshot(using):
            created_at = timezone.now()
            migrations = database.migration_state(using)
            head = AuditHead.objects.using(using).filter(pk=1).first()
            for model in backed_up:
                records.section(DATABASE_PREFIX + model._meta.label_lower)
                for lines in database.model_rows(model, using):
                    records.rows(lines)
            for reference in files.file_references(backed_up, using):
                noted = {"name": reference.name, "expected_sm3": reference.expected_sm3}
                references.write(json.dumps(noted, ensure_ascii=False).encode() + b"\n")
        # The snapshot is closed: copying files does not hold the database.
        records.section(FILES_SECTION)
        references.seek(0)
        for line in references:
            item = json.loads(line)
            files.file_copy(files.FileReference(item["name"], item["expected_sm3"]), records)
    return records.finish(
        {
            "format": FORMAT_NAME,
            "format_version": sealing.FORMAT_VERSION,
            "backup_id": header.backup_id,
            "cipher": header.cipher,
            "govhall_version": govhall.__version__,
            "created_at": created_at.isoformat(),
            "database_vendor": connections[using].vendor,
            "migrations": migrations,
            "audit_head": {
                "sequence": head.last_sequence if head else 0,
                "hash": head.last_hash if head else GENESIS_HASH,
            },
        }
    )


def _target(destination: Path) -> Path:
    if destination.is_dir():
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        destination = destination / f"govhall-{stamp}{SUFFIX}"
    if destination.exists():
        raise _exists(destination)
    return destination


def _exists(path: Path) -> BackupError:
    return BackupError(
        BackupProblem.DESTINATION_EXISTS,
        _("%(path)s exists already; a backup never overwrites a file.") % {"path": path},
    )


def _sync_directory(directory: Path) -> None:
    """Make the rename durable (a crash right after must not lose the new name)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _summary(
    path: Path, header: sealing.Header, manifest: dict[str, Any], started: float
) -> BackupSummary:
    sections = manifest["sections"]
    tables = [s for s in sections if str(s["name"]).startswith(DATABASE_PREFIX)]
    stored = next(s for s in sections if s["name"] == FILES_SECTION)
    return BackupSummary(
        path=path,
        backup_id=header.backup_id,
        cipher=header.cipher,
        size=path.stat().st_size,
        models=len(tables),
        rows=sum(int(s["count"]) for s in tables),
        files=int(stored["count"]),
        file_bytes=int(stored["bytes"]),
        audit_sequence=int(manifest["audit_head"]["sequence"]),
        audit_hash=str(manifest["audit_head"]["hash"]),
        seconds=time.monotonic() - started,
    )
