"""A stored decision in plain words, for the applicant and for the staff (docs/rules.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govhall.rules.dmn import APPROVE, MANUAL, PENDING, REFUSE
from govhall.rules.evaluation import Evaluation
from govhall.rules.inputs import OK, SOURCE_LABELS, Fact


@dataclass(frozen=True, slots=True)
class ExplainedInput:
    name: str
    label: str
    value: str
    source: str
    detail: str
    ok: bool


@dataclass(frozen=True, slots=True)
class ExplainedStandard:
    row: int
    description: str
    matched: bool
    outcome: str
    reason: str


@dataclass(frozen=True, slots=True)
class Explanation:
    outcome: str
    summary: str
    reasons: list[str]
    inputs: list[ExplainedInput]
    standards: list[ExplainedStandard]


def value_text(value: Any) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None:
        return "—"
    return str(value)


def outcome_summary(outcome: str, reasons: list[str], pending_days: int | None = None) -> str:
    # The reasons are the table's sentences: drop their own full stops, the summary ends one.
    joined = "；".join(r.rstrip("。.；;， ") for r in reasons)
    if outcome == APPROVE:
        return _("The application meets every review standard and was approved automatically.")
    if outcome == REFUSE:
        return _("The application does not meet these review standards: %(reasons)s.") % {
            "reasons": joined
        }
    if outcome == PENDING:
        return _(
            "The application was accepted with a material to follow within %(days)s working "
            "days: %(reasons)s."
        ) % {"days": pending_days or "", "reasons": joined}
    assert outcome == MANUAL
    return _("The application goes to a member of staff for review: %(reasons)s.") % {
        "reasons": joined
    }


def explain(evaluation: Evaluation, facts: list[Fact]) -> Explanation:
    english = (get_language() or "").startswith("en")
    inputs = [
        ExplainedInput(
            name=fact.name,
            label=(fact.label_en if english else fact.label_zh) or fact.name,
            value=value_text(fact.value),
            source=str(SOURCE_LABELS.get(fact.source, fact.source)),
            detail=fact.detail,
            ok=fact.status == OK,
        )
        for fact in facts
    ]
    standards = [
        ExplainedStandard(v.row, v.description or v.reason, v.matched, v.outcome, v.reason)
        for v in evaluation.verdicts
    ]
    return Explanation(
        outcome=evaluation.outcome,
        summary=outcome_summary(evaluation.outcome, evaluation.reasons, evaluation.pending_days),
        reasons=evaluation.reasons,
        inputs=inputs,
        standards=standards,
    )
