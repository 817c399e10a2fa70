"""Mandates: who may grant and revoke them, and acting for someone at the moment of use —
self, legal representative, organization agent, family member, village proxy agent; expired,
revoked, out-of-scope and deactivated-agent mandates stop at once; audit data names both."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone, translation

from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.core.models import AuditRecord, Region
from govhall.identity.acting import acting_as_resolve, principals_for
from govhall.identity.models import Mandate, ProxyAgent, User
from govhall.identity.services.assurance import (
    person_verify_in_person,
    person_verify_with_population_source,
)
from govhall.identity.services.mandates import (
    MandateInput,
    mandate_grant,
    mandate_revoke,
    proxy_agent_deactivate,
    proxy_agent_register,
)
from govhall.identity.services.organizations import organization_register
from govhall.identity.tests.conftest import CHEN, HUANG, LI, YANG, ZHANG

pytestmark = pytest.mark.django_db
VILLAGE = "520121101200"


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The reasons below are asserted in English, the source language."""
    with translation.override("en"):
        yield


def codes(error: ValidationFailed) -> list[str]:
    return [e.code for e in error.errors]


@pytest.fixture
def officer(db: Any) -> User:
    user = User.objects.create_user(username="identity.kaiyang", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_proxyagent", "change_proxyagent", "verify_in_person"]
        )
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def proxy(make_person: Any, officer: User) -> Any:
    agent = make_person(HUANG)
    person_verify_with_population_source(person=agent, actor=agent.user)
    proxy_agent_register(
        person=agent, service_region=Region.objects.get(code=VILLAGE), actor=officer
    )
    return agent


