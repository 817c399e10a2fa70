"""The Python expressions of a decision table's cells, checked before they are ever run.

SpiffWorkflow evaluates DMN cells with Python's ``eval``. Tables are written by department
staff in the workbench, not only by administrators, so govhall accepts only a small, closed
grammar: literals, the table's input names, comparisons, ``and``/``or``/``not``, arithmetic
and conditional expressions. No calls, attributes, subscripts, comprehensions or lambdas:
nothing that can reach beyond the values handed in. Every expression is checked when a table
is uploaded and again by the environment that runs it (the last guard).
"""

from __future__ import annotations

import ast
import functools
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

MAX_LENGTH = 500
#: What SpiffWorkflow substitutes for ``?`` in a cell (``70 < ? < 80``).
QUESTION_MARK = "dmninputexpr"

_ALLOWED = (
    ast.Expression,
    ast.Compare,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.IfExp,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
)


class UnsafeExpression(ValueError):
    """The expression uses something outside govhall's cell grammar."""


@functools.lru_cache(maxsize=4096)
def expression_names(text: str) -> frozenset[str]:
    """The names ``text`` reads; ``UnsafeExpression`` (or ``SyntaxError``) when it is not a
    single expression of the allowed grammar."""
    if len(text) > MAX_LENGTH:
        raise UnsafeExpression(f"longer than {MAX_LENGTH} characters")
    tree = ast.parse(text, mode="eval")
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise UnsafeExpression(type(node).__name__)
        if isinstance(node, ast.Constant) and not isinstance(
            node.value, (str, int, float, bool, type(None))
        ):
            raise UnsafeExpression(type(node.value).__name__)
        if isinstance(node, ast.Name):
            names.add(node.id)
    return frozenset(names)


@functools.lru_cache(maxsize=4096)
def _compiled(text: str) -> Any:
    expression_names(text)
    return compile(text, "<dmn>", "eval")


class CellEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Evaluates checked expressions with no built-ins and executes nothing."""

    def evaluate(self, expression: str, context: Any, external_context: Any = None) -> Any:
        scope = dict(context)
        if external_context:
            scope.update(external_context)
        return eval(_compiled(expression), {"__builtins__": {}}, scope)  # noqa: S307 (checked grammar)

    def execute(self, script: str, context: Any, external_context: Any = None) -> Any:
        raise UnsafeExpression("scripts are not run")

    def call_service(self, context: Any, **kwargs: Any) -> Any:
        raise UnsafeExpression("service calls are not made")
