"""Every action after submission: accept, refuse, ask for supplements (补正), supplement,
approve, reject, deliver, close, withdraw.

Race-safe: the case row is locked, its state checked against the transition table, and the
action takes the next place in the log (a unique constraint would refuse a second action at the
same place even without the lock). Two clerks accepting at once: one succeeds, the other gets
a 409 naming the state the case is now in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from govhall.cases.events import EVENT_RELATED, case_event_publish
from govhall.cases.models import Case, CaseAction, CaseState
from govhall.cases.services.effects import apply_effects
from govhall.cases.services.process import (
    process_complete,
    process_end,
    step_for,
    waiting_step,
)
from govhall.cases.transitions import APPLICANT, APPROVER, RULES, STAFF, TRANSITIONS
from govhall.core.audit import audit_record_create
from govhall.core.changes import FieldSnapshot, save_changed
from govhall.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from govhall.core.scoping import StaffScope
from govhall.identity.acting import (
    PRINCIPAL_ORGANIZATION,
    PRINCIPAL_PERSON,
    ActingAs,
    acting_as_resolve,
)
from govhall.identity.models import User

MAX_OPINION = 2000
ENDED = frozenset({CaseState.REFUSED, CaseState.WITHDRAWN, CaseState.CLOSED})


def staff_may_process(user: User, case: Case, *, action: str = "") -> bool:
    """Staff with ``cases.process_case`` whose region and department cover the case; for a
    joint case, staff of a participating department may see it and give their review."""
    if not user.has_perm("cases.process_case"):
        return False
    if StaffScope.for_user(user).covers(
        region_prefix=case.region.prefix, department_id=case.department_id
    ):
        return True
    return (
        action in {"", "review"}
        and user.department_id is not None
        and case.participants.filter(department_id=user.department_id).exists()
    )


def applicant_acting(user: User, case: Case) -> ActingAs:
    """The applicant side: the applicant or someone who may act for them on this item."""
    from govhall.cases.services.submission import item_codes

    if case.applicant_organization is not None:
        kind, principal_uuid = PRINCIPAL_ORGANIZATION, case.applicant_organization.uuid
    else:
        assert case.applicant_person is not None
        kind, principal_uuid = PRINCIPAL_PERSON, case.applicant_person.uuid
    return acting_as_resolve(
        user=user,
        principal_type=kind,
        principal_uuid=principal_uuid,
        item_codes=item_codes(case.version),
    )


def case_act(
    *, case: Case, action: str, actor: User, opinion: str = "", data: dict[str, Any] | None = None
) -> Case:
    """Take ``action`` on ``case`` as ``actor``; returns the case as it is afterwards."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise NotFound(gettext("Unknown action."))
    opinion = opinion.strip()
    if transition.needs_opinion and not opinion:
        raise ValidationFailed(
            [FieldError("opinion", "opinion.required", gettext("State the reasons."))]
        )
    if len(opinion) > MAX_OPINION:
        raise ValidationFailed(
            [FieldError("opinion", "opinion.too_long", gettext("At most 2,000 characters."))]
        )
    on_behalf_of: dict[str, Any] = {}
    if transition.role == APPROVER:
        if not actor.has_perm("cases.approve_extension") or not staff_may_process(actor, case):
            raise PermissionDenied(gettext("You may not approve extensions for this case."))
    elif transition.role == STAFF:
        if not staff_may_process(actor, case, action=action):
            raise PermissionDenied(gettext("You may not process this case."))
    else:
        on_behalf_of = applicant_acting(actor, case).audit_data()["on_behalf_of"]
    with transaction.atomic():
        return _act(
            case,
            action,
            actor,
            opinion=opinion,
            data=data or {},
            role=APPLICANT if transition.role == APPLICANT else transition.role,
            on_behalf_of=on_behalf_of,
            step_lookup=lambda locked: step_for(locked, action, actor),
        )


def case_act_automatic(
    *, case: Case, action: str, actor: User, opinion: str, data: dict[str, Any]
) -> Case:
    """Take ``action`` for the review rules (智慧审批) inside the caller's transaction: no
    permission or step-role check (``actor`` is the rules' system account, role ``rules``),
    otherwise exactly what :func:`case_act` does — state check, effects, process step, log,
    event and audit record."""
    if action not in TRANSITIONS:
        raise NotFound(gettext("Unknown action."))
    return _act(
        case,
        action,
        actor,
        opinion=opinion,
        data=data,
        role=RULES,
        on_behalf_of={},
        step_lookup=lambda locked: waiting_step(locked, action, actor),
    )


def _act(
    case: Case,
    action: str,
    actor: User,
    *,
    opinion: str,
    data: dict[str, Any],
    role: str,
    on_behalf_of: dict[str, Any],
    step_lookup: Callable[[Case], dict[str, Any] | None],
) -> Case:
    transition = TRANSITIONS[action]
    # FOR NO KEY UPDATE: actions on the case queue behind each other, but rows that refer to it
    # (a notice the outbox is making, which already holds the audit chain's head) are not
    # blocked, so the two never wait for each other's locks in opposite orders (a deadlock).
    locked = (
        Case.objects.select_for_update(of=("self",), no_key=True)
        .select_related(*EVENT_RELATED)
        .get(pk=case.pk)
    )
    snapshot = FieldSnapshot(locked)
    if locked.state not in transition.sources:
        raise Conflict(
            gettext("The case is now “%(state)s”; this action is not possible.")
            % {"state": locked.get_state_display()}
        )
    step = step_lookup(locked)
    effects = apply_effects(locked, action, actor=actor, opinion=opinion, data=data)
    step_data: dict[str, Any] = {}
    if step is not None:
        process_complete(
            locked,
            step,
            {"opinion": opinion, "by": actor.get_username(), "granted": action == "approve"},
        )
        step_data = {"step": step["spec_id"], "step_name": step["name"]}
        if step.get("item") is not None:
            step_data["department"] = step["item"]
    if transition.target in ENDED:
        process_end(locked)
    sequence = (locked.actions.aggregate(last=Max("sequence"))["last"] or 0) + 1
    previous = locked.state
    locked.state = transition.target or previous
    locked.revision += 1
    save_changed(locked, snapshot)
    CaseAction.objects.create(
        case=locked,
        sequence=sequence,
        action=action,
        from_state=previous,
        to_state=locked.state,
        actor=actor,
        actor_label=actor.get_username(),
        role=role,
        on_behalf_of=on_behalf_of,
        opinion=opinion,
        data={**step_data, **effects},
    )
    case_event_publish(locked, action, opinion=opinion, sequence=sequence, by_rules=role == RULES)
    audit_record_create(
        actor=actor,
        action=f"cases.case.{action}",
        object_type="case",
        object_id=locked.number,
        data={
            "from": previous,
            "to": locked.state,
            "opinion": opinion[:200],
            **step_data,
            **effects,
            **({"on_behalf_of": on_behalf_of} if on_behalf_of else {}),
        },
    )
    return locked


__all__ = ["CaseState", "case_act", "case_act_automatic", "staff_may_process"]
