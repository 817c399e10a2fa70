"""The Guizhou demo data loads through the catalog services, covers every domain of seed
articles 6 and 22 with at least 80 implementation items with complete guides, and loading it
twice changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from govhall.catalog.codes import base_code_errors
from govhall.catalog.models import (
    Agency,
    BaseItem,
    Domain,
    Implementation,
    ItemVersion,
    MaterialRequirement,
    Publication,
    VersionState,
)
from govhall.catalog.selectors import ItemFilters, consistency_report, implementation_search
from govhall.core.audit import audit_chain_verify
from govhall.core.models import AuditRecord, Department
from govhall.demo.loader import demo_load

pytestmark = pytest.mark.django_db


def test_demo_catalog_is_complete_valid_and_idempotent() -> None:
    demo_load()
    implementations = Implementation.objects.count()
    assert implementations >= 80
    assert set(BaseItem.objects.values_list("domain", flat=True)) == set(Domain.values)
    assert Implementation.objects.filter(has_published_guide=True).count() == implementations
    for base in BaseItem.objects.select_related("item_type"):
        assert base_code_errors(base.base_code, item_type_code=base.item_type.code) == []
    assert all(
        uscc.is_valid(code) for code in Department.objects.values_list("credit_code", flat=True)
    )
    published = ItemVersion.objects.filter(state=VersionState.PUBLISHED)
    assert all(v.promised_limit_days <= v.legal_limit_days for v in published)
    assert all(v.visits <= 2 for v in published)
    assert MaterialRequirement.objects.exclude(blank_form="").count() >= 25
    assert Agency.objects.count() >= 5
    assert Publication.objects.count() == 1
    assert consistency_report() == []
    assert list(audit_chain_verify()) == []
    assert (
        get_user_model()
        .objects.filter(username="catalog.kaiyang", department__isnull=False)
        .exists()
    )

    dibao = [i.name for i in implementation_search(ItemFilters(q="低保"))]
    assert dibao and all("最低生活保障" in name for name in dibao)

    # Demo case work: the joint restaurant case waits for the environment bureau and the
    # market regulator's own review after the fire brigade's; the 低保 case waits to be accepted.
    from govhall.cases.models import Case

    restaurant = Case.objects.get(idempotency_key="demo-restaurant")
    assert (restaurant.state, restaurant.applicant_name) == ("accepted", "陈志强")
    assert sorted(s["spec_id"] for s in restaurant.current_steps) == [
        "department_review",
        "department_review",
    ]
    assert Case.objects.get(idempotency_key="demo-low-income").state == "submitted"

    counts = (
        Implementation.objects.count(),
        ItemVersion.objects.count(),
        AuditRecord.objects.count(),
        Case.objects.count(),
    )
    demo_load()
    assert (
        Implementation.objects.count(),
        ItemVersion.objects.count(),
        AuditRecord.objects.count(),
        Case.objects.count(),
    ) == counts


def test_the_demo_restaurant_case_ends_with_a_verifiable_food_license() -> None:
    """The joint case of 陈志强's restaurant, finished: the market regulator's grant issues the
    food business license into the library, signed with the bureau's demo seal."""
    from govhall.cases.models import Case
    from govhall.cases.services.actions import case_act
    from govhall.core.outbox import outbox_dispatch
    from govhall.licenses.models import License, Seal
    from govhall.licenses.verification import license_verify

    demo_load()
    assert sorted(Seal.objects.values_list("department__name", flat=True)) == [
        "开阳县卫生健康局",
        "开阳县市场监督管理局",
        "开阳县民政局",
    ]
    staff = {u.username: u for u in get_user_model().objects.filter(is_staff=True)}
    case = Case.objects.get(idempotency_key="demo-restaurant")
    case = case_act(case=case, action="review", actor=staff["eco.kaiyang"], opinion="同意。")
    lead = staff["clerk.kaiyang.amr"]
    case = case_act(case=case, action="review", actor=lead, opinion="经营场所符合要求。")
    case_act(case=case, action="approve", actor=lead, opinion="准予食品经营许可。")
    outbox_dispatch()
    license = License.objects.get(case_number=case.number)
    assert (license.license_type.name, license.holder_name, license.issuer.name) == (
        "食品经营许可证",
        "陈志强",
        "开阳县市场监督管理局",
    )
    assert license.face == {
        "business_name": "开阳县城关镇陈记布依农家菜馆",
        "premises_address": "开阳县城关镇紫江路 88 号",
        "business_kind": "catering",
        "food_safety_officer": "陈志强",
    }
    assert license_verify(license.identifier).current is True
