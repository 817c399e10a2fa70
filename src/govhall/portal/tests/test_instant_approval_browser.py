"""Instant approval (秒批) seen by the citizen in a real browser (Playwright driving Debian's
chromium against the live server).

高龄补贴 of 开阳县民政局 is set up as the demo has it: its application form, its licence type
(高龄补贴领取证, card layout), the bureau's seal and published review rules. 张建国
(82, registered in 开阳县, identity verified) signs in, opens the guide, applies online and
lands on his case page: approved at once, each review standard met, each piece of data with
its source, and the 高龄补贴领取证 issued — which he opens in his wallet. 王德明, the day before
his 80th birthday, is told which standard he does not meet. Screenshots go to
test-results/screenshots/ (``GOVHALL_SCREENSHOTS=/tmp`` puts them at /tmp/shots_instant_*.png).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from govhall.cases.models import Case
from govhall.cases.rules_inputs import license_input_name
from govhall.cases.tests.conftest import at  # noqa: F401 - fixture
from govhall.catalog.models import ItemVersion, MaterialSource
from govhall.catalog.services.items import (
    BaseItemInput,
    base_item_create,
    handling_item_create,
    implementation_create,
)
from govhall.catalog.services.versions import (
    MaterialInput,
    item_version_create,
    item_version_publish,
    item_version_submit,
)
from govhall.catalog.tests.conftest import guide
from govhall.conftest import SCREENSHOTS
from govhall.core.identifiers import build_credit_code
from govhall.identity.models import Person
from govhall.identity.services import person_register
from govhall.identity.services.assurance import person_verify_with_population_source
from govhall.licenses.models import License, LicenseType
from govhall.licenses.services.seals import seal_create
from govhall.rules.builder import SimpleInput, SimpleRule, SimpleTable, dmn_from_simple
from govhall.rules.services import rule_set_publish, rule_set_save

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "Kaiyang-2026-secure"
TIMEOUT_MS = 15_000
#: 民政部's code as the demo makes it (valid check characters), and the allowance's licence.
ALLOWANCE_LICENSE = build_credit_code(area="100000", organisation="00001302") + "025"
#: The demo's application form of 高龄补贴 (forms.yaml).
ALLOWANCE_FORM = {
    "fields": [
        {"name": "elder_name", "type": "text", "label": "老年人姓名", "required": True},
        {"name": "elder_id_number", "type": "id_number", "label": "老年人公民身份号码"},
        {"name": "household_address", "type": "text", "label": "户籍地址", "required": True},
        {
            "name": "payment_method",
            "type": "choice",
            "label": "发放方式",
            "required": True,
            "choices": [
                {"value": "social_security_card", "label": "社会保障卡"},
                {"value": "bank_account", "label": "本人银行账户"},
            ],
        },
        {
            "name": "bank_name",
            "type": "text",
            "label": "开户银行",
            "required": True,
            "visible_if": {"field": "payment_method", "equals": "bank_account"},
        },
        {"name": "contact_mobile", "type": "mobile", "label": "联系电话", "required": True},
        {
            "name": "promise",
            "type": "boolean",
            "label": "本人承诺未在其他地方领取高龄补贴",
            "required": True,
        },
    ]
}
#: The demo's review standards of 高龄补贴 (demo/rules_loader.py).
ALLOWANCE_RULES = SimpleTable(
    "old_age_allowance",
    "高龄补贴审查标准",
    "COLLECT",
    [
        SimpleInput("age", "年龄（周岁）", "integer"),
        SimpleInput("residence_county", "户籍地（县级代码）", "string"),
        SimpleInput("alive", "生存状态（在世）", "boolean"),
        SimpleInput(license_input_name(ALLOWANCE_LICENSE), "已持有高龄补贴领取证", "boolean"),
    ],
    [
        SimpleRule(
            [">= 80", '"520121"', "True", "False"],
            "approve",
            "年满80周岁、具有本县户籍且未领取高龄补贴，符合发放条件",
            "符合高龄补贴全部发放条件",
        ),
        SimpleRule(["< 80", "", "", ""], "refuse", "未满80周岁", "年满80周岁"),
        SimpleRule(["", '!= "520121"', "", ""], "refuse", "非本县户籍", "具有开阳县户籍"),
        SimpleRule(["", "", "", "True"], "refuse", "已领取高龄补贴", "未领取过高龄补贴"),
        SimpleRule(
            ["", "", "False", ""], "manual", "人口库记载老年人已死亡，需人工核实", "人口库记载在世"
        ),
    ],
)


@pytest.fixture
def allowance(department: Any, region: Any) -> ItemVersion:
    """高龄补贴 at 开阳县民政局 as the demo has it: its form, its licence (高龄补贴领取证, a card
    issued on grant, face fields from the form), the bureau's seal and published review rules
    with instant approval."""
    civil_affairs = department("520121", "开阳县民政局")
    base = base_item_create(
        actor=None,
        data=BaseItemInput(
            base_code="000552501000",
            name="高龄补贴发放",
            item_type_code="05",
            item_list="power",
            competent_department="民政部",
            authority_nature="statutory",
            legal_basis="《中华人民共和国老年人权益保障法》第三十三条",
            domain="village",
            for_persons=True,
            synonyms=["高龄津贴"],
        ),
    )
    implementation = implementation_create(
        actor=None,
        base_item=base,
        department=civil_affairs,
        region=region("520121"),
        level="county",
    )
    item = handling_item_create(
        actor=None, implementation=implementation, kind="new", name="高龄补贴申请（含“免申即享”）"
    )
    version = item_version_create(
        actor=None,
        handling_item=item,
        guide=guide(
            conditions="1. 年满80周岁；2. 具有本县户籍。",
            application_form=ALLOWANCE_FORM,
            materials=[
                MaterialInput(
                    name="高龄补贴申请表",
                    form="original",
                    source=MaterialSource.APPLICANT,
                    is_required=False,
                ),
                MaterialInput(
                    name="老年人居民身份证或户口簿",
                    form="electronic",
                    source=MaterialSource.SHARED_DATA,
                    waivable_if_verified_online=True,
                ),
            ],
        ),
    )
    item_version_submit(actor=None, version=version)
    version = item_version_publish(actor=None, version=version)
    seal_create(
        department=civil_affairs,
        name="开阳县民政局行政审批专用章",
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2030, 12, 31),
        actor=None,
    )
    license_type = LicenseType.objects.create(
        name="高龄补贴领取证",
        type_code=ALLOWANCE_LICENSE,
        defining_authority="中华人民共和国民政部",
        holder_kind="person",
        validity_years=None,
        layout="card",
        face_schema={
            "fields": [
                {"name": "household_address", "type": "text", "label": "户籍地址"},
                {
                    "name": "payment_method",
                    "type": "choice",
                    "label": "发放方式",
                    "choices": ALLOWANCE_FORM["fields"][3]["choices"],
                },
            ]
        },
    )
    license_type.items.add(base)
    draft = rule_set_save(
        version=version, dmn=dmn_from_simple(ALLOWANCE_RULES), actor=None, instant_approval=True
    )
    rule_set_publish(rule_set=draft, actor=None)
    return ItemVersion.objects.select_related("handling_item__implementation").get(pk=version.pk)


def _citizen(name: str, id_number: str, mobile: str) -> Person:
    """A registered citizen whose identity the population source verified (L2)."""
    person = person_register(name=name, id_number=id_number, mobile=mobile, password=PASSWORD)
    person_verify_with_population_source(person=person, actor=person.user)
    person.refresh_from_db()
    return person


def _page(chromium: Any) -> Any:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"shots_instant_{name}.png"), full_page=True)


def _apply(page: Any, base: str, version: ItemVersion, mobile: str, form: dict[str, str]) -> str:
    """Sign in from the guide, apply online and submit; the case number landed on."""
    guide = f"/items/{version.handling_item.implementation.implementation_code}/"
    page.goto(f"{base}/account/sign-in/?next={guide}")
    page.fill("#id_pw-identifier", mobile)
    page.fill("#id_pw-password", PASSWORD)
    page.press("#id_pw-password", "Enter")
    page.wait_for_url(f"{base}{guide}")
    with page.expect_navigation():
        page.locator(f'a[href="/apply/{version.uuid}/"]').click()
    for name, value in form.items():
        page.fill(f"#id_f_{name}", value)
    page.select_option("#id_f_payment_method", "social_security_card")
    page.check("#id_f_promise")
    # Let the form's as-you-type check (htmx) finish before the page is posted.
    page.locator("#id_f_contact_mobile").blur()
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.click('button[value="submit"]')
    match = re.search(r"/my/cases/(\d+)/$", page.url)
    assert match is not None, page.url
    return match.group(1)


def test_a_citizen_is_approved_and_sees_the_licence_at_once(
    live_server: Any, chromium: Any, allowance: ItemVersion
) -> None:
    _citizen("张建国", "522522194403151231", "13985011234")
    page = _page(chromium)
    base = live_server.url
    number = _apply(
        page,
        base,
        allowance,
        "13985011234",
        {
            "elder_name": "张建国",
            "elder_id_number": "522522194403151231",
            "household_address": "贵州省贵阳市开阳县双流镇双永村",
            "contact_mobile": "13985011234",
        },
    )
    assert Case.objects.get(number=number).state == "closed"
    license = License.objects.get(case_number=number)

    panel = page.locator("#automatic-decision")
    assert (panel.get_attribute("data-outcome"), panel.get_attribute("data-decided")) == (
        "approve",
        "true",
    )
    shown = panel.locator(f'.decision__license[data-identifier="{license.identifier}"]')
    assert shown.locator("strong").inner_text() == "高龄补贴领取证"
    assert license.number in shown.inner_text()
    assert "开阳县民政局" in shown.inner_text()
    standards = panel.locator(".standard--met").all_inner_texts()
    assert any("年满80周岁" in s for s in standards), standards
    assert panel.locator(".standard--unmet").count() == 0
    data = panel.locator(".decision__inputs").inner_text()
    assert "82" in data and "520121（开阳县）" in data
    _shoot(page, "1-case-approved-390")

    with page.expect_navigation():
        shown.locator(f'a[href="/my/licenses/#license-{license.identifier}"]').click()
    card = page.locator(f'section[id="license-{license.identifier}"]')
    assert card.locator("h2").inner_text() == "高龄补贴领取证"
    assert card.locator(".state--valid").count() == 1
    assert number in card.inner_text()
    _shoot(page, "2-wallet-390")
    page.context.close()


def test_the_day_before_the_80th_birthday_the_failing_standard_is_shown(
    live_server: Any,
    chromium: Any,
    allowance: ItemVersion,
    at: Any,  # noqa: F811
) -> None:
    _citizen("王德明", "522522194611293154", "13985013456")
    page = _page(chromium)
    with at(2026, 11, 28, 10):
        number = _apply(
            page,
            live_server.url,
            allowance,
            "13985013456",
            {
                "elder_name": "王德明",
                "elder_id_number": "522522194611293154",
                "household_address": "贵州省贵阳市开阳县双流镇用沙村",
                "contact_mobile": "13985013456",
            },
        )
    assert Case.objects.get(number=number).state == "closed"
    assert not License.objects.filter(case_number=number).exists()
    panel = page.locator("#automatic-decision")
    assert panel.get_attribute("data-outcome") == "refuse"
    assert "未满80周岁" in panel.locator(".decision__summary").inner_text()
    unmet = panel.locator(".standard--unmet").all_inner_texts()
    assert any("年满80周岁" in s and "未满80周岁" in s for s in unmet), unmet
    assert panel.locator(".decision__license").count() == 0
    _shoot(page, "3-case-refused-390")
    page.context.close()
