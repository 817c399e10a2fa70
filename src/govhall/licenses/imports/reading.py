"""What an uploaded register really is, and its rows, streamed.

The name only says which reader to use; the bytes must agree with it. An .xlsx must be an
Office Open XML package (the catalog import's checks: a zip with ``[Content_Types].xml``, no
zip bomb); a .csv must be text — UTF-8 with or without a byte-order mark, else GB18030, the
encoding of a CSV saved by Excel on a Chinese Windows. Anything else is refused on the
``file`` field before it is stored.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from govhall.catalog.spreadsheets.reading import sheet_rows, xlsx_problem
from govhall.core.errors import FieldError

EXTENSIONS = (".xlsx", ".csv")
#: Control characters never found in a text file (tab, line feed and return are allowed).
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Rows = Iterator[tuple[int, tuple[Any, ...]]]


def extension(file_name: str) -> str:
    return PurePosixPath(file_name.replace("\\", "/")).suffix.lower()


def csv_text(data: bytes) -> str | None:
    """The text of a CSV file, or ``None`` when it is not text in a known encoding."""
    bom = data.startswith(codecs.BOM_UTF8)
    encodings = ["utf-8-sig"] if bom else ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _BINARY.search(text) else text
    return None


def file_problem(*, file_name: str, data: bytes, max_bytes: int) -> FieldError | None:
    """Why ``data`` cannot be read as the register its name says it is (``None``: it can)."""
    suffix = extension(file_name)
    message: str | Promise
    if suffix not in EXTENSIONS:
        code, message = "import.extension", _("Upload an .xlsx or .csv file.")
    elif len(data) > max_bytes:
        code = "import.too_large"
        message = _("The file is larger than %(max)s bytes.") % {"max": max_bytes}
    elif suffix == ".xlsx":
        problem = xlsx_problem(data, max_bytes=max_bytes)
        if problem is None:
            return None
        code, message = problem
    elif csv_text(data) is None:
        code = "import.file"
        message = _("The file is not a CSV text file (UTF-8 or GB18030).")
    else:
        return None
    return FieldError("file", code, message)


def _xlsx_rows(data: bytes) -> Rows:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        yield from sheet_rows(workbook.worksheets[0])
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Rows:
    text = csv_text(data)
    if text is None:
        raise ValueError("not a CSV text file")
    # Row numbers are records, as Excel numbers them when it opens the file.
    yield from enumerate((tuple(row) for row in csv.reader(io.StringIO(text))), start=1)


def file_rows(*, file_name: str, data: bytes) -> Rows:
    """``(row number, cell values)`` of the first sheet, the header row being number 1.

    Raises ``ValueError`` or openpyxl's errors for a file that :func:`file_problem` would
    refuse, possibly only while streaming (a damaged sheet part).
    """
    if extension(file_name) == ".xlsx":
        return _xlsx_rows(data)
    return _csv_rows(data)
