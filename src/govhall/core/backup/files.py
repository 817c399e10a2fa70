"""The stored files a backup carries: every file the database snapshot refers to.

Two kinds of reference, both found through the app registry (core imports no app above it):

- content-addressed blobs: rows of ``archive.StoredFile`` name a storage name and the SM3 of
  its bytes; the bytes are checked against that digest when they are copied and restored;
- every ``FileField`` of every model (blank forms, samples, import files): the name in the
  row; its SM3 is taken when the file is copied and checked when it is restored.

Files are read from and written to the default storage (``STORAGES["default"]``: the file
system or S3-compatible storage, as configured), one chunk at a time.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.backup.database import ModelType
from govhall.core.backup.errors import BackupError, BackupProblem
from govhall.core.backup.records import DATA_CHUNK_BYTES, RecordWriter, Sm3

#: Content-addressed files: (model label, field of the storage name, field of the SM3 digest).
CONTENT_ADDRESSED = (("archive.StoredFile", "storage_name", "sm3"),)
SPOOL_MEMORY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileReference:
    name: str
    expected_sm3: str | None


def file_references(backed_up: list[ModelType], using: str) -> Iterator[FileReference]:
    """Every file the rows refer to, read in the caller's snapshot; each name once."""
    included = set(backed_up)
    for label, name_field, digest_field in CONTENT_ADDRESSED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model not in included:
            continue
        rows = model._base_manager.using(using).order_by("pk").values_list(name_field, digest_field)
        for name, digest in rows.iterator(chunk_size=2000):
            yield FileReference(name=str(name), expected_sm3=str(digest))
    field_names: set[str] = set()  # few in practice: forms and samples are shared by many rows
    for model in backed_up:
        for field in model._meta.local_concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            if field.storage is not default_storage:
                raise BackupError(
                    BackupProblem.DATABASE_UNSUPPORTED,
                    _("%(field)s keeps its files outside the default storage; backups do not.")
                    % {"field": f"{model._meta.label}.{field.name}"},
                )
            names = (
                model._base_manager.using(using)
                .exclude(**{f"{field.attname}__isnull": True})
                .exclude(**{field.attname: ""})
                .order_by(field.attname)
                .values_list(field.attname, flat=True)
                .distinct()
            )
            for name in names.iterator(chunk_size=2000):
                if name not in field_names:
                    field_names.add(name)
                    yield FileReference(name=str(name), expected_sm3=None)


def file_copy(reference: FileReference, records: RecordWriter) -> int:
    """Copy one file from the storage into the backup, checking its row's digest."""
    records.file_start(reference.name, reference.expected_sm3)
    digest = Sm3()
    size = 0
    try:
        stored = default_storage.open(reference.name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise BackupError(
            BackupProblem.FILE_MISSING,
            _("The stored file %(name)s is missing from the storage; no backup was written.")
            % {"name": reference.name},
        ) from error
    with stored:
        while chunk := stored.read(DATA_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            records.file_data(chunk)
    sm3 = digest.hexdigest()
    if reference.expected_sm3 is not None and sm3 != reference.expected_sm3:
        raise BackupError(
            BackupProblem.FILE_CHANGED,
            _(
                "The stored file %(name)s does not match its SM3 digest in the database; "
                "no backup was written (run govhall archive-verify)."
            )
            % {"name": reference.name},
        )
    records.file_end(sm3, size)
    return size


def stored_sm3(name: str) -> str | None:
    """The SM3 of what the storage holds under ``name``; ``None`` when it holds nothing."""
    if not default_storage.exists(name):
        return None
    digest = Sm3()
    with default_storage.open(name, "rb") as stored:
        while chunk := stored.read(DATA_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def conflict(name: str) -> BackupError:
    return BackupError(
        BackupProblem.FILE_CONFLICT,
        _(
            "The storage already holds a different file named %(name)s; restore into an "
            "empty storage. Nothing was restored."
        )
        % {"name": name},
    )


def spool() -> IO[bytes]:
    """Where one file's bytes wait until their digest is checked (disk past 8 MiB)."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)


def file_restore(name: str, content: IO[bytes], *, sm3: str) -> bool:
    """Put checked bytes into the storage under ``name``; ``True`` when a file was written,
    ``False`` when the same bytes were there already."""
    existing = stored_sm3(name)
    if existing == sm3:
        return False
    if existing is not None:
        raise conflict(name)
    content.seek(0)
    saved = default_storage.save(name, File(content, name=name))
    if saved != name:
        default_storage.delete(saved)
        raise conflict(name)
    return True


def file_remove(name: str) -> None:
    """Best effort: take back a file this restore wrote (the restore failed after it)."""
    # Any failure here is swallowed: the error that made the restore fail is what matters.
    with contextlib.suppress(Exception):
        default_storage.delete(name)
