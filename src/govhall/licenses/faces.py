"""Checking a license's face fields (照面) against its type's schema."""

from __future__ import annotations

from typing import Any

from govhall.catalog.application_forms import form_schema_parse
from govhall.core.errors import FieldError
from govhall.licenses.models import LicenseType


def face_checked(
    license_type: LicenseType, face: dict[str, Any]
) -> tuple[dict[str, Any], list[FieldError]]:
    """The cleaned face values and the problems, named ``face.<field>``."""
    cleaned = form_schema_parse(license_type.face_schema, prefix="face_schema").clean(face)
    errors = [
        FieldError(e.field.replace("form_data.", "face.", 1), e.code, e.message)
        for e in cleaned.errors
    ]
    return cleaned.values, errors
