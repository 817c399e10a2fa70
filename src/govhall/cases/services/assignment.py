"""Who works on a case: claiming it from the queue, assigning or transferring it to a
colleague, and acting on several cases at once from the work queue.

An assignment is an entry of the case's log (``assign``, the state unchanged) with an audit
record, written under the case's row lock like every action: two clerks claiming at once end
with one assignee and the other told who has it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from govhall.cases.models import Case, CaseAction
from govhall.cases.services.actions import case_act, staff_may_process
from govhall.cases.transitions import ASSIGN, ASSIGNABLE_STATES, STAFF
from govhall.core.audit import audit_record_create
from govhall.core.errors import (
    Conflict,
    DomainError,
    FieldError,
    PermissionDenied,
    ValidationFailed,
    error_text,
)
from govhall.identity.models import User


def case_assign(*, case: Case, actor: User, assignee: User, claim: bool = False) -> Case:
    """Give the case to ``assignee`` (``claim``: the actor takes it, only while nobody has
    it). Both must be staff who may process the case."""
    if not staff_may_process(actor, case, action=ASSIGN):
        raise PermissionDenied(gettext("You may not process this case."))
    if not assignee.is_active or not staff_may_process(assignee, case, action=ASSIGN):
        raise ValidationFailed(
            [
                FieldError(
                    "assignee",
                    "assignee.not_eligible",
                    gettext("This colleague may not process this case."),
                )
            ]
        )
    with transaction.atomic():
        locked = (  # no_key: as case actions lock it (services/actions.py)
            Case.objects.select_for_update(of=("self",), no_key=True)
            .select_related("assignee")
            .get(pk=case.pk)
        )
        if locked.state not in ASSIGNABLE_STATES:
            raise Conflict(
                gettext("The case is now “%(state)s”; this action is not possible.")
                % {"state": locked.get_state_display()}
            )
        previous = locked.assignee
        if claim and previous is not None:
            raise Conflict(
                gettext("%(name)s already works on this case.") % {"name": previous.get_username()}
            )
        locked.assignee = assignee
        locked.revision += 1
        locked.save(update_fields=["assignee", "revision", "updated_at"])
        sequence = (locked.actions.aggregate(last=Max("sequence"))["last"] or 0) + 1
        data = {
            "assignee": assignee.get_username(),
            "previous": previous.get_username() if previous else "",
            "kind": "claim" if claim else ("transfer" if previous else "assign"),
        }
        CaseAction.objects.create(
            case=locked,
            sequence=sequence,
            action=ASSIGN,
            from_state=locked.state,
            to_state=locked.state,
            actor=actor,
            actor_label=actor.get_username(),
            role=STAFF,
            data=data,
        )
        audit_record_create(
            actor=actor,
            action="cases.case.assign",
            object_type="case",
            object_id=locked.number,
            data=data,
        )
    return locked


MAX_BULK = 100


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    number: str
    done: bool
    message: str


def cases_bulk_act(
    *, numbers: Sequence[str], action: str, actor: User, opinion: str = ""
) -> list[BulkOutcome]:
    """The same action on several cases, each in its own transaction: one refusal (a state
    that changed, a missing right) does not undo or stop the others; each is reported."""
    if len(numbers) > MAX_BULK:
        raise ValidationFailed(
            [FieldError("numbers", "numbers.too_many", gettext("At most 100 cases at once."))]
        )
    outcomes: list[BulkOutcome] = []
    cases = {c.number: c for c in Case.objects.filter(number__in=list(numbers))}
    for number in numbers:
        case = cases.get(number)
        if case is None or not staff_may_process(actor, case):  # never tell what exists
            outcomes.append(BulkOutcome(number, False, gettext("No such case.")))
            continue
        try:
            if action == "claim":
                case_assign(case=case, actor=actor, assignee=actor, claim=True)
            else:
                case_act(case=case, action=action, actor=actor, opinion=opinion)
        except DomainError as error:
            outcomes.append(BulkOutcome(number, False, error_text(error)))
        else:
            outcomes.append(BulkOutcome(number, True, ""))
    return outcomes


__all__ = ["BulkOutcome", "case_assign", "cases_bulk_act"]
