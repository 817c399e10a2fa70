"""A granted case issues its licenses (自动办结入库; 多证合一: several when the item issues
several).

The outbox subscriber ``cases.licenses`` receives ``cases.case.granted`` after the decision
committed and issues one license of every license type linked to the case's base item: holder
the applicant (a person's resident ID, an organization's credit code), face fields taken from
the application form by name, the accepting department as issuer, signed with its seal. It is
idempotent (a license already issued for the case and type is not issued again, so a
re-delivered event issues nothing twice). A license that cannot be issued — no valid seal yet,
a face field the form does not supply — fails the delivery: the outbox retries it with
back-off and shows the reason on the event, and it lands once the cause is fixed.
"""

from __future__ import annotations

from typing import Any

from govhall.cases.models import Case
from govhall.core.models import OutboxEvent
from govhall.core.personal_data import decrypt
from govhall.licenses.models import HolderCodeType, License, LicenseType
from govhall.licenses.services.issuance import Holder, license_issue


def case_holder(case: Case) -> Holder:
    if case.applicant_organization is not None:
        organization = case.applicant_organization
        return Holder(organization.name, organization.credit_code, HolderCodeType.CREDIT_CODE)
    person = case.applicant_person
    assert person is not None  # a case has a person or an organization (a DB check)
    return Holder(person.name, decrypt(person.id_number_encrypted), HolderCodeType.RESIDENT_ID)


def face_from_form(license_type: LicenseType, form_data: dict[str, Any]) -> dict[str, Any]:
    """The face fields the application form supplies, by name (as text: the license's own
    schema checks and converts them)."""
    names = [field.get("name") for field in license_type.face_schema.get("fields", [])]
    return {name: form_data[name] for name in names if name in form_data}


def case_licenses_issue(case: Case) -> list[License]:
    """Issue what the granted ``case`` issues and has not issued yet."""
    base_item = case.version.handling_item.implementation.base_item
    issued = []
    for license_type in LicenseType.objects.filter(items=base_item).order_by("type_code"):
        if License.objects.filter(case_number=case.number, license_type=license_type).exists():
            continue
        issued.append(
            license_issue(
                license_type=license_type,
                issuer=case.department,
                holder=case_holder(case),
                face=face_from_form(license_type, case.form_data),
                actor=None,
                item_name=case.version.handling_item.name,
                item_code=case.version.handling_item.handling_code,
                case_number=case.number,
            )
        )
    return issued


def on_case_granted(event: OutboxEvent) -> None:
    case = (
        Case.objects.select_related(
            "department__region",
            "applicant_person",
            "applicant_organization",
            "version__handling_item__implementation__base_item",
        )
        .filter(number=event.payload["number"])
        .first()
    )
    if case is not None:
        case_licenses_issue(case)
