"""Evaluating tables: every verdict kept, uncertain data never decided, hit policies, ages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation

from govhall.core.errors import ValidationFailed
from govhall.rules.builder import SimpleInput, SimpleRule, SimpleTable, dmn_from_simple
from govhall.rules.dmn import Table, table_parse
from govhall.rules.evaluation import Evaluation, table_evaluate
from govhall.rules.explain import explain
from govhall.rules.inputs import MISSING, UNAVAILABLE, Fact
from govhall.rules.providers import age_on
from govhall.rules.tests.test_dmn import AVAILABLE, MODELER_FILE
from govhall.rules.trial import table_try


def _table(policy: str, rules: list[SimpleRule]) -> Table:
    simple = SimpleTable(
        "t",
        "测试表",
        policy,
        [
            SimpleInput("age", "年龄", "integer"),
            SimpleInput("residence_county", "户籍地", "string"),
        ],
        rules,
    )
    return table_parse(dmn_from_simple(simple), AVAILABLE)


def _facts(age: Any = 82, county: Any = "520121", **overrides: Any) -> dict[str, Fact]:
    facts = {
        "age": Fact("age", age, "integer", "identity", label_zh="年龄（周岁）"),
        "residence_county": Fact(
            "residence_county", county, "string", "population", "demo", label_zh="户籍地"
        ),
        "alive": Fact("alive", True, "boolean", "population", "demo"),
    }
    facts.update(overrides)
    return facts


OLD_AGE_RULES = [
    SimpleRule([">= 80", '"520121"'], "approve", "符合条件", "资格"),
    SimpleRule(["< 80", ""], "refuse", "未满80周岁", "年龄"),
    SimpleRule(["", '!= "520121"'], "refuse", "非本县户籍", "户籍"),
    SimpleRule(["> 100", ""], "manual", "百岁老人上门核实", "核实"),
]


def test_collect_gives_every_failing_standard() -> None:
    result = table_evaluate(_table("COLLECT", OLD_AGE_RULES), _facts(age=75, county="520102"))
    assert (result.outcome, result.reasons) == ("refuse", ["未满80周岁", "非本县户籍"])
    assert [(v.row, v.matched, v.cells) for v in result.verdicts] == [
        (1, False, [False, False]),
        (2, True, [True, None]),
        (3, True, [None, True]),
        (4, False, [False, None]),
    ]


def test_collect_lets_manual_win_over_approval() -> None:
    result = table_evaluate(_table("COLLECT", OLD_AGE_RULES), _facts(age=101))
    assert (result.outcome, result.reasons) == ("manual", ["百岁老人上门核实"])


def test_first_takes_the_first_match_and_unique_refuses_ambiguity() -> None:
    rules = [OLD_AGE_RULES[3], OLD_AGE_RULES[0]]
    assert table_evaluate(_table("FIRST", rules), _facts(age=101)).outcome == "manual"
    with translation.override("en"):
        result = table_evaluate(_table("UNIQUE", rules), _facts(age=101))
    assert (result.outcome, result.reasons) == (
        "manual",
        ["The table is ambiguous: rules 1、2 all apply."],
    )


def test_no_matching_rule_goes_to_a_person() -> None:
    with translation.override("en"):
        result = table_evaluate(_table("COLLECT", OLD_AGE_RULES[:1]), _facts(age=70))
    assert (result.outcome, result.reasons) == (
        "manual",
        ["No review standard applies to this application."],
    )


@pytest.mark.parametrize(
    ("fact", "status", "reason"),
    [
        (
            Fact("residence_county", None, "string", "population", "down", UNAVAILABLE, "户籍地"),
            "unavailable",
            "户籍地 could not be obtained: the data source is unavailable.",
        ),
        (
            Fact("residence_county", None, "string", "population", "", MISSING, "户籍地"),
            "missing",
            "户籍地 is not known.",
        ),
        (
            Fact("residence_county", 520121, "string", "population", "", "ok", "户籍地"),
            "wrong_type",
            "户籍地 has a value of the wrong type.",
        ),
    ],
)
def test_uncertain_data_is_never_decided(fact: Fact, status: str, reason: str) -> None:
    with translation.override("en"):
        result = table_evaluate(_table("COLLECT", OLD_AGE_RULES), _facts(residence_county=fact))
    assert (result.outcome, result.reasons, result.verdicts) == ("manual", [reason], [])
    assert result.problems[0]["status"] == status


def test_a_boolean_is_not_an_integer() -> None:
    result = table_evaluate(
        _table("COLLECT", OLD_AGE_RULES),
        _facts(age=Fact("age", True, "integer", "identity")),
    )
    assert result.outcome == "manual"


def test_pending_outcomes_take_the_shortest_period() -> None:
    rules = [
        SimpleRule([">= 80", ""], "pending", "户口簿容缺", "", 10),
        SimpleRule(["", '"520121"'], "pending", "照片容缺", "", 5),
    ]
    result = table_evaluate(_table("COLLECT", rules), _facts())
    assert (result.outcome, result.reasons, result.pending_days) == (
        "pending",
        ["户口簿容缺", "照片容缺"],
        5,
    )


def test_expression_inputs_and_range_cells_of_a_modeler_file() -> None:
    table = table_parse(MODELER_FILE, AVAILABLE)
    assert table_evaluate(table, _facts(age=79)).outcome == "approve"
    assert table_evaluate(table, _facts(age=80)).outcome == "manual"
    dead = _facts(age=70, alive=Fact("alive", False, "boolean", "population"))
    assert table_evaluate(table, dead).outcome == "manual"


def test_a_stored_evaluation_round_trips() -> None:
    result = table_evaluate(_table("COLLECT", OLD_AGE_RULES), _facts(age=75))
    assert Evaluation.from_dict(result.as_dict()) == result


def test_the_explanation_names_values_and_sources() -> None:
    facts = _facts(age=75)
    result = table_evaluate(_table("COLLECT", OLD_AGE_RULES), facts)
    with translation.override("zh-hans"):
        explained = explain(result, list(facts.values()))
    assert explained.summary == "申请不符合以下审查标准：未满80周岁。"
    assert [(i.label, i.value, i.source) for i in explained.inputs[:2]] == [
        ("年龄（周岁）", "75", "实名身份"),
        ("户籍地", "520121", "人口库"),
    ]
    assert [(s.description, s.matched) for s in explained.standards] == [
        ("资格", False),
        ("年龄", True),
        ("户籍", False),
        ("核实", False),
    ]


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        ((1946, 11, 29), (2026, 11, 28), 79),
        ((1946, 11, 29), (2026, 11, 29), 80),
        ((1944, 2, 29), (2024, 2, 28), 79),
        ((1944, 2, 29), (2024, 2, 29), 80),
        ((1944, 2, 29), (2025, 2, 27), 80),
        ((1944, 2, 29), (2025, 2, 28), 81),
    ],
)
def test_ages_in_full_years(
    born: tuple[int, int, int], day: tuple[int, int, int], age: int
) -> None:
    assert age_on(datetime.date(*born), datetime.date(*day)) == age


def test_trying_sample_inputs_converts_by_type_and_names_bad_fields() -> None:
    specs = {**AVAILABLE}
    table = _table("COLLECT", OLD_AGE_RULES)
    assert table_try(table, specs, {"age": "80", "residence_county": "520121"}).outcome == (
        "approve"
    )
    with pytest.raises(ValidationFailed) as refused:
        table_try(table, specs, {"age": "八十", "residence_county": "520121"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("inputs.age", "input.integer")]
    assert table_try(table, specs, {"age": "", "residence_county": "520121"}).outcome == "manual"
