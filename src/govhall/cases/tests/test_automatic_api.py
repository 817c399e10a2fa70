"""The case API explains the automatic decision (智慧审批) of a case: ``automatic_decision`` on
``GET /api/v1/cases/{number}`` (and every case answer) is null without published rules, else
the outcome, whether the rules decided the case, the rule revision, the summary and reasons,
each review standard and whether it held, each input with its value and source — to whoever
may see the case (the applicant's side and the staff who process it), 404 to anyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govhall.cases.models import Case
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import PASSWORD, uploads_for
from govhall.catalog.models import ItemVersion
from govhall.identity.models import Person, User
from govhall.identity.services import person_register
from govhall.rules.builder import SimpleInput, SimpleRule, SimpleTable, dmn_from_simple
from govhall.rules.models import RuleSet
from govhall.rules.services import rule_set_publish, rule_set_save

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}

OLD_AGE = SimpleTable(
    "old_age_allowance",
    "高龄补贴审查标准",
    "COLLECT",
    [
        SimpleInput("age", "年龄（周岁）", "integer"),
        SimpleInput("residence_county", "户籍地（县级）", "string"),
    ],
    [
        SimpleRule([">= 80", '"520121"'], "approve", "年满80周岁且具有本县户籍", "符合发放条件"),
        SimpleRule(["< 80", ""], "refuse", "未满80周岁", "年满80周岁"),
        SimpleRule(["", '!= "520121"'], "refuse", "非本县户籍", "具有本县户籍"),
    ],
)


@pytest.fixture
def rules(version: ItemVersion) -> RuleSet:
    draft = rule_set_save(
        version=version, dmn=dmn_from_simple(OLD_AGE), actor=None, instant_approval=True
    )
    return rule_set_publish(rule_set=draft, actor=None)


def _submit(version: ItemVersion, person: Person, key: str = "k") -> Case:
    case, _created = case_submit(
        actor=person.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="web",
        form_data={"household_size": 2},
        idempotency_key=key,
        materials=uploads_for(version, person.user),
    )
    return case


def _read(client: Client, user: User | None, number: str) -> Any:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(f"{CASES}{number}", **ENGLISH)


def test_an_instant_approval_is_explained(
    client: Client, version: Any, zhang: Any, rules: Any, at: Any
) -> None:
    with at(2026, 11, 30, 10):
        case = _submit(version, zhang)
    answer = _read(client, zhang.user, case.number)
    assert answer.status_code == 200
    assert answer.json()["state"] == "closed"
    assert answer.json()["automatic_decision"] == {
        "outcome": "approve",
        "decided": True,
        "rule_set": {"name": "高龄补贴审查标准", "revision": 1},
        "summary": ("The application meets every review standard and was approved automatically."),
        "reasons": ["年满80周岁且具有本县户籍"],
        "standards": [
            {
                "row": 1,
                "description": "符合发放条件",
                "matched": True,
                "outcome": "approve",
                "reason": "年满80周岁且具有本县户籍",
            },
            {
                "row": 2,
                "description": "年满80周岁",
                "matched": False,
                "outcome": "refuse",
                "reason": "未满80周岁",
            },
            {
                "row": 3,
                "description": "具有本县户籍",
                "matched": False,
                "outcome": "refuse",
                "reason": "非本县户籍",
            },
        ],
        "inputs": [
            {
                "name": "age",
                "label": "Age (full years)",
                "value": "82",
                "source": "verified identity",
                # Worded on submission, in the site's language (zh-Hans).
                "detail": "根据公民身份号码中的出生日期计算，截至2026-11-30",
                "ok": True,
            },
            {
                "name": "residence_county",
                "label": "Registered residence (county)",
                "value": "520121",
                "source": "population database (人口库)",
                "detail": "demo",
                "ok": True,
            },
        ],
    }


@pytest.mark.parametrize(
    ("day", "age", "outcome"),
    [((2026, 11, 28, 10), 79, "refuse"), ((2026, 11, 29, 10), 80, "approve")],
)
def test_the_refusal_names_the_failing_standard(
    client: Client,
    version: Any,
    rules: Any,
    at: Any,
    day: tuple[int, ...],
    age: int,
    outcome: str,
) -> None:
    wang = person_register(
        name="王德明", id_number="522522194611293154", mobile="13985013456", password=PASSWORD
    )
    with at(*day):
        case = _submit(version, wang)
    decision = _read(client, wang.user, case.number).json()["automatic_decision"]
    assert (decision["outcome"], decision["decided"]) == (outcome, True)
    assert decision["inputs"][0]["value"] == str(age)
    assert [s["matched"] for s in decision["standards"]] == [outcome == "approve", age < 80, False]
    if outcome == "refuse":
        assert decision["reasons"] == ["未满80周岁"]
        assert decision["summary"] == (
            "The application does not meet these review standards: 未满80周岁."
        )


def test_a_source_that_is_down_is_shown_as_not_obtained(
    client: Client, version: Any, zhang: Any, rules: Any, settings: Any
) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "DEMO_SOURCE_DOWN": True}
    case = _submit(version, zhang)
    decision = _read(client, zhang.user, case.number).json()["automatic_decision"]
    assert (decision["outcome"], decision["decided"], decision["standards"]) == (
        "manual",
        False,
        [],
    )
    # Reasons and details are worded on submission, in the site's language (zh-Hans).
    assert decision["reasons"] == ["无法获取户籍地（县级代码）：数据源不可用。"]
    county = decision["inputs"][1]
    assert (county["name"], county["value"], county["ok"]) == ("residence_county", "—", False)


def test_a_case_without_published_rules_has_none(client: Client, version: Any, zhang: Any) -> None:
    case = _submit(version, zhang)
    answer = _read(client, zhang.user, case.number)
    assert (answer.status_code, answer.json()["automatic_decision"]) == (200, None)


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("anonymous", 401),
        ("other_citizen", 404),
        ("owner", 200),
        ("other_department", 404),
        ("department", 200),
        ("admin", 200),
    ],
)
def test_who_sees_the_decision(
    client: Client,
    version: Any,
    zhang: Any,
    yang: Any,
    clerk: Any,
    other_clerk: Any,
    rules: Any,
    viewer: str,
    status: int,
) -> None:
    case = _submit(version, zhang)
    users: dict[str, User | None] = {
        "anonymous": None,
        "other_citizen": yang.user,
        "owner": zhang.user,
        "other_department": other_clerk,
        "department": clerk,
        "admin": User.objects.create_superuser(username="admin", password=PASSWORD),
    }
    answer = _read(client, users[viewer], case.number)
    assert answer.status_code == status
    if status == 200:
        assert answer.json()["automatic_decision"]["outcome"] == "approve"
    else:
        assert "automatic_decision" not in answer.json()
