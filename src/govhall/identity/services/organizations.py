"""Registering organizations (法人) from the legal-entity source.

What the platform holds about an organization comes from the source, never from the form: the
person registering supplies only the credit code, and the name, type, region and legal
representative are copied from the legal-entity database at that moment.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from govhall.core import personal_data
from govhall.core.audit import audit_record_create
from govhall.core.errors import (
    FieldError,
    PermissionDenied,
    SourceUnavailableError,
    ValidationFailed,
)
from govhall.core.identifiers import check_credit_code, mask_id_number
from govhall.core.models import Region
from govhall.core.personal_data import KIND_ID_NUMBER, blind_index
from govhall.identity.models import Organization, OrganizationType, Person
from govhall.identity.sources.base import LegalEntityRecord, SourceUnavailable
from govhall.identity.sources.registry import legal_entity_source


def _error(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, code, message)])


def _record(credit_code: str) -> tuple[str, LegalEntityRecord]:
    check = check_credit_code(credit_code)
    if not check.is_valid:
        raise ValidationFailed(check.errors)
    source = legal_entity_source()
    try:
        record = source.organization(check.value)
    except SourceUnavailable as error:
        raise SourceUnavailableError(
            [
                FieldError(
                    "credit_code",
                    "legal_entity_source.unavailable",
                    gettext("The legal-entity information source cannot be reached; try later."),
                )
            ]
        ) from error
    if record is None:
        raise _error(
            "credit_code",
            "credit_code.unknown",
            gettext("The legal-entity source does not know this credit code."),
        )
    if not record.is_active:
        raise _error(
            "credit_code",
            "credit_code.inactive",
            gettext("The organization's registration is cancelled or revoked."),
        )
    return source.name, record


def _region(code: str) -> Region:
    """The registered region, or its nearest ancestor the region table knows."""
    for length in (12, 9, 6, 4, 2):
        prefix = code[:length].ljust(12, "0")
        region = Region.objects.filter(code=prefix).first()
        if region is not None:
            return region
    raise _error(
        "credit_code", "region.unknown", gettext("The organization's region is not known.")
    )


def organization_register(*, credit_code: str, actor: AbstractBaseUser) -> Organization:
    """Register the organization with ``credit_code`` as its legal representative (or as staff).

    The legal representative is linked when their ID number matches the actor's person
    profile; anyone else must be staff with ``identity.add_organization`` (registering at a
    window). Errors: ``credit_code.*`` from the code check, ``credit_code.unknown``,
    ``credit_code.inactive``, ``credit_code.duplicate``, ``organization.not_representative``
    (403) and ``legal_entity_source.unavailable`` (503).
    """
    source_name, record = _record(credit_code)
    if Organization.objects.filter(credit_code=record.credit_code).exists():
        raise _error(
            "credit_code",
            "credit_code.duplicate",
            gettext(
                "This organization is already registered; ask its representative for a mandate."
            ),
        )
    rep_index = blind_index(record.legal_representative_id_number, kind=KIND_ID_NUMBER)
    actor_person = Person.objects.filter(user_id=actor.pk).first()
    is_representative = actor_person is not None and actor_person.id_number_index == rep_index
    if not is_representative and not actor.has_perm("identity.add_organization"):  # type: ignore[attr-defined]
        raise PermissionDenied(
            gettext("Only the legal representative can register the organization online.")
        )
    representative = (
        actor_person
        if is_representative
        else Person.objects.filter(id_number_index=rep_index).first()
    )
    org_type = (
        record.org_type
        if record.org_type in OrganizationType.values
        else OrganizationType.OTHER.value
    )
    try:
        with transaction.atomic():
            organization = Organization.objects.create(
                name=record.name,
                credit_code=record.credit_code,
                org_type=org_type,
                region=_region(record.region_code),
                legal_representative=representative,
                legal_representative_name=record.legal_representative_name,
                legal_representative_id_encrypted=personal_data.encrypt(
                    record.legal_representative_id_number
                ),
                legal_representative_id_index=rep_index,
                legal_representative_id_masked=mask_id_number(
                    record.legal_representative_id_number
                ),
                verified_at=timezone.now(),
                verification_source=source_name,
                registered_by=actor,  # type: ignore[misc]
            )
            audit_record_create(
                actor=actor,
                action="identity.organization.register",
                object_type="organization",
                object_id=str(organization.uuid),
                data={
                    "credit_code": organization.credit_code,
                    "name": organization.name,
                    "source": source_name,
                    "legal_representative": organization.legal_representative_id_masked,
                },
            )
    except IntegrityError:
        raise _error(
            "credit_code",
            "credit_code.duplicate",
            gettext(
                "This organization is already registered; ask its representative for a mandate."
            ),
        ) from None
    return organization


def organization_link_representative(*, person: Person) -> list[Organization]:
    """Link ``person`` to the registered organizations that name them as legal
    representative (after they register an account); returns the organizations linked."""
    with transaction.atomic():
        organizations = list(
            Organization.objects.select_for_update(no_key=True).filter(
                legal_representative_id_index=person.id_number_index,
                legal_representative__isnull=True,
            )
        )
        for organization in organizations:
            organization.legal_representative = person
            organization.save(update_fields=["legal_representative", "updated_at"])
            audit_record_create(
                actor=person.user,
                action="identity.organization.link_representative",
                object_type="organization",
                object_id=str(organization.uuid),
                data={"person": str(person.uuid), "credit_code": organization.credit_code},
            )
    return organizations
