"""Opening an uploaded workbook safely and reading its three sheets into keyed rows.

The limits are checked before and while reading, not after: an oversized or hostile upload
must be refused before it costs memory, and a sheet is streamed (read-only mode) so that a
200,000-row file is never held as cell objects.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from govhall.catalog.spreadsheets.cells import is_blank
from govhall.catalog.spreadsheets.columns import SHEETS, SheetSpec
from govhall.catalog.spreadsheets.report import ErrorLog, RowError

#: A zip whose content is this many times larger than the upload is treated as a zip bomb.
MAX_COMPRESSION_RATIO = 100


@dataclass(slots=True)
class SheetRow:
    """One non-blank data row: raw cell values by column key, and its Excel row number."""

    sheet: str
    number: int
    raw: dict[str, Any]


@dataclass(slots=True)
class SheetData:
    spec: SheetSpec
    columns: set[str] = field(default_factory=set)  # keys present in the header
    rows: list[SheetRow] = field(default_factory=list)


class TooManyRows(Exception):
    pass


def xlsx_problem(data: bytes, *, max_bytes: int) -> tuple[str, Any] | None:
    """``(code, message)`` when ``data`` is too large, not an .xlsx package or a zip bomb."""
    if len(data) > max_bytes:
        return (
            "import.too_large",
            _("The file is larger than %(max)s bytes.") % {"max": max_bytes},
        )
    not_xlsx = ("import.file", _("The file is not an Excel workbook (.xlsx)."))
    if not zipfile.is_zipfile(BytesIO(data)):
        return not_xlsx
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return not_xlsx
    if "[Content_Types].xml" not in names:
        return not_xlsx
    if unpacked > max(len(data), 1) * MAX_COMPRESSION_RATIO:
        return ("import.too_large", _("The file unpacks to an implausible size."))
    return None


def _header(spec: SheetSpec, header: tuple[Any, ...], log: ErrorLog) -> list[str | None]:
    """The column key of every header cell (``None`` for blank or refused cells)."""
    keys: list[str | None] = []
    letters = log.letters.setdefault(spec.key, {})
    for index, cell in enumerate(header, start=1):
        if is_blank(cell):
            keys.append(None)
            continue
        key = str(cell).split()[-1].strip().lower()
        letter = get_column_letter(index)
        refused = None
        if key not in spec.keys:
            refused = ("import.column_unknown", _("Unknown column."))
        elif key in letters:
            refused = ("import.column_duplicate", _("This column appears twice."))
        if refused:
            log.errors.append(RowError(spec.key, 1, letter, key, *refused))
            keys.append(None)
        else:
            letters[key] = letter
            keys.append(key)
    return keys


def sheet_rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(Excel row number, values)`` of a read-only sheet, streamed."""
    # Some writers record a wrong <dimension>; read-only mode would stop there without this.
    sheet.reset_dimensions()
    yield from enumerate(sheet.iter_rows(values_only=True), start=1)


def _read_sheet(sheet: Any, spec: SheetSpec, log: ErrorLog, budget: list[int]) -> SheetData:
    data = SheetData(spec)
    keys: list[str | None] = []
    for number, values in sheet_rows(sheet):
        if number == 1:
            keys = _header(spec, values, log)
            data.columns = {key for key in keys if key}
            continue
        if all(is_blank(value) for value in values):
            continue
        budget[0] -= 1
        if budget[0] < 0:
            raise TooManyRows
        raw = {key: value for key, value in zip(keys, values, strict=False) if key}
        data.rows.append(SheetRow(spec.key, number, raw))
    if data.columns or data.rows or spec.key == SHEETS[0].key:
        _missing_columns(data, log)
    # else: a blank materials or processes sheet is as good as none
    return data


def _missing_columns(data: SheetData, log: ErrorLog) -> None:
    for column in data.spec.columns:
        if column.required and column.key not in data.columns:
            message = _("The column %(key)s is missing.") % {"key": column.key}
            log.add(data.spec.key, 1, column.key, "import.column_missing", message)


def _find_sheet(workbook: Any, spec: SheetSpec) -> Any:
    for sheet in workbook.worksheets:
        words = sheet.title.split()
        if words and words[-1].lower() == spec.key:
            return sheet
    return None


def read_workbook(
    data: bytes, log: ErrorLog, *, max_bytes: int, max_rows: int
) -> dict[str, SheetData] | None:
    """The three sheets of ``data``, or ``None`` after logging why the file cannot be read.

    The items sheet is required; the materials and processes sheets may be left out.
    """
    problem = xlsx_problem(data, max_bytes=max_bytes)
    if problem:
        log.file(*problem)
        return None
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file; all mean "not xlsx"
        log.file("import.file", _("The file is not an Excel workbook (.xlsx)."))
        return None
    sheets: dict[str, SheetData] = {}
    budget = [max_rows]
    try:
        for spec in SHEETS:
            sheet = _find_sheet(workbook, spec)
            if sheet is None:
                if spec.key == SHEETS[0].key:
                    log.add(
                        spec.key,
                        0,
                        "",
                        "import.sheet_missing",
                        _("The sheet %(title)s is missing.") % {"title": spec.title},
                    )
                sheets[spec.key] = SheetData(spec)
                continue
            sheets[spec.key] = _read_sheet(sheet, spec, log, budget)
    except TooManyRows:
        log.file(
            "import.too_many_rows",
            _("The file has more than %(max)s rows.") % {"max": max_rows},
        )
        return None
    except Exception:  # a damaged sheet part surfaces only while streaming it
        log.file("import.file", _("The file is not an Excel workbook (.xlsx)."))
        return None
    finally:
        workbook.close()
    return sheets
