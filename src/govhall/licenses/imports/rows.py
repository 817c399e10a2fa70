"""One register row read into what ``license_issue`` takes, and its problems by column.

Validation and the batches read rows with the same code, so a row imports exactly as it was
checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govhall.catalog.spreadsheets.cells import CellError, cell_text, is_blank
from govhall.licenses.imports.cells import (
    read_code_type,
    read_date,
    read_face,
    read_holder_code,
    read_valid_until,
)
from govhall.licenses.imports.columns import ImportColumn
from govhall.licenses.models import LicenseType
from govhall.licenses.services.issuance import Holder

NUMBER_MAX_LENGTH = 60


@dataclass(frozen=True, slots=True)
class CellProblem:
    key: str  # the column key: "holder_code", "face.premises"
    code: str
    message: str | Promise


@dataclass(frozen=True, slots=True)
class StockRow:
    """A row as ``license_issue`` takes it."""

    row: int
    number: str
    holder: Holder
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    face: dict[str, Any]


@dataclass(slots=True)
class ParsedRow:
    """What could be read of a row, and what could not (``problems``)."""

    row: int
    problems: list[CellProblem] = field(default_factory=list)
    number: str = ""
    holder: Holder = field(default_factory=lambda: Holder("", "", ""))
    issued_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    face: dict[str, Any] = field(default_factory=dict)

    def read(self, key: str, raw: object, reader: Callable[[object], Any]) -> Any:
        try:
            return reader(raw)
        except CellError as error:
            self.problems.append(CellProblem(key, error.code, error.message))
            return None

    @property
    def failed(self) -> set[str]:
        return {problem.key for problem in self.problems}

    @property
    def stock(self) -> StockRow | None:
        """The row to issue, when every cell could be read."""
        if self.problems or self.issued_on is None or self.valid_from is None:
            return None
        return StockRow(
            self.row,
            self.number,
            self.holder,
            self.issued_on,
            self.valid_from,
            self.valid_until,
            self.face,
        )


def _required_text(raw: object) -> str:
    if is_blank(raw):
        raise CellError("import.required", _("This cell is required."))
    return cell_text(raw)


def _number(raw: object) -> str:
    number = _required_text(raw)
    if len(number) > NUMBER_MAX_LENGTH:
        raise CellError(
            "import.too_long", _("At most %(max)s characters.") % {"max": NUMBER_MAX_LENGTH}
        )
    return number


def _required(reader: Callable[[object], Any]) -> Callable[[object], Any]:
    def read(raw: object) -> Any:
        if is_blank(raw):
            raise CellError("import.required", _("This cell is required."))
        return reader(raw)

    return read


class RowReader:
    """Reads the rows of one file, its header already matched to columns."""

    def __init__(
        self, *, license_type: LicenseType, columns: list[ImportColumn | None], today: dt.date
    ) -> None:
        self.columns = columns
        self.today = today
        self.long_term_allowed = license_type.validity_years is None

    def parse(self, number: int, values: tuple[Any, ...]) -> ParsedRow:
        """Every cell of the row read, every unreadable one a problem."""
        cells = {
            column.key: value
            for column, value in zip(self.columns, values, strict=False)
            if column is not None
        }
        row = ParsedRow(number)
        row.number = row.read("number", cells.get("number"), _number) or ""
        name = row.read("holder_name", cells.get("holder_name"), _required_text) or ""
        code = row.read("holder_code", cells.get("holder_code"), _required(read_holder_code))
        code_type = row.read(
            "holder_code_type",
            cells.get("holder_code_type"),
            lambda raw: read_code_type(raw, code or ""),
        )
        row.holder = Holder(name, code or "", code_type or "")
        self._dates(row, cells)
        for column in self.columns:
            if column is not None and column.face_field is not None:
                value = read_face(column.face_field, cells.get(column.key))
                if value is not None:
                    row.face[column.face_field.name] = value
        return row

    def _dates(self, row: ParsedRow, cells: dict[str, Any]) -> None:
        row.issued_on = row.read("issued_on", cells.get("issued_on"), _required(read_date))
        if row.issued_on is not None and row.issued_on > self.today:
            row.problems.append(
                CellProblem("issued_on", "import.future", _("This date is after today."))
            )
        raw_from = cells.get("valid_from")
        row.valid_from = (
            row.issued_on if is_blank(raw_from) else row.read("valid_from", raw_from, read_date)
        )
        row.valid_until = row.read(
            "valid_until",
            cells.get("valid_until"),
            lambda raw: read_valid_until(raw, long_term_allowed=self.long_term_allowed),
        )
        if row.valid_from and row.valid_until and row.valid_until < row.valid_from:
            row.problems.append(
                CellProblem("valid_until", "valid_until.order", _("Ends before it starts."))
            )
