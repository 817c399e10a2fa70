"""Verifying a license (核验): is it genuine, is it current?

"Genuine" is never said for anything that was not checked: the identifier's check character,
the signature of the stored payload by the seal's public key, the stored record against what
was signed (a changed row with an untouched payload is caught), and the seal's validity on the
issue date. "Current" adds the status (not suspended, revoked or replaced) and the validity.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from govhall.core import sm2
from govhall.core.personal_data import PersonalDataError
from govhall.licenses.identifiers import IdentifierError, identifier_parse
from govhall.licenses.models import License, LicenseChange, LicenseStatus, Seal
from govhall.licenses.payload import license_payload
from govhall.licenses.services.lifecycle import change_payload, status_after

EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Verification:
    identifier: str
    genuine: bool
    current: bool
    status: str  # a LicenseStatus value, "expired", or "" when there is no such license
    problems: list[Problem] = field(default_factory=list)
    license: License | None = None


def license_verify(text: str, *, today: datetime.date | None = None) -> Verification:
    day = today or timezone.localdate()
    try:
        identifier = str(identifier_parse(text))
    except IdentifierError as error:
        return Verification(text.strip(), False, False, "", [Problem("identifier", str(error))])
    license = (
        License.objects.select_related("license_type", "issuer", "seal")
        .filter(identifier=identifier)
        .first()
    )
    if license is None:
        problem = Problem("unknown", gettext("No license with this identifier was issued here."))
        return Verification(identifier, False, False, "", [problem])
    problems = _authenticity_problems(license)
    genuine = not problems
    status = str(license.status)
    if status == LicenseStatus.VALID and license.valid_until and license.valid_until < day:
        status = EXPIRED
    if genuine and status != LicenseStatus.VALID:
        problems.append(Problem(status, str(_STATUS_MESSAGES[status])))
    return Verification(
        identifier, genuine, genuine and status == LicenseStatus.VALID, status, problems, license
    )


def _authenticity_problems(license: License) -> list[Problem]:
    problems: list[Problem] = []
    seal = license.seal
    try:
        signed = sm2.verify(
            license.payload.encode(),
            bytes(license.signature),
            public_pem=seal.public_key_pem.encode(),
        )
    except sm2.SM2Error:
        signed = False
    if not signed:
        problems.append(
            Problem("signature", gettext("The signature does not match the license record."))
        )
    try:
        consistent = license_payload(license) == license.payload
    except PersonalDataError:
        consistent = False
    if not consistent:
        problems.append(
            Problem("altered", gettext("The license record differs from what was signed."))
        )
    problems.extend(_change_problems(license))
    # Legacy stock is signed on import, after its issue: the seal must be valid that day.
    signed_on = license.signed_on or license.issued_on
    if not _sealed_by_issuer(seal, license, signed_on):
        problems.append(
            Problem(
                "seal",
                gettext(
                    "The seal is not the issuing authority's, or was not valid on the day it "
                    "signed."
                ),
            )
        )
    return problems


def _sealed_by_issuer(seal: Seal, license: License, day: datetime.date) -> bool:
    """A seal speaks for its own department only, and only within its validity."""
    return (
        seal.department_id == license.issuer_id
        and seal.valid_from <= day <= seal.valid_until
        and (seal.revoked_on is None or seal.revoked_on > day)
    )


def _change_problems(license: License) -> list[Problem]:
    """The status must be what the signed changes lead to, each change signed as recorded."""
    status = str(LicenseStatus.VALID)
    changes = LicenseChange.objects.filter(license=license).select_related("seal")
    for change in changes.order_by("sequence"):
        status = status_after(change.kind, status)
        expected = change_payload(
            identifier=license.identifier,
            sequence=change.sequence,
            kind=change.kind,
            reason=change.reason,
            occurred_on=change.occurred_on.isoformat(),
            status=status,
            until=change.until.isoformat() if change.until else "",
            related=change.related_identifier,
        )
        signed = (
            change.payload == expected
            and _sealed_by_issuer(change.seal, license, change.occurred_on)
            and sm2.verify(
                expected.encode(),
                bytes(change.signature),
                public_pem=change.seal.public_key_pem.encode(),
            )
        )
        if not signed:
            return [Problem("change", gettext("A recorded change of the license is not signed."))]
    if status != license.status:
        return [
            Problem("status", gettext("The license's status is not what its signed changes say."))
        ]
    return []


_STATUS_MESSAGES = {
    EXPIRED: gettext_lazy("The license has expired."),
    LicenseStatus.SUSPENDED: gettext_lazy("The license is suspended."),
    LicenseStatus.REVOKED: gettext_lazy("The license has been revoked."),
    LicenseStatus.REPLACED: gettext_lazy("The license was replaced by a newer version."),
}
