"""The outcome of an import: counts on success, a cell-by-cell error list on failure.

Errors name the sheet, row and column exactly as Excel shows them (``items!E12``) because staff
fix the file in Excel, not in govhall; the same list downloads as an .xlsx they can filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO

from django.utils.functional import Promise
from django.utils.translation import ngettext_lazy
from openpyxl import Workbook

from govhall.catalog.spreadsheets.cells import write_value
from govhall.catalog.spreadsheets.columns import SHEETS, Column
from govhall.core.errors import FieldError, ValidationFailed

_SHEET_ORDER = {spec.key: index for index, spec in enumerate(SHEETS, start=1)}
_FIELD = re.compile(
    rf"^(?P<sheet>{'|'.join(spec.key for spec in SHEETS)})(?:!(?P<column>[A-Z]*)(?P<row>\d+))?$"
)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one cell; ``row`` 0 and ``sheet`` "" mean the file as a whole."""

    sheet: str
    row: int
    column: str  # Excel letter, "" when the problem is the row or a missing column
    key: str  # English column key, "" when no column is concerned
    code: str
    message: str | Promise

    @property
    def field(self) -> str:
        """``items!E12``; ``items`` for a whole sheet; ``file`` for the file itself."""
        if not self.sheet:
            return "file"
        return f"{self.sheet}!{self.column}{self.row}" if self.row else self.sheet

    def as_field_error(self) -> FieldError:
        return FieldError(self.field, self.code, self.message)

    def sort_key(self) -> tuple[int, int, int, str, str]:
        return (_SHEET_ORDER.get(self.sheet, 0), self.row, len(self.column), self.column, self.code)


@dataclass(slots=True)
class ImportReport:
    """What an import did.

    ``rows`` counts items rows (one per handling item), so ``created_versions + unchanged``
    equals ``rows`` after a successful import.
    """

    created_base_items: int = 0
    created_implementations: int = 0
    created_versions: int = 0
    unchanged: int = 0
    rows: int = 0
    created_handling_items: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportFailed(ValidationFailed):
    """The spreadsheet broke at least one rule; nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            [error.as_field_error() for error in report.errors],
            detail=ngettext_lazy(
                "The spreadsheet has %(count)s error; nothing was imported.",
                "The spreadsheet has %(count)s errors; nothing was imported.",
                "count",
            )
            % {"count": len(report.errors)},
        )
        self.report = report


@dataclass(slots=True)
class ErrorLog:
    """Collects every error of an import; knows each sheet's column letters from its header."""

    errors: list[RowError] = field(default_factory=list)
    letters: dict[str, dict[str, str]] = field(default_factory=dict)

    def file(self, code: str, message: str | Promise) -> None:
        self.errors.append(RowError("", 0, "", "", code, message))

    def add(self, sheet: str, row: int, key: str, code: str, message: str | Promise) -> None:
        letter = self.letters.get(sheet, {}).get(key, "")
        self.errors.append(RowError(sheet, row, letter, key, code, message))

    def sorted(self) -> list[RowError]:
        return sorted(self.errors, key=RowError.sort_key)

    def __bool__(self) -> bool:
        return bool(self.errors)


def _as_row_error(error: RowError | FieldError) -> RowError:
    if isinstance(error, RowError):
        return error
    match = _FIELD.match(error.field)
    if match is None:
        return RowError("", 0, "", error.field, error.code, error.message)
    row, column = int(match["row"] or 0), match["column"] or ""
    return RowError(match["sheet"], row, column, "", error.code, error.message)


def import_report_xlsx(errors: Iterable[RowError | FieldError]) -> bytes:
    """The errors as a workbook (sheet, row, column, key, code, message) for staff to download.

    Accepts the ``FieldError`` list of an ``ImportFailed`` too, so an API handler that only has
    the exception's errors can offer the same download.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("errors")
    sheet.append(["sheet", "row", "column", "key", "code", "message"])
    text = Column("message", "")
    for error in map(_as_row_error, errors):
        sheet.append(
            [
                error.sheet or None,
                error.row or None,
                error.column or None,
                error.key or None,
                error.code,
                write_value(text, str(error.message)),
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
