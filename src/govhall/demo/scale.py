"""Synthetic catalog at province scale, for benchmarks (``govhall demo-scale``).

Why this exists: search, the guide page and the API must stay fast with a real province's
catalog (about 100,000 implementation items over 88 counties), and the demo data of
:mod:`govhall.demo.loader` holds a few dozen. This module writes as many synthetic but
realistic items as asked: each has one handling item and one PUBLISHED guide version with
2-4 materials, spread over every county-level region of Guizhou and over synthetic
departments (one per county per sector, with valid unified social credit codes).

Why it bypasses the catalog services: the services validate and audit every single item
(one hash-chained audit record each, under a lock on the chain head), which is right for
real data and far too slow for 100,000 rows. Here rows are written with ``bulk_create`` in
batches of :data:`BATCH_SIZE` inside one transaction per batch, and the run leaves ONE
summary audit record. The invariants the services enforce are kept by construction instead:
12-digit base codes of origin ``52`` whose type digits match the item type, unique main and
sub-item numbers, uniform elements copied from the base item, 实施编码 = credit code + level
code + base code, a promised limit at most half the legal one, ``has_published_guide`` set
as the version services set it on publication, and search tokens computed
with :func:`govhall.core.search.index_tokens` from exactly the texts
:func:`govhall.catalog.services.items.implementation_reindex` uses. On SQLite the FTS5
triggers of migration ``catalog.0004`` index the bulk inserts; on PostgreSQL the GIN
expression index does.

Why the rows are marked: synthetic data must never pass for a real catalog. Synthetic
departments carry :data:`SYNTHETIC_DEPARTMENT_SUFFIX` in their name, synthetic base items
(and the uniform elements copied from them) carry :data:`SYNTHETIC_LEGAL_MARK` at the start of
their legal basis and use main item numbers from :data:`SYNTHETIC_MAIN_FIRST` up. That is how
:func:`demo_scale_purge` deletes them and nothing else.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from govhall.catalog.models import (
    LEVEL_CODES,
    BaseItem,
    CaseKind,
    DeliveryMethod,
    Domain,
    HandlingItem,
    HandlingKind,
    Implementation,
    ItemList,
    ItemType,
    ItemVersion,
    MaterialForm,
    MaterialRequirement,
    MaterialSource,
    OnlineHandling,
    PowerSource,
    ResultKind,
    Theme,
    VersionState,
)
from govhall.catalog.revision import catalog_changed
from govhall.core.audit import audit_record_create
from govhall.core.identifiers import build_credit_code
from govhall.core.models import AuthorityNature, Department, Region, RegionLevel
from govhall.core.search import index_tokens

#: Rows per ``bulk_create`` round and per transaction.
BATCH_SIZE = 2_000
#: Ends the name of every synthetic department ("开阳县民政局（压测）").
SYNTHETIC_DEPARTMENT_SUFFIX = "（压测）"
#: Starts the legal basis of every synthetic base item and of the implementations copied from it.
SYNTHETIC_LEGAL_MARK = "【压测合成数据，非真实事项】"
#: First main item number of synthetic base codes; real items use lower numbers.
SYNTHETIC_MAIN_FIRST = 90_001
#: First main item number of the synthetic copies of well-known items (低保, 社保卡 ...).
FLAGSHIP_MAIN_FIRST = 98_001
#: Organisation-code prefix of synthetic credit codes (GB 11714 body: "99" + county + sector).
SYNTHETIC_ORG_PREFIX = "99"
DEFAULT_SEED = 20_260_925
COUNTY_LEVEL = RegionLevel.COUNTY
PROVINCE_PREFIX = "52"


@dataclass(frozen=True, slots=True)
class Action:
    """What is done with an industry: ``{行业}{许可}`` and its sub-item ``{行业}{许可延续}``."""

    word: str
    item_type: str
    sub_name: str  # template of the sub-item name, ``{x}`` is the industry
    sub_kind: str
    result_name: str  # template of the result
    result_kind: str


ACTIONS: tuple[Action, ...] = (
    Action("许可", "01", "{x}许可延续", HandlingKind.RENEW, "{x}许可证", ResultKind.LICENSE),
    Action("备案", "20", "{x}备案变更", HandlingKind.CHANGE, "{x}备案回执", ResultKind.OTHER),
    Action("登记", "07", "{x}注销登记", HandlingKind.CANCEL, "{x}登记证明", ResultKind.OTHER),
    Action("补贴", "05", "{x}补贴发放", HandlingKind.OTHER, "{x}补贴发放通知", ResultKind.OTHER),
    Action(
        "认定",
        "07",
        "{x}认定复核",
        HandlingKind.OTHER,
        "{x}认定决定书",
        ResultKind.APPROVAL_DOCUMENT,
    ),
)

#: Words of the handling item name for each kind ("食品生产许可（新办）").
KIND_WORDS = {
    HandlingKind.NEW: "新办",
    HandlingKind.CHANGE: "变更",
    HandlingKind.RENEW: "延续",
    HandlingKind.CANCEL: "注销",
}


@dataclass(frozen=True, slots=True)
class Flagship:
    """A well-known item people search for by name, implemented in every county."""

    name: str
    item_type: str
    synonyms: tuple[str, ...] = ()
    kind: str = HandlingKind.NEW
    result_name: str = ""


@dataclass(frozen=True, slots=True)
class Sector:
    """One kind of county department, with the vocabulary of the items it implements."""

    department: str
    short_name: str
    competent_department: str
    domain: str
    theme_keys: tuple[str, ...]
    for_persons: bool
    for_organizations: bool
    law: str
    industries: str  # space-separated words, so the vocabulary reads as prose
    materials: tuple[str, ...]
    flagships: tuple[Flagship, ...] = ()


SECTORS: tuple[Sector, ...] = (
    Sector(
        department="市场监督管理局",
        short_name="市场监管局",
        competent_department="市场监督管理部门",
        domain=Domain.PRODUCTION_OPERATION,
        theme_keys=("enterprise_permits",),
        for_persons=False,
        for_organizations=True,
        law="《中华人民共和国食品安全法》《市场主体登记管理条例》",
        industries=(
            "食品经营 食品生产 餐饮服务 食品小作坊 药品零售 医疗器械经营 "
            "化妆品生产 特种设备使用 计量器具制造 工业产品生产 认证机构 "
            "检验检测机构 广告发布 网络交易平台 直销企业 农民专业合作社 "
            "电梯维护保养 锅炉安装 气瓶充装 眼镜验配 保健食品经营 "
            "食用农产品批发 商品条码 商标代理 小餐饮"
        ),
        materials=("营业执照", "经营场所使用证明", "主要设备设施清单", "食品安全管理制度"),
        flagships=(
            Flagship(
                "企业设立登记", "07", ("营业执照", "公司注册", "开公司"), result_name="营业执照"
            ),
            Flagship("个体工商户设立登记", "07", ("营业执照", "个体户"), result_name="营业执照"),
            Flagship("营业执照遗失补领", "07", ("营业执照补办",), HandlingKind.OTHER, "营业执照"),
            Flagship("企业注销登记", "07", ("公司注销",), HandlingKind.CANCEL),
        ),
    ),
    Sector(
        department="人力资源和社会保障局",
        short_name="人社局",
        competent_department="人力资源社会保障部门",
        domain=Domain.EMPLOYMENT,
        theme_keys=("employment", "staffing"),
        for_persons=True,
        for_organizations=True,
        law="《中华人民共和国就业促进法》《中华人民共和国社会保险法》",
        industries=(
            "职业培训机构 人力资源服务机构 劳务派遣 技工学校 职业技能等级 "
            "创业孵化基地 灵活就业人员 高校毕业生 就业见习基地 公益性岗位 "
            "企业年金 工伤保险 失业保险 城乡居民养老保险 企业职工养老保险 "
            "特殊工时制度 劳动用工 农民工工资保证金 职业介绍机构 技能人才 "
            "返乡创业 稳岗返还 就业困难人员 零就业家庭 专业技术人员"
        ),
        materials=("居民身份证", "劳动合同", "社会保险缴费证明", "银行账户信息"),
        flagships=(
            Flagship("社会保障卡申领", "21", ("社保卡", "社会保障卡"), result_name="社会保障卡"),
            Flagship("社会保障卡挂失", "21", ("社保卡挂失",), HandlingKind.OTHER),
            Flagship("失业保险金申领", "05", ("失业金",)),
            Flagship("城乡居民基本养老保险参保登记", "21", ("城乡居民养老保险", "参保")),
            Flagship("就业创业证申领", "21", ("就业失业登记证",), result_name="就业创业证"),
        ),
    ),
    Sector(
        department="民政局",
        short_name="民政局",
        competent_department="民政部门",
        domain=Domain.SOCIAL_SECURITY,
        theme_keys=("social_assistance", "elderly"),
        for_persons=True,
        for_organizations=False,
        law="《社会救助暂行办法》《贵州省最低生活保障条例》",
        industries=(
            "养老机构 社会团体 民办非企业单位 基金会 慈善组织 殡葬服务机构 "
            "公益性公墓 经营性公墓 社区养老服务站 居家养老服务 儿童福利机构 "
            "未成年人救助保护机构 流浪乞讨人员救助 困境儿童 孤儿 农村留守儿童 "
            "特困人员 临时救助 残疾人 老年人 社会工作服务机构 志愿服务组织 "
            "地名命名 婚姻家庭辅导 慈善信托"
        ),
        materials=("居民身份证", "户口簿", "家庭收入情况声明", "家庭财产情况声明"),
        flagships=(
            Flagship("最低生活保障申请", "05", ("低保", "最低生活保障")),
            Flagship("最低生活保障变更", "05", ("低保变更",), HandlingKind.CHANGE),
            Flagship("特困人员救助供养申请", "05", ("五保", "特困供养")),
            Flagship("高龄补贴申领", "05", ("高龄津贴", "老年人补贴")),
            Flagship("困难残疾人生活补贴和重度残疾人护理补贴申请", "05", ("残疾人两项补贴",)),
            Flagship("内地居民结婚登记", "07", ("结婚证", "领证"), result_name="结婚证"),
            Flagship("内地居民离婚登记", "07", ("离婚证",), result_name="离婚证"),
        ),
    ),
    Sector(
        department="住房和城乡建设局",
        short_name="住建局",
        competent_department="住房城乡建设部门",
        domain=Domain.HOUSING_SECURITY,
        theme_keys=("housing", "investment_construction"),
        for_persons=True,
        for_organizations=True,
        law="《中华人民共和国建筑法》《公共租赁住房管理办法》",
        industries=(
            "建筑施工 建筑业企业 房地产开发企业 物业服务 商品房预售 "
            "城镇燃气经营 燃气燃烧器具安装 建筑起重机械 施工图审查 工程监理 "
            "工程造价咨询 建设工程消防设计 城市道路占用 城市绿地 建筑垃圾处置 "
            "市政设施 房屋租赁 农村危房改造 历史建筑 建筑节能 装配式建筑 "
            "城镇排水 招标代理 房屋建筑工程 二手房交易"
        ),
        materials=("建设工程规划许可证", "施工合同", "房屋权属证明", "工程质量安全承诺书"),
        flagships=(
            Flagship("公共租赁住房申请", "21", ("公租房", "廉租房")),
            Flagship("公共租赁住房租赁补贴申请", "05", ("公租房补贴", "租房补贴")),
            Flagship("建筑业企业资质核准", "01", ("建筑资质", "施工资质"), result_name="资质证书"),
            Flagship("建筑工程施工许可证核发", "01", ("施工许可",), result_name="施工许可证"),
            Flagship("商品房预售许可证核发", "01", ("预售证",), result_name="商品房预售许可证"),
        ),
    ),
    Sector(
        department="卫生健康局",
        short_name="卫健局",
        competent_department="卫生健康部门",
        domain=Domain.MEDICAL_CARE,
        theme_keys=("medical", "birth"),
        for_persons=True,
        for_organizations=True,
        law="《中华人民共和国基本医疗卫生与健康促进法》《医疗机构管理条例》",
        industries=(
            "医疗机构 诊所 中医诊所 母婴保健技术服务 放射诊疗 消毒产品生产 "
            "公共场所卫生 生活饮用水供水单位 职业健康检查机构 护士执业 "
            "乡村医生执业 医疗美容 互联网医院 计划生育家庭 独生子女家庭 "
            "托育机构 医养结合机构 健康体检机构 临床检验实验室 "
            "医学影像诊断中心 血液透析中心 家庭医生签约 预防接种单位 二次供水 "
            "病媒生物防制"
        ),
        materials=("医疗机构执业许可证", "执业人员资格证书", "房屋平面布局图", "设备清单"),
        flagships=(
            Flagship("医师执业注册", "01", ("医师执业证",), result_name="医师执业证书"),
            Flagship("护士执业注册", "01", ("护士执业证",), result_name="护士执业证书"),
            Flagship("医疗机构执业登记", "01", ("医疗机构执业许可证",)),
            Flagship("出生医学证明签发", "21", ("出生证", "出生证明"), result_name="出生医学证明"),
        ),
    ),
    Sector(
        department="教育局",
        short_name="教育局",
        competent_department="教育行政部门",
        domain=Domain.EDUCATION,
        theme_keys=("education",),
        for_persons=True,
        for_organizations=True,
        law="《中华人民共和国教育法》《中华人民共和国民办教育促进法》",
        industries=(
            "民办学校 幼儿园 校外培训机构 中小学 学前教育 义务教育 "
            "中等职业学校 家庭经济困难学生 学生资助 教师培训 学籍 特殊教育 "
            "普通高中 民办幼儿园 托管机构 校车使用 营养改善计划 研学实践基地 "
            "教育培训机构 普惠性幼儿园 随迁子女入学 体育运动学校 青少年宫 "
            "少数民族预科 乡村教师"
        ),
        materials=("居民身份证", "学历证书", "户口簿", "办学场所证明"),
        flagships=(
            Flagship("教师资格认定", "07", ("教师资格证", "教资"), result_name="教师资格证书"),
            Flagship("义务教育阶段学生入学", "21", ("小学入学", "初中入学", "上学")),
            Flagship("家庭经济困难学生资助申请", "05", ("助学金", "学生资助")),
        ),
    ),
    Sector(
        department="公安局",
        short_name="公安局",
        competent_department="公安机关",
        domain=Domain.HOUSEHOLD_REGISTRATION,
        theme_keys=("household", "identity_documents"),
        for_persons=True,
        for_organizations=False,
        law="《中华人民共和国户口登记条例》《中华人民共和国居民身份证法》",
        industries=(
            "户籍 居住证 临时身份证 犬只 旅馆业 印章刻制业 典当业 公章刻制 "
            "保安服务公司 大型群众性活动 烟花爆竹运输 剧毒化学品购买 "
            "易制爆危险化学品 民用爆炸物品 开锁业 二手车交易 出租房屋 "
            "流动人口 公共娱乐场所 金融机构营业场所 机动车 非机动车 "
            "互联网上网服务营业场所 废旧金属收购 寄递企业"
        ),
        materials=("居民身份证", "户口簿", "居住证明", "近期免冠照片"),
        flagships=(
            Flagship("户口迁移登记", "07", ("迁户口", "户口迁入", "户口迁出")),
            Flagship("出生登记", "07", ("新生儿落户", "上户口", "新生儿入户")),
            Flagship("居民身份证申领", "07", ("身份证", "办身份证"), result_name="居民身份证"),
            Flagship("居住证申领", "07", ("暂住证",), result_name="居住证"),
        ),
    ),
    Sector(
        department="交通运输局",
        short_name="交通运输局",
        competent_department="交通运输部门",
        domain=Domain.PRODUCTION_OPERATION,
        theme_keys=("enterprise_permits",),
        for_persons=True,
        for_organizations=True,
        law="《中华人民共和国道路运输条例》《贵州省道路运输条例》",
        industries=(
            "道路运输 道路旅客运输 道路货物运输 危险货物运输 出租汽车经营 "
            "网络预约出租汽车 机动车驾驶员培训 机动车维修 客运站 货运站 "
            "公路超限运输 水路运输 船舶 港口经营 公路建设项目 农村客运 "
            "城市公共汽车 汽车租赁 道路运输从业人员 巡游出租汽车 公路路政 "
            "跨越公路设施 国际道路运输 内河航道 交通建设工程"
        ),
        materials=("营业执照", "车辆行驶证", "从业人员资格证", "安全生产管理制度"),
        flagships=(
            Flagship("道路运输证配发", "01", ("营运证",), result_name="道路运输证"),
            Flagship("网络预约出租汽车驾驶员证核发", "01", ("网约车驾驶员证", "网约车")),
        ),
    ),
)

#: Materials every kind of item may ask for.
COMMON_MATERIALS = ("申请表", "授权委托书", "申请人身份证明", "承诺书", "相关证明材料")
LEGAL_LIMITS = (5, 10, 15, 20, 30)
PROCESS = ("申请", "受理", "审查", "决定", "送达")
OFFICE_HOURS = "周一至周五 上午9:00-12:00，下午13:00-17:00（法定节假日除外）"


@dataclass(frozen=True, slots=True)
class BaseSpec:
    """One synthetic base item, before it is written."""

    index: int
    sector: int
    base_code: str
    name: str
    item_type: str
    main_code: str | None  # the main item of a sub-item
    synonyms: tuple[str, ...]
    handling_kind: str
    result_name: str
    result_kind: str
    is_flagship: bool


@dataclass(slots=True)
class ScaleReport:
    departments: int = 0
    base_items: int = 0
    implementations: int = 0
    materials: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PurgeReport:
    implementations: int = 0
    base_items: int = 0
    departments: int = 0
    seconds: float = 0.0


Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    """The default progress sink (tests do not want output)."""


def base_specs() -> list[BaseSpec]:
    """Every synthetic base item, in a fixed order (so codes never change between runs).

    Per sector: each industry × each action gives a main item and one sub-item (about 2,000),
    then the sector's well-known items, numbered from :data:`FLAGSHIP_MAIN_FIRST`.
    """
    specs: list[BaseSpec] = []
    seen: set[str] = set()
    main_number = SYNTHETIC_MAIN_FIRST
    flagship_number = FLAGSHIP_MAIN_FIRST
    for sector_index, sector in enumerate(SECTORS):
        flagship_names = {flagship.name for flagship in sector.flagships}
        for industry in sector.industries.split():
            for action in ACTIONS:
                name = f"{industry}{action.word}"
                if name in seen or name in flagship_names:
                    continue
                main_code = f"{PROVINCE_PREFIX}{action.item_type}{main_number:05d}000"
                main_number += 1
                result = action.result_name.format(x=industry)
                sub_name = action.sub_name.format(x=industry)
                for code, item_name, main, kind in (
                    (main_code, name, None, HandlingKind.NEW),
                    (f"{main_code[:9]}001", sub_name, main_code, action.sub_kind),
                ):
                    specs.append(
                        BaseSpec(
                            index=len(specs),
                            sector=sector_index,
                            base_code=code,
                            name=item_name,
                            item_type=action.item_type,
                            main_code=main,
                            synonyms=(),
                            handling_kind=kind,
                            result_name=result,
                            result_kind=action.result_kind,
                            is_flagship=False,
                        )
                    )
                seen.update((name, sub_name))
        for flagship in sector.flagships:
            code = f"{PROVINCE_PREFIX}{flagship.item_type}{flagship_number:05d}000"
            flagship_number += 1
            specs.append(
                BaseSpec(
                    index=len(specs),
                    sector=sector_index,
                    base_code=code,
                    name=flagship.name,
                    item_type=flagship.item_type,
                    main_code=None,
                    synonyms=flagship.synonyms,
                    handling_kind=flagship.kind,
                    result_name=flagship.result_name,
                    result_kind=ResultKind.LICENSE if flagship.result_name else ResultKind.OTHER,
                    is_flagship=True,
                )
            )
            seen.add(flagship.name)
    return specs


def synthetic_credit_code(area: str, county_index: int, sector_index: int) -> str:
    """A valid unified social credit code (GB 32100) for a synthetic county department.

    Authority ``1`` and kind ``1`` (an organ registered by 编办), the county's area code and an
    organisation code ``99`` + county + sector that real registrations do not use here.
    """
    return build_credit_code(
        area=area, organisation=f"{SYNTHETIC_ORG_PREFIX}{county_index:03d}{sector_index:03d}"
    )


def synthetic_departments() -> Any:
    """The synthetic departments (a queryset)."""
    return Department.objects.filter(name__endswith=SYNTHETIC_DEPARTMENT_SUFFIX)


def synthetic_base_items() -> Any:
    """The synthetic base items (a queryset)."""
    return BaseItem.objects.filter(
        legal_basis__startswith=SYNTHETIC_LEGAL_MARK,
        base_code__startswith=PROVINCE_PREFIX,
    )


def _counties() -> list[Region]:
    return list(
        Region.objects.filter(level=COUNTY_LEVEL, code__startswith=PROVINCE_PREFIX, is_current=True)
        .select_related("parent")
        .order_by("code")
    )


def _ensure_departments(counties: Sequence[Region], report: ScaleReport) -> list[list[Department]]:
    """Departments by [county][sector], created when missing; a clash with real data stops."""
    wanted: dict[str, tuple[int, int]] = {}
    for county_index, county in enumerate(counties):
        for sector_index in range(len(SECTORS)):
            code = synthetic_credit_code(county.short_code, county_index, sector_index)
            wanted[code] = (county_index, sector_index)
    existing = {d.credit_code: d for d in Department.objects.filter(credit_code__in=list(wanted))}
    for code, department in existing.items():
        if not department.name.endswith(SYNTHETIC_DEPARTMENT_SUFFIX):
            raise ValueError(f"credit code {code} belongs to a real department: {department.name}")
    new: list[Department] = []
    for code, (county_index, sector_index) in wanted.items():
        if code in existing:
            continue
        county, sector = counties[county_index], SECTORS[sector_index]
        city = county.parent.name if county.parent else ""
        new.append(
            Department(
                name=f"{county.name}{sector.department}{SYNTHETIC_DEPARTMENT_SUFFIX}",
                short_name=f"{county.name}{sector.short_name}",
                credit_code=code,
                region=county,
                level=COUNTY_LEVEL,
                nature=AuthorityNature.STATUTORY,
                hall_address=(
                    f"{city}{county.name}政务服务中心{sector_index + 1}楼{sector.short_name}窗口"
                ),
                office_hours=OFFICE_HOURS,
                phone=f"0851-8{county_index:03d}{sector_index:02d}10",
                supervision_phone="0851-12345",
            )
        )
    Department.objects.bulk_create(new, batch_size=BATCH_SIZE)
    report.departments = len(new)
    by_code = {
        d.credit_code: d
        for d in Department.objects.filter(credit_code__in=list(wanted)).select_related("region")
    }
    grid: list[list[Department]] = [[] for _ in counties]
    for code, (county_index, _sector_index) in wanted.items():
        grid[county_index].append(by_code[code])
    return grid


def _ensure_base_items(specs: Sequence[BaseSpec], report: ScaleReport) -> list[BaseItem]:
    """Base items in ``specs`` order, created when missing; a clash with a real code stops."""
    codes = [spec.base_code for spec in specs]
    existing = {b.base_code: b for b in BaseItem.objects.filter(base_code__in=codes)}
    for code, base in existing.items():
        if not base.legal_basis.startswith(SYNTHETIC_LEGAL_MARK):
            raise ValueError(f"base code {code} belongs to a real item: {base.name}")
    item_types = {t.code: t for t in ItemType.objects.all()}
    themes_by_key = {t.key: t for t in Theme.objects.all()}
    created: list[BaseItem] = []
    # Main items first, so sub-items can point at them.
    for is_sub in (False, True):
        batch: list[BaseItem] = []
        for spec in specs:
            if spec.base_code in existing or (spec.main_code is not None) != is_sub:
                continue
            sector = SECTORS[spec.sector]
            batch.append(
                BaseItem(
                    base_code=spec.base_code,
                    name=spec.name,
                    item_type=item_types[spec.item_type],
                    item_list=ItemList.PUBLIC_SERVICE if spec.item_type == "21" else ItemList.POWER,
                    domain=sector.domain,
                    competent_department=sector.competent_department,
                    authority_nature=AuthorityNature.STATUTORY,
                    legal_basis=f"{SYNTHETIC_LEGAL_MARK}{sector.law}",
                    parent=existing.get(spec.main_code) if spec.main_code else None,
                    for_persons=sector.for_persons,
                    for_organizations=sector.for_organizations,
                    synonyms="\n".join(spec.synonyms),
                )
            )
        BaseItem.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        existing.update({b.base_code: b for b in batch})
        created += batch
    links = []
    through = BaseItem.themes.through
    sector_of = {spec.base_code: SECTORS[spec.sector] for spec in specs}
    for base in created:
        for key in sector_of[base.base_code].theme_keys:
            if key in themes_by_key:
                links.append(through(baseitem_id=base.pk, theme_id=themes_by_key[key].pk))
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    report.base_items = len(created)
    return [existing[code] for code in codes]


def _theme_names(bases: Sequence[BaseItem]) -> dict[int, list[str]]:
    """Theme names per base item, in the order ``base.themes.values_list`` returns them."""
    names: dict[int, list[str]] = {base.pk: [] for base in bases}
    rows = (
        BaseItem.themes.through.objects.filter(baseitem_id__in=list(names))
        .order_by("theme__audience", "theme__order", "theme_id")
        .values_list("baseitem_id", "theme__name")
    )
    for base_id, theme_name in rows.iterator(chunk_size=BATCH_SIZE):
        names[base_id].append(theme_name)
    return names


def handling_name(spec: BaseSpec) -> str:
    """The handling item's name: the item name and, for new/change/renew/cancel, the kind."""
    word = KIND_WORDS.get(HandlingKind(spec.handling_kind))
    return f"{spec.name}（{word}）" if word else spec.name


