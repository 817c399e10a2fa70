"""``govhall catalog-import FILE``: import catalog items from an .xlsx workbook, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.catalog.spreadsheets import (
    ImportFailed,
    ImportReport,
    catalog_import,
    import_report_xlsx,
)


class Command(BaseCommand):
    help = (
        "Import items, materials and processes from an .xlsx workbook (the catalog-export "
        "format). Every row is checked first; on any error nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .xlsx workbook to import")
        parser.add_argument(
            "--no-publish",
            action="store_true",
            help="leave new guide versions as drafts instead of publishing them",
        )
        parser.add_argument(
            "--report",
            type=Path,
            metavar="OUT.xlsx",
            help="write the validation report (empty when the import succeeds) to this file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        report_path: Path | None = options["report"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        try:
            report = catalog_import(actor=None, data=data, publish=not options["no_publish"])
        except ImportFailed as failure:
            errors = failure.report.errors
            for problem in errors:
                self.stderr.write(f"{problem.field}\t{problem.code}\t{problem.message}")
            if report_path:
                report_path.write_bytes(import_report_xlsx(errors))
            raise CommandError(f"{len(errors)} error(s); nothing was imported") from failure
        if report_path:
            report_path.write_bytes(import_report_xlsx([]))
        self._print(report)

    def _print(self, report: ImportReport) -> None:
        self.stdout.write(
            f"rows: {report.rows}\n"
            f"created base items: {report.created_base_items}\n"
            f"created implementations: {report.created_implementations}\n"
            f"created handling items: {report.created_handling_items}\n"
            f"created versions: {report.created_versions}\n"
            f"unchanged: {report.unchanged}"
        )
