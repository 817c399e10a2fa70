"""Acting for someone: resolving on whose behalf a signed-in person acts, at the moment of use.

Every later module (cases, licences) asks :func:`acting_as_resolve` before acting for a party
other than the signed-in person, and stores :meth:`ActingAs.audit_data` with its audit record,
so each action names both the person who acted and the party they acted for.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from govhall.core.errors import NotFound, PermissionDenied
from govhall.identity.models import Mandate, MandateKind, Organization, Person, ProxyAgent

PRINCIPAL_PERSON = "person"
PRINCIPAL_ORGANIZATION = "organization"


@dataclass(frozen=True, slots=True)
class ActingAs:
    """Who acts (``agent``) and for whom (``principal_*``), and on what authority."""

    agent: Person
    principal_type: str
    principal_uuid: uuid.UUID
    principal_label: str
    basis: str  # "self", "legal_representative" or a MandateKind value
    mandate_uuid: uuid.UUID | None = None

    @property
    def is_self(self) -> bool:
        return self.basis == "self"

    def audit_data(self) -> dict[str, Any]:
        """The ``on_behalf_of`` entry every audit record of an action under it carries."""
        return {
            "on_behalf_of": {
                "agent": str(self.agent.uuid),
                "principal_type": self.principal_type,
                "principal": str(self.principal_uuid),
                "principal_label": self.principal_label,
                "basis": self.basis,
                "mandate": str(self.mandate_uuid) if self.mandate_uuid else None,
            }
        }


def mandates_in_force(*, on: datetime.date | None = None) -> Q:
    """The filter of mandates that hold on ``on`` (today): not revoked, inside their period,
    and for proxy agents only while the agent is active."""
    day = on or timezone.localdate()
    return Q(revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day) & ~Q(
        kind=MandateKind.PROXY_AGENT, agent__proxy_agent__is_active=False
    )


def _covers(mandate: Mandate, item_codes: Iterable[str] | None) -> bool:
    if not mandate.item_codes:
        return True
    if item_codes is None:
        return False
    return bool(set(mandate.item_codes) & set(item_codes))


def acting_as_resolve(
    *,
    user: AbstractBaseUser | AnonymousUser,
    principal_type: str,
    principal_uuid: uuid.UUID,
    item_codes: Iterable[str] | None = None,
) -> ActingAs:
    """May ``user`` act for this principal (for an item with any of ``item_codes``)?

    Raises ``NotFound`` when the principal does not exist or the user has no relation to it
    at all (so identifiers cannot be probed), ``PermissionDenied`` with the reason when a
    mandate exists but does not cover this use (expired, revoked, other items).
    """
    agent = Person.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    if agent is None:
        raise PermissionDenied(gettext("Only a person with an account can act for others."))
    codes = list(item_codes) if item_codes is not None else None
    if principal_type == PRINCIPAL_PERSON:
        if agent.uuid == principal_uuid:
            return ActingAs(agent, PRINCIPAL_PERSON, agent.uuid, agent.name, "self")
        candidates = Mandate.objects.filter(agent=agent, principal_person__uuid=principal_uuid)
    elif principal_type == PRINCIPAL_ORGANIZATION:
        organization = Organization.objects.filter(uuid=principal_uuid).first()
        if organization is not None and organization.legal_representative_id == agent.pk:
            return ActingAs(
                agent,
                PRINCIPAL_ORGANIZATION,
                organization.uuid,
                organization.name,
                "legal_representative",
            )
        candidates = Mandate.objects.filter(
            agent=agent, principal_organization__uuid=principal_uuid
        )
    else:
        raise NotFound(gettext("Unknown kind of principal."))
    candidates = candidates.select_related("principal_person", "principal_organization")
    every = list(candidates)
    if not every:
        raise NotFound(gettext("No such principal, or no mandate from them."))
    for mandate in candidates.filter(mandates_in_force()).order_by("-valid_until"):
        if _covers(mandate, codes):
            principal = mandate.principal_person or mandate.principal_organization
            assert principal is not None
            return ActingAs(
                agent,
                principal_type,
                principal_uuid,
                principal.name,
                mandate.kind,
                mandate.uuid,
            )
    raise PermissionDenied(_why_not(every, codes))


def _why_not(mandates: list[Mandate], codes: list[str] | None) -> str:
    """The reason a user with mandates from this principal may still not act now."""
    today = timezone.localdate()
    standing = [m for m in mandates if m.revoked_at is None]
    if not standing:
        return gettext("The mandate was revoked.")
    current = [m for m in standing if m.valid_from <= today <= m.valid_until]
    if not current:
        if all(m.valid_until < today for m in standing):
            return gettext("The mandate has expired.")
        return gettext("The mandate is not yet in force.")
    if all(
        m.kind == MandateKind.PROXY_AGENT
        and not ProxyAgent.objects.filter(person_id=m.agent_id, is_active=True).exists()
        for m in current
    ):
        return gettext("The proxy agent is no longer active.")
    return gettext("The mandate does not cover this item.")


def principals_for(user: AbstractBaseUser | AnonymousUser) -> list[ActingAs]:
    """Everyone the user may act for today (themself first), for the portal's party picker."""
    agent = Person.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    if agent is None:
        return []
    result = [ActingAs(agent, PRINCIPAL_PERSON, agent.uuid, agent.name, "self")]
    for organization in Organization.objects.filter(legal_representative=agent):
        result.append(
            ActingAs(
                agent,
                PRINCIPAL_ORGANIZATION,
                organization.uuid,
                organization.name,
                "legal_representative",
            )
        )
    mandates = (
        Mandate.objects.filter(mandates_in_force(), agent=agent)
        .select_related("principal_person", "principal_organization")
        .order_by("created_at")
    )
    for mandate in mandates:
        principal = mandate.principal_person or mandate.principal_organization
        assert principal is not None
        kind = PRINCIPAL_PERSON if mandate.principal_person else PRINCIPAL_ORGANIZATION
        result.append(
            ActingAs(agent, kind, principal.uuid, principal.name, mandate.kind, mandate.uuid)
        )
    return result
