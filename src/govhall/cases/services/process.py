"""The BPMN process inside a case: which process a version runs, starting it on submission,
and completing its steps as staff act.

The case's state machine (``transitions.py``) says what may happen to the case as a whole
(accept, decide, deliver...); the process says which review steps run inside and in which
order, including the parallel reviews of a joint item. An action completes the process step
it stands for:

| action | completes the waiting step whose role is |
|---|---|
| ``accept`` | ``window_clerk`` (not ``deliver``; 即办件 decide at once instead) |
| ``review`` | ``reviewer``, ``checker`` or ``department`` (the actor's own department) |
| ``approve`` / ``reject`` | ``approver``, or the 即办件's ``accept_and_decide`` |
| ``deliver`` | ``window_clerk`` (``deliver``) |

A decision is possible only when the process waits for it: reviews still open answer 409.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from govhall.cases.models import Case, CaseParticipant, ProcessDefinition, VersionProcess
from govhall.cases.processes import (
    ProcessSpecInfo,
    ReadyTask,
    WorkflowState,
    process_validate,
    role_label,
    template_xml,
    workflow_complete,
    workflow_ready_tasks,
    workflow_start,
)
from govhall.cases.step_roles import may_take_step, step_roles_text
from govhall.catalog.models import CaseKind, ItemVersion
from govhall.core.audit import audit_record_create
from govhall.core.crypto import sm3_hex
from govhall.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from govhall.core.models import Department
from govhall.core.transactions import service_atomic
from govhall.identity.models import User

REVIEW_ROLES = frozenset({"reviewer", "checker", "department"})
DECIDE_STEPS = frozenset({"accept_and_decide"})


def default_template(version: ItemVersion) -> str:
    return "instant" if version.case_kind == CaseKind.INSTANT else "standard"


def version_process(version: ItemVersion) -> tuple[str, dict[str, Any], str]:
    """The BPMN text, the start data and a label (template key or ``bpmn``) of a version."""
    chosen = VersionProcess.objects.filter(version=version).first()
    if chosen is not None and chosen.bpmn:
        return chosen.bpmn, _start_data(chosen), "bpmn"
    key = chosen.template if chosen is not None and chosen.template else default_template(version)
    return template_xml(key), _start_data(chosen), key


def _start_data(chosen: VersionProcess | None) -> dict[str, Any]:
    return {"departments": list(chosen.departments)} if chosen and chosen.departments else {}


def version_process_check(
    *, template: str = "", bpmn: str = "", departments: list[str] | None = None
) -> tuple[ProcessSpecInfo, list[str]]:
    """Check a template choice or an uploaded BPMN file with its joint departments; returns
    the process description and the department codes, or raises ``ValidationFailed``."""
    if bool(template) == bool(bpmn):
        raise ValidationFailed(
            [FieldError("template", "process.choose_one", gettext("Choose a template or a file."))]
        )
    xml = template_xml(template) if template else bpmn
    info = process_validate(xml)
    codes = list(dict.fromkeys(departments or []))
    if info.collections and not codes:
        raise ValidationFailed(
            [
                FieldError(
                    "departments",
                    "process.departments_required",
                    gettext("A joint process needs the departments that review in parallel."),
                )
            ]
        )
    known = set(
        Department.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
    )
    if unknown := [c for c in codes if c not in known]:
        raise ValidationFailed(
            [
                FieldError(
                    "departments",
                    "process.department_unknown",
                    gettext("Unknown department codes: %(codes)s") % {"codes": ", ".join(unknown)},
                )
            ]
        )
    return info, codes


def version_process_set(
    *,
    actor: User,
    version: ItemVersion,
    template: str = "",
    bpmn: str = "",
    departments: list[str] | None = None,
) -> VersionProcess:
    """Choose a template or upload a BPMN file for a version (checked before it is kept)."""
    info, codes = version_process_check(template=template, bpmn=bpmn, departments=departments)
    with service_atomic():
        chosen, _created = VersionProcess.objects.update_or_create(
            version=version,
            defaults={"template": template, "bpmn": bpmn, "departments": codes, "set_by": actor},
        )
        audit_record_create(
            actor=actor,
            action="cases.version_process.set",
            object_type="item_version",
            object_id=str(version.uuid),
            data={
                "template": template or "bpmn",
                "departments": codes,
                "steps": len(info.user_tasks),
            },
        )
    return chosen


def _steps(state: WorkflowState) -> list[dict[str, Any]]:
    return [_step(task) for task in workflow_ready_tasks(state)]


def _step(task: ReadyTask) -> dict[str, Any]:
    return {
        "id": str(task.id),
        "spec_id": task.spec_id,
        "name": task.name,
        "role": task.role,
        "item": task.item,
    }


def process_definition_for(xml: str) -> ProcessDefinition:
    """The stored copy of a process text (one row per distinct text)."""
    digest = sm3_hex(xml.encode())
    definition = ProcessDefinition.objects.filter(sm3=digest).first()
    if definition is None:
        try:
            with transaction.atomic():
                definition = ProcessDefinition.objects.create(sm3=digest, xml=xml)
        except IntegrityError:  # stored by a concurrent submission
            definition = ProcessDefinition.objects.get(sm3=digest)
    return definition


def case_process_xml(case: Case) -> str:
    """The BPMN text the case runs: the one it started with."""
    if case.process_definition_id is not None:
        return str(case.process_definition.xml)  # type: ignore[union-attr]
    return version_process(case.version)[0]


def process_start(case: Case) -> list[str]:
    """Start the version's process for a new case, before its row is inserted (inside the
    submission's transaction): the case gets its process state; returns the credit codes of
    the departments a joint process involves, for :func:`participants_add` once it is."""
    xml, data, _label = version_process(case.version)
    state = workflow_start(xml, data=data)
    case.workflow_state = state.serialized
    case.process_definition = process_definition_for(xml)
    _steps_set(case, _steps(state))
    return list(data.get("departments", []))


def participants_add(case: Case, codes: list[str]) -> None:
    """The other departments of a joint process become the case's participants."""
    if codes:
        CaseParticipant.objects.bulk_create(
            CaseParticipant(case=case, department=department)
            for department in Department.objects.filter(credit_code__in=codes).exclude(
                pk=case.department_id
            )
        )


