"""Archive reads: a stored file by its digest, and its bytes."""

from __future__ import annotations

from django.core.files import File
from django.core.files.storage import default_storage

from govhall.archive.models import StoredFile


def stored_file_for_sm3(sm3: str) -> StoredFile | None:
    """The row of the bytes with this SM3 digest (64 hex digits, any case), if stored."""
    return StoredFile.objects.filter(sm3=sm3.lower()).first()


def stored_file_open(stored_file: StoredFile) -> File[bytes]:
    """The stored bytes, opened for reading; the caller closes the file."""
    opened: File[bytes] = default_storage.open(stored_file.storage_name, "rb")
    return opened
