"""Why an upload is refused: stable codes (``file.*``) raised as ``ValidationFailed``."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise

from govhall.core.errors import FieldError, ValidationFailed

FIELD = "file"


class FileRefusal(StrEnum):
    """The published refusal codes; they never change once a client depends on them."""

    EMPTY = "file.empty"
    TOO_LARGE = "file.too_large"
    TYPE_NOT_ALLOWED = "file.type_not_allowed"
    TYPE_MISMATCH = "file.type_mismatch"
    PDF_INVALID = "file.pdf_invalid"
    TOO_MANY_PAGES = "file.too_many_pages"
    PDF_ACTIVE_CONTENT = "file.pdf_active_content"
    IMAGE_INVALID = "file.image_invalid"
    TOO_MANY_PIXELS = "file.too_many_pixels"
    POLYGLOT = "file.polyglot"
    ARCHIVE_INVALID = "file.archive_invalid"
    ARCHIVE_TOO_MANY_ENTRIES = "file.archive_too_many_entries"
    ARCHIVE_TOO_LARGE = "file.archive_too_large"
    ARCHIVE_BOMB = "file.archive_bomb"
    ARCHIVE_NESTED = "file.archive_nested"
    ARCHIVE_UNSAFE_PATH = "file.archive_unsafe_path"
    ARCHIVE_ENCRYPTED = "file.archive_encrypted"


def file_refused(code: FileRefusal, message: str | Promise) -> ValidationFailed:
    """The error of a refused upload: nothing was stored."""
    return ValidationFailed([FieldError(FIELD, code.value, message)])
