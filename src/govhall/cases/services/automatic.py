"""Automatic review and instant approval on submission (智慧审批、秒批; docs/rules.md).

On submission the published review rules of the case's item version run on facts gathered
*before* the submission's transaction opens (a data source may be slow; no row is locked
while it is asked). Inside the transaction the table is evaluated and the decision stored
with its facts, rule revision and verdicts. When the item is marked for instant approval and
not switched to manual, the decision acts at once through the same services staff use, as the
rules' system account:

| outcome | actions |
|---|---|
| approve | accept → review steps → approve → licences issued → deliver (electronic) → close |
| refuse  | accept → review steps → reject with the failing standards → close |
| pending | accept with the 容缺 due date; staff decide |
| manual  | none: the case waits in the queue with the reasons |

A sample of the decisions that acted (the item's spot-check rate) is queued for a person.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from govhall.cases.models import (
    AutomaticDecision,
    AutomaticOutcome,
    Case,
    CaseState,
    SpotCheck,
    VersionProcess,
)
from govhall.cases.services.actions import case_act_automatic
from govhall.cases.services.process import REVIEW_ROLES
from govhall.catalog.models import ItemVersion
from govhall.core.crypto import sm3_hex
from govhall.identity.models import Organization, Person, User
from govhall.rules.dmn import APPROVE, MANUAL, PENDING, REFUSE
from govhall.rules.evaluation import Evaluation, table_evaluate
from govhall.rules.explain import outcome_summary
from govhall.rules.inputs import Fact, Subject, facts_resolve
from govhall.rules.models import RuleSet
from govhall.rules.selectors import automation_of, instant_approval_on, rule_set_table

logger = logging.getLogger(__name__)
RULES_USERNAME = "system.rules"
MAX_STEPS = 10  # review steps walked before a decision; a process with more is not automatic


@dataclass(frozen=True, slots=True)
class Gathered:
    """The rules and the facts gathered for one submission, before its transaction."""

    rule_set: RuleSet
    facts: dict[str, Fact]
    on: Any


def rules_actor() -> User:
    """The system account automatic actions are logged under (inactive: nobody signs in)."""
    user = User.objects.filter(username=RULES_USERNAME).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create(
                    username=RULES_USERNAME,
                    display_name="智能审批 Automatic review",
                    is_active=False,
                    password=make_password(None),
                )
        except IntegrityError:
            user = User.objects.get(username=RULES_USERNAME)
    return user


def facts_gather(
    rule_set: RuleSet,
    *,
    version: ItemVersion,
    person: Person | None,
    organization: Organization | None,
    form: dict[str, Any],
) -> Gathered:
    """Ask every source the table reads (outside any transaction)."""
    on = timezone.localdate()
    subject = Subject(version, person, organization, form, on)
    return Gathered(rule_set, facts_resolve(rule_set.input_names, subject), on)


def _joint(version: ItemVersion) -> bool:
    return VersionProcess.objects.filter(version=version).exclude(departments=[]).exists()


def automatic_review(case: Case, gathered: Gathered) -> AutomaticDecision:
    """Evaluate, store and (for instant approval) act, inside the submission's transaction."""
    rule_set = gathered.rule_set
    started = time.perf_counter_ns()
    evaluation = table_evaluate(rule_set_table(rule_set), gathered.facts)
    duration = (time.perf_counter_ns() - started) // 1000
    decides = instant_approval_on(case.version, rule_set) and not _joint(case.version)
    decision = AutomaticDecision.objects.create(
        case=case,
        rule_set=rule_set,
        outcome=evaluation.outcome,
        decided=decides and evaluation.outcome != MANUAL,
        facts=[fact.as_dict() for fact in gathered.facts.values()],
        evaluation=evaluation.as_dict(),
        decided_on=gathered.on,
        decided_at=timezone.now(),
        duration_us=min(duration, 2**31 - 1),
    )
    if decision.decided:
        decision.actions = _apply(case, evaluation, rule_set)
        decision.save(update_fields=["actions"])
        if _sampled(case, automation_of(case.version.handling_item).spot_check_percent):
            SpotCheck.objects.create(decision=decision)
    return decision


def _sampled(case: Case, percent: int) -> bool:
    """Deterministic sampling by case number: replaying a submission samples it again."""
    return int(sm3_hex(case.number.encode())[:8], 16) % 100 < percent


def _opinion(evaluation: Evaluation, rule_set: RuleSet) -> str:
    prefix = gettext("Automatic review (rules %(name)s, revision %(revision)s): ") % {
        "name": rule_set.name,
        "revision": rule_set.revision,
    }
    text = prefix + outcome_summary(evaluation.outcome, evaluation.reasons, evaluation.pending_days)
    return text[:2000]


