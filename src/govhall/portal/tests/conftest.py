"""Builders for portal tests: a published 最低生活保障 guide in 开阳县 and a draft-only item.

Everything the catalog owns is made through its services, so the pages are tested against
data that passed the same rules as real data (codes, time limits, review and publication).
Regions, the item type and the department are plain rows; the migrations may already have
seeded the regions and item types, so those are ``update_or_create``d.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from stdnum.cn import uscc

from govhall.catalog.models import (
    BaseItem,
    HandlingItem,
    Implementation,
    ItemType,
    ItemVersion,
    MaterialRequirement,
    Theme,
)
from govhall.catalog.services.items import (
    BaseItemInput,
    base_item_create,
    handling_item_create,
    implementation_create,
)
from govhall.catalog.services.versions import (
    GuideInput,
    MaterialInput,
    ProcedureInput,
    item_version_create,
    item_version_publish,
    item_version_submit,
)
from govhall.core.identifiers import build_credit_code
from govhall.core.models import Department, Region
from govhall.licenses.tests.conftest import (  # noqa: F401 - fixtures of the license pages
    bureau,
    food_license_type,
    seal,
)

BLANK_FORM_NAME = "最低生活保障申请表.docx"
#: Not a real .docx: the download must hand back exactly the stored bytes, whatever they are.
BLANK_FORM_BYTES = b"PK\x03\x04govhall test blank form \x00\xff\xfe bytes"
#: A type outside pdf/doc/docx/xls/xlsx: it must be served as application/octet-stream.
SAMPLE_NAME = "身份证复印件样例.jpg"
SAMPLE_BYTES = b"\xff\xd8\xff\xe0 not really a jpeg"
HALL_ADDRESS = "开阳县政务服务中心一楼民政窗口"
HALL_HOURS = "工作日 9:00-12:00，14:00-17:30"


def credit_code(area: str, serial: int) -> str:
    """A valid unified social credit code: ``11`` + area + organisation code + check."""
    code = build_credit_code(area=area, organisation=f"{serial:08d}")
    assert uscc.is_valid(code)
    return code


@dataclass(frozen=True, slots=True)
class Places:
    province: Region
    prefecture: Region
    county: Region


@dataclass(frozen=True, slots=True)
class PublishedGuide:
    """The published 最低生活保障 implementation and the objects tests look at."""

    implementation: Implementation
    department: Department
    promised_item: HandlingItem
    instant_item: HandlingItem
    promised_version: ItemVersion
    material_with_form: MaterialRequirement
    material_without_form: MaterialRequirement


@dataclass(frozen=True, slots=True)
class DraftGuide:
    """临时救助 in the same county: its only version is a draft."""

    implementation: Implementation
    material: MaterialRequirement


@pytest.fixture
def places(db: Any) -> Places:
    province, _ = Region.objects.update_or_create(
        code="520000000000", defaults={"prefix": "52", "name": "贵州省", "level": "province"}
    )
    prefecture, _ = Region.objects.update_or_create(
        code="520100000000",
        defaults={"prefix": "5201", "name": "贵阳市", "level": "prefecture", "parent": province},
    )
    county, _ = Region.objects.update_or_create(
        code="520121000000",
        defaults={"prefix": "520121", "name": "开阳县", "level": "county", "parent": prefecture},
    )
    return Places(province, prefecture, county)


@pytest.fixture
def themes(db: Any) -> list[Theme]:
    """One "I want to..." theme for persons and one for organizations."""
    person, _ = Theme.objects.update_or_create(
        key="test-social-assistance",
        defaults={"name": "社会救助", "audience": "person", "order": 1},
    )
    organization, _ = Theme.objects.update_or_create(
        key="test-start-business",
        defaults={"name": "开办企业", "audience": "organization", "order": 1},
    )
    return [person, organization]


@pytest.fixture
def civil_affairs(places: Places) -> Department:
    """开阳县民政局, with the hall address and hours the guide falls back to."""
    return Department.objects.create(
        name="开阳县民政局",
        credit_code=credit_code("520121", 1234),
        region=places.county,
        level="county",
        hall_address=HALL_ADDRESS,
        office_hours=HALL_HOURS,
    )


def _base_item(
    *, base_code: str, name: str, synonyms: list[str], theme_keys: list[str]
) -> BaseItem:
    ItemType.objects.update_or_create(code="05", defaults={"name": "行政给付"})
    return base_item_create(
        actor=None,
        data=BaseItemInput(
            base_code=base_code,
            name=name,
            item_type_code="05",
            item_list="power",
            competent_department="民政部门",
            authority_nature="statutory",
            legal_basis="《社会救助暂行办法》第九条至第十三条",
            domain="social_security",
            for_persons=True,
            synonyms=synonyms,
            theme_keys=theme_keys,
        ),
    )


def _publish(version: ItemVersion) -> ItemVersion:
    item_version_submit(actor=None, version=version)
    return item_version_publish(actor=None, version=version)


@pytest.fixture
def published_guide(
    places: Places, themes: list[Theme], civil_affairs: Department
) -> PublishedGuide:
    """最低生活保障 (synonym 低保) in 开阳县: a promised handling item and an instant one."""
    base = _base_item(
        base_code="000500123000",
        name="最低生活保障",
        synonyms=["低保"],
        theme_keys=[themes[0].key],
    )
    implementation = implementation_create(
        actor=None, base_item=base, department=civil_affairs, region=places.county, level="county"
    )
    promised_item = handling_item_create(
        actor=None, implementation=implementation, kind="new", name="最低生活保障申请"
    )
    instant_item = handling_item_create(
        actor=None, implementation=implementation, kind="change", name="最低生活保障信息变更"
    )
    promised_version = item_version_create(
        actor=None,
        handling_item=promised_item,
        guide=GuideInput(
            case_kind="promised",
            legal_limit_days=30,
            legal_limit_note="入户调查时间不计算在内",
            promised_limit_days=15,
            conditions="持有本县户籍，家庭人均收入低于当地最低生活保障标准。",
            online_handling="prereview",
            process_steps=[
                {"name": "申请", "description": "向乡镇人民政府（街道办事处）提出书面申请"},
                {"name": "审核", "description": "入户调查、民主评议"},
                {"name": "审批", "description": "县民政局审批并公示"},
            ],
            visits=1,
            result_name="最低生活保障金领取证",
            result_kind="license",
            delivery_methods=["window", "electronic"],
            consultation="0851-87222222",
            supervision="12345政务服务便民热线",
            service_commitment="材料齐全的，15个工作日内办结。",
            faq=[{"question": "低保金什么时候发放？", "answer": "每月10日前发放到户。"}],
            materials=[
                MaterialInput(
                    name="最低生活保障申请表",
                    form="original",
                    source="applicant",
                    signature_required=True,
                    blank_form=(BLANK_FORM_NAME, BLANK_FORM_BYTES),
                ),
                MaterialInput(
                    name="居民身份证",
                    form="copy",
                    source="shared_data",
                    waivable_if_verified_online=True,
                    is_essential=False,
                    sample_form=(SAMPLE_NAME, SAMPLE_BYTES),
                ),
            ],
            special_procedures=[
                ProcedureInput(name="入户调查", days=10, legal_basis="《社会救助暂行办法》第十一条")
            ],
        ),
    )
    _publish(promised_version)
    instant_version = item_version_create(
        actor=None,
        handling_item=instant_item,
        guide=GuideInput(
            case_kind="instant",
            legal_limit_days=5,
            promised_limit_days=0,
            conditions="已享受最低生活保障的家庭，家庭信息发生变化。",
            online_handling="full",
            materials=[
                MaterialInput(name="家庭信息变更申请", form="electronic", source="applicant")
            ],
        ),
    )
    _publish(instant_version)
    materials = list(promised_version.materials.order_by("order"))
    return PublishedGuide(
        implementation=implementation,
        department=civil_affairs,
        promised_item=promised_item,
        instant_item=instant_item,
        promised_version=promised_version,
        material_with_form=materials[0],
        material_without_form=materials[1],
    )


@pytest.fixture
def draft_guide(places: Places, civil_affairs: Department) -> DraftGuide:
    """临时救助 whose only guide version is a draft, with a blank form on its material."""
    base = _base_item(base_code="000500124000", name="临时救助", synonyms=[], theme_keys=[])
    implementation = implementation_create(
        actor=None, base_item=base, department=civil_affairs, region=places.county, level="county"
    )
    item = handling_item_create(
        actor=None, implementation=implementation, kind="new", name="临时救助申请"
    )
    version = item_version_create(
        actor=None,
        handling_item=item,
        guide=GuideInput(
            case_kind="promised",
            legal_limit_days=10,
            promised_limit_days=5,
            conditions="遭遇突发困难的家庭。",
            online_handling="none",
            materials=[
                MaterialInput(
                    name="临时救助申请书",
                    form="original",
                    source="applicant",
                    blank_form=("临时救助申请书.pdf", b"%PDF-1.4 draft form"),
                )
            ],
        ),
    )
    return DraftGuide(implementation=implementation, material=version.materials.get())
