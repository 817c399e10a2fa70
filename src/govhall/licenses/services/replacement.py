"""A new version of a license (换发、变更): changed face fields, the same number and serial, the
next version in the identifier; the old version is marked replaced by a signed change that
names the new one — in one transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext

from govhall.core.audit import audit_record_create
from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.outbox import event_publish
from govhall.core.personal_data import decrypt
from govhall.core.transactions import service_atomic
from govhall.licenses.faces import face_checked
from govhall.licenses.identifiers import identifier_build, identifier_parse
from govhall.licenses.models import License, LicenseChangeKind, LicenseOrigin, LicenseStatus
from govhall.licenses.payload import license_payload
from govhall.licenses.services.lifecycle import CHANGES, license_change, reason_problems
from govhall.licenses.services.seals import seal_for_signing, seal_sign

#: Fields a new version takes over unchanged from the one it replaces.
CARRIED_OVER = (
    "license_type",
    "number",
    "issuer",
    "valid_from",
    "valid_until",
    "area_code",
    "holder_name",
    "holder_code_type",
    "holder_code_encrypted",
    "holder_code_index",
    "holder_code_masked",
    "item_name",
    "item_code",
    "case_number",
    "trust_grade",
)


def license_replace(
    *,
    license: License,
    face: dict[str, Any],
    reason: str,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> License:
    """Issue the next version of ``license`` with ``face``; the validity stays (a change of
    particulars does not extend it). ``ValidationFailed`` for a bad face or no reason,
    ``Conflict`` for a license that is revoked or already replaced."""
    values, errors = face_checked(license.license_type, face)
    errors.extend(reason_problems(reason))
    if errors:
        raise ValidationFailed(errors)
    day = timezone.localdate()
    with service_atomic():
        old = (
            License.objects.select_for_update(no_key=True)
            .select_related("license_type", "issuer")
            .get(pk=license.pk)
        )
        if old.status not in CHANGES[LicenseChangeKind.REPLACE][0]:
            raise Conflict(
                gettext("The license is “%(status)s”; this change is not possible.")
                % {"status": old.get_status_display()}
            )
        seal = seal_for_signing(old.issuer, day)
        parts = identifier_parse(old.identifier)
        new = License(
            **{name: getattr(old, name) for name in CARRIED_OVER},
            identifier=str(
                identifier_build(
                    type_code=parts.type_code,
                    issuer_code=parts.issuer_code,
                    serial=parts.serial,
                    version=old.version + 1,
                )
            ),
            version=old.version + 1,
            issued_on=day,
            face=values,
            seal=seal,
            status=LicenseStatus.VALID,
            origin=LicenseOrigin.REPLACEMENT,
            replaces=old,
        )
        new.payload = license_payload(new, holder_code=decrypt(old.holder_code_encrypted))
        new.signature = seal_sign(seal, new.payload.encode())
        new.save(force_insert=True)
        license_change(
            license=old,
            kind=LicenseChangeKind.REPLACE,
            reason=reason,
            actor=actor,
            related=new.identifier,
        )
        audit_record_create(
            actor=actor,
            action="licenses.license.issue",
            object_type="license",
            object_id=new.identifier,
            data={"replaces": old.identifier, "seal": seal.key_sm3},
        )
        event_publish(
            topic="licenses.license.issued",
            payload={
                "identifier": new.identifier,
                "type_code": old.license_type.type_code,
                "issuer": old.issuer.credit_code,
                "case_number": old.case_number,
                "replaces": old.identifier,
            },
        )
    return new
