"""What an uploaded BPMN file may contain, checked on the XML before SpiffWorkflow sees it.

SpiffWorkflow evaluates every script, condition and expression with Python's ``eval``/``exec``
(DESIGN.md, "Process engine"), and the admins who upload processes are not the developers who
review code. So an uploaded process is an allow-list of plain BPMN: start and end events, user
tasks (each naming a role), parallel and exclusive gateways used without conditions,
multi-instance user tasks over a list given at start, lanes, annotations and groups. Scripts,
conditions and other expressions are refused as ``bpmn.scripts_forbidden``, timers as
``bpmn.timers_forbidden`` (the deadline engine owns time, in working days), anything else as
``bpmn.unsupported_element``. The engine also runs every workflow with a script engine that
refuses to evaluate anything, so a check missed here fails closed.

The XML is parsed without a DTD, entities or network access, and a DOCTYPE is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from govhall.cases.processes.library import ROLES
from govhall.core.errors import ErrorCollector, FieldError, ValidationFailed

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
#: Diagram interchange: shapes, edges, bounds and waypoints (drawn, never run).
DIAGRAM_NAMESPACES = frozenset(
    {
        "http://www.omg.org/spec/BPMN/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DC",
        "http://www.omg.org/spec/DD/20100524/DI",
    }
)
MAX_BYTES = 512 * 1024
FIELD = "bpmn"
#: Offending elements named in one message; the rest are counted.
LISTED = 5

ALLOWED = frozenset(
    {
        "definitions",
        "process",
        "collaboration",
        "participant",
        "laneSet",
        "lane",
        "childLaneSet",
        "flowNodeRef",
        "documentation",
        "extensionElements",
        "startEvent",
        "endEvent",
        "terminateEventDefinition",
        "userTask",
        "parallelGateway",
        "exclusiveGateway",
        "sequenceFlow",
        "incoming",
        "outgoing",
        "multiInstanceLoopCharacteristics",
        "loopDataInputRef",
        "loopDataOutputRef",
        "inputDataItem",
        "outputDataItem",
        "loopCardinality",  # a plain number only, see _is_script
        "textAnnotation",
        "text",
        "association",
        "group",
        "category",
        "categoryValue",
    }
)
#: Elements whose text SpiffWorkflow runs or evaluates as Python.
SCRIPTS = frozenset(
    {
        "scriptTask",
        "script",
        "conditionExpression",
        "completionCondition",
        "loopCondition",
        "condition",
        "conditionalEventDefinition",
        "activationCondition",
    }
)
SPIFF_SCRIPTS = frozenset(
    {"preScript", "postScript", "serviceTaskOperator", "messagePayload", "payloadExpression"}
)


@dataclass(frozen=True, slots=True)
class UserTaskNode:
    """A user task as the XML declares it."""

    id: str
    name: str
    role: str | None
    #: The data variable a multi-instance task runs over (``departments``), if any.
    collection: str | None
    multi_instance: bool


def refuse(code: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(FIELD, code, message)])


def as_bytes(xml: bytes | str) -> bytes:
    return xml.encode("utf-8") if isinstance(xml, str) else xml


def parse_document(xml: bytes) -> Any:
    """The root element of ``xml``, parsed safely; refuses oversize files, malformed XML,
    documents with a DOCTYPE (the only place entities can be declared) and non-BPMN roots."""
    if len(xml) > MAX_BYTES:
        raise refuse(
            "bpmn.too_large",
            _("The BPMN file is larger than %(limit)d KB.") % {"limit": MAX_BYTES // 1024},
        )
    if b"<!DOCTYPE" in xml:  # also caught after parsing; here for the clearer message
        raise refuse(
            "bpmn.invalid_xml", _("Document type declarations and entities are not allowed.")
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise refuse(
            "bpmn.invalid_xml", _("The file is not well-formed XML: %(reason)s") % {"reason": error}
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise refuse(
            "bpmn.invalid_xml", _("Document type declarations and entities are not allowed.")
        )
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise refuse("bpmn.invalid_xml", _("The file is not a BPMN 2.0 document."))
    return root


def single_process(root: Any) -> Any:
    """The one executable top-level process of the document."""
    processes = root.findall(f"{{{BPMN_NS}}}process")
    executable = [p for p in processes if p.get("isExecutable", "true") == "true"]
    if len(processes) != 1 or len(executable) != 1:
        raise refuse(
            "bpmn.process_count",
            _("The file must define exactly one executable process (found: %(count)d).")
            % {"count": len(executable)},
        )
    return executable[0]


def _local(element: Any) -> tuple[str, str]:
    qname = etree.QName(element)
    return qname.namespace or "", qname.localname


def _describe(element: Any) -> str:
    """``scriptTask calc (line 12)``: the element and the nearest id at or above it."""
    owner = element
    while owner is not None and owner.get("id") is None:
        owner = owner.getparent()
    ident = f" {owner.get('id')}" if owner is not None else ""
    return f"{etree.QName(element).localname}{ident} (line {element.sourceline})"


def _listed(elements: list[Any]) -> str:
    names = [_describe(e) for e in elements[:LISTED]]
    if len(elements) > LISTED:
        names.append(_("and %(count)d more") % {"count": len(elements) - LISTED})
    return ", ".join(names)


def _is_script(namespace: str, name: str, element: Any) -> bool:
    if namespace == BPMN_NS:
        if name == "loopCardinality":
            text = (element.text or "").strip()
            return not (text.isascii() and text.isdecimal())
        return name in SCRIPTS
    return namespace == SPIFF_NS and name in SPIFF_SCRIPTS


def _category(element: Any) -> str | None:
    """``scripts``, ``timers`` or ``unsupported`` for an offending element, else ``None``.
    An event with a timer definition counts as a timer, not as an unsupported event."""
    namespace, name = _local(element)
    if _is_script(namespace, name, element):
        return "scripts"
    if namespace != BPMN_NS:
        return None
    if (
        name == "timerEventDefinition"
        or element.find(f"{{{BPMN_NS}}}timerEventDefinition") is not None
    ):
        return "timers"
    return None if name in ALLOWED else "unsupported"


def _offenders(element: Any, found: dict[str, list[Any]]) -> None:
    """Collect offenders depth-first; what is inside an offender is not reported again."""
    category = _category(element)
    if category is not None:
        found[category].append(element)
        return
    for child in element.iterchildren(tag=etree.Element):
        _offenders(child, found)


def check_content(root: Any) -> None:
    """Refuse scripts, timers and unsupported elements, naming every offender at once."""
    found: dict[str, list[Any]] = {"scripts": [], "timers": [], "unsupported": []}
    _offenders(root, found)
    scripts, timers, unsupported = found["scripts"], found["timers"], found["unsupported"]
    errors = ErrorCollector()
    if scripts:
        errors.add(
            FIELD,
            "bpmn.scripts_forbidden",
            _(
                "Uploaded processes may not contain scripts, conditions or other expressions "
                "(found: %(elements)s)."
            )
            % {"elements": _listed(scripts)},
        )
    if timers:
        errors.add(
            FIELD,
            "bpmn.timers_forbidden",
            _(
                "Uploaded processes may not contain timers: time limits come from the item's "
                "deadlines in working days (found: %(elements)s)."
            )
            % {"elements": _listed(timers)},
        )
    if unsupported:
        errors.add(
            FIELD,
            "bpmn.unsupported_element",
            _(
                "These BPMN elements are not supported: %(elements)s. Use start and end events, "
                "user tasks, and parallel or exclusive gateways."
            )
            % {"elements": _listed(unsupported)},
        )
    errors.raise_if_any()


def _role(task: Any) -> str | None:
    for prop in task.iterfind(
        f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}properties/{{{SPIFF_NS}}}property"
    ):
        if prop.get("name") == "role":
            return str(prop.get("value") or "").strip() or None
    return None


def user_task_nodes(process: Any) -> list[UserTaskNode]:
    """The process's user tasks in document order."""
    nodes = []
    for task in process.iter(f"{{{BPMN_NS}}}userTask"):
        loop = task.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")
        ref = None if loop is None else loop.find(f"{{{BPMN_NS}}}loopDataInputRef")
        collection = None if ref is None else (ref.text or "").strip() or None
        task_id = str(task.get("id"))
        nodes.append(
            UserTaskNode(
                id=task_id,
                name=str(task.get("name") or task_id),
                role=_role(task),
                collection=collection,
                multi_instance=loop is not None,
            )
        )
    return nodes


def check_user_tasks(nodes: list[UserTaskNode], *, reachable: set[str]) -> None:
    """At least one user task; each reachable from the start and naming a known role."""
    if not nodes:
        raise refuse(
            "bpmn.no_user_tasks",
            _("The process has no user task, so no one would ever handle a case."),
        )
    errors = ErrorCollector()
    known = ", ".join(ROLES)
    for node in nodes:
        if node.id not in reachable:
            errors.add(
                FIELD,
                "bpmn.parse_error",
                _("The user task %(task)s cannot be reached from the start event.")
                % {"task": node.id},
            )
        if node.role is None:
            errors.add(
                FIELD,
                "bpmn.role_missing",
                _(
                    "The user task %(task)s names no role: add a spiffworkflow:property "
                    "named role (one of %(roles)s)."
                )
                % {"task": node.id, "roles": known},
            )
        elif node.role not in ROLES:
            errors.add(
                FIELD,
                "bpmn.role_unknown",
                _("The user task %(task)s names the unknown role %(role)s (known: %(roles)s).")
                % {"task": node.id, "role": node.role, "roles": known},
            )
    errors.raise_if_any()
