"""Excel (.xlsx) import and export of the catalog: items, materials and processes.

One workbook format serves both directions, so an export can be edited and re-imported. An
import checks every row first and writes nothing unless the whole file is valid.
"""

from govhall.catalog.spreadsheets.export import catalog_export
from govhall.catalog.spreadsheets.importing import catalog_import
from govhall.catalog.spreadsheets.report import (
    ImportFailed,
    ImportReport,
    RowError,
    import_report_xlsx,
)

__all__ = [
    "ImportFailed",
    "ImportReport",
    "RowError",
    "catalog_export",
    "catalog_import",
    "import_report_xlsx",
]
