"""Reads of the license library: a holder's wallet (居民/法人证照目录) and the use
authorisations a department holds."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from govhall.core.personal_data import blind_index
from govhall.identity.models import Organization, Person
from govhall.licenses.models import HolderCodeType, License, LicenseShare, LicenseStatus
from govhall.licenses.services.issuance import HOLDER_INDEX_KINDS


def wallet(person: Person) -> QuerySet[License]:
    """The licenses of ``person`` and of the organizations they legally represent, newest
    first: one look-up of the ``licenses_wallet`` index by the holders' blind indexes (a
    resident's is their ``Person.id_number_index``)."""
    indexes = [person.id_number_index] + [
        blind_index(code, kind=HOLDER_INDEX_KINDS[HolderCodeType.CREDIT_CODE])
        for code in Organization.objects.filter(legal_representative=person).values_list(
            "credit_code", flat=True
        )
    ]
    return wallet_for_indexes(indexes)


def wallet_for_indexes(indexes: list[str]) -> QuerySet[License]:
    """The licenses filed under these holder indexes, newest first (the wallet's query)."""
    return (
        License.objects.filter(holder_code_index__in=indexes)
        .select_related("license_type", "issuer")
        .order_by("-issued_on", "-id")
    )


def wallet_license(person: Person, identifier: str) -> License | None:
    """One license of ``person``'s wallet, or ``None`` (someone else's answers the same as an
    unknown identifier)."""
    return wallet(person).select_related("seal").filter(identifier=identifier).first()


def license_shares(license: License) -> QuerySet[LicenseShare]:
    return license.shares.select_related("department").order_by("-created_at")


def active_shares(
    department_id: int, *, now: datetime.datetime | None = None
) -> QuerySet[LicenseShare]:
    """Authorisations a department holds right now, newest first."""
    moment = now or timezone.now()
    return (
        LicenseShare.objects.filter(
            department_id=department_id, valid_until__gt=moment, revoked_at__isnull=True
        )
        .select_related("license__license_type", "license__issuer", "license__seal")
        .order_by("-created_at")
    )


def holder_index(principal: Person | Organization) -> str:
    """The blind index a principal's licenses are filed under."""
    if isinstance(principal, Person):
        return principal.id_number_index
    return blind_index(principal.credit_code, kind=HOLDER_INDEX_KINDS[HolderCodeType.CREDIT_CODE])


def current_licenses(
    principal: Person | Organization, type_codes: list[str], *, today: datetime.date | None = None
) -> QuerySet[License]:
    """The principal's licenses of these types that are valid and not expired (what "submit
    once" may offer instead of an upload)."""
    day = today or timezone.localdate()
    return (
        License.objects.filter(
            holder_code_index=holder_index(principal),
            license_type__type_code__in=type_codes,
            status=LicenseStatus.VALID,
        )
        .exclude(valid_until__lt=day)
        .select_related("license_type", "issuer")
        .order_by("-issued_on", "-id")
    )
