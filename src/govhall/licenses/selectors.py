"""Reads of the license library: a holder's wallet (居民/法人证照目录)."""

from __future__ import annotations

from django.db.models import QuerySet

from govhall.core.personal_data import blind_index
from govhall.identity.models import Organization, Person
from govhall.licenses.models import HolderCodeType, License
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
    return (
        License.objects.filter(holder_code_index__in=indexes)
        .select_related("license_type", "issuer")
        .order_by("-issued_on", "-id")
    )
