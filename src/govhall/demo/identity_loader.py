"""Demo persons, organizations, a village proxy agent and mandates (development only).

Persons come from the demo population source's data, so the demo accounts verify against it
(L2) exactly as real accounts would against the provincial population database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from govhall.core.models import Department, Region
from govhall.identity.models import (
    AssuranceLevel,
    Mandate,
    MandateKind,
    Organization,
    Person,
    ProxyAgent,
    User,
)
from govhall.identity.roles import role_group
from govhall.identity.selectors import person_find_by_id_number
from govhall.identity.services import person_register
from govhall.identity.services.assurance import (
    person_verify_in_person,
    person_verify_with_population_source,
)
from govhall.identity.services.mandates import MandateInput, mandate_grant, proxy_agent_register
from govhall.identity.services.organizations import organization_register
from govhall.identity.sources.contrib.demo import demo_data

#: Password of every demo person account (printed by ``make run``). Development only.
DEMO_PERSON_PASSWORD = "govhall-citizen-2026"  # noqa: S105 - public demo data
IDENTITY_OFFICER = ("identity.kaiyang", "govhall-demo-2026", "开阳县政务服务中心 身份核验员")


@dataclass(frozen=True, slots=True)
class DemoPerson:
    name: str
    id_number: str
    mobile: str


def demo_persons() -> list[DemoPerson]:
    return [
        DemoPerson(entry["name"], entry["id_number"], entry["mobile"])
        for entry in demo_data()["persons"]
        if entry.get("account")
    ]


def _officer(departments: dict[str, Department]) -> User:
    username, password, display_name = IDENTITY_OFFICER
    officer = User.objects.filter(username=username).first()
    if officer is None:
        officer = User(username=username, display_name=display_name, is_staff=True)
        officer.region = Region.objects.get(code="520121000000")
        officer.department = next(
            (d for d in departments.values() if d.region.code == "520121000000"), None
        )
        officer.set_password(password)
        officer.save()
        officer.groups.add(role_group("identity_officer"), role_group("window_clerk"))
    # Permissions are cached on the instance; read them fresh.
    return User.objects.get(pk=officer.pk)


def _person(entry: DemoPerson) -> Person:
    person = person_find_by_id_number(entry.id_number)
    if person is None:
        person = person_register(
            name=entry.name,
            id_number=entry.id_number,
            mobile=entry.mobile,
            password=DEMO_PERSON_PASSWORD,
        )
    if person.assurance_level < AssuranceLevel.L2:
        person_verify_with_population_source(person=person, actor=person.user)
    return person


def demo_identity_load(departments: dict[str, Department]) -> list[str]:
    """Register the demo persons (verified L2), the proxy agent of 双永村 (L3), 张建国's mandate
    to her, and two organizations with an agent. Safe to run again."""
    officer = _officer(departments)
    persons = {entry.name: _person(entry) for entry in demo_persons()}
    agent = persons["黄梅"]
    if agent.assurance_level < AssuranceLevel.L3:
        person_verify_in_person(person=agent, actor=officer, document="居民身份证")
    if not ProxyAgent.objects.filter(person=agent).exists():
        proxy_agent_register(
            person=agent, service_region=Region.objects.get(code="520121101200"), actor=officer
        )
    today = timezone.localdate()
    if not Mandate.objects.filter(agent=agent, principal_person=persons["张建国"]).exists():
        mandate_grant(
            data=MandateInput(
                kind=MandateKind.PROXY_AGENT,
                agent=agent,
                principal_person=persons["张建国"],
                valid_until=today + datetime.timedelta(days=300),
                consent_text="本人张建国委托双永村代办员黄梅代为办理高龄补贴等民政事项。",
            ),
            actor=agent.user,
        )
    for credit_code, representative in (
        ("91520103741258965A", "陈志强"),
        ("92520121608712348Q", "黄梅"),
    ):
        if not Organization.objects.filter(credit_code=credit_code).exists():
            organization_register(credit_code=credit_code, actor=persons[representative].user)
    company = Organization.objects.get(credit_code="91520103741258965A")
    if not Mandate.objects.filter(principal_organization=company).exists():
        mandate_grant(
            data=MandateInput(
                kind=MandateKind.ORGANIZATION_AGENT,
                agent=persons["杨丽"],
                principal_organization=company,
                valid_until=today + datetime.timedelta(days=365),
            ),
            actor=persons["陈志强"].user,
        )
    return [f"{len(persons)} demo persons (password {DEMO_PERSON_PASSWORD})"]
