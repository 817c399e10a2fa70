"""Reading and checking DMN decision tables: what is accepted, and each refusal by its code."""

from __future__ import annotations

import pytest
from django.utils import translation

from govhall.core.errors import ValidationFailed
from govhall.rules.builder import (
    SimpleInput,
    SimpleRule,
    SimpleTable,
    dmn_from_simple,
    simple_from_table,
)
from govhall.rules.dmn import table_parse
from govhall.rules.expressions import UnsafeExpression, expression_names
from govhall.rules.inputs import InputSpec

AVAILABLE = {
    "age": InputSpec("age", "integer", "identity", "年龄（周岁）", "Age"),
    "residence_county": InputSpec("residence_county", "string", "population", "户籍地", "R"),
    "alive": InputSpec("alive", "boolean", "population", "在世", "Alive"),
}
TABLE = SimpleTable(
    "old_age",
    "高龄补贴审查标准",
    "COLLECT",
    [
        SimpleInput("age", "年龄（周岁）", "integer"),
        SimpleInput("residence_county", "户籍地", "string"),
    ],
    [
        SimpleRule([">= 80", '"520121"'], "approve", "符合条件", "资格标准"),
        SimpleRule(["< 80", ""], "refuse", "未满80周岁", "年龄标准"),
        SimpleRule(["", "", ""][:2], "pending", "户籍证明容缺", "", 7),
    ],
)

