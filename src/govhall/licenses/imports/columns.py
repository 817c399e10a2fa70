"""The columns of a legacy stock file: seven fixed ones and one per face field of the type.

Header cells are matched by the Chinese label staff see in their register (``证照编号``) or by
the English key (``number``; ``face.premises`` or ``premises`` for a face field); a ``*``
marking a required column is ignored. A face field whose label equals a fixed column's label
is reachable by its name only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from govhall.catalog.application_forms import FormField, FormSchema, form_schema_parse
from govhall.catalog.spreadsheets.cells import is_blank
from govhall.catalog.spreadsheets.report import ErrorLog, RowError
from govhall.licenses.models import LicenseType

#: The sheet name errors carry (``licenses!D12``), for .xlsx and .csv alike.
SHEET = "licenses"
FACE_PREFIX = "face."


@dataclass(frozen=True, slots=True)
class ImportColumn:
    key: str
    label: str
    required: bool = False
    note: str = ""
    face_field: FormField | None = None


FIXED_COLUMNS = (
    ImportColumn("number", "证照编号", True, "原证照上的编号，同一证照类型内不得重复"),
    ImportColumn("holder_name", "持证主体", True, "个人姓名或单位名称"),
    ImportColumn(
        "holder_code_type",
        "持证主体代码类型",
        False,
        "111 居民身份证 / 001 统一社会信用代码；不填则按代码推断",
    ),
    ImportColumn(
        "holder_code",
        "持证主体代码",
        True,
        "公民身份号码或统一社会信用代码，请以文本格式填写（Excel 数字只保留 15 位）",
    ),
    ImportColumn("issued_on", "发证日期", True, "如 2019-03-15，不得晚于今天"),
    ImportColumn("valid_from", "有效期起", False, "不填则为发证日期"),
    ImportColumn("valid_until", "有效期至", False, "日期或“长期”；证照类型有有效期的必须填写"),
)
FIXED_KEYS = frozenset(column.key for column in FIXED_COLUMNS)


def face_schema(license_type: LicenseType) -> FormSchema:
    return form_schema_parse(license_type.face_schema, prefix="face_schema")


def columns_for(license_type: LicenseType) -> list[ImportColumn]:
    """Every column a file of ``license_type`` may have, in template order."""
    columns = list(FIXED_COLUMNS)
    for field in face_schema(license_type).fields:
        columns.append(
            ImportColumn(
                f"{FACE_PREFIX}{field.name}",
                field.label or field.name,
                field.required,
                field.help,
                field,
            )
        )
    return columns


def _aliases(columns: list[ImportColumn]) -> dict[str, ImportColumn]:
    aliases: dict[str, ImportColumn] = {}
    for column in reversed(columns):  # fixed columns last, so their labels win
        aliases[column.label] = column
        aliases[column.key.lower()] = column
        if column.face_field is not None:
            aliases[column.face_field.name.lower()] = column
    return aliases


def _normal(cell: object) -> str:
    return " ".join(str(cell).split()).strip("*＊ ")


def header_columns(
    header: tuple[object, ...], columns: list[ImportColumn], log: ErrorLog
) -> list[ImportColumn | None]:
    """The column of every header cell (``None`` for a blank one); unknown, repeated and
    missing required columns are logged on row 1."""
    aliases = _aliases(columns)
    found: list[ImportColumn | None] = []
    letters = log.letters.setdefault(SHEET, {})
    for index, cell in enumerate(header, start=1):
        if is_blank(cell):
            found.append(None)
            continue
        text = _normal(cell)
        column = aliases.get(text) or aliases.get(text.lower())
        letter = get_column_letter(index)
        if column is None or column.key in letters:
            code, message = (
                ("import.column_unknown", _("Unknown column."))
                if column is None
                else ("import.column_duplicate", _("This column appears twice."))
            )
            log.errors.append(RowError(SHEET, 1, letter, text, code, message))
            found.append(None)
            continue
        letters[column.key] = letter
        found.append(column)
    for column in columns:
        if column.required and column.key not in letters:
            missing = _("The column %(key)s is missing.") % {"key": column.label}
            log.add(SHEET, 1, column.key, "import.column_missing", missing)
    return found
