"""Run BPMN processes with SpiffWorkflow behind a small typed API; no SpiffWorkflow type leaves
this module.

A workflow lives between calls only as its serialized state (:class:`WorkflowState`): every
call restores it, acts, runs the engine until it waits on user tasks again and serializes it.
The state carries the parsed process spec, so a running case keeps the process it started
with even when the item version's process is replaced.

Only user tasks wait: each names the role that performs it (``spiffworkflow:property`` named
``role``); the instances of a multi-instance task also carry their item (the department code
of a joint case's ``department_review``).
"""

from __future__ import annotations

import copy
import functools
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from govhall.cases.processes import checks
from govhall.cases.processes.serialization import serializer
from govhall.core.errors import Conflict, ErrorCollector


@dataclass(frozen=True, slots=True)
class UserTaskInfo:
    id: str
    name: str
    role: str
    multi_instance: bool
    #: The start-data variable a multi-instance task runs over (``departments``), if any.
    collection: str | None


@dataclass(frozen=True, slots=True)
class ProcessSpecInfo:
    process_id: str
    name: str
    #: In document order.
    user_tasks: tuple[UserTaskInfo, ...]
    has_parallel_gateway: bool
    has_multi_instance: bool

    @property
    def collections(self) -> tuple[str, ...]:
        """Start-data variables the process needs: non-empty lists of distinct codes."""
        return tuple(dict.fromkeys(t.collection for t in self.user_tasks if t.collection))


@dataclass(frozen=True, slots=True)
class ReadyTask:
    id: uuid.UUID
    #: The BPMN element id (``review``); instances of a multi-instance task share it.
    spec_id: str
    name: str
    role: str
    #: A multi-instance task's item for this instance (``520121-SCJ``); else ``None``.
    item: str | int | None


@dataclass(frozen=True, slots=True)
class WorkflowState:
    """SpiffWorkflow's serialized workflow (JSON text, process spec included)."""

    serialized: str

    def as_dict(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.serialized)
        return value

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> WorkflowState:
        return cls(json.dumps(value))


class ProcessFailed(RuntimeError):
    """The engine failed on a process that should have been refused: a bug, or XML that
    reached :func:`workflow_start` without passing :func:`process_validate`."""


class ScriptsDisabled(ProcessFailed):
    """A script or expression was about to run; no govhall process contains one."""


class _NoCodeEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Refuses to evaluate or execute anything: the last guard behind :mod:`checks`."""

    def evaluate(self, expression: str, context: Any, external_context: Any = None) -> Any:
        raise ScriptsDisabled(expression)

    def execute(self, script: str, context: Any, external_context: Any = None) -> Any:
        raise ScriptsDisabled(script)

    def call_service(self, context: Any, **kwargs: Any) -> Any:
        raise ScriptsDisabled("service task")


_SCRIPT_ENGINE = PythonScriptEngine(environment=_NoCodeEnvironment())


def _reason(error: Exception) -> str:
    reason = str(error).rstrip(". ")
    element = " ".join(str(getattr(error, a, "") or "") for a in ("tag", "id")).strip()
    line = getattr(error, "line_number", "")
    if element:
        reason += f" ({element})"
    if line:
        reason += f", line {line}"
    return reason


def _parse_spec(root: Any, process_id: str, *, validate: bool) -> Any:
    """SpiffWorkflow's spec of ``process_id``; ``validate`` adds the BPMN 2.0 XML schema."""
    parser = SpiffBpmnParser(validator=VALIDATOR if validate else None)
    try:
        parser.add_bpmn_xml(root)
        return parser.get_spec(process_id)
    except Exception as error:  # the parser raises whatever the odd file provokes
        raise checks.refuse(
            "bpmn.parse_error",
            _("The process cannot be run: %(reason)s") % {"reason": _reason(error)},
        ) from None


def process_validate(xml: bytes | str) -> ProcessSpecInfo:
    """Check an uploaded (or built-in) BPMN file; refuse it with ``ValidationFailed`` (field
    ``bpmn``) or describe its process. See :mod:`govhall.cases.processes.checks`."""
    root = checks.parse_document(checks.as_bytes(xml))
    process = checks.single_process(root)
    checks.check_content(root)
    process_id = str(process.get("id"))
    spec = _parse_spec(root, process_id, validate=True)
    nodes = checks.user_task_nodes(process)
    reachable = {s.bpmn_id for s in spec.task_specs.values() if getattr(s, "bpmn_id", None)}
    checks.check_user_tasks(nodes, reachable=reachable)
    return ProcessSpecInfo(
        process_id=process_id,
        name=str(process.get("name") or process_id),
        user_tasks=tuple(
            UserTaskInfo(n.id, n.name, str(n.role), n.multi_instance, n.collection) for n in nodes
        ),
        has_parallel_gateway=next(process.iter(f"{{{checks.BPMN_NS}}}parallelGateway"), None)
        is not None,
        has_multi_instance=any(n.multi_instance for n in nodes),
    )


@functools.lru_cache(maxsize=64)
def _spec_json(xml: bytes) -> str:
    """The parsed spec of ``xml`` as JSON, parsed once per distinct file (parsing takes
    milliseconds); each thread restores it through its own serializer (see
    :mod:`.serialization`)."""
    root = checks.parse_document(xml)
    process = checks.single_process(root)
    spec = _parse_spec(root, str(process.get("id")), validate=False)
    return json.dumps(serializer().to_dict(spec))


