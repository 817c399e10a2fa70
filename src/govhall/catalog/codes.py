"""The three catalog codes: structure, validation and construction (STANDARDS.md).

基本编码: 2 origin + 2 item-type + 5 main item + 3 sub-item (``000`` for a main item).
实施编码: 18-character credit code of the implementing authority + level code + 基本编码.
业务办理项编码: 实施编码 + a two-digit sequence. Guizhou's legacy DB52/T 1264-2018 licence code
(``XK`` + 5 main + 3 sub) is accepted on import and mapped to a 基本编码 of type 01.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from govhall.core.errors import FieldError
from govhall.core.identifiers import check_credit_code

BASE_CODE = re.compile(r"^\d{12}$")
LEGACY_CODE = re.compile(r"^XK(\d{5})(\d{3})$")
#: Origin prefixes: the national catalogue, and Guizhou's own items.
ORIGINS = {"00": _("National catalogue"), "52": _("Provincial item")}
LEGACY_ORIGIN = "52"


def base_code_errors(
    code: str, *, item_type_code: str | None, field: str = "base_code"
) -> list[FieldError]:
    """Every reason ``code`` is not a valid 基本编码 for an item of ``item_type_code``."""
    if not BASE_CODE.match(code or ""):
        return [FieldError(field, "base_code.format", _("A base code is 12 digits."))]
    errors = []
    if code[:2] not in ORIGINS:
        errors.append(FieldError(field, "base_code.origin", _("A base code starts with 00 or 52.")))
    if item_type_code is not None and code[2:4] != item_type_code:
        errors.append(
            FieldError(
                field,
                "base_code.item_type",
                _("Digits 3-4 of the base code must be the item type code %(code)s.")
                % {"code": item_type_code},
            )
        )
    return errors


def map_legacy_code(code: str) -> str | None:
    """``XK01234005`` (DB52/T 1264-2018) → ``520101234005``; ``None`` if not legacy."""
    match = LEGACY_CODE.match(code or "")
    if not match:
        return None
    return f"{LEGACY_ORIGIN}01{match.group(1)}{match.group(2)}"


def main_item_code(base_code: str) -> str:
    """The 基本编码 of the main item a sub-item belongs to."""
    return base_code[:9] + "000"


def implementation_code(*, credit_code: str, level_code: str, base_code: str) -> str:
    return f"{credit_code}{level_code}{base_code}"


def implementation_code_errors(code: str, field: str = "implementation_code") -> list[FieldError]:
    """Check the structure of a 实施编码 (31 characters)."""
    if len(code or "") != 31:
        return [
            FieldError(
                field, "implementation_code.length", _("An implementation code has 31 characters.")
            )
        ]
    check = check_credit_code(code[:18], field_name=field)
    errors = [
        FieldError(field, "implementation_code.credit_code", error.message)
        for error in check.errors
    ]
    if not code[18].isdigit():
        errors.append(
            FieldError(field, "implementation_code.level", _("Character 19 is the level code."))
        )
    errors += base_code_errors(code[19:], item_type_code=None, field=field)
    return errors


def handling_code(*, implementation_code: str, sequence: int) -> str:
    return f"{implementation_code}{sequence:02d}"
