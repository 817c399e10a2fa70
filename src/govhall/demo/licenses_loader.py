"""Demo electronic licenses: seals of the 开阳县 departments that issue licenses in the demo,
and the license types their grants issue (safe to run again).

Type codes are the defining ministry's credit code and a 3-digit number: 国家市场监督管理总局
(11100000MB0341032Y); the 民政部 code here is made with valid check characters for the demo.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from govhall.catalog.models import BaseItem
from govhall.core.identifiers import build_credit_code
from govhall.core.models import Department
from govhall.licenses.models import LicenseType, Seal
from govhall.licenses.services.seals import seal_create

SEAL_VALID_FROM = datetime.date(2026, 1, 1)
SEAL_VALID_UNTIL = datetime.date(2030, 12, 31)
SEALS = {
    "ky-amr": "开阳县市场监督管理局行政审批专用章",
    "ky-ca": "开阳县民政局行政审批专用章",
}
MCA = build_credit_code(area="100000", organisation="00001302")


@dataclass(frozen=True, slots=True)
class DemoType:
    name: str
    type_code: str
    defining_authority: str
    holder_kind: str
    validity_years: int | None
    base_codes: tuple[str, ...]
    face: dict[str, Any]
    layout: str = "certificate"


TYPES = (
    DemoType(
        "食品经营许可证",
        "11100000MB0341032Y001",
        "国家市场监督管理总局",
        "person",
        5,
        ("000150110000",),
        {
            "fields": [
                {"name": "business_name", "type": "text", "label": "经营者名称", "required": True},
                {"name": "premises_address", "type": "text", "label": "经营场所", "required": True},
                {
                    "name": "business_kind",
                    "type": "choice",
                    "label": "主体业态",
                    "required": True,
                    "choices": [
                        {"value": "catering", "label": "餐饮服务经营者"},
                        {"value": "canteen", "label": "单位食堂"},
                        {"value": "retail", "label": "食品销售经营者"},
                    ],
                },
                {"name": "food_safety_officer", "type": "text", "label": "食品安全管理人员"},
            ]
        },
    ),
    DemoType(
        "最低生活保障金领取证",
        f"{MCA}012",
        "中华人民共和国民政部",
        "person",
        1,
        ("000551701000",),
        {
            "fields": [
                {"name": "household_head", "type": "text", "label": "户主姓名"},
                {"name": "household_size", "type": "integer", "label": "保障人口", "min": 1},
            ]
        },
        layout="card",
    ),
)


def demo_licenses_load(departments: dict[str, Department]) -> list[str]:
    notes = []
    for key, name in SEALS.items():
        department = departments.get(key)
        if department is None or Seal.objects.filter(department=department).exists():
            continue
        seal_create(
            department=department,
            name=name,
            valid_from=SEAL_VALID_FROM,
            valid_until=SEAL_VALID_UNTIL,
            actor=None,
        )
        notes.append(f"seal: {name}")
    for entry in TYPES:
        license_type, _created = LicenseType.objects.update_or_create(
            type_code=entry.type_code,
            defaults={
                "name": entry.name,
                "defining_authority": entry.defining_authority,
                "holder_kind": entry.holder_kind,
                "validity_years": entry.validity_years,
                "face_schema": entry.face,
                "layout": entry.layout,
            },
        )
        license_type.items.set(BaseItem.objects.filter(base_code__in=entry.base_codes))
    notes.append(f"{len(TYPES)} license types")
    return notes
