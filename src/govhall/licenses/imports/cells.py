"""Reading a register's cells: dates as registers write them, holder codes, face values.

Forgiving about representation, strict about meaning (as the catalog import's cells): a date
may be an Excel date, ``2019-03-15``, ``2019/3/15``, ``2019.3.15``, ``2019年3月15日`` or
``20190315``; ``十五日`` is an error, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from govhall.catalog.application_forms import FormField
from govhall.catalog.spreadsheets.cells import CellError, cell_text, is_blank
from govhall.core.identifiers import check_credit_code, check_id_number
from govhall.licenses.models import HolderCodeType

LONG_TERM_WORDS = frozenset({"长期", "长期有效", "永久", "永久有效", "无限期"})
TRUE_WORDS = frozenset({"是", "true", "yes", "1", "√"})
FALSE_WORDS = frozenset({"否", "false", "no", "0", "×"})
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ID_SHAPE = re.compile(r"\d{15}|\d{17}[\dX]")
#: Excel's date serials from 1900-01-01 to 9999-12-31.
_SERIALS = range(1, 2_958_466)
CODE_TYPES = {
    "111": HolderCodeType.RESIDENT_ID,
    "居民身份证": HolderCodeType.RESIDENT_ID,
    "身份证": HolderCodeType.RESIDENT_ID,
    "001": HolderCodeType.CREDIT_CODE,
    "统一社会信用代码": HolderCodeType.CREDIT_CODE,
}


def _date_error() -> CellError:
    return CellError("import.date", _("Enter a date such as 2019-03-15."))


def read_date(raw: object) -> dt.date:
    """A date cell; raises ``CellError``."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = cell_text(raw)
        if _COMPACT_DATE.fullmatch(text) is None and int(raw) in _SERIALS:
            # A date Excel shows as a number (a "General" cell).
            return from_excel(raw).date()  # type: ignore[no-any-return]
    text = cell_text(raw)
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        raise _date_error()
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise _date_error() from None


def read_holder_code(raw: object) -> str:
    """The holder's code as text; a number cell is refused, Excel having rounded it."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise CellError(
            "import.code_as_number",
            _("Enter the code as text: Excel keeps only 15 digits of a number."),
        )
    return cell_text(raw).upper()


def read_code_type(raw: object, code: str) -> str:
    """The holder code type written in the file, or inferred from the code: a valid ID
    number is a resident's, a valid credit code an organization's, else by its shape (so the
    check that follows names the right problem)."""
    if not is_blank(raw):
        text = cell_text(raw)
        found = CODE_TYPES.get(text.zfill(3) if text.isdigit() else text)
        if found is None:
            raise CellError(
                "import.holder_code_type",
                _("Enter 111 (resident ID) or 001 (unified social credit code)."),
            )
        return found
    shaped_like_id = _ID_SHAPE.fullmatch(code) is not None
    if shaped_like_id and check_id_number(code).is_valid:
        return HolderCodeType.RESIDENT_ID
    if check_credit_code(code).is_valid or not shaped_like_id:
        return HolderCodeType.CREDIT_CODE
    return HolderCodeType.RESIDENT_ID


def read_valid_until(raw: object, *, long_term_allowed: bool) -> dt.date | None:
    """``None`` for 长期 (or a blank cell when the type's licenses are long-term)."""
    if is_blank(raw):
        if long_term_allowed:
            return None
        raise CellError("import.required", _("This cell is required."))
    if cell_text(raw) in LONG_TERM_WORDS:
        return None
    return read_date(raw)


def read_face(field: FormField, raw: object) -> object:
    """A face cell in the form the type's schema cleans: a choice by its value or label,
    是/否 for yes/no, a date in ISO form; the schema then checks it."""
    if is_blank(raw):
        return None
    if field.type == "boolean" and not isinstance(raw, bool):
        word = cell_text(raw).lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else word
    if field.type == "date":
        try:
            return read_date(raw).isoformat()
        except CellError:
            return cell_text(raw)
    text = cell_text(raw)
    if field.type == "choice":
        for choice in field.choices:
            if text in (choice.label, choice.label_en):
                return choice.value
    return raw if isinstance(raw, bool) else text
