"""The blank register of a license type: the columns an import reads, and how to fill them.

The first sheet is what staff fill in and upload (required columns marked ``*``, which the
import ignores); the second explains each column. Code and date columns are formatted as
text, so Excel neither rounds an ID number nor turns ``2019-03-15`` into a serial.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from govhall.licenses.imports.columns import columns_for
from govhall.licenses.models import LicenseType

TEXT_FORMAT = "@"
_TEXT_KEYS = frozenset({"number", "holder_code_type", "holder_code"})
#: Rows formatted as text ahead of the staff's typing.
_FORMATTED_ROWS = 1_000


def license_import_template(license_type: LicenseType) -> bytes:
    columns = columns_for(license_type)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "证照"
    sheet.append([f"{column.label}*" if column.required else column.label for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, 2 * len(column.label) + 4)
        sheet[f"{letter}1"].font = Font(bold=True)
        if column.key in _TEXT_KEYS:
            for row in range(2, _FORMATTED_ROWS + 2):
                sheet[f"{letter}{row}"].number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "字段", "必填", "说明"])
    notes.append(["", "", "", f"证照类型：{license_type.name}（{license_type.type_code}）"])
    for column in columns:
        notes.append([column.label, column.key, "是" if column.required else "否", column.note])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 24
    notes.column_dimensions["D"].width = 80
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