def _token_list(*texts: str) -> list[str]:
    tokens = index_tokens(*texts)
    return tokens.split(" ") if tokens else []


def plan(specs: Sequence[BaseSpec], county_count: int, seed: int) -> Iterator[tuple[int, int]]:
    """(county, base item) pairs in a seeded order: well-known items first, then the rest.

    Each pair names one implementation (the county's department of the item's sector), so
    the order covers every county evenly and is the same on every run with the same seed.
    """
    # Seeded, reproducible spread of synthetic rows; nothing secret depends on it.
    rng = random.Random(seed)  # noqa: S311
    flagships = [spec.index for spec in specs if spec.is_flagship]
    others = [spec.index for spec in specs if not spec.is_flagship]
    for pool in (flagships, others):
        keys = [county * len(specs) + spec for county in range(county_count) for spec in pool]
        rng.shuffle(keys)
        for key in keys:
            yield divmod(key, len(specs))


@dataclass(slots=True)
class _Context:
    """What every batch needs: the specs, rows and cached tokens."""

    specs: list[BaseSpec]
    bases: list[BaseItem]
    counties: list[Region]
    departments: list[list[Department]]
    base_tokens: list[list[str]]
    department_tokens: dict[int, list[str]]
    rng: random.Random
    now: datetime.datetime


