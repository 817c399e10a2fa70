"""Drafts of applications and the materials uploaded for them.

A draft is saved as typed (known fields only, at most 64 KB), with the format problems found so
far returned for display: a citizen may leave and come back without losing anything. Uploads
go through the archive (content type sniffed, size and page limits, SM3 de-duplication) and are
linked to the material requirement they satisfy.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext

from govhall.archive.services.files import stored_file_put
from govhall.cases.models import ApplicationDraft, MaterialUpload
from govhall.cases.services.submission import (
    MAX_FORM_BYTES,
    item_codes,
    may_take_at_window,
    published_version,
    window_applicant,
)
from govhall.catalog.application_forms import form_schema_parse
from govhall.catalog.models import ItemVersion, MaterialRequirement
from govhall.core.audit import audit_record_create
from govhall.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from govhall.core.transactions import service_atomic
from govhall.identity.acting import acting_as_resolve
from govhall.identity.models import Person, User
from govhall.licenses.models import TrustGrade

MAX_FILE_NAME = 200


def _version_for(
    actor: User, version_uuid: uuid.UUID, principal_type: str, principal_uuid: uuid.UUID
) -> ItemVersion:
    """The published version, if the actor may apply for this principal (as on submission)
    or take the item's applications at a window."""
    version = published_version(version_uuid)
    if may_take_at_window(actor, version):
        window_applicant(actor, version, principal_type, principal_uuid)
        return version
    acting_as_resolve(
        user=actor,
        principal_type=principal_type,
        principal_uuid=principal_uuid,
        item_codes=item_codes(version),
    )
    return version


def draft_save(
    *,
    actor: User,
    version_uuid: uuid.UUID,
    principal_type: str,
    principal_uuid: uuid.UUID,
    form_data: dict[str, Any],
) -> tuple[ApplicationDraft, list[FieldError]]:
    """Keep what was typed; returns the draft and the problems found so far (not raised)."""
    version = _version_for(actor, version_uuid, principal_type, principal_uuid)
    schema = form_schema_parse(version.application_form, prefix="version")
    kept = {
        name: value
        for name, value in form_data.items()
        if schema.field(name) is not None and isinstance(value, str | int | float | bool)
    }
    if len(json.dumps(kept, ensure_ascii=False).encode()) > MAX_FORM_BYTES:
        raise ValidationFailed(
            [
                FieldError(
                    "form_data", "form_data.too_large", gettext("The form holds more than 64 KB.")
                )
            ]
        )
    problems = schema.clean(kept, partial=True).errors
    with service_atomic():
        draft, _created = ApplicationDraft.objects.update_or_create(
            owner=actor,
            version=version,
            principal_type=principal_type,
            principal_uuid=principal_uuid,
            defaults={"form_data": kept},
        )
    return draft, problems


def draft_open(
    *, actor: User, version_uuid: uuid.UUID, principal_type: str, principal_uuid: uuid.UUID
) -> ApplicationDraft:
    """The actor's draft for this item and applicant, created empty when there is none."""
    version = _version_for(actor, version_uuid, principal_type, principal_uuid)
    with service_atomic():
        draft, _created = ApplicationDraft.objects.get_or_create(
            owner=actor,
            version=version,
            principal_type=principal_type,
            principal_uuid=principal_uuid,
        )
    return draft


def draft_for(
    *, actor: User, version_uuid: uuid.UUID, principal_type: str, principal_uuid: uuid.UUID
) -> ApplicationDraft | None:
    return (
        ApplicationDraft.objects.filter(
            owner=actor,
            version__uuid=version_uuid,
            principal_type=principal_type,
            principal_uuid=principal_uuid,
        )
        .prefetch_related("uploads__requirement", "uploads__stored_file")
        .first()
    )


def draft_requirement(
    actor: User, draft: ApplicationDraft, requirement_uuid: uuid.UUID
) -> MaterialRequirement:
    """The requirement of the draft's version a material is for (the actor's own draft)."""
    if draft.owner_id != actor.pk:
        raise NotFound(gettext("No such draft."))
    requirement = MaterialRequirement.objects.filter(
        uuid=requirement_uuid, version_id=draft.version_id
    ).first()
    if requirement is None:
        raise ValidationFailed(
            [
                FieldError(
                    "requirement",
                    "requirement.unknown",
                    gettext("This guide asks for no such material."),
                )
            ]
        )
    return requirement


def scanned_at_window(actor: User, draft: ApplicationDraft) -> bool:
    """A clerk scanning a walk-in's document has the original in hand (trust grade B); a
    member of staff applying for themself online does not."""
    own = Person.objects.filter(user=actor).values_list("uuid", flat=True).first()
    return draft.principal_uuid != own and may_take_at_window(actor, draft.version)


def material_upload(
    *, actor: User, draft: ApplicationDraft, requirement_uuid: uuid.UUID, uploaded: UploadedFile
) -> MaterialUpload:
    """Store a file for one material of a draft (refusals name the field ``file``)."""
    requirement = draft_requirement(actor, draft, requirement_uuid)
    name = (uploaded.name or "").rsplit("/", 1)[-1][:MAX_FILE_NAME]
    stored = stored_file_put(actor=actor, uploaded=uploaded, declared_name=name)
    with service_atomic():
        # The draft first, before the audit chain's head: a submission locks it first too
        # (case_submit deletes it), so the two never wait for each other in opposite orders;
        # a draft submitted meanwhile is gone.
        if not ApplicationDraft.objects.select_for_update(no_key=True).filter(pk=draft.pk):
            raise NotFound(gettext("No such draft."))
        upload = MaterialUpload.objects.create(
            uploaded_by=actor,
            requirement=requirement,
            stored_file=stored,
            file_name=name,
            draft=draft,
            trust_grade=TrustGrade.B if scanned_at_window(actor, draft) else TrustGrade.C,
        )
        audit_record_create(
            actor=actor,
            action="cases.material.upload",
            object_type="material_upload",
            object_id=str(upload.uuid),
            data={"requirement": requirement.name, "sm3": stored.sm3, "size": stored.size},
        )
    return upload


def material_upload_remove(*, actor: User, upload_uuid: uuid.UUID) -> None:
    """Remove an upload from a draft; files that reached a case stay with it."""
    upload = MaterialUpload.objects.filter(uuid=upload_uuid, uploaded_by=actor).first()
    if upload is None:
        raise NotFound(gettext("No such upload."))
    if upload.case_id is not None:
        raise Conflict(gettext("This file belongs to a submitted application."))
    with service_atomic():
        audit_record_create(
            actor=actor,
            action="cases.material.remove",
            object_type="material_upload",
            object_id=str(upload.uuid),
            data={"sm3": upload.stored_file.sm3},
        )
        upload.delete()


__all__ = ["draft_for", "draft_open", "draft_save", "material_upload", "material_upload_remove"]
