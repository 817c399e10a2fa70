"""Builders for catalog tests: a base item, its implementation and a published guide."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.catalog.models import BaseItem, HandlingItem, Implementation
from govhall.catalog.services.items import (
    BaseItemInput,
    base_item_create,
    handling_item_create,
    implementation_create,
)
from govhall.catalog.services.versions import (
    GuideInput,
    MaterialInput,
    item_version_create,
    item_version_publish,
    item_version_submit,
)


def guide(**overrides: Any) -> GuideInput:
    values: dict[str, Any] = {
        "case_kind": "promised",
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "conditions": "1. 申请人户籍在本县；2. 家庭人均收入低于当地最低生活保障标准。",
        "online_handling": "full",
        "process_steps": [{"name": "申请", "description": ""}, {"name": "受理", "description": ""}],
        "materials": [
            MaterialInput(name="最低生活保障申请书", form="original", source="applicant"),
            MaterialInput(
                name="居民身份证",
                form="copy",
                source="shared_data",
                waivable_if_verified_online=True,
            ),
        ],
    }
    values.update(overrides)
    return GuideInput(**values)


@pytest.fixture
def base_item(db: Any) -> BaseItem:
    return base_item_create(
        actor=None,
        data=BaseItemInput(
            base_code="000520010000",
            name="最低生活保障申请",
            item_type_code="05",
            item_list="power",
            competent_department="民政部",
            authority_nature="statutory",
            legal_basis="《社会救助暂行办法》第九条",
            domain="village",
            for_persons=True,
            synonyms=["低保"],
        ),
    )


@pytest.fixture
def implementation(base_item: BaseItem, department: Any, region: Any) -> Implementation:
    return implementation_create(
        actor=None,
        base_item=base_item,
        department=department("520121", "开阳县民政局"),
        region=region("520121"),
        level="county",
    )


@pytest.fixture
def handling_item(implementation: Implementation) -> HandlingItem:
    return handling_item_create(
        actor=None, implementation=implementation, kind="new", name="最低生活保障申请"
    )


@pytest.fixture
def publish() -> Any:
    def run(handling_item: HandlingItem, **overrides: Any) -> Any:
        version = item_version_create(
            actor=None, handling_item=handling_item, guide=guide(**overrides)
        )
        item_version_submit(actor=None, version=version)
        return item_version_publish(actor=None, version=version)

    return run
