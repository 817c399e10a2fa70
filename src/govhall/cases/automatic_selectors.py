"""Reads of automatic decisions: a case's decision explained, the spot-check queue."""

from __future__ import annotations

from django.db.models import QuerySet

from govhall.cases.models import AutomaticDecision, Case, SpotCheck
from govhall.core.scoping import StaffScope
from govhall.identity.models import User
from govhall.rules.evaluation import Evaluation
from govhall.rules.explain import Explanation, explain
from govhall.rules.inputs import Fact


def case_decision(case: Case) -> AutomaticDecision | None:
    """The automatic decision stored for ``case`` on submission, if its item had rules."""
    return (
        AutomaticDecision.objects.select_related("rule_set", "spot_check").filter(case=case).first()
    )


def decision_explanation(decision: AutomaticDecision) -> Explanation:
    """The decision in plain words (current language): summary, each standard, each input
    with its value and source."""
    return explain(
        Evaluation.from_dict(decision.evaluation), [Fact.from_dict(f) for f in decision.facts]
    )


def spot_checks_for(user: User, *, state: str = "") -> QuerySet[SpotCheck]:
    """The sampled decisions of cases within the user's scope, newest first."""
    checks = SpotCheck.objects.select_related(
        "decision__case__version__handling_item", "decision__rule_set", "checked_by"
    ).order_by("-created_at")
    if state:
        checks = checks.filter(state=state)
    return StaffScope.for_user(user).filter(
        checks,
        region="decision__case__region",
        department="decision__case__department",
    )
