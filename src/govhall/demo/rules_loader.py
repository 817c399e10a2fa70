"""Demo review rules (智慧审批): a published decision table with instant approval (秒批) on three
items of 开阳县, so that an application is decided, its licence issued and the case closed
within the submission:

- 高龄补贴申请 (县民政局): 80 or older, registered in 开阳县, alive, no 高龄补贴领取证 yet;
- 老年人优待证申领 (县卫生健康局): 60 or older, registered in 贵州, no valid 老年人优待证;
- 仅销售预包装食品备案 (县市场监管局): a valid 营业执照 in the licence library, the business
  active (存续) in the legal-entity database and registered in the county.

Each table says, rule by rule, the standard it checks (the description) and what the applicant
is told when it fails (the reason). Tables are written and published through the rules services
by the demo's rule officer; a version that already has published rules is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from govhall.cases.rules_inputs import license_input_name
from govhall.catalog.models import ItemVersion, VersionState
from govhall.core.models import Department, Region
from govhall.demo.licenses_loader import (
    BUSINESS_LICENSE,
    OLD_AGE_ALLOWANCE,
    SENIOR_CITIZEN_CARD,
)
from govhall.identity.models import User
from govhall.identity.roles import role_group
from govhall.rules.builder import SimpleInput, SimpleRule, SimpleTable, dmn_from_simple
from govhall.rules.selectors import published_rule_set
from govhall.rules.services import rule_set_publish, rule_set_save

#: The demo's review-rule officer (审批规则管理员). Development only.
RULES_OFFICER = ("rules.kaiyang", "govhall-demo-2026", "李娟（县政务服务中心 审批规则管理员）")
KAIYANG = "520121"

OLD_AGE_ALLOWANCE_RULES = SimpleTable(
    "old_age_allowance",
    "高龄补贴审查标准",
    "COLLECT",
    [
        SimpleInput("age", "年龄（周岁）", "integer"),
        SimpleInput("residence_county", "户籍地（县级代码）", "string"),
        SimpleInput("alive", "生存状态（在世）", "boolean"),
        SimpleInput(license_input_name(OLD_AGE_ALLOWANCE), "已持有高龄补贴领取证", "boolean"),
    ],
    [
        SimpleRule(
            [">= 80", f'"{KAIYANG}"', "True", "False"],
            "approve",
            "年满80周岁、具有本县户籍且未领取高龄补贴，符合发放条件",
            "符合高龄补贴全部发放条件",
        ),
        SimpleRule(["< 80", "", "", ""], "refuse", "未满80周岁", "年满80周岁"),
        SimpleRule(["", f'!= "{KAIYANG}"', "", ""], "refuse", "非本县户籍", "具有开阳县户籍"),
        SimpleRule(["", "", "", "True"], "refuse", "已领取高龄补贴", "未领取过高龄补贴"),
        SimpleRule(
            ["", "", "False", ""],
            "manual",
            "人口库记载老年人已死亡，需人工核实",
            "人口库记载在世",
        ),
    ],
)

SENIOR_CITIZEN_CARD_RULES = SimpleTable(
    "senior_citizen_card",
    "老年人优待证审查标准",
    "COLLECT",
    [
        SimpleInput("age", "年龄（周岁）", "integer"),
        SimpleInput("residence_province", "户籍地（省级代码）", "string"),
        SimpleInput(license_input_name(SENIOR_CITIZEN_CARD), "持有有效的老年人优待证", "boolean"),
    ],
    [
        SimpleRule(
            [">= 60", '"52"', "False"],
            "approve",
            "年满60周岁、具有本省户籍且未持有有效的老年人优待证，予以发证",
            "符合老年人优待证全部申领条件",
        ),
        SimpleRule(["< 60", "", ""], "refuse", "未满60周岁", "年满60周岁"),
        # The guide also admits older people living here with a residence permit (居住证),
        # which no source tells the rules: a person checks it.
        SimpleRule(
            ["", '!= "52"', ""],
            "manual",
            "非本省户籍，需核验本地居住证",
            "具有贵州省户籍",
        ),
        SimpleRule(
            ["", "", "True"],
            "refuse",
            "已持有有效的老年人优待证",
            "未持有有效的老年人优待证",
        ),
    ],
)

FOOD_FILING_RULES = SimpleTable(
    "prepackaged_food_filing",
    "仅销售预包装食品备案审查标准",
    "COLLECT",
    [
        SimpleInput(license_input_name(BUSINESS_LICENSE), "持有有效的营业执照", "boolean"),
        SimpleInput("org_active", "主体存续", "boolean"),
        SimpleInput("org_county", "登记地（县级代码）", "string"),
    ],
    [
        SimpleRule(
            ["True", "True", f'"{KAIYANG}"'],
            "approve",
            "持有有效营业执照、主体存续且在本县登记，予以备案",
            "符合仅销售预包装食品备案全部条件",
        ),
        SimpleRule(["False", "", ""], "refuse", "未取得有效的营业执照", "持有有效的营业执照"),
        SimpleRule(
            ["", "False", ""],
            "refuse",
            "经营主体不在存续状态（已注销或被吊销）",
            "经营主体存续",
        ),
        SimpleRule(
            ["", "", f'!= "{KAIYANG}"'],
            "manual",
            "经营主体不在本县登记，需核实经营场所所在地",
            "经营主体在开阳县登记",
        ),
    ],
)


@dataclass(frozen=True, slots=True)
class DemoRules:
    department: str  # key in departments.yaml
    handling_item: str
    table: SimpleTable
    note: str


RULES = (
    DemoRules(
        "ky-ca",
        "高龄补贴申请（含“免申即享”）",
        OLD_AGE_ALLOWANCE_RULES,
        "年龄由公民身份号码计算，户籍地与生存状态取自人口库，已领取情况取自电子证照库。",
    ),
    DemoRules(
        "ky-health",
        "老年人优待证申领（含电子优待证）",
        SENIOR_CITIZEN_CARD_RULES,
        "年龄由公民身份号码计算，户籍地取自人口库，持证情况取自电子证照库。",
    ),
    DemoRules(
        "ky-amr",
        "仅销售预包装食品备案",
        FOOD_FILING_RULES,
        "营业执照取自电子证照库，主体状态与登记地取自法人库。",
    ),
)


def _officer(departments: dict[str, Department]) -> User:
    username, password, display_name = RULES_OFFICER
    officer = User.objects.filter(username=username).first()
    if officer is None:
        officer = User(
            username=username,
            display_name=display_name,
            is_staff=True,
            department=departments.get("ky-gov-service"),
            region=Region.objects.get(code=KAIYANG.ljust(12, "0")),
        )
        officer.set_password(password)
        officer.save()
        officer.groups.add(role_group("rules_officer"))
    return officer


def _version(department: Department, name: str) -> ItemVersion | None:
    return ItemVersion.objects.filter(
        state=VersionState.PUBLISHED,
        handling_item__name=name,
        handling_item__implementation__department=department,
    ).first()


def demo_rules_load(departments: dict[str, Department]) -> list[str]:
    """Publish the demo tables (instant approval on) where the item is loaded and has no
    published rules yet; safe to run again."""
    officer = _officer(departments)
    notes = [f"demo rule officer: {RULES_OFFICER[0]} / {RULES_OFFICER[1]} ({RULES_OFFICER[2]})"]
    for entry in RULES:
        department = departments.get(entry.department)
        version = _version(department, entry.handling_item) if department is not None else None
        if version is None or published_rule_set(version) is not None:
            continue
        draft = rule_set_save(
            version=version,
            dmn=dmn_from_simple(entry.table),
            actor=officer,
            instant_approval=True,
            note=entry.note,
        )
        rule_set_publish(rule_set=draft, actor=officer)
        notes.append(f"instant approval (秒批): {entry.handling_item} — {entry.table.name}")
    return notes


__all__ = ["RULES", "RULES_OFFICER", "demo_rules_load"]