def _implementation(ctx: _Context, county_index: int, spec: BaseSpec) -> Implementation:
    base = ctx.bases[spec.index]
    department = ctx.departments[county_index][spec.sector]
    county = ctx.counties[county_index]
    tokens = dict.fromkeys([*ctx.base_tokens[spec.index], *ctx.department_tokens[department.pk]])
    return Implementation(
        base_item=base,
        implementation_code=(
            f"{department.credit_code}{LEVEL_CODES[COUNTY_LEVEL]}{base.base_code}"
        ),
        department=department,
        level=COUNTY_LEVEL,
        region=county,
        name=base.name,
        base_code=base.base_code,
        item_type_id=base.item_type_id,
        competent_department=base.competent_department,
        authority_nature=base.authority_nature,
        legal_basis=base.legal_basis,
        power_source=PowerSource.STATUTORY,
        search_tokens=" ".join(tokens),
        # The flag the version services keep; every synthetic item gets a published guide.
        has_published_guide=True,
    )


def _version(ctx: _Context, handling: HandlingItem, spec: BaseSpec) -> ItemVersion:
    rng = ctx.rng
    sector = SECTORS[spec.sector]
    department = handling.implementation.department
    instant = rng.random() < 0.2
    legal = rng.choice(LEGAL_LIMITS)
    promised = 0 if instant else rng.randint(1, legal // 2)
    online = rng.choice((OnlineHandling.FULL, OnlineHandling.FULL, OnlineHandling.PREREVIEW))
    return ItemVersion(
        handling_item=handling,
        number=1,
        state=VersionState.PUBLISHED,
        case_kind=CaseKind.INSTANT if instant else CaseKind.PROMISED,
        legal_limit_days=legal,
        promised_limit_days=promised,
        conditions=f"申请人符合{sector.law}规定的{spec.name}条件，申请材料齐全、符合法定形式。",
        process_steps=[{"name": step, "description": ""} for step in PROCESS],
        visits=0 if online == OnlineHandling.FULL else 1,
        online_handling=online,
        result_name=spec.result_name,
        result_kind=spec.result_kind,
        delivery_methods=[DeliveryMethod.ELECTRONIC, DeliveryMethod.WINDOW],
        address=department.hall_address,
        office_hours=OFFICE_HOURS,
        consultation=f"咨询电话：{department.phone}",
        supervision=f"监督电话：{department.supervision_phone}",
        service_commitment="一次告知、限时办结。",
        published_at=ctx.now,
    )


def _materials(ctx: _Context, version: ItemVersion, spec: BaseSpec) -> list[MaterialRequirement]:
    rng = ctx.rng
    pool = (*SECTORS[spec.sector].materials, *COMMON_MATERIALS)
    names = ["申请表", *rng.sample([n for n in pool if n != "申请表"], rng.randint(1, 3))]
    materials = []
    for order, name in enumerate(names, start=1):
        shared = name in {"营业执照", "居民身份证", "户口簿", "申请人身份证明"}
        materials.append(
            MaterialRequirement(
                version=version,
                order=order,
                name=name,
                form=MaterialForm.COPY if shared else MaterialForm.ORIGINAL,
                count=1,
                paper_size="A4",
                signature_required=order == 1,
                source=MaterialSource.SHARED_DATA if shared else MaterialSource.APPLICANT,
                waivable_if_verified_online=shared,
            )
        )
    return materials


def _write_batch(ctx: _Context, pairs: Sequence[tuple[int, int]]) -> int:
    """Write implementations, handling items, versions and materials for ``pairs``."""
    with transaction.atomic():
        implementations = [_implementation(ctx, county, ctx.specs[spec]) for county, spec in pairs]
        Implementation.objects.bulk_create(implementations, batch_size=BATCH_SIZE)
        handling_items = [
            HandlingItem(
                implementation=implementation,
                handling_code=f"{implementation.implementation_code}01",
                kind=ctx.specs[spec].handling_kind,
                name=handling_name(ctx.specs[spec]),
            )
            for implementation, (_county, spec) in zip(implementations, pairs, strict=True)
        ]
        HandlingItem.objects.bulk_create(handling_items, batch_size=BATCH_SIZE)
        versions = [
            _version(ctx, handling, ctx.specs[spec])
            for handling, (_county, spec) in zip(handling_items, pairs, strict=True)
        ]
        ItemVersion.objects.bulk_create(versions, batch_size=BATCH_SIZE)
        materials = [
            material
            for version, (_county, spec) in zip(versions, pairs, strict=True)
            for material in _materials(ctx, version, ctx.specs[spec])
        ]
        MaterialRequirement.objects.bulk_create(materials, batch_size=BATCH_SIZE)
    return len(materials)


def _existing_pairs(ctx: _Context) -> set[tuple[int, int]]:
    """(county, spec) pairs already written by an earlier run."""
    county_of = {
        department.pk: county_index
        for county_index, row in enumerate(ctx.departments)
        for department in row
    }
    spec_of = {base.pk: index for index, base in enumerate(ctx.bases)}
    rows = Implementation.objects.filter(department_id__in=list(county_of)).values_list(
        "department_id", "base_item_id"
    )
    return {
        (county_of[department_id], spec_of[base_id])
        for department_id, base_id in rows.iterator(chunk_size=10_000)
        if base_id in spec_of
    }


def demo_scale(*, items: int, seed: int = DEFAULT_SEED, progress: Progress = _quiet) -> ScaleReport:
    """Add ``items`` synthetic implementation items (fewer if every pair is taken)."""
    if items < 0:
        raise ValueError("items must be zero or more")
    began = time.perf_counter()
    report = ScaleReport()
    counties = _counties()
    if not counties:
        raise ValueError("no county-level regions: run `govhall migrate` first")
    specs = base_specs()
    with transaction.atomic():
        departments = _ensure_departments(counties, report)
        bases = _ensure_base_items(specs, report)
    themes = _theme_names(bases)
    base_tokens = [
        _token_list(base.name, base.name, *base.synonym_list, handling_name(spec), *themes[base.pk])
        for spec, base in zip(specs, bases, strict=True)
    ]
    department_tokens = {
        department.pk: _token_list(department.name, department.short_name, department.region.name)
        for row in departments
        for department in row
    }
    ctx = _Context(
        specs=specs,
        bases=bases,
        counties=counties,
        departments=departments,
        base_tokens=base_tokens,
        department_tokens=department_tokens,
        rng=random.Random(seed + 1),  # noqa: S311 - reproducible guide details, not secrets
        now=timezone.now(),
    )
    taken = _existing_pairs(ctx)
    progress(
        f"{len(counties)} counties, {sum(len(r) for r in departments)} departments "
        f"(+{report.departments}), {len(bases)} base items (+{report.base_items}); "
        f"{len(taken)} synthetic items exist, adding {items}"
    )
    batch: list[tuple[int, int]] = []
    for pair in plan(specs, len(counties), seed):
        if report.implementations + len(batch) >= items:
            break
        if pair in taken:
            continue
        batch.append(pair)
        if len(batch) == BATCH_SIZE:
            report.materials += _write_batch(ctx, batch)
            report.implementations += len(batch)
            batch = []
            elapsed = time.perf_counter() - began
            progress(f"  {report.implementations:>7,} / {items:,} items  {elapsed:6.1f} s")
    if batch:
        report.materials += _write_batch(ctx, batch)
        report.implementations += len(batch)
    if report.implementations < items:
        report.notes.append(
            f"only {report.implementations} new items: every (county, base item) pair is taken"
        )
    catalog_changed()
    audit_record_create(
        actor=None,
        action="demo.scale.generate",
        object_type="demo_scale",
        object_id=f"seed:{seed}",
        data={"implementations": report.implementations, "departments": report.departments},
    )
    _optimize()
    report.seconds = time.perf_counter() - began
    return report


def _optimize() -> None:
    """Refresh the planner's statistics after a bulk load, as an operator would.

    Why: SQLite has no autovacuum; without ``ANALYZE`` its planner guesses row counts and may
    pick a scan over the FTS lookup. PostgreSQL's autovacuum would analyze within a minute.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _chunks(values: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def demo_scale_purge(*, progress: Progress = _quiet) -> PurgeReport:
    """Delete the synthetic rows, and only them, child tables first, in batches.

    A synthetic implementation is one of a synthetic department; base items and departments
    go once no implementation uses them (real data never points at synthetic base items,
    but an editor could have attached a real implementation to one: it is then kept).
    """
    began = time.perf_counter()
    report = PurgeReport()
    departments = list(synthetic_departments().values_list("pk", flat=True))
    ids = list(
        Implementation.objects.filter(department_id__in=departments)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for chunk in _chunks(ids, BATCH_SIZE):
        with transaction.atomic():
            versions = ItemVersion.objects.filter(handling_item__implementation_id__in=chunk)
            MaterialRequirement.objects.filter(version__in=versions).delete()
            versions.delete()
            HandlingItem.objects.filter(implementation_id__in=chunk).delete()
            Implementation.objects.filter(pk__in=chunk).delete()
        report.implementations += len(chunk)
        progress(f"  {report.implementations:>7,} / {len(ids):,} items deleted")
    with transaction.atomic():
        unused = list(
            synthetic_base_items()
            .annotate(uses=Count("implementations"))
            .filter(uses=0)
            .values_list("pk", flat=True)
        )
        # Sub-items first: they point at their main items.
        for subs_only in (True, False):
            rows = BaseItem.objects.filter(pk__in=unused)
            if subs_only:
                rows = rows.filter(parent__isnull=False)
            report.base_items += rows.delete()[1].get("catalog.BaseItem", 0)
        idle = list(
            synthetic_departments()
            .annotate(uses=Count("implementations"))
            .filter(uses=0)
            .values_list("pk", flat=True)
        )
        deleted = Department.objects.filter(pk__in=idle).delete()[1]
        report.departments = deleted.get("core.Department", 0)
        catalog_changed()
        audit_record_create(
            actor=None,
            action="demo.scale.purge",
            object_type="demo_scale",
            object_id="synthetic",
            data={"implementations": report.implementations},
        )
    report.seconds = time.perf_counter() - began
    return report
