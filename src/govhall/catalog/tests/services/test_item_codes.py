"""The three codes are built and checked as STANDARDS.md says, and the six uniform elements
of a base item cannot differ in an implementation ("同一事项、同一名称、同一编码")."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.catalog import codes
from govhall.catalog.models import BaseItem, Implementation
from govhall.catalog.selectors import consistency_report
from govhall.catalog.services.items import (
    BaseItemInput,
    base_item_create,
    base_item_update,
    implementation_create,
    implementation_sync_uniform_elements,
    implementation_update,
)
from govhall.core.errors import ValidationFailed
from govhall.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def _input(**overrides: Any) -> BaseItemInput:
    values: dict[str, Any] = {
        "base_code": "000115030000",
        "name": "食品经营许可",
        "item_type_code": "01",
        "item_list": "power",
        "competent_department": "国家市场监督管理总局",
        "authority_nature": "statutory",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "for_organizations": True,
    }
    values.update(overrides)
    return BaseItemInput(**values)


def test_codes_are_composed_from_credit_code_level_and_base_code(
    implementation: Implementation, handling_item: Any
) -> None:
    credit = implementation.department.credit_code
    assert implementation.implementation_code == f"{credit}4000520010000"
    assert len(implementation.implementation_code) == 31
    assert codes.implementation_code_errors(implementation.implementation_code) == []
    assert handling_item.handling_code == implementation.implementation_code + "01"


def test_bad_base_codes_are_refused_with_every_reason() -> None:
    with pytest.raises(ValidationFailed) as raised:
        base_item_create(actor=None, data=_input(base_code="990215030000", item_list="nonsense"))
    assert sorted(e.code for e in raised.value.errors) == [
        "base_code.item_type",
        "base_code.origin",
        "item_list.unknown",
    ]
    assert BaseItem.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_malformed_base_code_and_missing_fields() -> None:
    with pytest.raises(ValidationFailed) as raised:
        base_item_create(
            actor=None, data=_input(base_code="12AB", legal_basis=" ", for_organizations=False)
        )
    assert sorted(e.field for e in raised.value.errors) == [
        "base_code",
        "legal_basis",
        "service_objects",
    ]


def test_legacy_guizhou_code_is_mapped() -> None:
    assert codes.map_legacy_code("XK00123004") == "520100123004"
    item = base_item_create(actor=None, data=_input(base_code="XK00123004"))
    assert item.base_code == "520100123004"


def test_sub_item_links_to_its_main_item() -> None:
    main = base_item_create(actor=None, data=_input())
    sub = base_item_create(
        actor=None, data=_input(base_code="000115030001", name="食品经营许可（餐饮）")
    )
    assert sub.parent == main


def test_duplicate_base_code_is_refused() -> None:
    base_item_create(actor=None, data=_input())
    with pytest.raises(ValidationFailed) as raised:
        base_item_create(actor=None, data=_input())
    assert [e.code for e in raised.value.errors] == ["base_code.duplicate"]


def test_implementation_cannot_change_uniform_elements(implementation: Implementation) -> None:
    with pytest.raises(ValidationFailed) as raised:
        implementation_update(
            actor=None, implementation=implementation, changes={"name": "低保申请"}
        )
    assert [(e.field, e.code) for e in raised.value.errors] == [
        ("name", "implementation.uniform_element")
    ]
    implementation.refresh_from_db()
    assert implementation.name == "最低生活保障申请"
    updated = implementation_update(
        actor=None,
        implementation=implementation,
        changes={"pc_url": "https://zwfw.guizhou.gov.cn/item"},
    )
    assert updated.pc_url == "https://zwfw.guizhou.gov.cn/item"


def test_implementation_region_and_department_must_agree(
    base_item: BaseItem, department: Any, region: Any
) -> None:
    other = department("520102", "南明区民政局")
    with pytest.raises(ValidationFailed) as raised:
        implementation_create(
            actor=None,
            base_item=base_item,
            department=other,
            region=region("520121"),
            level="prefecture",
        )
    assert sorted(e.code for e in raised.value.errors) == ["department.region", "region.level"]


def test_consistency_report_lists_deviations_until_synced(implementation: Implementation) -> None:
    assert consistency_report() == []
    base_item_update(
        actor=None, base_item=implementation.base_item, changes={"name": "最低生活保障"}
    )
    report = consistency_report()
    assert [
        (d.implementation_code, d.element, d.base_value, d.implementation_value) for d in report
    ] == [(implementation.implementation_code, "name", "最低生活保障", "最低生活保障申请")]
    implementation_sync_uniform_elements(actor=None, implementation=implementation)
    assert consistency_report() == []
    actions = list(AuditRecord.objects.values_list("action", flat=True))
    assert actions[-2:] == ["catalog.base_item.update", "catalog.implementation.sync"]