#: A table as Camunda Modeler 5 saves it (DMN 1.3, diagram interchange, FIRST policy,
#: an input expression over two inputs, a ``?`` range cell).
MODELER_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"
  xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/"
  xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/"
  id="Definitions_1" name="DRD" namespace="http://camunda.org/schema/1.0/dmn"
  exporter="Camunda Modeler" exporterVersion="5.17.0">
  <decision id="senior_card" name="老年人优待证">
    <decisionTable id="DecisionTable_1" hitPolicy="FIRST">
      <input id="Input_1" label="年龄段">
        <inputExpression id="InputExpression_1" typeRef="integer"><text>age</text></inputExpression>
      </input>
      <input id="Input_2" label="本县在世">
        <inputExpression id="InputExpression_2" typeRef="boolean">
          <text>alive and residence_county == "520121"</text>
        </inputExpression>
      </input>
      <output id="Output_1" label="结论" name="outcome" typeRef="string" />
      <output id="Output_2" label="理由" name="reason" typeRef="string" />
      <rule id="DecisionRule_1">
        <description>60至79周岁</description>
        <inputEntry id="UnaryTests_1"><text>60 &lt;= ? &lt; 80</text></inputEntry>
        <inputEntry id="UnaryTests_2"><text>True</text></inputEntry>
        <outputEntry id="LiteralExpression_1"><text>"approve"</text></outputEntry>
        <outputEntry id="LiteralExpression_2"><text>"年满60周岁的本县老年人"</text></outputEntry>
      </rule>
      <rule id="DecisionRule_2">
        <inputEntry id="UnaryTests_3"><text>-</text></inputEntry>
        <inputEntry id="UnaryTests_4"><text></text></inputEntry>
        <outputEntry id="LiteralExpression_3"><text>"manual"</text></outputEntry>
        <outputEntry id="LiteralExpression_4"><text>"其他情形人工审查"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram>
      <dmndi:DMNShape dmnElementRef="senior_card">
        <dc:Bounds height="80" width="180" x="160" y="100" />
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>
"""


def codes(error: ValidationFailed) -> list[str]:
    return [e.code for e in error.errors]


def test_a_simple_table_round_trips_through_dmn() -> None:
    table = TABLE
    table.rules[2].cells = ["", ""]
    parsed = table_parse(dmn_from_simple(table), AVAILABLE)
    assert (parsed.decision_id, parsed.name, parsed.hit_policy) == (
        "old_age",
        "高龄补贴审查标准",
        "COLLECT",
    )
    assert parsed.input_names == ("age", "residence_county")
    assert [(r.row, r.cells, r.outcome, r.pending_days) for r in parsed.rules] == [
        (1, (">= 80", '"520121"'), "approve", None),
        (2, ("< 80", None), "refuse", None),
        (3, (None, None), "pending", 7),
    ]
    assert simple_from_table(parsed) == table


def test_a_modeler_file_is_read_with_its_expressions() -> None:
    parsed = table_parse(MODELER_FILE, AVAILABLE)
    assert parsed.hit_policy == "FIRST"
    assert parsed.input_names == ("age", "alive", "residence_county")
    assert parsed.rules[0].description == "60至79周岁"
    assert parsed.rules[1].cells == (None, None)
    assert simple_from_table(parsed) is None  # an expression input: edited in a modeler


@pytest.mark.parametrize(
    ("dmn", "code"),
    [
        ("not xml <", "dmn.not_xml"),
        ('<definitions xmlns="http://example.org/other"/>', "dmn.not_dmn"),
        (MODELER_FILE.replace('hitPolicy="FIRST"', 'hitPolicy="PRIORITY"'), "dmn.hit_policy"),
        (MODELER_FILE.replace('hitPolicy="FIRST"', 'hitPolicy="FIRST" odd="1"'), "dmn.schema"),
        (MODELER_FILE.replace('name="outcome"', 'name="result"'), "dmn.output_missing"),
        (MODELER_FILE.replace("<text>age</text>", "<text>income</text>"), "dmn.input_unknown"),
        (
            MODELER_FILE.replace("60 &lt;= ? &lt; 80", "__import__('os').system('id')"),
            "dmn.cell_unsafe",
        ),
        (MODELER_FILE.replace("<text>True</text>", "<text>salary</text>"), "dmn.cell_unknown"),
        (MODELER_FILE.replace('"approve"', '"grant"'), "dmn.outcome"),
        (MODELER_FILE.replace('"其他情形人工审查"', '""'), "dmn.reason"),
        (
            MODELER_FILE.replace('typeRef="integer"><text>age', 'typeRef="string"><text>age'),
            "dmn.input_type",
        ),
        (MODELER_FILE.replace('"approve"', "approve"), "dmn.output_literal"),
    ],
)
def test_a_bad_table_is_refused_with_the_reason(dmn: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        table_parse(dmn, AVAILABLE)
    assert code in codes(refused.value)
    assert {e.field for e in refused.value.errors} == {"dmn"}


def test_refusals_name_the_rule_and_the_input() -> None:
    bad = MODELER_FILE.replace("<text>True</text>", "<text>salary</text>").replace(
        "<text>age</text>", "<text>income</text>"
    )
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        table_parse(bad, AVAILABLE)
    assert [str(e.message) for e in refused.value.errors] == [
        "Input “年龄段” reads income, which no source supplies for this item.",
        "Rule 1: salary reads salary, which is not an input of the table.",
    ]


def test_pending_days_must_be_1_to_20() -> None:
    table = SimpleTable(
        "t",
        "t",
        "COLLECT",
        [SimpleInput("age", "age", "integer")],
        [SimpleRule([">= 80"], "pending", "容缺", "", 21)],
    )
    with pytest.raises(ValidationFailed) as refused:
        table_parse(dmn_from_simple(table), AVAILABLE)
    assert codes(refused.value) == ["dmn.pending_days"]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "age.__class__",
        "[x for x in (1, 2)]",
        "(lambda: 1)()",
        "age[0]",
        "2 ** 100000",
        "x" * 501,
    ],
)
def test_cells_outside_the_safe_grammar_are_refused(text: str) -> None:
    with pytest.raises((UnsafeExpression, SyntaxError)):
        expression_names(text)


def test_the_safe_grammar_names_what_it_reads() -> None:
    assert expression_names('age >= 80 and residence_county in ("520121", "520122")') == {
        "age",
        "residence_county",
    }
    assert expression_names("True if alive else None") == {"alive"}
