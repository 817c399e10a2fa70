"""Evaluate a decision table against facts, rule by rule, keeping every verdict.

Cells are evaluated by SpiffWorkflow's DMN engine (its unary-test rules: ``>= 80``,
``"520121"``, ``70 < ? < 80``) in govhall's safe environment. Unlike the engine's own
``decide``, every cell of every rule is evaluated, so the record shows why each standard held
or failed. Combining the matched rules:

- an input that is missing, unavailable or of the wrong type → ``manual`` (never decide on
  uncertain data), the reasons naming each input;
- no rule matched → ``manual``; UNIQUE with several matches → ``manual`` (the table is
  ambiguous); FIRST → the first match; COLLECT → every match, the strongest outcome winning:
  ``manual`` > ``refuse`` > ``pending`` > ``approve``.

Evaluation is a pure function of the table and the facts: replaying stored facts against the
stored table gives the same :class:`Evaluation`.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine

from govhall.rules.dmn import APPROVE, MANUAL, PENDING, REFUSE, Table, TableRule
from govhall.rules.expressions import CellEnvironment
from govhall.rules.inputs import OK, UNAVAILABLE, Fact, type_matches

_STRENGTH = {MANUAL: 3, REFUSE: 2, PENDING: 1, APPROVE: 0}


@functools.lru_cache(maxsize=4096)
def _syntax_error(text: str) -> str | None:
    try:
        ast.parse(text)
    except SyntaxError as error:
        return str(error.msg)
    return None


class _ScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """SpiffWorkflow's engine, remembering which texts parse: its DMN engine parses the input
    expression and each cell again on every evaluation (twice when a cell needs ``==``), which
    was two thirds of a decision's time."""

    def validate(self, expression: str) -> None:
        error = _syntax_error(expression)
        if error is not None:
            raise SyntaxError(error)  # a new one each time: a kept one would grow its traceback


_ENGINE = DMNEngine(None)
_SCRIPT_ENGINE = _ScriptEngine(environment=CellEnvironment())


class _Workflow:
    script_engine = _SCRIPT_ENGINE


class _Task:
    """What SpiffWorkflow's DMN engine reads of a task: its data and the script engine."""

    workflow = _Workflow()

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    row: int
    description: str
    #: Per input: ``True`` held, ``False`` failed, ``None`` any value (an empty cell).
    cells: list[bool | None]
    matched: bool
    outcome: str
    reason: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    outcome: str
    #: What the applicant and staff are told: the matched rules' reasons (for ``refuse`` the
    #: failing standards), or why the table could not decide.
    reasons: list[str]
    verdicts: list[RuleVerdict] = field(default_factory=list)
    pending_days: int | None = None
    #: Inputs that kept the table from deciding: ``[{"name", "status", "detail"}]``.
    problems: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evaluation:
        return cls(
            outcome=data["outcome"],
            reasons=list(data["reasons"]),
            verdicts=[RuleVerdict(**v) for v in data.get("verdicts", [])],
            pending_days=data.get("pending_days"),
            problems=list(data.get("problems", [])),
        )


def _problems(table: Table, facts: dict[str, Fact]) -> list[dict[str, str]]:
    problems = []
    for name in table.input_names:
        fact = facts.get(name)
        if fact is None:
            problems.append({"name": name, "status": "missing", "detail": ""})
        elif fact.status != OK:
            problems.append({"name": name, "status": fact.status, "detail": fact.detail})
        elif not type_matches(fact.type, fact.value):
            problems.append({"name": name, "status": "wrong_type", "detail": repr(fact.value)})
    return problems


def _problem_reason(problem: dict[str, str], facts: dict[str, Fact]) -> str:
    fact = facts.get(problem["name"])
    label = (fact.label_zh if fact is not None and fact.label_zh else "") or problem["name"]
    if problem["status"] == UNAVAILABLE:
        text = _("%(input)s could not be obtained: the data source is unavailable.")
    elif problem["status"] == "wrong_type":
        text = _("%(input)s has a value of the wrong type.")
    else:
        text = _("%(input)s is not known.")
    return text % {"input": label}


def _rule_verdict(table: Table, rule: TableRule, data: dict[str, Any]) -> RuleVerdict:
    task = _Task(data)
    cells: list[bool | None] = []
    for table_input, cell in zip(table.inputs, rule.cells, strict=True):
        if cell is None:
            cells.append(None)
        else:
            cells.append(bool(_ENGINE.evaluate(table_input.expression, cell, task)))
    return RuleVerdict(
        row=rule.row,
        description=rule.description,
        cells=cells,
        matched=all(c is not False for c in cells),
        outcome=rule.outcome,
        reason=rule.reason,
    )


def table_evaluate(table: Table, facts: dict[str, Fact]) -> Evaluation:
    """Decide with ``table`` on ``facts`` (see the module docstring)."""
    problems = _problems(table, facts)
    if problems:
        return Evaluation(MANUAL, [_problem_reason(p, facts) for p in problems], problems=problems)
    data = {name: facts[name].value for name in table.input_names}
    verdicts = []
    for rule in table.rules:
        try:
            verdicts.append(_rule_verdict(table, rule, data))
        except Exception as error:  # a cell that cannot be computed on these values
            reason = _("Rule %(row)s cannot be computed on these values: %(error)s") % {
                "row": rule.row,
                "error": getattr(error, "error", None) or error,
            }
            return Evaluation(MANUAL, [reason], verdicts)
    matched = [v for v in verdicts if v.matched]
    if not matched:
        return Evaluation(MANUAL, [_("No review standard applies to this application.")], verdicts)
    if table.hit_policy == "UNIQUE" and len(matched) > 1:
        rows = "、".join(str(v.row) for v in matched)
        reason = _("The table is ambiguous: rules %(rows)s all apply.") % {"rows": rows}
        return Evaluation(MANUAL, [reason], verdicts)
    if table.hit_policy in ("UNIQUE", "FIRST"):
        matched = matched[:1]
    outcome = max((v.outcome for v in matched), key=_STRENGTH.__getitem__)
    deciding = [v for v in matched if v.outcome == outcome]
    days = None
    if outcome == PENDING:
        by_row = {r.row: r for r in table.rules}
        days = min(by_row[v.row].pending_days or 0 for v in deciding) or None
    return Evaluation(
        outcome, list(dict.fromkeys(v.reason for v in deciding)), verdicts, pending_days=days
    )
