"""BPMN 2.0 processes of item versions, run by SpiffWorkflow (DESIGN.md, "Process engine").

A pure library: the built-in templates (:mod:`.library`), the checks an uploaded process must
pass (:mod:`.checks`) and the typed engine API the case module calls (:mod:`.engine`). No
models; the case stores a :class:`WorkflowState` and passes it back. See docs/processes.md.
"""

from govhall.cases.processes.engine import (
    ProcessFailed,
    ProcessSpecInfo,
    ReadyTask,
    UserTaskInfo,
    WorkflowState,
    process_validate,
    workflow_active_element_ids,
    workflow_complete,
    workflow_is_completed,
    workflow_ready_tasks,
    workflow_start,
)
from govhall.cases.processes.library import ROLES, TEMPLATES, role_label, template_xml

__all__ = [
    "ROLES",
    "TEMPLATES",
    "ProcessFailed",
    "ProcessSpecInfo",
    "ReadyTask",
    "UserTaskInfo",
    "WorkflowState",
    "process_validate",
    "role_label",
    "template_xml",
    "workflow_active_element_ids",
    "workflow_complete",
    "workflow_is_completed",
    "workflow_ready_tasks",
    "workflow_start",
]
