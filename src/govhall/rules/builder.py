"""Simple tables, as the workbench edits them, written as standard DMN 1.3.

A simple table has one input per column, each a plain input name, and one row per rule with a
cell per input (empty for any value), an outcome, a reason and an optional description (the
review standard's name). The DMN it produces opens in any standard modeler; a table uploaded
from a modeler can be edited here when its input expressions are plain names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from govhall.rules.dmn import OUTCOMES, Table

NAMESPACE = "https://www.omg.org/spec/DMN/20191111/MODEL/"


@dataclass(slots=True)
class SimpleInput:
    name: str
    label: str = ""
    type: str = "string"


@dataclass(slots=True)
class SimpleRule:
    cells: list[str]
    outcome: str
    reason: str
    description: str = ""
    pending_days: int | None = None


@dataclass(slots=True)
class SimpleTable:
    decision_id: str
    name: str
    hit_policy: str = "COLLECT"
    inputs: list[SimpleInput] = field(default_factory=list)
    rules: list[SimpleRule] = field(default_factory=list)


def _text(value: str) -> str:
    return f"<text>{escape(value)}</text>"


def _string_literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dmn_from_simple(table: SimpleTable) -> str:
    """The DMN 1.3 document of ``table`` (the outcome must be one of :data:`OUTCOMES`)."""
    assert all(r.outcome in OUTCOMES for r in table.rules)
    with_days = any(r.pending_days for r in table.rules)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<definitions xmlns="{NAMESPACE}" id="definitions_{escape(table.decision_id)}"'
        f' name={quoteattr(table.name)} namespace="https://govhall.org/dmn">',
        f"  <decision id={quoteattr(table.decision_id)} name={quoteattr(table.name)}>",
        f'    <decisionTable id="table_{escape(table.decision_id)}"'
        f' hitPolicy="{escape(table.hit_policy)}">',
    ]
    for index, table_input in enumerate(table.inputs, start=1):
        lines += [
            f'      <input id="input_{index}"'
            f" label={quoteattr(table_input.label or table_input.name)}>",
            f'        <inputExpression id="input_expression_{index}"'
            f' typeRef="{escape(table_input.type)}">{_text(table_input.name)}</inputExpression>',
            "      </input>",
        ]
    lines.append(
        '      <output id="output_outcome" label="结论" name="outcome" typeRef="string" />'
    )
    lines.append('      <output id="output_reason" label="理由" name="reason" typeRef="string" />')
    if with_days:
        lines.append(
            '      <output id="output_pending_days" label="容缺期限（工作日）"'
            ' name="pending_days" typeRef="integer" />'
        )
    for row, rule in enumerate(table.rules, start=1):
        lines.append(f'      <rule id="rule_{row}">')
        if rule.description:
            lines.append(f"        <description>{escape(rule.description)}</description>")
        for column, cell in enumerate(rule.cells, start=1):
            lines.append(
                f'        <inputEntry id="rule_{row}_in_{column}">'
                f"{_text(cell.strip() or '-')}</inputEntry>"
            )
        lines.append(
            f'        <outputEntry id="rule_{row}_outcome">'
            f"{_text(_string_literal(rule.outcome))}</outputEntry>"
        )
        lines.append(
            f'        <outputEntry id="rule_{row}_reason">'
            f"{_text(_string_literal(rule.reason))}</outputEntry>"
        )
        if with_days:
            days = str(rule.pending_days) if rule.pending_days else ""
            lines.append(f'        <outputEntry id="rule_{row}_days">{_text(days)}</outputEntry>')
        lines.append("      </rule>")
    lines += ["    </decisionTable>", "  </decision>", "</definitions>", ""]
    return "\n".join(lines)


def simple_from_table(table: Table) -> SimpleTable | None:
    """The simple form of a checked table, or ``None`` when an input is an expression rather
    than a plain name (edit such a table in a modeler)."""
    if any(not t.expression.isidentifier() for t in table.inputs):
        return None
    return SimpleTable(
        decision_id=table.decision_id,
        name=table.name,
        hit_policy=table.hit_policy,
        inputs=[SimpleInput(t.expression, t.label, t.type_ref or "string") for t in table.inputs],
        rules=[
            SimpleRule(
                [c or "" for c in r.cells], r.outcome, r.reason, r.description, r.pending_days
            )
            for r in table.rules
        ],
    )