def _apply(case: Case, evaluation: Evaluation, rule_set: RuleSet) -> list[str]:
    actor = rules_actor()
    opinion = _opinion(evaluation, rule_set)
    taken: list[str] = []

    def act(action: str, data: dict[str, Any] | None = None) -> Case:
        taken.append(action)
        return case_act_automatic(
            case=case, action=action, actor=actor, opinion=opinion, data=data or {}
        )

    if evaluation.outcome == PENDING:
        act("accept", {"pending_days": evaluation.pending_days})
        return taken
    current = act("accept")
    for _step in range(MAX_STEPS):
        if not any(s["role"] in REVIEW_ROLES for s in current.current_steps):
            break
        current = act("review")
    if evaluation.outcome == APPROVE:
        act("approve")
        _licenses_issue(case)
        current = act("deliver", {"method": "electronic"})
    else:
        assert evaluation.outcome == REFUSE
        current = act("reject")
    if current.state in (CaseState.DELIVERED, CaseState.REJECTED):
        act("close")
    return taken


def _licenses_issue(case: Case) -> None:
    """Issue the case's licences now, so the applicant sees them in the same response; if one
    cannot be issued (no seal yet…) the ``cases.case.granted`` event retries it later."""
    from govhall.cases.licensing import case_licenses_issue

    fresh = Case.objects.select_related(
        "department__region",
        "applicant_person",
        "applicant_organization",
        "version__handling_item__implementation__base_item",
    ).get(pk=case.pk)
    try:
        with transaction.atomic():
            case_licenses_issue(fresh)
    except Exception:
        logger.warning(
            "instant approval: licences of %s left to the outbox", case.number, exc_info=True
        )


def decision_replay(decision: AutomaticDecision, rule_set: RuleSet | None = None) -> Evaluation:
    """The decision's stored facts evaluated again, against its own rule revision or
    ``rule_set``. Against its own it equals the stored evaluation (tested)."""
    facts = {f["name"]: Fact.from_dict(f) for f in decision.facts}
    return table_evaluate(rule_set_table(rule_set or decision.rule_set), facts)


__all__ = [
    "AutomaticOutcome",
    "Gathered",
    "automatic_review",
    "decision_replay",
    "facts_gather",
    "rules_actor",
]


@dataclass(frozen=True, slots=True)
class ImpactRow:
    case_number: str
    applicant_name: str
    #: The stored automatic outcome, or ``None`` for a case decided before rules existed.
    before: str | None
    #: The case's result as it stands (approved, rejected, closed…).
    case_state: str
    after: str
    after_reasons: list[str]
    #: Inputs the draft reads that the stored decision had not: resolved again today.
    fresh_inputs: list[str]

    @property
    def changed(self) -> bool:
        return self.before is not None and self.before != self.after


@dataclass(frozen=True, slots=True)
class ImpactReport:
    rule_set: RuleSet
    rows: list[ImpactRow]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"cases": len(self.rows), "changed": sum(r.changed for r in self.rows)}
        for outcome in (APPROVE, REFUSE, PENDING, MANUAL):
            counts[outcome] = sum(r.after == outcome for r in self.rows)
        return counts


def rules_impact(draft: RuleSet, *, limit: int = 500) -> ImpactReport:
    """Replay the latest ``limit`` cases of the draft's item version against the draft: what
    would each get? Stored facts are used as they were; an input the stored decision lacks
    (or every input, for a case without one) is resolved again today and listed as fresh."""
    table = rule_set_table(draft)
    cases = (
        Case.objects.filter(version=draft.version)
        .select_related("applicant_person", "applicant_organization", "automatic_decision")
        .order_by("-received_at")[: max(1, min(limit, 5000))]
    )
    rows = []
    for case in cases:
        decision = getattr(case, "automatic_decision", None)
        stored = {f["name"]: Fact.from_dict(f) for f in decision.facts} if decision else {}
        missing = [n for n in table.input_names if n not in stored]
        facts = dict(stored)
        if missing:
            subject = Subject(
                case.version,
                case.applicant_person,
                case.applicant_organization,
                case.form_data,
                timezone.localdate(),
            )
            facts.update(facts_resolve(missing, subject))
        evaluation = table_evaluate(table, facts)
        rows.append(
            ImpactRow(
                case_number=case.number,
                applicant_name=case.applicant_name,
                before=decision.outcome if decision else None,
                case_state=case.state,
                after=evaluation.outcome,
                after_reasons=evaluation.reasons,
                fresh_inputs=missing,
            )
        )
    return ImpactReport(draft, rows)
