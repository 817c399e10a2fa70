"""Trying a table on sample inputs before it is published (no facts are fetched, nothing is
stored): what the workbench's “test” form and the tests use."""

from __future__ import annotations

from django.utils.translation import gettext as _

from govhall.core.errors import ErrorCollector
from govhall.rules.dmn import Table
from govhall.rules.evaluation import Evaluation, table_evaluate
from govhall.rules.inputs import MISSING, OK, Fact, InputSpec

_TRUE = {"true", "1", "yes", "是"}
_FALSE = {"false", "0", "no", "否"}


def sample_facts(
    table: Table, specs: dict[str, InputSpec], values: dict[str, str]
) -> dict[str, Fact]:
    """Facts from text values typed in a form, converted by each input's type; a blank value
    is a missing fact (to see what the table does without it). ``ValidationFailed`` names
    the field (``inputs.<name>``) of each value that is not of its type."""
    errors = ErrorCollector()
    facts: dict[str, Fact] = {}
    for name in table.input_names:
        spec = specs.get(name) or InputSpec(name, "string", "", name, name)
        raw = str(values.get(name, "")).strip()
        value: object = raw
        status = OK
        if not raw:
            value, status = None, MISSING
        elif spec.type == "integer":
            try:
                value = int(raw)
            except ValueError:
                errors.add(f"inputs.{name}", "input.integer", _("Enter a whole number."))
        elif spec.type == "number":
            try:
                value = float(raw)
            except ValueError:
                errors.add(f"inputs.{name}", "input.number", _("Enter a number."))
        elif spec.type == "boolean":
            if raw.lower() in _TRUE:
                value = True
            elif raw.lower() in _FALSE:
                value = False
            else:
                errors.add(f"inputs.{name}", "input.boolean", _("Enter yes or no."))
        facts[name] = Fact(
            name,
            value,
            spec.type,
            "sample",
            _("sample value"),
            status,
            spec.label_zh,
            spec.label_en,
        )
    errors.raise_if_any()
    return facts


def table_try(table: Table, specs: dict[str, InputSpec], values: dict[str, str]) -> Evaluation:
    return table_evaluate(table, sample_facts(table, specs, values))
