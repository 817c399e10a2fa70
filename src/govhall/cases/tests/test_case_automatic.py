"""Automatic review and instant approval on submission (智慧审批、秒批): the decision, its
record and replay, the 80th-birthday boundary, a data source that is down, the switch back
to manual review and spot-check sampling."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from govhall.cases.models import AutomaticDecision, Case, SpotCheck
from govhall.cases.services.automatic import RULES_USERNAME, decision_replay, rules_impact
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import PASSWORD, uploads_for
from govhall.catalog.models import ItemVersion
from govhall.core.models import AuditRecord
from govhall.identity.models import Person
from govhall.identity.services import person_register
from govhall.notifications.tests.conftest import delivered, sms_outbox  # noqa: F401
from govhall.rules.builder import SimpleInput, SimpleRule, SimpleTable, dmn_from_simple
from govhall.rules.models import RuleSet
from govhall.rules.services import automation_set, rule_set_publish, rule_set_save

pytestmark = pytest.mark.django_db

OLD_AGE = SimpleTable(
    "old_age_allowance",
    "高龄补贴审查标准",
    "COLLECT",
    [
        SimpleInput("age", "年龄（周岁）", "integer"),
        SimpleInput("residence_county", "户籍地（县级）", "string"),
        SimpleInput("form_household_size", "家庭人口", "integer"),
    ],
    [
        SimpleRule([">= 80", '"520121"', ""], "approve", "年满80周岁且具有本县户籍", "资格标准"),
        SimpleRule(["< 80", "", ""], "refuse", "未满80周岁", "年龄标准"),
        SimpleRule(["", '!= "520121"', ""], "refuse", "不具有本县户籍", "户籍标准"),
        SimpleRule(["", "", "> 6"], "manual", "家庭人口较多，需人工核实", "人口核实"),
    ],
)


def _rules(version: ItemVersion, actor: Any = None, *, instant: bool = True) -> RuleSet:
    rule_set = rule_set_save(
        version=version, dmn=dmn_from_simple(OLD_AGE), actor=actor, instant_approval=instant
    )
    return rule_set_publish(rule_set=rule_set, actor=actor)


def _person(name: str, id_number: str, mobile: str) -> Person:
    return person_register(name=name, id_number=id_number, mobile=mobile, password=PASSWORD)


def _submit(version: ItemVersion, person: Person, *, size: int = 2, key: str = "k") -> Case:
    case, _created = case_submit(
        actor=person.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="web",
        form_data={"household_size": size, "monthly_income": "800.00"},
        idempotency_key=key,
        materials=uploads_for(version, person.user),
    )
    return case


def test_an_instant_approval_decides_within_the_submission(version: Any, zhang: Any) -> None:
    rule_set = _rules(version)
    case = _submit(version, zhang)
    assert case.state == "closed"
    decision = AutomaticDecision.objects.get(case=case)
    assert (decision.outcome, decision.decided, decision.rule_set_id) == (
        "approve",
        True,
        rule_set.pk,
    )
    assert decision.actions == ["accept", "review", "approve", "deliver", "close"]
    log = list(case.actions.order_by("sequence").values_list("action", "role", "actor__username"))
    assert log == [
        ("submit", "applicant", zhang.user.username),
        ("accept", "rules", RULES_USERNAME),
        ("review", "rules", RULES_USERNAME),
        ("approve", "rules", RULES_USERNAME),
        ("deliver", "rules", RULES_USERNAME),
        ("close", "rules", RULES_USERNAME),
    ]
    facts = {f["name"]: (f["value"], f["source"], f["status"]) for f in decision.facts}
    assert facts == {
        "age": (82, "identity", "ok"),
        "residence_county": ("520121", "population", "ok"),
        "form_household_size": (2, "form", "ok"),
    }
    verdicts = [(v["row"], v["matched"], v["cells"]) for v in decision.evaluation["verdicts"]]
    assert verdicts == [
        (1, True, [True, True, None]),
        (2, False, [False, None, None]),
        (3, False, [None, False, None]),
        (4, False, [None, None, False]),
    ]
    assert (
        AuditRecord.objects.filter(object_id=case.number, action="cases.case.approve").count() == 1
    )


def test_replaying_a_stored_decision_gives_the_same_outcome(version: Any, zhang: Any) -> None:
    _rules(version)
    decision = AutomaticDecision.objects.get(case=_submit(version, zhang))
    assert decision_replay(decision).as_dict() == decision.evaluation


@pytest.mark.parametrize(
    ("day", "outcome", "state"),
    [((2026, 11, 28, 10), "refuse", "closed"), ((2026, 11, 29, 10), "approve", "closed")],
)
def test_the_day_before_and_the_day_of_the_80th_birthday(
    version: Any, at: Any, day: tuple[int, ...], outcome: str, state: str
) -> None:
    _rules(version)
    wang = _person("王德明", "522522194611293154", "13985013456")  # born 1946-11-29
    with at(*day):
        case = _submit(version, wang)
    decision = AutomaticDecision.objects.get(case=case)
    ages = {f["name"]: f["value"] for f in decision.facts}
    assert ages["age"] == (79 if outcome == "refuse" else 80)
    assert (decision.outcome, case.state) == (outcome, state)
    if outcome == "refuse":
        assert decision.evaluation["reasons"] == ["未满80周岁"]
        assert case.actions.get(action="reject").opinion.endswith(
            "未满80周岁."
        ) or "未满80周岁" in (case.actions.get(action="reject").opinion)


def test_a_data_source_that_is_down_routes_to_a_person(
    version: Any, zhang: Any, settings: Any
) -> None:
    _rules(version)
    settings.GOVHALL = {**settings.GOVHALL, "DEMO_SOURCE_DOWN": True}
    case = _submit(version, zhang)
    assert case.state == "submitted"
    decision = AutomaticDecision.objects.get(case=case)
    assert (decision.outcome, decision.decided, decision.actions) == ("manual", False, [])
    assert decision.evaluation["problems"][0]["name"] == "residence_county"
    assert decision.evaluation["problems"][0]["status"] == "unavailable"
    assert list(case.actions.values_list("action", flat=True)) == ["submit"]


def test_switched_back_to_manual_the_rules_only_advise(version: Any, zhang: Any) -> None:
    _rules(version)
    automation_set(
        item=version.handling_item, actor=None, manual_only=True, reason="规则复核期间暂停秒批"
    )
    case = _submit(version, zhang)
    decision = AutomaticDecision.objects.get(case=case)
    assert (case.state, decision.outcome, decision.decided) == ("submitted", "approve", False)


def test_rules_without_instant_approval_only_pre_review(version: Any, zhang: Any) -> None:
    _rules(version, instant=False)
    case = _submit(version, zhang)
    decision = AutomaticDecision.objects.get(case=case)
    assert (case.state, decision.outcome, decision.decided) == ("submitted", "approve", False)


def test_a_manual_rule_wins_and_nothing_is_decided(version: Any, zhang: Any) -> None:
    _rules(version)
    case = _submit(version, zhang, size=8)
    decision = AutomaticDecision.objects.get(case=case)
    assert (case.state, decision.outcome, decision.decided) == ("submitted", "manual", False)
    assert decision.evaluation["reasons"] == ["家庭人口较多，需人工核实"]


@pytest.mark.parametrize(("percent", "checks"), [(100, 1), (0, 0)])
def test_spot_checks_sample_decisions_at_the_items_rate(
    version: Any, zhang: Any, percent: int, checks: int
) -> None:
    _rules(version)
    automation_set(item=version.handling_item, actor=None, spot_check_percent=percent)
    _submit(version, zhang)
    assert SpotCheck.objects.count() == checks


def test_a_draft_is_replayed_on_past_cases_before_it_is_published(
    version: Any, zhang: Any, yang: Any
) -> None:
    _rules(version)
    approved = _submit(version, zhang, key="zhang")  # 82, 开阳县: approved
    refused = _submit(version, yang, key="yang")  # 36, 南明区: refused
    stricter = SimpleTable(
        OLD_AGE.decision_id,
        OLD_AGE.name,
        "COLLECT",
        [*OLD_AGE.inputs[:2], SimpleInput("alive", "生存状态", "boolean")],
        [
            SimpleRule([">= 85", '"520121"', "True"], "approve", "年满85周岁", "资格标准"),
            SimpleRule(["< 85", "", ""], "refuse", "未满85周岁", "年龄标准"),
            SimpleRule(["", '!= "520121"', ""], "refuse", "不具有本县户籍", "户籍标准"),
        ],
    )
    draft = rule_set_save(
        version=version, dmn=dmn_from_simple(stricter), actor=None, instant_approval=True
    )
    report = rules_impact(draft)
    rows = {row.case_number: row for row in report.rows}
    assert (rows[approved.number].before, rows[approved.number].after) == ("approve", "refuse")
    assert rows[approved.number].changed
    assert rows[approved.number].after_reasons == ["未满85周岁"]
    assert rows[approved.number].fresh_inputs == ["alive"]
    assert (rows[refused.number].before, rows[refused.number].after) == ("refuse", "refuse")
    assert not rows[refused.number].changed
    assert report.counts == {
        "cases": 2,
        "changed": 1,
        "approve": 0,
        "refuse": 2,
        "pending": 0,
        "manual": 0,
    }
    # Nothing changed by the report: the draft is still a draft, the cases as they were.
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert AutomaticDecision.objects.count() == 2


@pytest.fixture
def certificate(version: Any) -> Any:
    from govhall.licenses.models import LicenseType

    certificate = LicenseType.objects.create(
        name="最低生活保障金领取证",
        type_code="11100000000013022X012",
        defining_authority="中华人民共和国民政部",
        face_schema={
            "fields": [{"name": "household_size", "type": "integer", "label": "保障人口", "min": 1}]
        },
        validity_years=1,
        holder_kind="person",
    )
    certificate.items.add(version.handling_item.implementation.base_item)
    return certificate


def test_the_licence_is_in_the_library_when_the_submission_returns(
    version: Any, zhang: Any, certificate: Any
) -> None:
    from govhall.cases.rules_inputs import license_input_name
    from govhall.licenses.models import License
    from govhall.licenses.services.seals import seal_create
    from govhall.rules.inputs import Subject, facts_resolve

    today = datetime.date.today()
    seal_create(
        department=version.handling_item.implementation.department,
        name="开阳县民政局行政审批专用章",
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=3000),
        actor=None,
    )
    name = license_input_name(certificate.type_code)
    subject = Subject(version, zhang, None, {}, today)
    before = facts_resolve([name], subject)[name]
    assert (before.value, before.source, before.status) == (False, "license_library", "ok")
    _rules(version)
    case = _submit(version, zhang)  # no outbox dispatch: issued inside the request
    license = License.objects.get(case_number=case.number)
    assert (license.holder_name, license.face) == ("张建国", {"household_size": 2})
    after = facts_resolve([name], subject)[name]
    assert (after.value, after.status) == (True, "ok")
    assert license.identifier in after.detail


def test_without_a_seal_the_approval_stands_and_the_licence_waits(
    version: Any, zhang: Any, certificate: Any
) -> None:
    from govhall.licenses.models import License

    _rules(version)
    case = _submit(version, zhang)
    assert case.state == "closed"
    assert License.objects.filter(case_number=case.number).count() == 0


def test_an_instant_approval_sends_one_text_for_the_decision(
    version: Any,
    zhang: Any,
    sms_outbox: Any,  # noqa: F811
    delivered: Any,  # noqa: F811
) -> None:
    _rules(version)
    case = delivered(lambda: _submit(version, zhang))
    sign = "【govhall】"
    texts = [m.text for m in sms_outbox]
    assert texts[1:] == [
        f"{sign}您的办件 {case.number}：作出决定：准予。详情请登录网上办事大厅查看。"
    ]
    assert texts[0].startswith(f"{sign}您的申请已提交")
