"""What the process diagram partial (``portal/cases/_process_diagram.html``) needs: the BPMN
XML for bpmn-js, the element ids to highlight, and the steps as text — the alternative for
screen readers and for browsers without JavaScript.

Include it with ``{% include "portal/cases/_process_diagram.html" with diagram=diagram %}``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govhall.cases.models import Case, CaseAction
from govhall.cases.processes import ProcessSpecInfo, process_validate, role_label
from govhall.cases.services.process import case_process_xml
from govhall.core.errors import ValidationFailed

DONE, CURRENT, WAITING = "done", "current", "waiting"


@dataclass(frozen=True, slots=True)
class DiagramStep:
    id: str
    name: str
    role: str
    status: str
    departments: tuple[str, ...]

    @property
    def is_current(self) -> bool:
        return self.status == CURRENT


@dataclass(frozen=True, slots=True)
class ProcessDiagram:
    xml: str
    current: list[str]
    steps: list[DiagramStep]


@functools.lru_cache(maxsize=16)
def _describe(xml: str) -> ProcessSpecInfo | None:
    """The user tasks of a process (checked once per distinct XML and process)."""
    try:
        return process_validate(xml)
    except ValidationFailed:
        return None


def process_diagram(
    case: Case, *, actions: Sequence[CaseAction], names: Mapping[str, str]
) -> ProcessDiagram | None:
    """The diagram of the case's process with its waiting steps, or ``None`` for a case that
    runs no process. ``names``: department credit code → name, for joint reviews."""
    if not case.workflow_state:
        return None
    xml = case_process_xml(case)
    info = _describe(xml)
    if info is None:
        return None
    steps = case.current_steps or []
    current = list(dict.fromkeys(str(s["spec_id"]) for s in steps))
    completed = {str(a.data["step"]) for a in actions if (a.data or {}).get("step")}
    rows = []
    for task in info.user_tasks:
        waiting_in = tuple(
            names.get(str(s["item"]), str(s["item"]))
            for s in steps
            if s["spec_id"] == task.id and s.get("item")
        )
        status = CURRENT if task.id in current else DONE if task.id in completed else WAITING
        rows.append(DiagramStep(task.id, task.name, role_label(task.role), status, waiting_in))
    return ProcessDiagram(xml=xml, current=current, steps=rows)
