"""Which action may follow which state, and who may take it.

This table is the whole state machine of a case today; the BPMN processes of the item
versions (a later increment) will decide which review steps run inside ``accepted``. Replaying
a case's actions through :func:`state_after` gives its state: the stored ``Case.state`` is only
a projection of the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from govhall.cases.models import CaseState
from govhall.cases.models.case import OPEN_CASE_STATES

APPLICANT = "applicant"
STAFF = "staff"
#: The review rules acting on their own (智慧审批): never a role a person is given.
RULES = "rules"


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    role: str  # who may take it: the applicant's side or the department's staff
    needs_opinion: bool = False


def _t(
    action: str, sources: Iterable[str], target: str, role: str, *, opinion: bool = False
) -> Transition:
    return Transition(action, frozenset(sources), target, role, opinion)


S = CaseState
KEEP = ""  # the action leaves the state as it is
APPROVER = "approver"  # staff with cases.approve_extension, not the one who asked
IN_REVIEW = (S.ACCEPTED, S.SUSPENDED, S.SPECIAL_PROCEDURE)
#: States in which a material accepted as pending (容缺) may still arrive or be waived.
PENDING_MAY_ARRIVE = (*IN_REVIEW, S.APPROVED, S.DELIVERED, S.REJECTED)
#: Online pre-review (预审) before the visit: the legal clock has not started.
PRE_REVIEW_STATES = (S.PRE_REVIEW, S.PRE_REVIEW_RETURNED, S.PRE_REVIEWED)
#: Work is pending on these cases: they are in the queues.
QUEUE_STATES = OPEN_CASE_STATES
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("accept", [S.SUBMITTED], S.ACCEPTED, STAFF),
        _t("refuse", [S.SUBMITTED], S.REFUSED, STAFF, opinion=True),
        _t("request_supplement", [S.SUBMITTED], S.SUPPLEMENT_REQUESTED, STAFF, opinion=True),
        _t("supplement", [S.SUPPLEMENT_REQUESTED], S.SUBMITTED, APPLICANT),
        _t("review", [S.ACCEPTED], S.ACCEPTED, STAFF, opinion=True),
        _t("suspend", [S.ACCEPTED], S.SUSPENDED, STAFF, opinion=True),
        _t("resume", [S.SUSPENDED], S.ACCEPTED, STAFF, opinion=True),
        _t("start_special_procedure", [S.ACCEPTED], S.SPECIAL_PROCEDURE, STAFF, opinion=True),
        _t("end_special_procedure", [S.SPECIAL_PROCEDURE], S.ACCEPTED, STAFF, opinion=True),
        _t("request_extension", IN_REVIEW, KEEP, STAFF, opinion=True),
        _t("approve_extension", IN_REVIEW, KEEP, APPROVER, opinion=True),
        _t("refuse_extension", IN_REVIEW, KEEP, APPROVER, opinion=True),
        _t("waive_material", PENDING_MAY_ARRIVE, KEEP, STAFF, opinion=True),
        _t("supply_material", PENDING_MAY_ARRIVE, KEEP, APPLICANT),
        _t("record_visit", (*QUEUE_STATES, S.DELIVERED), KEEP, STAFF),
        _t("approve", [S.ACCEPTED], S.APPROVED, STAFF, opinion=True),
        _t("reject", [S.ACCEPTED], S.REJECTED, STAFF, opinion=True),
        _t("deliver", [S.APPROVED], S.DELIVERED, STAFF),
        _t("close", [S.DELIVERED, S.REJECTED, S.REFUSED], S.CLOSED, STAFF),
        _t("pass_pre_review", [S.PRE_REVIEW], S.PRE_REVIEWED, STAFF),
        _t("return_pre_review", [S.PRE_REVIEW], S.PRE_REVIEW_RETURNED, STAFF, opinion=True),
        _t("resubmit_pre_review", [S.PRE_REVIEW_RETURNED], S.PRE_REVIEW, APPLICANT),
        _t("receive", [S.PRE_REVIEWED], S.SUBMITTED, STAFF),
        _t(
            "withdraw",
            [S.SUBMITTED, S.SUPPLEMENT_REQUESTED, *IN_REVIEW, *PRE_REVIEW_STATES],
            S.WITHDRAWN,
            APPLICANT,
            opinion=True,
        ),
    )
}
SUBMIT = "submit"
SUBMIT_FOR_PRE_REVIEW = "submit_for_pre_review"
#: The first entry of a log and the state it creates.
FIRST_ACTIONS: dict[str, str] = {SUBMIT: S.SUBMITTED, SUBMIT_FOR_PRE_REVIEW: S.PRE_REVIEW}
#: Where the applicant is asked to change materials, and the action that sends the case back.
RESEND_ACTIONS: dict[str, str] = {
    S.SUPPLEMENT_REQUESTED: "supplement",
    S.PRE_REVIEW_RETURNED: "resubmit_pre_review",
}
ASSIGN = "assign"  # claiming, assigning or transferring a case: the state does not change

# What each entry of the log is called on timelines and notices.
ACTION_LABELS: dict[str, Any] = {
    SUBMIT: _("Application submitted"),
    SUBMIT_FOR_PRE_REVIEW: _("Submitted for online pre-review (预审)"),
    "pass_pre_review": _("Pre-review passed: bring the originals to the hall"),
    "return_pre_review": _("Pre-review: changes needed"),
    "resubmit_pre_review": _("Changed materials sent back for pre-review"),
    "receive": _("Application received at the hall"),
    "accept": _("Accepted"),
    "refuse": _("Not accepted"),
    "request_supplement": _("Asked once for everything missing (补正)"),
    "supplement": _("Missing materials supplied"),
    "review": _("Review opinion"),
    ASSIGN: _("Assigned"),
    "approve": _("Decided: granted"),
    "reject": _("Decided: refused"),
    "deliver": _("Result delivered"),
    "close": _("Closed"),
    "withdraw": _("Withdrawn by the applicant"),
    "suspend": _("Suspended"),
    "resume": _("Resumed"),
    "start_special_procedure": _("Special procedure started"),
    "end_special_procedure": _("Special procedure ended"),
    "request_extension": _("Extension of the time limit requested"),
    "approve_extension": _("Extension of the time limit approved"),
    "refuse_extension": _("Extension of the time limit refused"),
    "waive_material": _("Pending material waived"),
    "supply_material": _("Pending material supplied"),
    "record_visit": _("Visit to the hall recorded"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


#: A case can be claimed or assigned in these states (work remains, if only closing it).
ASSIGNABLE_STATES = frozenset({*QUEUE_STATES, S.DELIVERED, S.REJECTED})


def state_after(actions: Iterable[str]) -> str:
    """Replay a log of action names from the start; raises ``ValueError`` on a wrong order."""
    state = ""
    for action in actions:
        if action in FIRST_ACTIONS and not state:
            state = FIRST_ACTIONS[action]
            continue
        if action == ASSIGN and state in ASSIGNABLE_STATES:
            continue
        transition = TRANSITIONS.get(action)
        if transition is None or state not in transition.sources:
            raise ValueError(f"{action} cannot follow {state or 'nothing'}")
        state = transition.target or state
    return state
