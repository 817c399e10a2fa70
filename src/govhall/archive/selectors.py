"""Archive reads: a stored file by its digest, its bytes, a case's volume."""

from __future__ import annotations

from django.core.files import File
from django.core.files.storage import default_storage

from govhall.archive.models import ArchiveVolume, StoredFile


def stored_file_for_sm3(sm3: str) -> StoredFile | None:
    """The row of the bytes with this SM3 digest (64 hex digits, any case), if stored."""
    return StoredFile.objects.filter(sm3=sm3.lower()).first()


def stored_file_open(stored_file: StoredFile) -> File[bytes]:
    """The stored bytes, opened for reading; the caller closes the file."""
    opened: File[bytes] = default_storage.open(stored_file.storage_name, "rb")
    return opened


def archive_volume_for_case(case_number: str) -> ArchiveVolume | None:
    """The archive volume of a case, if the case was archived."""
    return ArchiveVolume.objects.filter(case_number=case_number).first()
