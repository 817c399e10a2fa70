"""Issuing a license (发证): checked, identified, signed by the issuer's seal, audited,
announced — in one transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext

from govhall.core.audit import audit_record_create
from govhall.core.counters import counter_next
from govhall.core.errors import FieldError, ValidationFailed
from govhall.core.identifiers import check_credit_code, check_id_number, mask_id_number
from govhall.core.models import Department
from govhall.core.outbox import event_publish
from govhall.core.personal_data import KIND_ID_NUMBER, blind_index, encrypt
from govhall.core.transactions import service_atomic
from govhall.licenses.faces import face_checked
from govhall.licenses.identifiers import IdentifierError, identifier_build
from govhall.licenses.models import (
    HolderCodeType,
    License,
    LicenseImport,
    LicenseOrigin,
    LicenseSerialCounter,
    LicenseType,
    Seal,
    TrustGrade,
)
from govhall.licenses.payload import license_payload
from govhall.licenses.services.seals import seal_for_signing, seal_sign

#: The blind-index kind of each holder code type: a resident's licenses share the index of
#: their ``Person.id_number_index``, so a wallet is one indexed look-up.
HOLDER_INDEX_KINDS: dict[str, str] = {
    HolderCodeType.RESIDENT_ID: KIND_ID_NUMBER,
    HolderCodeType.CREDIT_CODE: "credit_code",
}


@dataclass(frozen=True, slots=True)
class Holder:
    """Who the license is issued to: a person (resident ID) or an organization (credit code)."""

    name: str
    code: str
    code_type: str  # HolderCodeType


def _holder_checked(holder: Holder, errors: list[FieldError]) -> str:
    if holder.code_type == HolderCodeType.RESIDENT_ID:
        check = check_id_number(holder.code, field_name="holder_code")
        errors.extend(check.errors)
        return check.value
    if holder.code_type == HolderCodeType.CREDIT_CODE:
        credit = check_credit_code(holder.code, field_name="holder_code")
        errors.extend(credit.errors)
        return credit.value
    errors.append(FieldError("holder_code_type", "holder_code_type.unknown", gettext("Unknown.")))
    return holder.code


@dataclass(frozen=True, slots=True)
class CheckedLicense:
    """The holder's code and name and the face as they will be stored, and every problem."""

    holder_code: str
    holder_name: str
    face: dict[str, Any]
    errors: list[FieldError]


def license_checked(
    *, license_type: LicenseType, holder: Holder, face: dict[str, Any]
) -> CheckedLicense:
    """The checks of :func:`license_issue`, all at once; the legacy import runs them over a
    whole file before it issues anything."""
    errors: list[FieldError] = []
    holder_code = _holder_checked(holder, errors)
    holder_name = " ".join(holder.name.split())
    if not 2 <= len(holder_name) <= 200:
        errors.append(
            FieldError("holder_name", "holder_name.length", gettext("2 to 200 characters."))
        )
    values, face_errors = face_checked(license_type, face)
    errors.extend(face_errors)
    return CheckedLicense(holder_code, holder_name, values, errors)


MAX_NUMBER = 60


def number_problems(license_type: LicenseType, number: str) -> list[FieldError]:
    """A license number given by the issuer (empty: a serial is made) fits and is not taken
    for this type (the unique constraint stays the guarantee under races)."""
    if len(number) > MAX_NUMBER:
        return [FieldError("number", "number.length", gettext("At most 60 characters."))]
    if (
        number
        and License.objects.filter(license_type=license_type, number=number, version=1).exists()
    ):
        return [
            FieldError(
                "number",
                "number.duplicate",
                gettext("A license of this type with this number is already in the library."),
            )
        ]
    return []


def _next_serial(issuer: Department, year: int) -> str:
    """``<year><8 digits>``: one upsert of the issuer's counter for the year (core.counters)."""
    return f"{year}{counter_next(LicenseSerialCounter, issuer=issuer, year=year):08d}"


