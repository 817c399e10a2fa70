"""The columns of the catalog workbook: one definition drives export, import and the readme.

Header cells hold the English key alone, because keys are stable and machine-readable while
labels get reworded; the ``说明 readme`` sheet explains every key in Chinese. A header cell may
carry a label before its key (``名称 name``): only the last word counts, so staff can annotate
headers without breaking an import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise

from govhall.catalog.models import (
    Audience,
    CaseKind,
    DeliveryMethod,
    Domain,
    HandlingKind,
    ItemList,
    LimitUnit,
    MaterialForm,
    MaterialSource,
    OnlineHandling,
    ResultKind,
)
from govhall.core.models import AuthorityNature, RegionLevel

Choices = Sequence[tuple[str, str | Promise]]


class Kind(StrEnum):
    """How a cell is read and written."""

    TEXT = "text"
    CODE = "code"  # text, upper-cased; a number typed by Excel gets its leading zeros back
    INTEGER = "integer"
    BOOLEAN = "boolean"
    CHOICE = "choice"  # one allowed value
    CHOICES = "choices"  # allowed values separated by commas
    LIST = "list"  # free texts separated by |


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key, Chinese label for the readme, and how its cells are read."""

    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: Choices = ()
    max_length: int | None = None
    width: int = 0  # CODE: pad numeric cells to this many digits with leading zeros
    note: str = ""
    blank: str = ""  # CHOICE: the value of a blank optional cell (the model field's default)

    @property
    def values(self) -> list[str]:
        return [value for value, _label in self.choices]

    @property
    def default(self) -> Any:
        """The value of a blank optional cell."""
        if self.kind in (Kind.CHOICES, Kind.LIST):
            return []
        if self.kind == Kind.INTEGER:
            return 0
        if self.kind == Kind.BOOLEAN:
            return False
        return self.blank


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """One sheet: ``key`` is what errors name (``items!E12``), ``title`` what Excel shows."""

    key: str
    title: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]


# The four columns that name a handling item and link the three sheets.
BASE_CODE = Column(
    "base_code",
    "基本编码",
    Kind.CODE,
    required=True,
    width=12,
    note="12 位数字；旧版许可编码（XK+8 位数字）导入时自动转换为 52 开头的基本编码。",
)
CREDIT_CODE = Column(
    "department_credit_code",
    "实施机关统一社会信用代码",
    Kind.CODE,
    required=True,
    note="18 位，须为本系统已登记的部门。",
)
REGION_CODE = Column(
    "region_code",
    "行政区划代码",
    Kind.CODE,
    required=True,
    note="12 位统计用区划代码；6 位县级代码自动补零。",
)
HANDLING_KIND = Column(
    "handling_kind",
    "业务办理项类型",
    Kind.CHOICE,
    required=True,
    choices=HandlingKind.choices,
)
KEY_COLUMNS = (BASE_CODE, CREDIT_CODE, REGION_CODE, HANDLING_KIND)
KEY_NOTE = "基本编码 + 统一社会信用代码 + 行政区划代码 + 业务办理项类型 指向“事项”表中的一行。"

