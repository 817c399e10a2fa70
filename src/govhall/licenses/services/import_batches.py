"""Issuing a checked register batch by batch: all or nothing per batch, resumable.

A batch is a slice of the file's data rows (``batch_size`` of them, in file order) issued in
one ``bulk_transaction`` — the issuance service joins it without a savepoint per license —
together with the import's progress (``last_batch``, ``imported_rows``) and the batch's audit
record. So the progress on record is always that of the batches that committed: a failed or
killed run resumes with the batch after ``last_batch``, and a batch either issued all its
rows or none.

Each batch also asks the library which of its numbers exist for the type: a number issued by
this import is skipped (never issued twice, whatever happened to the progress), any other
stops the import on that row — the library changed since the file was checked.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from govhall.catalog.spreadsheets.report import ErrorLog
from govhall.core.errors import Conflict, DomainError, FieldError, ValidationFailed
from govhall.core.transactions import bulk_transaction, service_atomic
from govhall.licenses.imports.rows import StockRow
from govhall.licenses.imports.validation import stock_rows
from govhall.licenses.models import License, LicenseImport, LicenseImportStatus, LicenseOrigin
from govhall.licenses.services.imports import (
    import_audit,
    import_file_discard,
    import_locked,
    import_refused,
    license_import_validate,
    stored_bytes,
)
from govhall.licenses.services.issuance import license_issue
from govhall.licenses.services.seals import seal_for_signing

logger = logging.getLogger(__name__)
Progress = Callable[[LicenseImport], None]


class RowFailed(Exception):
    """A row of a batch could not be issued; the batch is rolled back."""

    def __init__(self, row: int, error: Exception) -> None:
        super().__init__(row)
        self.row = row
        self.error = error


def _rows(license_import: LicenseImport) -> Iterator[StockRow]:
    """The file's rows as validation read them; a row that no longer reads is an error."""
    log = ErrorLog()
    rows = stock_rows(
        license_type=license_import.license_type,
        file_name=license_import.file_name,
        data=stored_bytes(license_import),
        log=log,
        # Validation refused dates after its day; later days only widen what is allowed.
        today=timezone.localdate(),
    )
    if rows is None:
        raise Conflict(gettext("The file's header no longer reads."))
    for row in rows:
        stock = row.stock
        if stock is None:
            problem = row.problems[0]
            raise RowFailed(
                row.row, ValidationFailed([FieldError(problem.key, problem.code, problem.message)])
            )
        yield stock


def _batch_commit(license_import: LicenseImport, index: int, rows: list[StockRow]) -> LicenseImport:
    """Issue batch ``index`` (from 1) and record it, in one transaction."""
    with bulk_transaction():
        locked = import_locked(license_import, LicenseImportStatus.IMPORTING)
        if locked.last_batch >= index:
            return locked  # another run committed it meanwhile
        actor = locked.created_by
        issued = dict(
            License.objects.filter(
                license_type=locked.license_type, number__in=[row.number for row in rows]
            ).values_list("number", "license_import_id")
        )
        signed_on = timezone.localdate()
        seal = seal_for_signing(locked.issuer, signed_on)  # once, not once a row
        for row in rows:
            if row.number in issued:
                if issued[row.number] == locked.pk:
                    continue
                duplicate = FieldError(
                    "number",
                    "import.duplicate_in_library",
                    gettext("A license of this type with this number is already in the library."),
                )
                raise RowFailed(row.row, ValidationFailed([duplicate]))
            try:
                license_issue(
                    license_type=locked.license_type,
                    issuer=locked.issuer,
                    holder=row.holder,
                    face=row.face,
                    actor=actor,
                    number=row.number,
                    issued_on=row.issued_on,
                    validity=(row.valid_from, row.valid_until),
                    signed_on=signed_on,
                    origin=LicenseOrigin.IMPORT,
                    license_import=locked,
                    seal=seal,
                )
            except Exception as error:
                raise RowFailed(row.row, error) from error
        locked.last_batch = index
        locked.imported_rows += len(rows)
        locked.save(update_fields=["last_batch", "imported_rows", "updated_at"])
        import_audit(
            locked, actor, "batch", batch=index, rows=len(rows), imported=locked.imported_rows
        )
    return locked


def _failure_text(index: int, error: Exception) -> tuple[str, list[dict[str, Any]]]:
    row = error.row if isinstance(error, RowFailed) else 0
    cause = error.error if isinstance(error, RowFailed) else error
    if isinstance(cause, ValidationFailed):
        problems = [
            {"row": row, "column": "", "field": e.field, "code": e.code, "message": str(e.message)}
            for e in cause.errors
        ]
        detail = "; ".join(f"{e.field}: {e.message}" for e in cause.errors)
    else:
        problems = []
        detail = str(cause.detail) if isinstance(cause, DomainError) else type(cause).__name__
    where = (
        gettext("Batch %(batch)s, row %(row)s") % {"batch": index, "row": row}
        if row
        else gettext("Batch %(batch)s") % {"batch": index}
    )
    return f"{where}: {detail}", problems


def _fail(license_import: LicenseImport, index: int, error: Exception) -> LicenseImport:
    text, problems = _failure_text(index, error)
    with service_atomic():
        locked = import_locked(license_import, LicenseImportStatus.IMPORTING)
        locked.status = LicenseImportStatus.FAILED
        locked.failure = text
        locked.report = problems
        locked.save(update_fields=["status", "failure", "report", "updated_at"])
        import_audit(locked, locked.created_by, "fail", batch=index, failure=text)
    return locked


def _finish(license_import: LicenseImport) -> LicenseImport:
    with service_atomic():
        locked = import_locked(license_import, LicenseImportStatus.IMPORTING)
        locked.status = LicenseImportStatus.DONE
        locked.finished_at = timezone.now()
        import_file_discard(locked)
        locked.file.name = ""
        locked.save(update_fields=["status", "finished_at", "file", "updated_at"])
        import_audit(locked, locked.created_by, "done", imported=locked.imported_rows)
    return locked


def license_import_run(
    *, license_import: LicenseImport, on_progress: Progress | None = None
) -> LicenseImport:
    """Issue the rows of an importing import, batch after batch, from the one after
    ``last_batch``; returns it done, or failed with the reason (``failure``, and the row's
    problems in ``report``) when a batch could not commit."""
    if license_import.status != LicenseImportStatus.IMPORTING:
        raise import_refused(license_import)
    index = license_import.last_batch + 1  # the batch being worked on
    try:
        rows = _rows(license_import)
        for _committed in itertools.islice(
            rows, license_import.last_batch * license_import.batch_size
        ):
            pass
        while batch := list(itertools.islice(rows, license_import.batch_size)):
            license_import = _batch_commit(license_import, index, batch)
            index += 1
            if on_progress is not None:
                on_progress(license_import)
    except Exception as error:
        cause = error.error if isinstance(error, RowFailed) else error
        if not isinstance(cause, DomainError):
            logger.exception("legacy stock import %s: batch %s failed", license_import.uuid, index)
        return _fail(license_import, index, error)
    return _finish(license_import)


def license_import_process(
    *, license_import: LicenseImport, on_progress: Progress | None = None
) -> LicenseImport:
    """Take an import as far as it goes: validate it if it has not been, run it if it is
    importing. A failed one stays failed until someone resumes it (``license_import_resume``):
    a worker retrying on its own would fail the same way again."""
    if license_import.status == LicenseImportStatus.VALIDATING:
        license_import = license_import_validate(license_import=license_import)
    if license_import.status == LicenseImportStatus.IMPORTING:
        license_import = license_import_run(license_import=license_import, on_progress=on_progress)
    return license_import
