"""Reading one cell into a typed value, and writing a value back into a cell.

Excel and the people who fill it in are loose with types: a code typed as a number loses its
leading zeros, a count arrives as ``20.0``, a yes/no as ``是``. Reading is forgiving about
representation and strict about meaning: ``二十`` in a number column is an error, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from govhall.catalog.spreadsheets.columns import Column, Kind

#: PositiveSmallIntegerField's upper bound, the type of every number column.
MAX_INTEGER = 32767
TRUE_WORDS = {"是", "true", "yes", "y", "1", "√"}
FALSE_WORDS = {"否", "false", "no", "n", "0", "×"}
_DIGITS = re.compile(r"[0-9]+")
_CHOICE_SEPARATORS = re.compile(r"[,，、;；\s]+")


class CellError(Exception):
    """A cell that cannot be read as its column requires."""

    def __init__(self, code: str, message: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def cell_text(raw: object) -> str:
    """A cell as text: ``20.0`` → ``20``, dates in ISO form, surrounding blanks dropped."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def _code(raw: object, column: Column) -> str:
    if isinstance(raw, bool):
        raise CellError("import.code", _("Enter the code as text."))
    if isinstance(raw, int | float) and column.width:
        return cell_text(raw).zfill(column.width)
    return cell_text(raw).upper()


def _integer(raw: object) -> int:
    value: int | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):
        value = int(raw.strip())
    if value is None or not 0 <= value <= MAX_INTEGER:
        raise CellError(
            "import.integer",
            _("Enter a whole number from 0 to %(max)s.") % {"max": MAX_INTEGER},
        )
    return value


def _boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    word = cell_text(raw).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("import.boolean", _("Enter 是 or 否 (TRUE or FALSE)."))


def _choice_error(column: Column) -> CellError:
    return CellError(
        "import.choice",
        _("Not one of the allowed values: %(values)s.") % {"values": ", ".join(column.values)},
    )


def _choice(raw: object, column: Column) -> str:
    value = cell_text(raw)
    if value not in column.values:
        raise _choice_error(column)
    return value


def _choices(raw: object, column: Column) -> list[str]:
    values: list[str] = []
    for part in _CHOICE_SEPARATORS.split(cell_text(raw)):
        if not part:
            continue
        if part not in column.values:
            raise _choice_error(column)
        if part not in values:
            values.append(part)
    return values


def _read(column: Column, raw: object) -> Any:
    if column.kind == Kind.CODE:
        return _code(raw, column)
    if column.kind == Kind.INTEGER:
        return _integer(raw)
    if column.kind == Kind.BOOLEAN:
        return _boolean(raw)
    if column.kind == Kind.CHOICE:
        return _choice(raw, column)
    if column.kind == Kind.CHOICES:
        return _choices(raw, column)
    if column.kind == Kind.LIST:
        return [part.strip() for part in cell_text(raw).split("|") if part.strip()]
    return cell_text(raw)


def read_cell(column: Column, raw: object) -> Any:
    """The typed value of ``raw``; raises CellError. A blank optional cell gives the default."""
    if is_blank(raw):
        if column.required:
            raise CellError("import.required", _("This cell is required."))
        return column.default
    value = _read(column, raw)
    if column.max_length is not None and len(value) > column.max_length:
        raise CellError(
            "import.too_long", _("At most %(max)s characters.") % {"max": column.max_length}
        )
    return value


def write_value(column: Column, value: Any) -> Any:
    """The cell value for ``value``; the inverse of :func:`read_cell`."""
    if column.kind == Kind.CHOICES:
        return ",".join(value)
    if column.kind == Kind.LIST:
        return "|".join(value)
    if column.kind in (Kind.INTEGER, Kind.BOOLEAN) or value is None:
        return value
    # Control characters are not allowed in the XML of a sheet; they never carry meaning here.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)) or None
