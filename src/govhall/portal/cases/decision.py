"""The automatic decision on the applicant's case page (秒批结果): what the review rules decided
on submission, in plain words — the outcome, each review standard met or not, each piece of
data used with its source — and the licences the approval issued.

Shown when the rules decided the case (instant approval: approved, refused, or accepted with a
material to follow) or, for an item decided on submission, when they sent it to a person
(转人工审查) and why. Rules that only advise the staff (pre-review) stay on the staff's side.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from govhall.cases.automatic_selectors import case_decision, decision_explanation
from govhall.cases.models import Case
from govhall.core.models import Region
from govhall.identity.models import Person
from govhall.licenses.models import License
from govhall.licenses.selectors import wallet
from govhall.rules.dmn import APPROVE, MANUAL, PENDING

#: Inputs whose value is a region code: shown with the region's name.
REGION_INPUTS = ("residence_province", "residence_city", "residence_county", "org_county")


@dataclass(frozen=True, slots=True)
class StandardShown:
    description: str
    #: Whether the application meets the standard (an approving or 容缺 rule that held, or
    #: a refusing or manual rule that did not).
    met: bool
    outcome: str
    reason: str


@dataclass(frozen=True, slots=True)
class InputShown:
    label: str
    value: str
    source: str
    detail: str
    ok: bool


@dataclass(frozen=True, slots=True)
class LicenseShown:
    license: License
    #: In the viewer's wallet (their own or their organization's, identity verified).
    in_wallet: bool


@dataclass(frozen=True, slots=True)
class DecisionShown:
    outcome: str
    decided: bool
    summary: str
    reasons: list[str]
    standards: list[StandardShown]
    inputs: list[InputShown]
    rule_set_name: str
    rule_set_revision: int
    decided_at: datetime.datetime
    #: Materials still due under 容缺受理: ``{"name", "due_on"}``.
    pending: list[dict[str, str]] = field(default_factory=list)
    licenses: list[LicenseShown] = field(default_factory=list)


def _region_names(codes: set[str]) -> dict[str, str]:
    """Region names by code prefix (``52`` 贵州省, ``520121`` 开阳县)."""
    return dict(Region.objects.filter(prefix__in=codes).values_list("prefix", "name"))


def _with_region(value: str, names: dict[str, str]) -> str:
    name = names.get(value)
    return f"{value}（{name}）" if name else value


def _licenses(case: Case, viewer: Person | None) -> list[LicenseShown]:
    issued = list(
        License.objects.filter(case_number=case.number)
        .select_related("license_type", "issuer")
        .order_by("license_type__type_code")
    )
    mine: set[str] = set()
    if issued and viewer is not None and viewer.identity_verified:
        mine = set(
            wallet(viewer)
            .filter(identifier__in=[license.identifier for license in issued])
            .values_list("identifier", flat=True)
        )
    return [LicenseShown(license, license.identifier in mine) for license in issued]


def decision_shown(case: Case, viewer: Person | None) -> DecisionShown | None:
    """The panel for ``case`` seen by ``viewer`` (the signed-in person, if any), or ``None``
    when the rules did not speak to the applicant."""
    decision = case_decision(case)
    if decision is None:
        return None
    if not decision.decided and not (
        decision.outcome == MANUAL and decision.rule_set.instant_approval
    ):
        return None
    explanation = decision_explanation(decision)
    codes = {i.value for i in explanation.inputs if i.name in REGION_INPUTS and i.ok}
    names = _region_names(codes) if codes else {}
    return DecisionShown(
        outcome=decision.outcome,
        decided=decision.decided,
        summary=explanation.summary,
        reasons=explanation.reasons,
        standards=[
            StandardShown(
                description=s.description,
                met=s.matched if s.outcome in (APPROVE, PENDING) else not s.matched,
                outcome=s.outcome,
                reason=s.reason,
            )
            for s in explanation.standards
        ],
        inputs=[
            InputShown(
                label=i.label,
                value=_with_region(i.value, names) if i.name in REGION_INPUTS else i.value,
                source=i.source,
                detail=i.detail,
                ok=i.ok,
            )
            for i in explanation.inputs
        ],
        rule_set_name=decision.rule_set.name,
        rule_set_revision=decision.rule_set.revision,
        decided_at=decision.decided_at,
        pending=[
            {"name": e["name"], "due_on": e["due_on"]}
            for e in case.pending_materials
            if e.get("status") == "pending"
        ],
        licenses=_licenses(case, viewer) if decision.outcome == APPROVE else [],
    )
