"""Submit once: putting what the applicant already has in place of an upload.

- A license from the library (grade A): checked genuine and current at that moment, its PDF
  (rendered once per revision) stored in the archive like any file, and the upload records
  the license's identifier. When the case is submitted, the department receives a use
  authorisation for the case (``licenses.services.shares``), so its reading is audited.
- An earlier material of grade A or B (``cases.reuse``): the same stored file, linked to the
  upload it came from, with its grade — departments see where it came from.
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext

from govhall.archive.services.files import stored_file_put
from govhall.cases.models import ApplicationDraft, MaterialSourceKind, MaterialUpload
from govhall.cases.reuse import earlier_materials, may_reuse, principal_for
from govhall.cases.services.drafts import MAX_FILE_NAME, draft_requirement
from govhall.core.audit import audit_record_create
from govhall.core.errors import FieldError, ValidationFailed
from govhall.core.transactions import service_atomic
from govhall.identity.models import User
from govhall.licenses.models import TrustGrade
from govhall.licenses.rendering import license_pdf
from govhall.licenses.selectors import current_licenses
from govhall.licenses.verification import license_verify

MAX_PDF_BYTES = 20 * 1024 * 1024


def _refused(code: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError("reuse", code, message)])


def _check_may_reuse(actor: User, draft: ApplicationDraft) -> None:
    if not may_reuse(actor, draft.version):
        raise _refused(
            "reuse.identity",
            gettext("Verify your identity (real-name level L2) before using what you have."),
        )


def material_use_license(
    *, actor: User, draft: ApplicationDraft, requirement_uuid: uuid.UUID, identifier: str
) -> MaterialUpload:
    """Use the applicant's license ``identifier`` for the requirement (免提交)."""
    requirement = draft_requirement(actor, draft, requirement_uuid)
    _check_may_reuse(actor, draft)
    principal = principal_for(draft.principal_type, draft.principal_uuid)
    license = (
        current_licenses(principal, [requirement.license_type_code])
        .filter(identifier=identifier)
        .select_related("seal")
        .first()
        if principal is not None and requirement.license_type_code
        else None
    )
    if license is None:
        raise _refused(
            "reuse.no_license",
            gettext("The applicant holds no valid license of this kind with that identifier."),
        )
    check = license_verify(license.identifier)
    if not check.current:
        raise _refused(
            "reuse.not_current",
            gettext("The license could not be verified as genuine and current: %(why)s")
            % {"why": " ".join(p.message for p in check.problems)},
        )
    name = f"{license.license_type.name}-{license.number}.pdf"[:MAX_FILE_NAME]
    stored = stored_file_put(
        actor=actor,
        uploaded=ContentFile(license_pdf(license), name=name),
        declared_name=name,
        max_bytes=MAX_PDF_BYTES,
    )
    with service_atomic():
        upload = MaterialUpload.objects.create(
            uploaded_by=actor,
            requirement=requirement,
            stored_file=stored,
            file_name=name,
            draft=draft,
            source=MaterialSourceKind.LICENSE,
            trust_grade=TrustGrade.A,
            license_identifier=license.identifier,
        )
        audit_record_create(
            actor=actor,
            action="cases.material.use_license",
            object_type="material_upload",
            object_id=str(upload.uuid),
            data={"requirement": requirement.name, "license": license.identifier},
        )
    return upload


def material_reuse(
    *, actor: User, draft: ApplicationDraft, requirement_uuid: uuid.UUID, upload_uuid: uuid.UUID
) -> MaterialUpload:
    """Use an earlier material of the same applicant (grade A or B, within the period)."""
    requirement = draft_requirement(actor, draft, requirement_uuid)
    _check_may_reuse(actor, draft)
    principal = principal_for(draft.principal_type, draft.principal_uuid)
    earlier = (
        earlier_materials(principal, [requirement.name]).filter(uuid=upload_uuid).first()
        if principal is not None
        else None
    )
    if earlier is None:
        raise _refused(
            "reuse.no_material",
            gettext("No earlier material of the applicant can stand for this one."),
        )
    with service_atomic():
        upload = MaterialUpload.objects.create(
            uploaded_by=actor,
            requirement=requirement,
            stored_file=earlier.stored_file,
            file_name=earlier.file_name,
            draft=draft,
            source=MaterialSourceKind.REUSE,
            trust_grade=earlier.trust_grade,
            license_identifier=earlier.license_identifier,
            reused_from=earlier,
        )
        audit_record_create(
            actor=actor,
            action="cases.material.reuse",
            object_type="material_upload",
            object_id=str(upload.uuid),
            data={
                "requirement": requirement.name,
                "from": str(earlier.uuid),
                "case": earlier.case.number if earlier.case else "",
                "sm3": earlier.stored_file.sm3,
            },
        )
    return upload
