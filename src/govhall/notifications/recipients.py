"""Who is told about a step of a case: read from the event's public identifiers.

- In the portal: the account that submitted the case, and the applicant's own account (the
  person's, or for an organization its legal representative's when they have one), each once.
- By SMS: the applicant person's mobile number; for an organization, its legal
  representative's when they have an account, otherwise nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govhall.identity.models import Organization, Person, User


@dataclass(frozen=True, slots=True)
class CaseStepRecipients:
    users: list[User]
    sms_person: Person | None


def case_step_recipients(payload: dict[str, Any]) -> CaseStepRecipients:
    applicant: Person | None = None
    if payload.get("applicant_person"):
        applicant = (
            Person.objects.select_related("user").filter(uuid=payload["applicant_person"]).first()
        )
    elif payload.get("applicant_organization"):
        organization = (
            Organization.objects.select_related("legal_representative__user")
            .filter(uuid=payload["applicant_organization"])
            .first()
        )
        applicant = organization.legal_representative if organization is not None else None
    submitter = (
        User.objects.filter(uuid=payload["submitted_by"]).first()
        if payload.get("submitted_by")
        else None
    )
    users: list[User] = []
    for user in (submitter, applicant.user if applicant is not None else None):
        if user is not None and all(user.pk != known.pk for known in users):
            users.append(user)
    return CaseStepRecipients(users=users, sms_person=applicant)


__all__ = ["CaseStepRecipients", "case_step_recipients"]