def _department_code(actor: User) -> str:
    department = getattr(actor, "department", None)
    return str(department.credit_code) if department is not None else ""


def step_for(case: Case, action: str, actor: User) -> dict[str, Any] | None:
    """The waiting step ``action`` completes, or ``None`` when it completes none; raises
    ``Conflict`` when the process is not at a point where the action fits and
    ``PermissionDenied`` when the step is for a role the actor does not hold
    (:mod:`govhall.cases.step_roles`)."""
    step = waiting_step(case, action, actor)
    if step is not None and not may_take_step(actor, step["role"]):
        raise PermissionDenied(
            gettext("This step is for the role “%(role)s”.") % {"role": role_label(step["role"])}
        )
    return step


def waiting_step(case: Case, action: str, actor: User) -> dict[str, Any] | None:
    """The waiting step ``action`` completes (no role check: see :func:`step_for`)."""
    if not case.workflow_state:
        return None
    steps: list[dict[str, Any]] = case.current_steps
    if action == "accept":
        return next(
            (
                s
                for s in steps
                if s["role"] == "window_clerk" and s["spec_id"] not in DECIDE_STEPS | {"deliver"}
            ),
            None,
        )
    if action == "review":
        reviews = [s for s in steps if s["role"] in REVIEW_ROLES]
        mine = [
            s for s in reviews if s["role"] != "department" or s["item"] == _department_code(actor)
        ]
        if not mine:
            raise Conflict(_waiting_message(steps))
        # A joint review by the actor's role first (the actor may hold the role of one of
        # several reviews waiting at once).
        return next((s for s in mine if may_take_step(actor, s["role"])), mine[0])
    if action in {"approve", "reject"}:
        decide = [s for s in steps if s["role"] == "approver" or s["spec_id"] in DECIDE_STEPS]
        if not decide:
            raise Conflict(_waiting_message(steps))
        return decide[0]
    if action == "deliver":
        return next((s for s in steps if s["spec_id"] == "deliver"), None)
    return None


def _waiting_message(steps: list[dict[str, Any]]) -> str:
    if not steps:
        return gettext("The process has no step waiting.")
    names = "、".join(
        f"{s['name']}（{s['item']}）" if s.get("item") else str(s["name"]) for s in steps
    )
    return gettext("The process is waiting for: %(steps)s.") % {"steps": names}


def process_complete(case: Case, step: dict[str, Any], data: dict[str, Any]) -> None:
    """Complete ``step`` with ``data`` (inside the action's transaction, case row locked)."""
    state = workflow_complete(WorkflowState(case.workflow_state), task_id=step["id"], data=data)
    case.workflow_state = state.serialized
    _steps_set(case, _steps(state))


def process_end(case: Case) -> None:
    """The case left processing (refused, withdrawn, closed): nothing waits any more."""
    _steps_set(case, [])


def _steps_set(case: Case, steps: list[dict[str, Any]]) -> None:
    case.current_steps = steps
    case.step_roles = step_roles_text([step["role"] for step in steps])


__all__ = [
    "case_process_xml",
    "default_template",
    "participants_add",
    "process_complete",
    "process_definition_for",
    "process_end",
    "process_start",
    "step_for",
    "version_process",
    "version_process_check",
    "version_process_set",
    "waiting_step",
]