ITEMS = SheetSpec(
    "items",
    "事项 items",
    (
        BASE_CODE,
        Column("name", "事项名称", required=True, max_length=200),
        Column(
            "item_type",
            "事项类型",
            Kind.CODE,
            required=True,
            width=2,
            note="两位事项类型代码，如 01 行政许可、21 公共服务。",
        ),
        Column("item_list", "所属清单", Kind.CHOICE, required=True, choices=ItemList.choices),
        Column("domain", "领域", Kind.CHOICE, choices=Domain.choices),
        Column("competent_department", "主管部门", required=True, max_length=100),
        Column(
            "authority_nature",
            "实施主体性质",
            Kind.CHOICE,
            required=True,
            choices=AuthorityNature.choices,
        ),
        Column("legal_basis", "设定依据", required=True),
        Column(
            "service_objects",
            "服务对象",
            Kind.CHOICES,
            required=True,
            choices=Audience.choices,
            note="person（自然人）、organization（法人），多个用逗号分隔。",
        ),
        Column("synonyms", "近义词与简称", Kind.LIST, note="多个用 | 分隔，如 低保|最低生活保障。"),
        CREDIT_CODE,
        Column(
            "level",
            "行使层级",
            Kind.CHOICE,
            required=True,
            choices=RegionLevel.choices,
            note="须与行政区划的层级一致。",
        ),
        REGION_CODE,
        HANDLING_KIND,
        Column("handling_name", "业务办理项名称", required=True, max_length=200),
        Column("case_kind", "办件类型", Kind.CHOICE, required=True, choices=CaseKind.choices),
        Column("legal_limit_days", "法定办结时限", Kind.INTEGER, required=True),
        Column(
            "legal_limit_unit",
            "法定时限单位",
            Kind.CHOICE,
            choices=LimitUnit.choices,
            blank=LimitUnit.WORKING_DAY,
            note="留空为工作日。",
        ),
        Column("legal_limit_note", "法定时限说明"),
        Column(
            "promised_limit_days",
            "承诺办结时限",
            Kind.INTEGER,
            required=True,
            note="不超过法定时限的一半，否则须填写超时理由；即办件为 0。",
        ),
        Column("promised_limit_note", "承诺时限说明"),
        Column("promised_waiver_reason", "承诺时限超过法定时限一半的理由"),
        Column("conditions", "受理条件", required=True),
        Column("visits", "到办事现场次数", Kind.INTEGER, note="0 至 2。"),
        Column(
            "online_handling",
            "网上办理深度",
            Kind.CHOICE,
            required=True,
            choices=OnlineHandling.choices,
        ),
        Column("fee_charged", "是否收费", Kind.BOOLEAN, note="是/否（TRUE/FALSE）。"),
        Column("fee_basis", "收费依据"),
        Column("fee_standard", "收费标准", note="收费事项必填。"),
        Column("result_name", "审批结果名称", max_length=200),
        Column(
            "result_kind",
            "审批结果类型",
            Kind.CHOICE,
            choices=ResultKind.choices,
            blank=ResultKind.OTHER,
            note="留空为 other。",
        ),
        Column(
            "delivery_methods",
            "结果送达方式",
            Kind.CHOICES,
            choices=DeliveryMethod.choices,
            note="多个用逗号分隔。",
        ),
        Column("address", "办理地点", max_length=300),
        Column("office_hours", "办理时间", max_length=200),
        Column("consultation", "咨询方式"),
        Column("supervision", "监督投诉方式"),
        Column("service_commitment", "服务承诺"),
    ),
)

MATERIALS = SheetSpec(
    "materials",
    "材料 materials",
    (
        *KEY_COLUMNS,
        Column("order", "序号", Kind.INTEGER, note="材料按序号排列；留空则按行的先后。"),
        Column("name", "材料名称", required=True, max_length=200),
        Column("legal_basis", "材料依据"),
        Column("form", "材料形式", Kind.CHOICE, required=True, choices=MaterialForm.choices),
        Column("count", "份数", Kind.INTEGER, required=True),
        Column("paper_size", "纸张规格", max_length=20),
        Column("signature_required", "是否需要签字", Kind.BOOLEAN),
        Column("seal_required", "是否需要盖章", Kind.BOOLEAN),
        Column("source", "来源渠道", Kind.CHOICE, required=True, choices=MaterialSource.choices),
        Column("waivable_if_verified_online", "可在线核验免提交", Kind.BOOLEAN),
        Column("is_required", "是否必要", Kind.BOOLEAN),
        Column("is_essential", "是否核心材料（非核心材料可容缺受理）", Kind.BOOLEAN),
        Column("note", "备注"),
    ),
)

PROCESSES = SheetSpec(
    "processes",
    "流程 processes",
    (
        *KEY_COLUMNS,
        Column("order", "序号", Kind.INTEGER, note="环节按序号排列；留空则按行的先后。"),
        Column("name", "环节名称", required=True),
        Column("description", "环节说明"),
    ),
)

SHEETS = (ITEMS, MATERIALS, PROCESSES)
README_TITLE = "说明 readme"

#: Items columns that are fields of the guide (GuideInput), compared to detect a change.
GUIDE_KEYS = tuple(ITEMS.keys[ITEMS.keys.index("case_kind") :])
#: Material columns copied to MaterialInput.
MATERIAL_KEYS = tuple(key for key in MATERIALS.keys[len(KEY_COLUMNS) :] if key != "order")
#: Base-item columns; the first five of UNIFORM_ELEMENTS may not differ from the stored item.
BASE_KEYS = tuple(ITEMS.keys[: ITEMS.keys.index("department_credit_code")])
UNIFORM_KEYS = ("name", "item_type", "competent_department", "authority_nature", "legal_basis")


def readme_rows() -> list[list[str]]:
    """One row per column of every sheet, in Chinese, for the ``说明 readme`` sheet."""
    rows = [["sheet", "key", "名称", "必填", "说明"]]
    for spec in SHEETS:
        for column in spec.columns:
            note = column.note
            if column.choices:
                allowed = "；".join(f"{value}（{label}）" for value, label in column.choices)
                note = f"{note} 可选值：{allowed}".strip()
            if spec is not ITEMS and column in KEY_COLUMNS:
                note = f"{note} {KEY_NOTE}".strip()
            rows.append(
                [spec.title, column.key, column.label, "是" if column.required else "", note]
            )
    return rows