def until(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_a_villager_mandates_the_proxy_agent(make_person: Any, proxy: Any) -> None:
    zhang = make_person(ZHANG)
    with pytest.raises(ValidationFailed) as no_consent:
        mandate_grant(
            data=MandateInput(
                kind="proxy_agent", agent=proxy, principal_person=zhang, valid_until=until(30)
            ),
            actor=proxy.user,
        )
    assert codes(no_consent.value) == ["consent_text.required"]
    mandate = mandate_grant(
        data=MandateInput(
            kind="proxy_agent",
            agent=proxy,
            principal_person=zhang,
            valid_until=until(30),
            item_codes=["000101001000"],
            consent_text="本人委托黄梅代办高龄补贴。",
        ),
        actor=proxy.user,
    )
    assert mandate.consent_signed_at is not None
    acting = acting_as_resolve(
        user=proxy.user,
        principal_type="person",
        principal_uuid=zhang.uuid,
        item_codes=["000101001000"],
    )
    assert (acting.basis, acting.mandate_uuid, acting.principal_label) == (
        "proxy_agent",
        mandate.uuid,
        "张建国",
    )
    assert acting.audit_data() == {
        "on_behalf_of": {
            "agent": str(proxy.uuid),
            "principal_type": "person",
            "principal": str(zhang.uuid),
            "principal_label": "张建国",
            "basis": "proxy_agent",
            "mandate": str(mandate.uuid),
        }
    }
    with pytest.raises(PermissionDenied) as other_item:
        acting_as_resolve(
            user=proxy.user, principal_type="person", principal_uuid=zhang.uuid, item_codes=["999"]
        )
    assert str(other_item.value) == "The mandate does not cover this item."
    # Deactivating the agent stops the mandate at once.
    officer = User.objects.get(username="identity.kaiyang")
    proxy_agent_deactivate(agent=ProxyAgent.objects.get(person=proxy), actor=officer, reason="离职")
    with pytest.raises(PermissionDenied) as inactive:
        acting_as_resolve(
            user=proxy.user,
            principal_type="person",
            principal_uuid=zhang.uuid,
            item_codes=["000101001000"],
        )
    assert str(inactive.value) == "The proxy agent is no longer active."
    grant = AuditRecord.objects.get(action="identity.mandate.grant")
    assert grant.data["agent_id_number"] == "5225**********8429"
    assert grant.data["principal_id_number"] == "5225**********1231"


def test_only_active_proxy_agents_take_proxy_mandates(make_person: Any) -> None:
    zhang = make_person(ZHANG)
    li = make_person(LI)
    with pytest.raises(ValidationFailed) as error:
        mandate_grant(
            data=MandateInput(
                kind="proxy_agent",
                agent=li,
                principal_person=zhang,
                valid_until=until(30),
                consent_text="同意",
            ),
            actor=zhang.user,
        )
    assert codes(error.value) == ["agent.not_proxy_agent"]


def test_proxy_agents_are_verified_villagers_registered_by_officers(
    make_person: Any, officer: User
) -> None:
    li = make_person(LI)
    with pytest.raises(ValidationFailed) as error:
        proxy_agent_register(
            person=li, service_region=Region.objects.get(code="520121000000"), actor=officer
        )
    assert codes(error.value) == ["service_region.not_village", "person.not_verified"]
    with pytest.raises(PermissionDenied):
        proxy_agent_register(
            person=li, service_region=Region.objects.get(code=VILLAGE), actor=li.user
        )
    person_verify_in_person(person=li, actor=officer, document="居民身份证")
    proxy_agent_register(person=li, service_region=Region.objects.get(code=VILLAGE), actor=officer)
    with pytest.raises(Conflict):
        proxy_agent_register(
            person=li, service_region=Region.objects.get(code=VILLAGE), actor=officer
        )


def test_organization_agent_by_the_legal_representative(make_person: Any) -> None:
    chen = make_person(CHEN)
    yang = make_person(YANG)
    company = organization_register(credit_code="91520103741258965A", actor=chen.user)
    data = MandateInput(
        kind="organization_agent",
        agent=yang,
        principal_organization=company,
        valid_until=until(365),
    )
    with pytest.raises(PermissionDenied):
        mandate_grant(data=data, actor=yang.user)
    mandate = mandate_grant(data=data, actor=chen.user)
    own = acting_as_resolve(
        user=chen.user, principal_type="organization", principal_uuid=company.uuid
    )
    assert own.basis == "legal_representative"
    agent = acting_as_resolve(
        user=yang.user, principal_type="organization", principal_uuid=company.uuid
    )
    assert (agent.basis, agent.mandate_uuid) == ("organization_agent", mandate.uuid)
    assert [(p.principal_label, p.basis) for p in principals_for(yang.user)] == [
        ("杨丽", "self"),
        ("贵州黔云数据科技有限公司", "organization_agent"),
    ]
    # Revoking stops it at once; a second revocation conflicts.
    with pytest.raises(ValidationFailed):
        mandate_revoke(mandate=mandate, actor=chen.user, reason=" ")
    mandate_revoke(mandate=mandate, actor=chen.user, reason="人员调整")
    with pytest.raises(PermissionDenied) as revoked:
        acting_as_resolve(
            user=yang.user, principal_type="organization", principal_uuid=company.uuid
        )
    assert str(revoked.value) == "The mandate was revoked."
    with pytest.raises(Conflict):
        mandate_revoke(mandate=mandate, actor=chen.user, reason="again")
    assert principals_for(yang.user)[1:] == []


def test_family_member_mandate_period_rules(make_person: Any) -> None:
    li = make_person(LI)
    yang = make_person(YANG)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as errors:
        mandate_grant(
            data=MandateInput(
                kind="family_member",
                agent=yang,
                principal_person=li,
                valid_from=today,
                valid_until=today - datetime.timedelta(days=1),
            ),
            actor=li.user,
        )
    assert codes(errors.value) == ["valid_until.before_start", "valid_until.past"]
    with pytest.raises(ValidationFailed) as too_long:
        mandate_grant(
            data=MandateInput(
                kind="family_member", agent=yang, principal_person=li, valid_until=until(6 * 366)
            ),
            actor=li.user,
        )
    assert codes(too_long.value) == ["valid_until.too_long"]
    with pytest.raises(ValidationFailed) as self_mandate:
        mandate_grant(
            data=MandateInput(
                kind="family_member", agent=li, principal_person=li, valid_until=until(5)
            ),
            actor=li.user,
        )
    assert codes(self_mandate.value) == ["agent.is_principal"]
    with pytest.raises(PermissionDenied):
        mandate_grant(
            data=MandateInput(
                kind="family_member", agent=yang, principal_person=li, valid_until=until(5)
            ),
            actor=yang.user,
        )
    mandate = mandate_grant(
        data=MandateInput(
            kind="family_member", agent=yang, principal_person=li, valid_until=until(5)
        ),
        actor=li.user,
    )
    Mandate.objects.filter(pk=mandate.pk).update(
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today - datetime.timedelta(days=1),
    )
    with pytest.raises(PermissionDenied) as expired:
        acting_as_resolve(user=yang.user, principal_type="person", principal_uuid=li.uuid)
    assert str(expired.value) == "The mandate has expired."
    assert Mandate.objects.count() == 1


def test_no_relation_looks_like_no_principal(make_person: Any) -> None:
    li = make_person(LI)
    yang = make_person(YANG)
    with pytest.raises(NotFound):
        acting_as_resolve(user=yang.user, principal_type="person", principal_uuid=li.uuid)
    acting = acting_as_resolve(user=li.user, principal_type="person", principal_uuid=li.uuid)
    assert acting.is_self and acting.mandate_uuid is None
