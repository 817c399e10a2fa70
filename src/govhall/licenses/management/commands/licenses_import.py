"""``govhall licenses-import FILE --type CODE --issuer CREDIT_CODE``: import an issuer's legacy
licenses (存量入库) from .xlsx or .csv, every row checked first, then batch by batch;
``govhall licenses-import --resume UUID`` continues an interrupted or failed import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.catalog.spreadsheets.report import import_report_xlsx
from govhall.core.errors import DomainError, error_text
from govhall.core.models import Department
from govhall.licenses.imports.validation import report_row_errors
from govhall.licenses.models import (
    DEFAULT_BATCH_SIZE,
    LicenseImport,
    LicenseImportStatus,
    LicenseType,
)
from govhall.licenses.services.import_batches import license_import_process
from govhall.licenses.services.imports import license_import_create, license_import_resume


class Command(BaseCommand):
    help = (
        "Import an issuer's existing licenses of one type from an .xlsx or .csv file: every "
        "row is checked first (one error and nothing is imported), then the licenses are "
        "issued and signed in batches, each all or nothing. --resume continues an import "
        "after its last committed batch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="the .xlsx or .csv file")
        parser.add_argument("--type", dest="type_code", help="the license type's code")
        parser.add_argument("--issuer", help="the issuing department's credit code")
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows per batch"
        )
        parser.add_argument("--resume", metavar="UUID", help="continue this import")
        parser.add_argument(
            "--report", type=Path, metavar="OUT.xlsx", help="write the problems to this file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["resume"]:
                license_import = self._resumed(options["resume"])
            else:
                license_import = self._created(options)
            self.stdout.write(f"import {license_import.uuid}: {license_import.file_name}")
            license_import = license_import_process(
                license_import=license_import, on_progress=self._progress
            )
        except DomainError as error:
            raise CommandError(error_text(error)) from error
        self._outcome(license_import, options["report"])

    def _created(self, options: dict[str, Any]) -> LicenseImport:
        path: Path | None = options["file"]
        if path is None or not options["type_code"] or not options["issuer"]:
            raise CommandError("give FILE, --type and --issuer (or --resume UUID)")
        license_type = LicenseType.objects.filter(type_code=options["type_code"]).first()
        if license_type is None:
            raise CommandError(f"no license type {options['type_code']}")
        issuer = (
            Department.objects.select_related("region")
            .filter(credit_code=options["issuer"])
            .first()
        )
        if issuer is None:
            raise CommandError(f"no department with credit code {options['issuer']}")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        return license_import_create(
            file_name=path.name,
            data=data,
            license_type=license_type,
            issuer=issuer,
            actor=None,
            batch_size=options["batch_size"],
        )

    def _resumed(self, uuid: str) -> LicenseImport:
        license_import = (
            LicenseImport.objects.select_related("license_type", "issuer__region", "created_by")
            .filter(uuid=uuid)
            .first()
        )
        if license_import is None:
            raise CommandError(f"no import {uuid}")
        if license_import.status == LicenseImportStatus.FAILED:
            license_import = license_import_resume(license_import=license_import, actor=None)
        self.stdout.write(
            f"resuming after batch {license_import.last_batch} "
            f"({license_import.imported_rows:,} of {license_import.total_rows:,} rows imported)"
        )
        return license_import

    def _progress(self, license_import: LicenseImport) -> None:
        self.stdout.write(
            f"batch {license_import.last_batch}/{license_import.batches}: "
            f"{license_import.imported_rows:,}/{license_import.total_rows:,} rows"
        )

    def _outcome(self, license_import: LicenseImport, report_path: Path | None) -> None:
        for problem in license_import.report:
            where = f"row {problem['row']}" if problem["row"] else "file"
            self.stderr.write(
                f"{where}\t{problem['column']}\t{problem['field']}\t"
                f"{problem['code']}\t{problem['message']}"
            )
        if report_path:
            report_path.write_bytes(import_report_xlsx(report_row_errors(license_import.report)))
        if license_import.status == LicenseImportStatus.DONE:
            self.stdout.write(f"done: {license_import.imported_rows:,} licenses imported")
            return
        if license_import.status == LicenseImportStatus.REJECTED:
            raise CommandError(f"{len(license_import.report)} problem(s); nothing was imported")
        raise CommandError(
            f"{license_import.get_status_display()}: {license_import.failure} "
            f"(resume with --resume {license_import.uuid})"
        )
