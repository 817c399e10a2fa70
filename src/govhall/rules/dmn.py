"""Read and check a DMN decision table (DMN 1.1–1.3, from any standard modeler).

SpiffWorkflow's DMN parser reads the file after it passed the DMN schema; govhall then checks
what SpiffWorkflow leaves to run time: the hit policy, that every input expression and cell is
in the safe grammar (:mod:`.expressions`) and reads only inputs some provider supplies for the
item version, and that every rule's outputs say an outcome govhall knows with a reason. A table
that passes is described by :class:`Table`, the only shape the rest of govhall sees.

The outputs of a table are ``outcome`` (``"approve"``, ``"refuse"``, ``"manual"`` or
``"pending"``), ``reason`` (a sentence shown to the applicant and staff) and, optionally,
``pending_days`` (the working days a 容缺 material may follow, 1–20). Output cells are literals.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS, BpmnDmnParser

from govhall.core.crypto import sm3_hex
from govhall.core.errors import ErrorCollector, FieldError, ValidationFailed
from govhall.rules.expressions import QUESTION_MARK, UnsafeExpression, expression_names
from govhall.rules.inputs import InputSpec

MAX_BYTES = 512 * 1024
MAX_RULES = 300
MAX_INPUTS = 30
APPROVE, REFUSE, MANUAL, PENDING = "approve", "refuse", "manual", "pending"
OUTCOMES = (APPROVE, REFUSE, MANUAL, PENDING)
HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")
OUTPUTS = ("outcome", "reason", "pending_days")
DEFAULT_PENDING_DAYS = 5
MAX_PENDING_DAYS = 20
_COMPATIBLE = {"number": {"number", "integer"}}


@dataclass(frozen=True, slots=True)
class TableInput:
    id: str
    label: str
    expression: str
    type_ref: str
    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class TableRule:
    row: int
    id: str
    description: str
    #: One cell per input: its text, or ``None`` for “any” (``-`` or empty).
    cells: tuple[str | None, ...]
    outcome: str
    reason: str
    pending_days: int | None


@dataclass(frozen=True, slots=True)
class Table:
    decision_id: str
    name: str
    hit_policy: str
    inputs: tuple[TableInput, ...]
    rules: tuple[TableRule, ...]
    sm3: str

    @property
    def input_names(self) -> tuple[str, ...]:
        """Every input name the table reads, sorted."""
        return tuple(sorted(set().union(*(i.names for i in self.inputs))))


def dmn_upload_text(upload: Any, *, field: str = "dmn_file") -> str:
    """An uploaded DMN file's text (UTF-8, a BOM allowed), read no further than the largest
    table allowed; ``ValidationFailed`` on ``field`` otherwise. The workbench and the admin
    both read uploads through it."""
    raw: bytes = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValidationFailed(
            [
                FieldError(
                    field, "dmn.too_large", _("A decision table file may hold at most 512 KB.")
                )
            ]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            [FieldError(field, "dmn_file.encoding", _("The file is not UTF-8 text."))]
        ) from None


def _refuse(code: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError("dmn", code, message)])


def _cell_program(text: str) -> str:
    """The expression SpiffWorkflow evaluates for a cell, with the input as ``?``: the cell
    itself (``"520121"``, ``? >= 80``) or the input followed by it (``>= 80``, ``in (1, 2)``)."""
    text = re.sub(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)", QUESTION_MARK, text)
    try:
        ast.parse(text, mode="eval")
        return text
    except SyntaxError:
        return f"{QUESTION_MARK} {text}"


def _literal(text: str | None) -> Any:
    if text is None or not text.strip():
        return None
    return ast.literal_eval(text.strip())


def table_parse(dmn: bytes | str, available: dict[str, InputSpec] | None) -> Table:
    """Check ``dmn`` against the inputs ``available`` for the item version (``None``: a stored
    table, whose inputs were checked when it was saved); ``ValidationFailed`` (field ``dmn``)
    names every problem found."""
    raw = dmn.encode() if isinstance(dmn, str) else dmn
    if len(raw) > MAX_BYTES:
        raise _refuse("dmn.too_large", _("A decision table file may hold at most 512 KB."))
    digest = sm3_hex(raw)
    try:
        root = etree.fromstring(
            raw,
            etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False),
        )
    except etree.XMLSyntaxError as error:
        raise _refuse(
            "dmn.not_xml", _("The file is not XML: %(reason)s") % {"reason": str(error)}
        ) from None
    namespace = etree.QName(root).namespace or ""
    schema = SCHEMAS.get(namespace)
    if schema is None or etree.QName(root).localname != "definitions":
        raise _refuse(
            "dmn.not_dmn", _("The file is not a DMN 1.1, 1.2 or 1.3 decision model (definitions).")
        )
    try:
        BpmnValidator(schema).validate(root, "upload.dmn")
    except Exception as error:
        raise _refuse(
            "dmn.schema", _("The file breaks the DMN schema: %(reason)s") % {"reason": error}
        ) from None
    try:
        parser = BpmnDmnParser()
        parser.add_dmn_xml(root)
        dmn_parser = next(iter(parser.dmn_parsers.values()))
        dmn_parser.parse()
        decision = dmn_parser.decision
    except Exception as error:  # the parser raises whatever the odd file provokes
        raise _refuse(
            "dmn.parse_error",
            _("The decision table cannot be read: %(reason)s") % {"reason": error},
        ) from None
    if len(decision.decisionTables) != 1:
        raise _refuse("dmn.one_table", _("The decision must hold exactly one decision table."))
    return _describe(decision, decision.decisionTables[0], available, digest)


def _describe(
    decision: Any, spiff_table: Any, available: dict[str, InputSpec] | None, digest: str
) -> Table:
    errors = ErrorCollector()
    if spiff_table.hit_policy not in HIT_POLICIES:
        errors.add(
            "dmn",
            "dmn.hit_policy",
            _("Hit policy %(policy)s is not supported: use UNIQUE, FIRST or COLLECT.")
            % {"policy": spiff_table.hit_policy},
        )
    if not 1 <= len(spiff_table.inputs) <= MAX_INPUTS:
        errors.add("dmn", "dmn.inputs", _("A table has 1 to 30 inputs."))
    if not 1 <= len(spiff_table.rules) <= MAX_RULES:
        errors.add("dmn", "dmn.rules", _("A table has 1 to 300 rules."))
    inputs = [_describe_input(i, available, errors) for i in spiff_table.inputs]
    input_names = set().union(*(i.names for i in inputs)) if inputs else set()
    outputs = [o.name or o.label for o in spiff_table.outputs]
    for required in ("outcome", "reason"):
        if required not in outputs:
            errors.add(
                "dmn",
                "dmn.output_missing",
                _("The table needs an output named %(name)s.") % {"name": required},
            )
    for name in outputs:
        if name not in OUTPUTS:
            errors.add(
                "dmn",
                "dmn.output_unknown",
                _("Unknown output %(name)s: the outputs are outcome, reason and pending_days.")
                % {"name": name},
            )
    rules = [_describe_rule(r, inputs, input_names, errors) for r in spiff_table.rules]
    errors.raise_if_any()
    return Table(
        decision_id=str(decision.id),
        name=str(decision.name or spiff_table.name or decision.id),
        hit_policy=str(spiff_table.hit_policy),
        inputs=tuple(inputs),
        rules=tuple(r for r in rules if r is not None),
        sm3=digest,
    )


def _names_of(text: str) -> frozenset[str]:
    try:
        return expression_names(text)
    except (SyntaxError, UnsafeExpression) as error:
        raise ValueError(str(error) or type(error).__name__) from None


def _describe_input(
    spiff_input: Any, available: dict[str, InputSpec] | None, errors: ErrorCollector
) -> TableInput:
    label = str(spiff_input.label or spiff_input.name or spiff_input.id)
    expression = (spiff_input.expression or "").strip()
    names: frozenset[str] = frozenset()
    if not expression:
        errors.add(
            "dmn",
            "dmn.input_expression",
            _("Input “%(label)s” has no input expression.") % {"label": label},
        )
    else:
        try:
            names = _names_of(expression)
        except ValueError as error:
            errors.add(
                "dmn",
                "dmn.input_unsafe",
                _("Input “%(label)s”: %(expression)s is not a safe expression (%(reason)s).")
                % {"label": label, "expression": expression, "reason": error},
            )
        for name in sorted(names - available.keys() if available is not None else ()):
            errors.add(
                "dmn",
                "dmn.input_unknown",
                _("Input “%(label)s” reads %(name)s, which no source supplies for this item.")
                % {"label": label, "name": name},
            )
    type_ref = (spiff_input.typeRef or "").strip()
    spec = available.get(expression) if available is not None else None
    if type_ref and spec is not None and spec.type not in _COMPATIBLE.get(type_ref, {type_ref}):
        errors.add(
            "dmn",
            "dmn.input_type",
            _("Input “%(label)s” is declared %(declared)s, but %(name)s is %(type)s.")
            % {"label": label, "declared": type_ref, "name": expression, "type": spec.type},
        )
    return TableInput(str(spiff_input.id), label, expression, type_ref, names)


def _describe_rule(
    spiff_rule: Any,
    inputs: list[TableInput],
    input_names: set[str],
    errors: ErrorCollector,
) -> TableRule | None:
    row = int(spiff_rule.row_number)
    where = _("Rule %(row)s") % {"row": row}
    cells: list[str | None] = []
    for entry in spiff_rule.inputEntries:
        text = entry.lhs[0] if entry.lhs else None
        text = text.strip() if isinstance(text, str) and text.strip() not in ("", "-") else None
        if text is not None:
            try:
                unknown = _names_of(_cell_program(text)) - input_names - {QUESTION_MARK}
            except ValueError as error:
                errors.add(
                    "dmn",
                    "dmn.cell_unsafe",
                    _("%(where)s: %(cell)s is not a safe expression (%(reason)s).")
                    % {"where": where, "cell": text, "reason": error},
                )
                unknown = frozenset()
            for name in sorted(unknown):
                errors.add(
                    "dmn",
                    "dmn.cell_unknown",
                    _("%(where)s: %(cell)s reads %(name)s, which is not an input of the table.")
                    % {"where": where, "cell": text, "name": name},
                )
        cells.append(text)
    if len(cells) != len(inputs):
        errors.add("dmn", "dmn.cells", _("%(where)s has a cell for each input.") % {"where": where})
    values: dict[str, Any] = {}
    for entry in spiff_rule.outputEntries:
        name = entry.output.name or entry.output.label
        try:
            values[name] = _literal(entry.text)
        except (ValueError, SyntaxError):
            errors.add(
                "dmn",
                "dmn.output_literal",
                _("%(where)s: output %(name)s must be a literal (a quoted text or a number).")
                % {"where": where, "name": name},
            )
    outcome, reason, days = values.get("outcome"), values.get("reason"), values.get("pending_days")
    if outcome not in OUTCOMES:
        errors.add(
            "dmn",
            "dmn.outcome",
            _('%(where)s: outcome must be "approve", "refuse", "manual" or "pending".')
            % {"where": where},
        )
    if not isinstance(reason, str) or not reason.strip():
        errors.add("dmn", "dmn.reason", _("%(where)s: state the reason.") % {"where": where})
    if days is not None and not (
        isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= MAX_PENDING_DAYS
    ):
        errors.add(
            "dmn",
            "dmn.pending_days",
            _("%(where)s: pending_days is a whole number from 1 to 20.") % {"where": where},
        )
        days = None
    if outcome not in OUTCOMES or not isinstance(reason, str):
        return None
    if outcome == PENDING and days is None:
        days = DEFAULT_PENDING_DAYS
    return TableRule(
        row=row,
        id=str(spiff_rule.id),
        description=str(spiff_rule.description or "").strip(),
        cells=tuple(cells),
        outcome=str(outcome),
        reason=reason.strip(),
        pending_days=days if outcome == PENDING else None,
    )


@functools.lru_cache(maxsize=256)
def table_load(dmn: str) -> Table:
    """A stored table (checked when it was saved), parsed once per text."""
    return table_parse(dmn, None)