def _valid_until(license_type: LicenseType, valid_from: datetime.date) -> datetime.date | None:
    if license_type.validity_years is None:
        return None
    try:
        end = valid_from.replace(year=valid_from.year + license_type.validity_years)
    except ValueError:  # 29 February
        end = valid_from.replace(year=valid_from.year + license_type.validity_years, day=28)
    return end - datetime.timedelta(days=1)


def license_issue(
    *,
    license_type: LicenseType,
    issuer: Department,
    holder: Holder,
    face: dict[str, Any],
    actor: AbstractBaseUser | AnonymousUser | None,
    number: str = "",
    item_name: str = "",
    item_code: str = "",
    case_number: str = "",
    issued_on: datetime.date | None = None,
    validity: tuple[datetime.date, datetime.date | None] | None = None,
    signed_on: datetime.date | None = None,
    origin: str = LicenseOrigin.CASE,
    license_import: LicenseImport | None = None,
    seal: Seal | None = None,
    trust_grade: str = TrustGrade.A,
) -> License:
    """Issue one license; ``ValidationFailed`` (every problem at once) or ``Conflict`` (no seal
    valid on the signing day) and nothing is written.

    Legacy stock (``origin`` import) brings what the issuer's register says: ``validity``
    (from, until or ``None`` for 长期) instead of the type's rule, and ``signed_on``, the
    import day, when the seal signs a record issued years before it existed. A caller issuing
    many at once passes the ``seal`` it chose with ``seal_for_signing`` once.
    """
    day = issued_on or timezone.localdate()
    checked = license_checked(license_type=license_type, holder=holder, face=face)
    errors, holder_code, holder_name = checked.errors, checked.holder_code, checked.holder_name
    if validity is not None and validity[1] is not None and validity[1] < validity[0]:
        errors.append(
            FieldError("valid_until", "valid_until.order", gettext("Ends before it starts."))
        )
    errors.extend(number_problems(license_type, number.strip()))
    if errors:
        raise ValidationFailed(errors)
    seal = seal or seal_for_signing(issuer, signed_on or day)
    with service_atomic():
        serial = _next_serial(issuer, day.year)
        try:
            identifier = str(
                identifier_build(
                    type_code=license_type.type_code, issuer_code=issuer.credit_code, serial=serial
                )
            )
        except IdentifierError as error:
            raise ValidationFailed(
                [FieldError("license_type", "license_type.code", str(error))]
            ) from error
        valid_from, valid_until = validity or (day, _valid_until(license_type, day))
        license_number = number.strip() or serial
        license = License(
            identifier=identifier,
            license_type=license_type,
            number=license_number,
            version=1,
            issuer=issuer,
            issued_on=day,
            valid_from=valid_from,
            valid_until=valid_until,
            area_code=issuer.region.code[:6],
            holder_name=holder_name,
            holder_code_type=holder.code_type,
            holder_code_encrypted=encrypt(holder_code),
            holder_code_index=blind_index(holder_code, kind=HOLDER_INDEX_KINDS[holder.code_type]),
            holder_code_masked=mask_id_number(holder_code),
            item_name=item_name,
            item_code=item_code,
            case_number=case_number,
            face=checked.face,
            seal=seal,
            signed_on=signed_on,
            origin=origin,
            license_import=license_import,
            trust_grade=trust_grade,
        )
        license.payload = license_payload(license, holder_code=holder_code)
        license.signature = seal_sign(seal, license.payload.encode())
        license.save(force_insert=True)
        audit_record_create(
            actor=actor,
            action="licenses.license.issue",
            object_type="license",
            object_id=identifier,
            data={"type": license_type.type_code, "case": case_number, "seal": seal.key_sm3}
            | ({"import": str(license_import.uuid)} if license_import else {}),
        )
        event_publish(
            topic="licenses.license.issued",
            payload={
                "identifier": identifier,
                "type_code": license_type.type_code,
                "issuer": issuer.credit_code,
                "case_number": case_number,
            },
        )
    return license
