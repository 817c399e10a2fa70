"""Background work of the license library (django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from govhall.licenses.models import LicenseImport
from govhall.licenses.services.import_batches import license_import_process


@task()
def license_import_task(import_uuid: str) -> dict[str, Any]:
    """Validate and import an uploaded legacy stock file (see ``services.import_batches``).

    Idempotent: run again — by a retry, a second worker or the admin's "resume" — it starts
    after the last committed batch, and a batch another run committed meanwhile is skipped.
    """
    license_import = license_import_process(
        license_import=LicenseImport.objects.select_related(
            "license_type", "issuer__region", "created_by"
        ).get(uuid=import_uuid)
    )
    return {
        "status": license_import.status,
        "total_rows": license_import.total_rows,
        "imported_rows": license_import.imported_rows,
    }
