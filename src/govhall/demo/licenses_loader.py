"""Demo electronic licenses: seals of the 开阳县 departments that issue licenses in the demo,
the license types their grants issue, and the licence library's stock (存量) the demo's
instant approvals read — 开阳县双流镇黄梅副食店's business licence (safe to run again).

Type codes are the defining ministry's credit code and a 3-digit number: 国家市场监督管理总局
(11100000MB0341032Y); the 民政部 and 国家卫生健康委员会 codes here are made with valid check
characters for the demo.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from govhall.catalog.models import BaseItem
from govhall.core.identifiers import build_credit_code
from govhall.core.models import Department
from govhall.licenses.models import HolderCodeType, License, LicenseOrigin, LicenseType, Seal
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.services.seals import seal_create

SEAL_VALID_FROM = datetime.date(2026, 1, 1)
SEAL_VALID_UNTIL = datetime.date(2030, 12, 31)
SEALS = {
    "ky-amr": "开阳县市场监督管理局行政审批专用章",
    "ky-ca": "开阳县民政局行政审批专用章",
    "ky-health": "开阳县卫生健康局行政审批专用章",
}
SAMR = "11100000MB0341032Y"
MCA = build_credit_code(area="100000", organisation="00001302")
NHC = build_credit_code(area="100000", organisation="00001303")
#: The licence types the demo's review rules read (``license_<type code>``).
BUSINESS_LICENSE = f"{SAMR}002"
OLD_AGE_ALLOWANCE = f"{MCA}025"
SENIOR_CITIZEN_CARD = f"{NHC}021"


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
    DemoType(
        "营业执照",
        BUSINESS_LICENSE,
        "国家市场监督管理总局",
        "organization",
        None,
        (),  # registrations are outside the demo's cases: the stock below is imported
        {
            "fields": [
                {"name": "name", "type": "text", "label": "名称", "required": True},
                {"name": "entity_type", "type": "text", "label": "类型", "required": True},
                {"name": "operator", "type": "text", "label": "经营者"},
                {"name": "organization_form", "type": "text", "label": "组成形式"},
                {"name": "premises", "type": "text", "label": "经营场所"},
                {"name": "business_scope", "type": "textarea", "label": "经营范围"},
                {"name": "registered_on", "type": "date", "label": "注册日期"},
            ]
        },
    ),
    DemoType(
        "高龄补贴领取证",
        OLD_AGE_ALLOWANCE,
        "中华人民共和国民政部",
        "person",
        None,
        ("000552501000",),
        {
            "fields": [
                {"name": "household_address", "type": "text", "label": "户籍地址"},
                {
                    "name": "payment_method",
                    "type": "choice",
                    "label": "发放方式",
                    "choices": [
                        {"value": "social_security_card", "label": "社会保障卡"},
                        {"value": "bank_account", "label": "本人银行账户"},
                    ],
                },
                {"name": "bank_name", "type": "text", "label": "开户银行"},
            ]
        },
        layout="card",
    ),
    DemoType(
        "老年人优待证",
        SENIOR_CITIZEN_CARD,
        "国家卫生健康委员会（全国老龄工作委员会办公室）",
        "person",
        None,
        ("002152101000",),
        {
            "fields": [
                {"name": "current_address", "type": "text", "label": "现居住地址"},
                {"name": "emergency_contact", "type": "text", "label": "紧急联系人"},
                {"name": "emergency_mobile", "type": "mobile", "label": "紧急联系人电话"},
            ]
        },
        layout="card",
    ),
)


@dataclass(frozen=True, slots=True)
class DemoStock:
    """A licence issued before govhall, entered as stock (存量入库) by its issuer."""

    type_code: str
    issuer: str  # key in departments.yaml
    holder: Holder
    number: str
    issued_on: datetime.date
    face: dict[str, Any]


STOCK = (
    DemoStock(
        BUSINESS_LICENSE,
        "ky-amr",
        Holder("开阳县双流镇黄梅副食店", "92520121608712348Q", HolderCodeType.CREDIT_CODE),
        "92520121608712348Q",
        datetime.date(2019, 6, 18),
        {
            "name": "开阳县双流镇黄梅副食店",
            "entity_type": "个体工商户",
            "operator": "黄梅",
            "organization_form": "个人经营",
            "premises": "贵州省贵阳市开阳县双流镇双永村大寨组",
            "business_scope": "预包装食品销售（不含冷藏冷冻食品）；日用百货、文具用品零售",
            "registered_on": "2019-06-18",
        },
    ),
)


def _stock(departments: dict[str, Department]) -> list[str]:
    notes = []
    for entry in STOCK:
        issuer = departments.get(entry.issuer)
        license_type = LicenseType.objects.get(type_code=entry.type_code)
        if (
            issuer is None
            or License.objects.filter(license_type=license_type, number=entry.number).exists()
        ):
            continue
        license_issue(
            license_type=license_type,
            issuer=issuer,
            holder=entry.holder,
            face=entry.face,
            actor=None,
            number=entry.number,
            issued_on=entry.issued_on,
            validity=(entry.issued_on, None),
            signed_on=timezone.localdate(),
            origin=LicenseOrigin.IMPORT,
        )
        notes.append(f"stock license: {license_type.name} of {entry.holder.name}")
    return notes


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
    notes.extend(_stock(departments))
    return notes
