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


def file_refused(code: FileRefusal, message: str | Promise) -> ValidationFailed:
    """The error of a refused upload: nothing was stored."""
    return ValidationFailed([FieldError(FIELD, code.value, message)])
