"""Legacy stock imports (存量入库): storing the file, checking it whole, then issuing.

The life of an import: ``license_import_create`` keeps the file (validating);
``license_import_validate`` checks every row and either rejects it with the report or lets it
import (importing); ``license_import_run`` (``services.import_batches``) issues the rows in
batches until done, or stops at a failed batch (failed), from which it resumes. Every change
of state is audited in its own transaction.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext

from govhall.core.audit import audit_record_create
from govhall.core.crypto import sm3_hex
from govhall.core.errors import Conflict, FieldError, ValidationFailed
from govhall.core.models import Department
from govhall.core.transactions import service_atomic
from govhall.licenses.imports.reading import file_problem
from govhall.licenses.imports.validation import stock_validate
from govhall.licenses.models import (
    DEFAULT_BATCH_SIZE,
    LicenseImport,
    LicenseImportStatus,
    LicenseType,
)
from govhall.licenses.services.seals import seal_for_signing

MAX_BATCH_SIZE = 5_000
Actor = AbstractBaseUser | AnonymousUser | None


def import_audit(license_import: LicenseImport, actor: Actor, verb: str, **data: Any) -> None:
    audit_record_create(
        actor=actor,
        action=f"licenses.import.{verb}",
        object_type="license_import",
        object_id=str(license_import.uuid),
        data=data,
    )


def license_import_create(
    *,
    file_name: str,
    data: bytes,
    license_type: LicenseType,
    issuer: Department,
    actor: Actor,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> LicenseImport:
    """Keep an uploaded register for import; ``ValidationFailed`` on the ``file`` field when
    its bytes are not what its name says (or too many), ``Conflict`` when the issuer has no
    seal to sign with today. Its rows are checked by :func:`license_import_validate`."""
    errors: list[FieldError] = []
    problem = file_problem(
        file_name=file_name, data=data, max_bytes=settings.GOVHALL["IMPORT_MAX_BYTES"]
    )
    if problem is not None:
        errors.append(problem)
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        errors.append(
            FieldError(
                "batch_size",
                "batch_size.range",
                gettext("From 1 to %(max)s rows.") % {"max": MAX_BATCH_SIZE},
            )
        )
    if errors:
        raise ValidationFailed(errors)
    seal_for_signing(issuer, timezone.localdate())
    name = PurePosixPath(file_name.replace("\\", "/")).name
    license_import = LicenseImport(
        file_name=name[:255],
        file_sm3=sm3_hex(data),
        file_size=len(data),
        license_type=license_type,
        issuer=issuer,
        created_by=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
        batch_size=batch_size,
    )
    with service_atomic():
        license_import.file.save(get_valid_filename(name)[-100:], ContentFile(data), save=False)
        license_import.save(force_insert=True)
        import_audit(
            license_import,
            actor,
            "create",
            file_name=license_import.file_name,
            file_sm3=license_import.file_sm3,
            file_size=license_import.file_size,
            type=license_type.type_code,
            issuer=issuer.credit_code,
            batch_size=batch_size,
        )
    return license_import


def stored_bytes(license_import: LicenseImport) -> bytes:
    """The stored file, refused (``Conflict``) unless it is byte for byte the one uploaded."""
    try:
        with license_import.file.open("rb") as handle:
            data: bytes = handle.read()
    except (OSError, ValueError) as error:
        raise Conflict(gettext("The uploaded file is no longer in storage.")) from error
    if sm3_hex(data) != license_import.file_sm3:
        raise Conflict(gettext("The stored file differs from the one uploaded."))
    return data


def import_locked(license_import: LicenseImport, *statuses: str) -> LicenseImport:
    locked = (
        LicenseImport.objects.select_for_update(of=("self",), no_key=True)
        .select_related("license_type", "issuer__region", "created_by")
        .get(pk=license_import.pk)
    )
    if locked.status not in statuses:
        raise import_refused(locked)
    return locked


def import_refused(license_import: LicenseImport) -> Conflict:
    """The error for an operation the import's status does not allow."""
    return Conflict(
        gettext("The import is %(status)s.") % {"status": license_import.get_status_display()}
    )


def import_file_discard(license_import: LicenseImport) -> None:
    """Drop the stored file once nothing needs it (done or rejected), after the commit: it
    holds ID numbers in clear, which the licenses keep encrypted; its SM3 stays recorded."""
    name = license_import.file.name
    if name:
        storage = license_import.file.storage
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def license_import_validate(*, license_import: LicenseImport) -> LicenseImport:
    """Check every row; rejected with the report (nothing imported) or ready to import."""
    if license_import.status != LicenseImportStatus.VALIDATING:
        raise import_refused(license_import)
    data = stored_bytes(license_import)
    validation = stock_validate(
        license_type=license_import.license_type,
        file_name=license_import.file_name,
        data=data,
        max_rows=settings.GOVHALL["IMPORT_MAX_ROWS"],
        today=timezone.localdate(),
    )
    actor = license_import.created_by
    with service_atomic():
        locked = import_locked(license_import, LicenseImportStatus.VALIDATING)
        locked.total_rows = validation.total_rows
        locked.report = validation.report()
        if validation.errors:
            locked.status = LicenseImportStatus.REJECTED
            locked.finished_at = timezone.now()
            import_file_discard(locked)
            locked.file.name = ""
            import_audit(
                locked, actor, "reject", rows=locked.total_rows, problems=len(locked.report)
            )
        else:
            locked.status = LicenseImportStatus.IMPORTING
            import_audit(locked, actor, "accept", rows=locked.total_rows)
        locked.save()
    return locked


def license_import_resume(*, license_import: LicenseImport, actor: Actor) -> LicenseImport:
    """A failed import goes back to importing; its next run starts after the last committed
    batch."""
    with service_atomic():
        locked = import_locked(license_import, LicenseImportStatus.FAILED)
        locked.status = LicenseImportStatus.IMPORTING
        locked.failure = ""
        locked.save(update_fields=["status", "failure", "updated_at"])
        import_audit(locked, actor, "resume", last_batch=locked.last_batch)
    return locked