def _check_collections(spec: Any, data: dict[str, Any]) -> None:
    errors = ErrorCollector()
    names = {
        s.data_input.bpmn_id
        for s in spec.task_specs.values()
        if isinstance(s, MultiInstanceTask) and s.data_input is not None
    }
    for name in sorted(names):
        value = data.get(name)
        if not (
            isinstance(value, list)
            and value
            and all(isinstance(v, str) and v for v in value)
            and len(set(value)) == len(value)
        ):
            errors.add(
                name,
                "process.collection_invalid",
                _("%(name)s must be a non-empty list of distinct codes.") % {"name": name},
            )
    errors.raise_if_any()


def _dump(workflow: Any) -> WorkflowState:
    return WorkflowState(str(serializer().serialize_json(workflow)))


def _restore(state: WorkflowState) -> Any:
    workflow = serializer().deserialize_json(state.serialized)
    workflow.script_engine = _SCRIPT_ENGINE
    return workflow


def _run(workflow: Any, task: Any = None) -> WorkflowState:
    """Run ``task`` (if given), then the engine until it waits on user tasks; serialize."""
    try:
        if task is not None:
            task.run()
        workflow.do_engine_steps()
    except SpiffWorkflowException as error:
        raise ProcessFailed(_reason(error)) from error
    return _dump(workflow)


def workflow_start(xml: bytes | str, *, data: dict[str, Any]) -> WorkflowState:
    """Start the process of ``xml`` (a built-in template or a file that passed
    :func:`process_validate`) with ``data`` and run it until it waits on user tasks.

    ``data`` holds JSON values (SpiffWorkflow's serializer also keeps ``datetime``,
    ``timedelta`` and ``UUID``); every list a multi-instance task runs over must be in it.
    """
    spec = serializer().from_dict(json.loads(_spec_json(checks.as_bytes(xml))))
    _check_collections(spec, data)
    workflow = BpmnWorkflow(spec, script_engine=_SCRIPT_ENGINE)
    start = workflow.get_next_task(state=TaskState.READY, spec_name="Start")
    start.data.update(copy.deepcopy(data))
    return _run(workflow)


def _loop_of(task: Any) -> Any:
    """The multi-instance task ``task`` is an instance of, else ``None``."""
    parent = task.parent
    spec = parent.task_spec if parent is not None else None
    return spec if isinstance(spec, MultiInstanceTask) else None


def _item(task: Any) -> str | int | None:
    loop = _loop_of(task)
    if loop is None:
        return None
    if loop.input_item is not None and loop.input_item.exists(task):
        item: str | int = loop.input_item.get(task)
        return item
    index: int | None = task.internal_data.get("key_or_index")
    return index


def _ready(workflow: Any) -> list[Any]:
    tasks: list[Any] = workflow.get_tasks(state=TaskState.READY, manual=True)
    return tasks


def _ready_task(task: Any) -> ReadyTask:
    spec = task.task_spec
    properties = (getattr(spec, "extensions", None) or {}).get("properties", {})
    return ReadyTask(
        id=task.id,
        spec_id=str(spec.bpmn_id),
        name=str(spec.bpmn_name or spec.bpmn_id),
        role=str(properties.get("role", "")),
        item=_item(task),
    )


def workflow_ready_tasks(state: WorkflowState) -> list[ReadyTask]:
    """The user tasks waiting to be completed, in process order (instances by their item's
    position in the list)."""
    return [_ready_task(t) for t in _ready(_restore(state))]


def workflow_complete(
    state: WorkflowState, *, task_id: uuid.UUID | str, data: dict[str, Any]
) -> WorkflowState:
    """Complete the ready user task ``task_id`` with ``data`` and run until the next wait.

    ``data`` is merged into the task's data, which flows on to the following tasks. For an
    instance of a multi-instance task with an output collection (the joint template's
    ``department_results``), ``data`` plus the instance's item (``department``) becomes the
    instance's entry, appended in the order the instances complete.
    """
    workflow = _restore(state)
    try:
        key = task_id if isinstance(task_id, uuid.UUID) else uuid.UUID(str(task_id))
    except ValueError:
        key = None
    task = workflow.tasks.get(key) if key is not None else None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise Conflict(
            _("The process has no task %(task)s waiting to be completed.") % {"task": task_id}
        )
    values = copy.deepcopy(data)
    task.data.update(values)
    loop = _loop_of(task)
    if loop is not None and loop.output_item is not None:
        entry = dict(values)
        if loop.input_item is not None and loop.input_item.exists(task):
            entry[loop.input_item.bpmn_id] = loop.input_item.get(task)
        loop.output_item.set(task, entry)
    return _run(workflow, task)


def workflow_is_completed(state: WorkflowState) -> bool:
    return bool(_restore(state).is_completed())


def workflow_active_element_ids(state: WorkflowState) -> list[str]:
    """BPMN element ids of the ready user tasks, each once: what the diagram highlights."""
    return list(dict.fromkeys(str(t.task_spec.bpmn_id) for t in _ready(_restore(state))))
