"""The demo's instant approvals (秒批): loading publishes review rules with instant approval on
three items of 开阳县 — 高龄补贴, 老年人优待证 and 仅销售预包装食品备案 — and an application is
decided, its licence issued and the case closed within the submission: 张建国 (82) gets his
高龄补贴领取证 at once, and is refused a second one; 王德明 is refused the day before his 80th
birthday and approved on it; 黄梅's shop files with the business licence in the library, and
is refused once that licence is revoked."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from govhall.cases.models import AutomaticDecision, Case
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import PASSWORD, at, uploads_for  # noqa: F401 - fixture
from govhall.catalog.models import ItemVersion, VersionState
from govhall.demo.loader import demo_load
from govhall.demo.rules_loader import RULES_OFFICER
from govhall.identity.models import Organization, Person
from govhall.identity.selectors import person_find_by_id_number
from govhall.identity.services import person_register
from govhall.licenses.models import License
from govhall.licenses.services.lifecycle import license_change
from govhall.licenses.verification import license_verify
from govhall.rules.models import RuleSet, RuleSetState

pytestmark = pytest.mark.django_db

ALLOWANCE = ("高龄补贴申请（含“免申即享”）", "开阳县民政局")
SENIOR_CARD = ("老年人优待证申领（含电子优待证）", "开阳县卫生健康局")
FOOD_FILING = ("仅销售预包装食品备案", "开阳县市场监督管理局")
ZHANG_ID = "522522194403151231"


def _version(item: tuple[str, str]) -> ItemVersion:
    name, department = item
    return ItemVersion.objects.get(
        state=VersionState.PUBLISHED,
        handling_item__name=name,
        handling_item__implementation__department__name=department,
    )


def _allowance_form(name: str, id_number: str, address: str, mobile: str) -> dict[str, Any]:
    return {
        "elder_name": name,
        "elder_id_number": id_number,
        "household_address": address,
        "payment_method": "social_security_card",
        "contact_mobile": mobile,
        "promise": True,
    }


def _apply(
    item: tuple[str, str],
    person: Person,
    form: dict[str, Any],
    key: str,
    *,
    organization: Organization | None = None,
) -> Case:
    version = _version(item)
    principal_type = "organization" if organization is not None else "person"
    principal_uuid = organization.uuid if organization is not None else person.uuid
    case, _created = case_submit(
        actor=person.user,
        version_uuid=version.uuid,
        principal_type=principal_type,
        principal_uuid=principal_uuid,
        channel="web",
        form_data=form,
        idempotency_key=key,
        materials=uploads_for(
            version, person.user, principal_type=principal_type, principal_uuid=principal_uuid
        ),
    )
    return case


def _outcome(case: Case) -> tuple[str, str, list[str]]:
    decision = AutomaticDecision.objects.get(case=case)
    return case.state, decision.outcome, decision.evaluation["reasons"]


def test_loading_publishes_three_instant_approval_rule_sets() -> None:
    demo_load()
    published = RuleSet.objects.filter(state=RuleSetState.PUBLISHED).select_related(
        "version__handling_item__implementation__department", "published_by"
    )
    found = {
        (
            r.version.handling_item.name,
            r.version.handling_item.implementation.department.name,
        ): (r.name, r.revision, r.instant_approval, r.published_by.username, r.input_names)
        for r in published
    }
    assert found == {
        ALLOWANCE: (
            "高龄补贴审查标准",
            1,
            True,
            RULES_OFFICER[0],
            ["age", "alive", "license_111000000000130202025", "residence_county"],
        ),
        SENIOR_CARD: (
            "老年人优待证审查标准",
            1,
            True,
            RULES_OFFICER[0],
            ["age", "license_11100000000013039Y021", "residence_province"],
        ),
        FOOD_FILING: (
            "仅销售预包装食品备案审查标准",
            1,
            True,
            RULES_OFFICER[0],
            ["license_11100000MB0341032Y002", "org_active", "org_county"],
        ),
    }
    demo_load()
    assert RuleSet.objects.count() == 3


def test_zhang_jianguo_gets_the_old_age_allowance_and_its_licence_at_once() -> None:
    demo_load()
    zhang = person_find_by_id_number(ZHANG_ID)
    assert zhang is not None
    form = _allowance_form("张建国", ZHANG_ID, "贵州省贵阳市开阳县双流镇双永村", "13985011234")
    case = _apply(ALLOWANCE, zhang, form, "allowance-1")
    assert _outcome(case) == (
        "closed",
        "approve",
        ["年满80周岁、具有本县户籍且未领取高龄补贴，符合发放条件"],
    )
    license = License.objects.select_related("license_type", "issuer").get(case_number=case.number)
    assert (
        license.license_type.name,
        license.license_type.layout,
        license.holder_name,
        license.issuer.name,
        license.valid_until,
        license.face,
    ) == (
        "高龄补贴领取证",
        "card",
        "张建国",
        "开阳县民政局",
        None,
        {
            "household_address": "贵州省贵阳市开阳县双流镇双永村",
            "payment_method": "social_security_card",
        },
    )
    assert license_verify(license.identifier).current is True

    again = _apply(ALLOWANCE, zhang, form, "allowance-2")
    assert _outcome(again) == ("closed", "refuse", ["已领取高龄补贴"])
    assert not License.objects.filter(case_number=again.number).exists()


def test_wang_deming_is_refused_the_day_before_his_80th_birthday_and_approved_on_it(
    at: Any,  # noqa: F811
) -> None:
    demo_load()
    # 王德明 of 用沙村 has no account in the demo: he registers (born 1946-11-29).
    wang = person_register(
        name="王德明", id_number="522522194611293154", mobile="13985013456", password=PASSWORD
    )
    form = _allowance_form(
        "王德明", "522522194611293154", "贵州省贵阳市开阳县双流镇用沙村", "13985013456"
    )
    with at(2026, 11, 28, 9, 30):
        before = _apply(ALLOWANCE, wang, form, "wang-1")
    assert _outcome(before) == ("closed", "refuse", ["未满80周岁"])
    assert "未满80周岁" in before.actions.get(action="reject").opinion
    assert not License.objects.filter(case_number=before.number).exists()
    with at(2026, 11, 29, 9, 30):
        on_the_day = _apply(ALLOWANCE, wang, form, "wang-2")
    assert _outcome(on_the_day) == (
        "closed",
        "approve",
        ["年满80周岁、具有本县户籍且未领取高龄补贴，符合发放条件"],
    )
    facts = {f["name"]: f["value"] for f in on_the_day.automatic_decision.facts}
    assert facts["age"] == 80
    license = License.objects.get(case_number=on_the_day.number)
    assert (license.holder_name, license.issued_on) == ("王德明", datetime.date(2026, 11, 29))


def test_zhang_jianguo_gets_the_senior_citizen_card_at_once() -> None:
    demo_load()
    zhang = person_find_by_id_number(ZHANG_ID)
    assert zhang is not None
    form = {
        "elder_name": "张建国",
        "elder_id_number": ZHANG_ID,
        "current_address": "贵州省贵阳市开阳县双流镇双永村",
        "emergency_contact": "张小军（儿子）",
        "emergency_mobile": "13985017788",
    }
    case = _apply(SENIOR_CARD, zhang, form, "card-1")
    assert _outcome(case) == (
        "closed",
        "approve",
        ["年满60周岁、具有本省户籍且未持有有效的老年人优待证，予以发证"],
    )
    license = License.objects.select_related("license_type", "issuer").get(case_number=case.number)
    assert (license.license_type.name, license.license_type.layout, license.issuer.name) == (
        "老年人优待证",
        "card",
        "开阳县卫生健康局",
    )
    assert license.face == {
        "current_address": "贵州省贵阳市开阳县双流镇双永村",
        "emergency_contact": "张小军（儿子）",
        "emergency_mobile": "13985017788",
    }
    # 吴小燕 (born 2001) of 开阳县 is far from 60.
    wu = person_register(
        name="吴小燕", id_number="520121200106301625", mobile="18285016789", password=PASSWORD
    )
    young = _apply(SENIOR_CARD, wu, {**form, "elder_name": "吴小燕"}, "card-2")
    assert _outcome(young) == ("closed", "refuse", ["未满60周岁"])


def test_the_shop_files_with_its_business_licence_and_not_without() -> None:
    demo_load()
    huang = person_find_by_id_number("522522198804068429")
    assert huang is not None
    shop = Organization.objects.get(credit_code="92520121608712348Q")
    stock = License.objects.get(holder_name=shop.name, license_type__name="营业执照")
    assert (stock.origin, stock.valid_until, stock.issuer.name) == (
        "import",
        None,
        "开阳县市场监督管理局",
    )
    form = {
        "business_name": shop.name,
        "credit_code": shop.credit_code,
        "principal_name": "黄梅",
        "premises_address": "贵州省贵阳市开阳县双流镇双永村大寨组",
        "sells_chilled_frozen": False,
        "sells_online": False,
        "contact_mobile": "18798014567",
        "promise": True,
    }
    filed = _apply(FOOD_FILING, huang, form, "filing-1", organization=shop)
    assert _outcome(filed) == (
        "closed",
        "approve",
        ["持有有效营业执照、主体存续且在本县登记，予以备案"],
    )
    facts = {f["name"]: (f["value"], f["source"]) for f in filed.automatic_decision.facts}
    assert facts == {
        "license_11100000MB0341032Y002": (True, "license_library"),
        "org_active": (True, "legal_entity"),
        "org_county": ("520121", "legal_entity"),
    }
    license_change(license=stock, kind="revoke", reason="个体工商户已办理注销登记。", actor=None)
    refused = _apply(FOOD_FILING, huang, form, "filing-2", organization=shop)
    assert _outcome(refused) == ("closed", "refuse", ["未取得有效的营业执照"])
