"""Assurance levels from the population source (L2) and in person (L3); organizations from the
legal-entity source; a source that is down concludes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission

from govhall.core.errors import PermissionDenied, SourceUnavailableError, ValidationFailed
from govhall.core.models import AuditRecord
from govhall.identity.models import AssuranceEvent, Organization, User
from govhall.identity.services.assurance import (
    person_verify_in_person,
    person_verify_with_population_source,
)
from govhall.identity.services.organizations import (
    organization_link_representative,
    organization_register,
)
from govhall.identity.tests.conftest import CHEN, HUANG, LUO_DECEASED, YANG, ZHANG

pytestmark = pytest.mark.django_db


def codes(error: ValidationFailed) -> list[str]:
    return [e.code for e in error.errors]


def test_population_source_raises_to_level_2(make_person: Any) -> None:
    person = make_person(ZHANG)
    event = person_verify_with_population_source(person=person, actor=person.user)
    person.refresh_from_db()
    assert person.assurance_level == 2
    assert (event.level, event.method, event.detail) == (
        2,
        "population_source",
        {"source": "demo", "residence": "520121101200"},
    )
    record = AuditRecord.objects.get(action="identity.person.assurance")
    assert record.data == {
        "level": 2,
        "method": "population_source",
        "now": 2,
        "source": "demo",
        "residence": "520121101200",
    }


def test_population_source_refusals(make_person: Any) -> None:
    impostor = make_person({**ZHANG, "name": "张建军"})
    with pytest.raises(ValidationFailed) as mismatch:
        person_verify_with_population_source(person=impostor, actor=impostor.user)
    assert codes(mismatch.value) == ["name.mismatch"]
    unknown = make_person(
        {"name": "赵六", "id_number": "11010519491231002X", "mobile": "13700000001"}
    )
    with pytest.raises(ValidationFailed) as not_found:
        person_verify_with_population_source(person=unknown, actor=unknown.user)
    assert codes(not_found.value) == ["id_number.unknown"]
    deceased = make_person(LUO_DECEASED)
    with pytest.raises(ValidationFailed) as dead:
        person_verify_with_population_source(person=deceased, actor=deceased.user)
    assert codes(dead.value) == ["person.deceased"]
    assert AssuranceEvent.objects.count() == 0


def test_a_source_that_is_down_concludes_nothing(make_person: Any, settings: Any) -> None:
    person = make_person(ZHANG)
    settings.GOVHALL = {**settings.GOVHALL, "DEMO_SOURCE_DOWN": True}
    with pytest.raises(SourceUnavailableError) as down:
        person_verify_with_population_source(person=person, actor=person.user)
    assert down.value.status == 503
    assert codes(down.value) == ["population_source.unavailable"]
    person.refresh_from_db()
    assert person.assurance_level == 0
    with pytest.raises(SourceUnavailableError) as org_down:
        organization_register(credit_code="91520103741258965A", actor=person.user)
    assert codes(org_down.value) == ["legal_entity_source.unavailable"]
    assert Organization.objects.count() == 0


def test_in_person_verification_needs_an_identity_officer(make_person: Any) -> None:
    person = make_person(HUANG)
    clerk = User.objects.create_user(username="clerk", password="x", is_staff=True)
    with pytest.raises(PermissionDenied):
        person_verify_in_person(person=person, actor=clerk, document="居民身份证")
    clerk.user_permissions.add(Permission.objects.get(codename="verify_in_person"))
    clerk = User.objects.get(pk=clerk.pk)
    with pytest.raises(ValidationFailed) as missing:
        person_verify_in_person(person=person, actor=clerk, document="  ")
    assert codes(missing.value) == ["document.required"]
    person_verify_in_person(person=person, actor=clerk, document="居民身份证", note="窗口核验")
    person.refresh_from_db()
    assert person.assurance_level == 3
    # A later L2 check does not lower the level.
    person_verify_with_population_source(person=person, actor=person.user)
    person.refresh_from_db()
    assert person.assurance_level == 3
    assert list(
        AssuranceEvent.objects.order_by("id").values_list("level", "method", "actor_label")
    ) == [
        (3, "window", "clerk"),
        (2, "population_source", person.user.username),
    ]


def test_the_legal_representative_registers_the_organization(make_person: Any) -> None:
    chen = make_person(CHEN)
    organization = organization_register(credit_code="91520103741258965a", actor=chen.user)
    assert (
        organization.name,
        organization.credit_code,
        organization.org_type,
        organization.region.code,
        organization.legal_representative,
        organization.legal_representative_id_masked,
        organization.verification_source,
    ) == (
        "贵州黔云数据科技有限公司",
        "91520103741258965A",
        "enterprise",
        "520103000000",
        chen,
        "5201**********5178",
        "demo",
    )
    assert AuditRecord.objects.filter(action="identity.organization.register").count() == 1
    with pytest.raises(ValidationFailed) as duplicate:
        organization_register(credit_code="91520103741258965A", actor=chen.user)
    assert codes(duplicate.value) == ["credit_code.duplicate"]


def test_organization_refusals(make_person: Any) -> None:
    yang = make_person(YANG)
    with pytest.raises(PermissionDenied):
        organization_register(credit_code="91520103741258965A", actor=yang.user)
    with pytest.raises(ValidationFailed) as inactive:
        organization_register(credit_code="91520102MA6HX4QJ22", actor=yang.user)
    assert codes(inactive.value) == ["credit_code.inactive"]
    with pytest.raises(ValidationFailed) as checksum:
        organization_register(credit_code="91520103741258965B", actor=yang.user)
    assert codes(checksum.value) == ["credit_code.checksum"]
    with pytest.raises(ValidationFailed) as unknown:
        organization_register(credit_code="915201037412589735", actor=yang.user)
    assert codes(unknown.value) == ["credit_code.unknown"]
    assert Organization.objects.count() == 0


def test_staff_register_at_a_window_and_the_representative_is_linked_later(
    make_person: Any,
) -> None:
    staff = User.objects.create_user(username="window", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="add_organization"))
    staff = User.objects.get(pk=staff.pk)
    organization = organization_register(credit_code="935201218523697487", actor=staff)
    assert organization.legal_representative is None
    assert organization.org_type == "farmers_cooperative"
    zhang = make_person(ZHANG)
    assert organization_link_representative(person=zhang) == [organization]
    organization.refresh_from_db()
    assert organization.legal_representative == zhang
