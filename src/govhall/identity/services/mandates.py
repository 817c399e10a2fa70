"""Granting and revoking mandates (委托授权), and registering village proxy agents (代办员).

Who may grant a mandate depends on its kind:

- an organization's agent: the organization's legal representative (or staff at a window);
- a family member: the principal themself (or staff at a window, recording the consent of an
  elderly person who does not use the internet);
- a proxy agent: the principal, or the proxy agent recording the villager's signed consent at
  the service point, or staff; the consent statement is required.

A mandate is checked at the moment of use (:mod:`govhall.identity.acting`), so revoking it or
letting it lapse stops it at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from govhall.core.audit import audit_record_create
from govhall.core.errors import (
    Conflict,
    ErrorCollector,
    FieldError,
    PermissionDenied,
    ValidationFailed,
)
from govhall.core.models import Region, RegionLevel
from govhall.identity.models import Mandate, MandateKind, Organization, Person, ProxyAgent

MAX_YEARS = {
    MandateKind.ORGANIZATION_AGENT: 3,
    MandateKind.FAMILY_MEMBER: 5,
    MandateKind.PROXY_AGENT: 1,
}
MAX_ITEM_CODES = 200


@dataclass(frozen=True, slots=True)
class MandateInput:
    kind: str
    agent: Person
    principal_person: Person | None = None
    principal_organization: Organization | None = None
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    item_codes: list[str] = field(default_factory=list)
    consent_text: str = ""


def _actor_person(actor: AbstractBaseUser) -> Person | None:
    return Person.objects.filter(user_id=actor.pk).first()


def _may_grant(data: MandateInput, actor: AbstractBaseUser) -> bool:
    if actor.has_perm("identity.add_mandate"):  # type: ignore[attr-defined]
        return True
    me = _actor_person(actor)
    if me is None:
        return False
    if data.kind == MandateKind.ORGANIZATION_AGENT:
        return (
            data.principal_organization is not None
            and data.principal_organization.legal_representative_id == me.pk
        )
    if data.kind == MandateKind.FAMILY_MEMBER:
        return data.principal_person is not None and data.principal_person.pk == me.pk
    # Proxy agent: the villager, or the agent recording the villager's signed consent.
    return me.pk in {getattr(data.principal_person, "pk", None), data.agent.pk}


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _validate(data: MandateInput, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    errors = ErrorCollector()
    if data.kind not in MandateKind.values:
        errors.add("kind", "kind.invalid", gettext("Choose the kind of mandate."))
        errors.raise_if_any()
    if data.kind == MandateKind.ORGANIZATION_AGENT:
        if data.principal_organization is None or data.principal_person is not None:
            errors.add(
                "principal",
                "principal.organization_required",
                gettext("An organization's mandate names the organization as principal."),
            )
    elif data.principal_person is None or data.principal_organization is not None:
        errors.add(
            "principal",
            "principal.person_required",
            gettext("This mandate names a person as principal."),
        )
    if data.principal_person is not None and data.principal_person.pk == data.agent.pk:
        errors.add("agent", "agent.is_principal", gettext("Nobody needs a mandate for themself."))
    if data.kind == MandateKind.PROXY_AGENT:
        proxy = ProxyAgent.objects.filter(person=data.agent).first()
        if proxy is None or not proxy.is_active:
            errors.add(
                "agent",
                "agent.not_proxy_agent",
                gettext("The agent is not an active registered proxy agent."),
            )
        if not data.consent_text.strip():
            errors.add(
                "consent_text",
                "consent_text.required",
                gettext("Record the consent statement the principal signed."),
            )
    valid_from = data.valid_from or today
    valid_until = data.valid_until
    if valid_until is None:
        errors.add("valid_until", "valid_until.required", gettext("State until when it holds."))
    else:
        if valid_until < valid_from:
            errors.add(
                "valid_until",
                "valid_until.before_start",
                gettext("The mandate cannot end before it starts."),
            )
        if valid_until < today:
            errors.add("valid_until", "valid_until.past", gettext("The end date has passed."))
        years = MAX_YEARS.get(MandateKind(data.kind), 1)
        if valid_until > _add_years(valid_from, years):
            errors.add(
                "valid_until",
                "valid_until.too_long",
                gettext("This kind of mandate lasts at most %(years)d years.") % {"years": years},
            )
    codes = [code.strip() for code in data.item_codes if code.strip()]
    if len(codes) > MAX_ITEM_CODES or any(len(code) > 40 for code in codes):
        errors.add(
            "item_codes",
            "item_codes.invalid",
            gettext("List at most 200 item codes of at most 40 characters."),
        )
    errors.raise_if_any()
    assert valid_until is not None
    return valid_from, valid_until


def _principal_data(mandate: Mandate) -> dict[str, str]:
    if mandate.principal_organization is not None:
        return {
            "principal_type": "organization",
            "principal": str(mandate.principal_organization.uuid),
            "credit_code": mandate.principal_organization.credit_code,
        }
    assert mandate.principal_person is not None
    return {
        "principal_type": "person",
        "principal": str(mandate.principal_person.uuid),
        "principal_id_number": mandate.principal_person.id_number_masked,
    }


def mandate_grant(*, data: MandateInput, actor: AbstractBaseUser) -> Mandate:
    """Create a mandate after checking who grants it, its principal, agent and period."""
    today = timezone.localdate()
    valid_from, valid_until = _validate(data, today)
    if not _may_grant(data, actor):
        raise PermissionDenied(gettext("You may not grant this mandate."))
    with transaction.atomic():
        mandate = Mandate.objects.create(
            kind=data.kind,
            agent=data.agent,
            principal_person=data.principal_person,
            principal_organization=data.principal_organization,
            item_codes=sorted({code.strip() for code in data.item_codes if code.strip()}),
            valid_from=valid_from,
            valid_until=valid_until,
            consent_text=data.consent_text.strip(),
            consent_signed_at=timezone.now() if data.consent_text.strip() else None,
            granted_by=actor,  # type: ignore[misc]
        )
        audit_record_create(
            actor=actor,
            action="identity.mandate.grant",
            object_type="mandate",
            object_id=str(mandate.uuid),
            data={
                "kind": mandate.kind,
                "agent": str(data.agent.uuid),
                "agent_id_number": data.agent.id_number_masked,
                **_principal_data(mandate),
                "item_codes": mandate.item_codes,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat(),
            },
        )
    return mandate


def _may_revoke(mandate: Mandate, actor: AbstractBaseUser) -> bool:
    if actor.has_perm("identity.change_mandate"):  # type: ignore[attr-defined]
        return True
    me = _actor_person(actor)
    if me is None:
        return False
    organization = mandate.principal_organization
    return (
        me.pk in {mandate.agent_id, mandate.principal_person_id}
        or (organization is not None and organization.legal_representative_id == me.pk)
        or mandate.granted_by_id == actor.pk
    )


def mandate_revoke(*, mandate: Mandate, actor: AbstractBaseUser, reason: str) -> Mandate:
    """End a mandate at once: its principal, its agent (renouncing), whoever granted it, or
    staff may do so. A second revocation is a conflict (``mandate.revoked``)."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            [FieldError("reason", "reason.required", gettext("Give a reason for revoking."))]
        )
    if not _may_revoke(mandate, actor):
        raise PermissionDenied(gettext("You may not revoke this mandate."))
    with transaction.atomic():
        locked = Mandate.objects.select_for_update(no_key=True).get(pk=mandate.pk)
        if locked.revoked_at is not None:
            raise Conflict(gettext("The mandate was already revoked."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor  # type: ignore[assignment]
        locked.revoke_reason = reason[:200]
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
        audit_record_create(
            actor=actor,
            action="identity.mandate.revoke",
            object_type="mandate",
            object_id=str(locked.uuid),
            data={"reason": locked.revoke_reason, **_principal_data(locked)},
        )
    return locked


def proxy_agent_register(
    *, person: Person, service_region: Region, actor: AbstractBaseUser
) -> ProxyAgent:
    """Register ``person`` as the proxy agent of a village or community service point; staff
    with ``identity.add_proxyagent`` only, and the person must be verified (L2 or higher)."""
    if not actor.has_perm("identity.add_proxyagent"):  # type: ignore[attr-defined]
        raise PermissionDenied(gettext("Only identity officers register proxy agents."))
    errors = ErrorCollector()
    if service_region.level != RegionLevel.VILLAGE:
        errors.add(
            "service_region",
            "service_region.not_village",
            gettext("A proxy agent serves a village or community."),
        )
    if person.assurance_level < 2:
        errors.add(
            "person",
            "person.not_verified",
            gettext("A proxy agent must first be verified (assurance level 2 or higher)."),
        )
    errors.raise_if_any()
    with transaction.atomic():
        agent, created = ProxyAgent.objects.get_or_create(
            person=person,
            defaults={"service_region": service_region, "registered_by": actor},
        )
        if not created:
            if agent.is_active:
                raise Conflict(gettext("This person is already a proxy agent."))
            agent.is_active = True
            agent.service_region = service_region
            agent.save(update_fields=["is_active", "service_region", "updated_at"])
        audit_record_create(
            actor=actor,
            action="identity.proxy_agent.register",
            object_type="proxy_agent",
            object_id=str(agent.uuid),
            data={"person": person.id_number_masked, "service_region": service_region.code},
        )
    return agent


def proxy_agent_deactivate(*, agent: ProxyAgent, actor: AbstractBaseUser, reason: str) -> None:
    """Stop a proxy agent; the mandates villagers gave them stop working at once."""
    if not actor.has_perm("identity.change_proxyagent"):  # type: ignore[attr-defined]
        raise PermissionDenied(gettext("Only identity officers manage proxy agents."))
    with transaction.atomic():
        ProxyAgent.objects.filter(pk=agent.pk).update(is_active=False, updated_at=timezone.now())
        agent.is_active = False
        audit_record_create(
            actor=actor,
            action="identity.proxy_agent.deactivate",
            object_type="proxy_agent",
            object_id=str(agent.uuid),
            data={"reason": reason.strip()[:200]},
        )
