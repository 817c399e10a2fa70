"""Archive models."""

from govhall.archive.models.stored_file import FileKind, StoredFile

__all__ = ["FileKind", "StoredFile"]
