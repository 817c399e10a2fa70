"""Archive models."""

from govhall.archive.models.stored_file import FileKind, StoredFile
from govhall.archive.models.volume import (
    ArchiveEntry,
    ArchiveHead,
    ArchiveOutcome,
    ArchiveVolume,
    EntryKind,
    RetentionPeriod,
)

__all__ = [
    "ArchiveEntry",
    "ArchiveHead",
    "ArchiveOutcome",
    "ArchiveVolume",
    "EntryKind",
    "FileKind",
    "RetentionPeriod",
    "StoredFile",
]
