"""Checking a whole register before anything is written.

Every row gets the checks of ``license_issue`` (``license_checked``: the holder's code and
its check character, the name, the face against the type's schema) plus the register's own:
readable dates, not issued in the future, a validity that does not end before it starts, and
a number used once — in the file and in the library for the type. Every problem is reported,
so staff fix the file in one round. Rows are streamed and only their numbers are kept, so a
200,000-row file is checked in bounded memory; the library is asked about the numbers 500 at
a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from govhall.catalog.spreadsheets.cells import is_blank
from govhall.catalog.spreadsheets.lookups import chunks
from govhall.catalog.spreadsheets.report import ErrorLog, RowError
from govhall.core.errors import ValidationFailed
from govhall.licenses.imports.columns import SHEET, columns_for, header_columns
from govhall.licenses.imports.reading import file_rows
from govhall.licenses.imports.rows import ParsedRow, RowReader
from govhall.licenses.models import License, LicenseType
from govhall.licenses.services.issuance import license_checked

#: Problems kept in a report; a file with more gets one last line saying how many more.
MAX_REPORTED = 10_000


class FileUnreadable(Exception):
    """The file broke off while it was read (a damaged sheet part)."""


@dataclass(slots=True)
class Validation:
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)

    def report(self) -> list[dict[str, Any]]:
        """The errors as stored on the import: row, column letter, field, code, message."""
        return [
            {
                "row": error.row,
                "column": error.column,
                "field": error.key if error.sheet else "file",
                "code": error.code,
                "message": str(error.message),
            }
            for error in self.errors
        ]


def report_row_errors(report: list[dict[str, Any]]) -> list[RowError]:
    """A stored report back as row errors, for the downloadable .xlsx of the catalog import."""
    return [
        RowError(
            SHEET if entry["row"] else "",
            entry["row"],
            entry["column"],
            entry["field"],
            entry["code"],
            entry["message"],
        )
        for entry in report
    ]


def _file_error(code: str, message: Any) -> Validation:
    return Validation(errors=[RowError("", 0, "", "", code, message)])


def stock_rows(
    *, license_type: LicenseType, file_name: str, data: bytes, log: ErrorLog, today: dt.date
) -> Iterator[ParsedRow] | None:
    """The data rows of the file, parsed; ``None`` once the header's problems are logged.

    Blank rows are skipped; everything else counts, in file order — batches are slices of
    this sequence, so it must be the same at every read.
    """
    rows = file_rows(file_name=file_name, data=data)
    try:
        _number, header = next(rows)
    except StopIteration:
        header = ()
    columns = header_columns(header, columns_for(license_type), log)
    if log:
        return None
    reader = RowReader(license_type=license_type, columns=columns, today=today)

    def parsed() -> Iterator[ParsedRow]:
        try:
            for number, values in rows:
                if not all(is_blank(value) for value in values):
                    yield reader.parse(number, values)
        except Exception as error:  # openpyxl raises many types for a damaged part
            raise FileUnreadable from error

    return parsed()


def stock_validate(
    *, license_type: LicenseType, file_name: str, data: bytes, max_rows: int, today: dt.date
) -> Validation:
    """Every problem of the file (an empty list: it can be imported) and its row count."""
    log = ErrorLog()
    try:
        rows = stock_rows(
            license_type=license_type, file_name=file_name, data=data, log=log, today=today
        )
    except ValidationFailed:
        return _file_error("import.face_schema", _("The license type's face fields are broken."))
    except Exception:  # the file was checked on upload: only a damaged one gets here
        return _file_error("import.file", _("The file cannot be read."))
    if rows is None:
        return Validation(errors=log.sorted())
    validation = Validation()
    first_row: dict[str, int] = {}
    try:
        for row in rows:
            validation.total_rows += 1
            if validation.total_rows > max_rows:
                message = _("The file has more than %(max)s rows.") % {"max": max_rows}
                return _file_error("import.too_many_rows", message)
            _check_row(row, license_type, log)
            if row.number and "number" not in row.failed:
                _check_repeat(row, first_row, log)
    except FileUnreadable:
        return _file_error("import.file", _("The file cannot be read."))
    if validation.total_rows == 0:
        return _file_error("import.empty", _("The file has no rows of licenses."))
    _check_library(license_type, first_row, log)
    validation.errors = _capped(log.sorted())
    return validation


def _check_row(row: ParsedRow, license_type: LicenseType, log: ErrorLog) -> None:
    for problem in row.problems:
        log.add(SHEET, row.row, problem.key, problem.code, problem.message)
    failed = row.failed
    checked = license_checked(license_type=license_type, holder=row.holder, face=row.face)
    for error in checked.errors:
        if error.field not in failed:
            log.add(SHEET, row.row, error.field, error.code, error.message)


def _check_repeat(row: ParsedRow, first_row: dict[str, int], log: ErrorLog) -> None:
    first = first_row.setdefault(row.number, row.row)
    if first != row.row:
        message = _("This number is already in row %(row)s.") % {"row": first}
        log.add(SHEET, row.row, "number", "import.duplicate_in_file", message)


def _check_library(license_type: LicenseType, first_row: dict[str, int], log: ErrorLog) -> None:
    for chunk in chunks(first_row):
        issued = License.objects.filter(license_type=license_type, number__in=chunk)
        for number in issued.values_list("number", flat=True).distinct():
            log.add(
                SHEET,
                first_row[number],
                "number",
                "import.duplicate_in_library",
                _("A license of this type with this number is already in the library."),
            )


def _capped(errors: list[RowError]) -> list[RowError]:
    if len(errors) <= MAX_REPORTED:
        return errors
    more = len(errors) - MAX_REPORTED
    message = ngettext_lazy(
        "… and %(count)s more problem.", "… and %(count)s more problems.", "count"
    ) % {"count": more}
    return [*errors[:MAX_REPORTED], RowError("", 0, "", "", "import.too_many_errors", message)]
