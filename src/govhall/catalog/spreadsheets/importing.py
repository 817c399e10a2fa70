"""``catalog_import``: read, check every row, then write everything or nothing."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings

from govhall.catalog.spreadsheets.applying import apply_plans
from govhall.catalog.spreadsheets.reading import read_workbook
from govhall.catalog.spreadsheets.report import ErrorLog, ImportFailed, ImportReport
from govhall.catalog.spreadsheets.validation import validate


def _fail(log: ErrorLog) -> NoReturn:
    raise ImportFailed(ImportReport(errors=log.sorted()))


def catalog_import(*, actor: Any, data: bytes, publish: bool = True) -> ImportReport:
    """Import the workbook ``data`` (the format of ``catalog_export``).

    Every row of every sheet is checked first; if anything is wrong, ``ImportFailed`` carries
    every error and nothing is written. Otherwise base items, implementations and handling
    items that do not exist are created (existing ones are reused), and each items row gets a
    new guide version (published when ``publish``) unless it equals the current one.

    An import only adds: handling items missing from the file are left alone, nothing is
    renamed, and a stored base item's non-uniform attributes (list, domain, service objects,
    synonyms) are read from the file only when the base item is new.
    """
    limits = settings.GOVHALL
    log = ErrorLog()
    sheets = read_workbook(
        data, log, max_bytes=limits["IMPORT_MAX_BYTES"], max_rows=limits["IMPORT_MAX_ROWS"]
    )
    if sheets is None:
        _fail(log)
    plans, catalog = validate(sheets, log, publish=publish)
    if log:
        _fail(log)
    return apply_plans(actor=actor, plans=plans, catalog=catalog, publish=publish, log=log)
