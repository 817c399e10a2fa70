"""A county market regulation bureau with an electronic seal, and the food business license
type (食品经营许可证) defined by the State Administration for Market Regulation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from govhall.core.identifiers import build_credit_code
from govhall.core.models import Department, Region
from govhall.licenses.models import LicenseType, Seal
from govhall.licenses.services.seals import seal_create

SAMR_CODE = build_credit_code(area="100000", organisation="00013394")
FOOD_FACE = {
    "fields": [
        {"name": "business_name", "type": "text", "label": "经营者名称", "max_length": 100},
        {"name": "premises", "type": "text", "label": "经营场所", "max_length": 200},
        {
            "name": "business_kind",
            "type": "choice",
            "label": "主体业态",
            "choices": [{"value": "catering", "label": "餐饮服务经营者"}],
        },
    ]
}


@pytest.fixture
def bureau(db: Any) -> Department:
    county = Region.objects.get(code="520121000000")
    return Department.objects.create(
        name="开阳县市场监督管理局",
        credit_code=build_credit_code(area="520121", organisation="17051201"),
        region=county,
        level="county",
    )


@pytest.fixture
def seal(bureau: Department) -> Seal:
    return seal_create(
        department=bureau,
        name="开阳县市场监督管理局行政审批专用章",
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2030, 12, 31),
        actor=None,
    )


@pytest.fixture
def food_license_type(db: Any) -> LicenseType:
    return LicenseType.objects.create(
        name="食品经营许可证",
        type_code=f"{SAMR_CODE}001",
        defining_authority="国家市场监督管理总局",
        face_schema=FOOD_FACE,
        validity_years=5,
        holder_kind="organization",
    )


FACE = {
    "business_name": "开阳县紫江小厨餐饮店",
    "premises": "开阳县城关镇紫江路 88 号",
    "business_kind": "catering",
}


def verified(person: Any) -> Any:
    """Test shortcut: ``person``'s identity verified against the population source (L2), as
    the wallet and "submit once" require (the verification itself is tested in identity)."""
    from govhall.identity.models import AssuranceLevel, Person

    Person.objects.filter(pk=person.pk).update(assurance_level=AssuranceLevel.L2)
    person.refresh_from_db()
    return person
