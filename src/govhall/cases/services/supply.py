"""Materials that reach a case after submission: what a 补正 notice asked for (sent back with
the ``supplement`` action) or a pre-review returned for (``resubmit_pre_review``), and
materials accepted as pending (容缺), each of which settles its pending entry at once
(``supply_material``)."""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext

from govhall.archive.services.files import stored_file_put
from govhall.cases.models import Case, MaterialUpload
from govhall.cases.services.actions import applicant_acting, case_act
from govhall.cases.services.drafts import MAX_FILE_NAME
from govhall.cases.services.effects import PENDING
from govhall.cases.transitions import RESEND_ACTIONS
from govhall.core.audit import audit_record_create
from govhall.core.errors import Conflict, FieldError, ValidationFailed
from govhall.identity.models import User


def case_material_supply(
    *, case: Case, actor: User, requirement_uuid: uuid.UUID, uploaded: UploadedFile
) -> MaterialUpload:
    """Upload a material to a submitted case (the applicant's side only)."""
    applicant_acting(actor, case)
    requirement = case.version.materials.filter(uuid=requirement_uuid).first()
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
    pending = any(
        e["requirement"] == str(requirement_uuid) and e["status"] == PENDING
        for e in case.pending_materials
    )
    if not pending and case.state not in RESEND_ACTIONS:
        raise Conflict(gettext("No material is asked of this case now."))
    name = (uploaded.name or "").rsplit("/", 1)[-1][:MAX_FILE_NAME]
    stored = stored_file_put(actor=actor, uploaded=uploaded, declared_name=name)
    with transaction.atomic():
        upload = MaterialUpload.objects.create(
            uploaded_by=actor,
            requirement=requirement,
            stored_file=stored,
            file_name=name,
            case=case,
        )
        audit_record_create(
            actor=actor,
            action="cases.material.supply",
            object_type="case",
            object_id=case.number,
            data={"requirement": requirement.name, "sm3": stored.sm3},
        )
        if pending:
            updated = case_act(
                case=case,
                action="supply_material",
                actor=actor,
                data={"requirement": str(requirement_uuid)},
            )
            upload.supplied_on_action = updated.actions.order_by("-sequence").values_list(
                "sequence", flat=True
            )[0]
            upload.save(update_fields=["supplied_on_action"])
    return upload


__all__ = ["case_material_supply"]
