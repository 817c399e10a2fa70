"""BPMN processes: the four built-in templates validate and run step by step with the state
serialized between steps; a joint case fans out to its departments at once and reaches the
lead's decision only after the last one; uploaded BPMN with code, timers, entities or the wrong
shape is refused with a stable code; completing a task that is not waiting is a conflict."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from importlib.resources import files

import pytest
from django.utils import translation
from lxml import etree

from govhall.cases.processes import (
    TEMPLATES,
    ProcessFailed,
    ReadyTask,
    WorkflowState,
    process_validate,
    template_xml,
    workflow_active_element_ids,
    workflow_complete,
    workflow_is_completed,
    workflow_ready_tasks,
    workflow_start,
)
from govhall.core.errors import Conflict, NotFound, ValidationFailed

DEPARTMENTS = ["520121-SCJ", "520121-XF", "520121-HB"]
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": "http://www.omg.org/spec/DD/20100524/DC"}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in English (the msgids); zh-Hans is the default language."""
    with translation.override("en"):
        yield


def stored(state: WorkflowState) -> WorkflowState:
    """What the case does between steps: keep the state as JSON, read it back."""
    return WorkflowState.from_dict(state.as_dict())


def complete(state: WorkflowState, task: ReadyTask, **data: object) -> WorkflowState:
    return stored(workflow_complete(state, task_id=task.id, data=data))


def refusal(xml: bytes | str) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        process_validate(xml)
    return [(e.field, e.code, str(e.message)) for e in caught.value.errors]


def role(name: str) -> str:
    return (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="role" value="{name}" />'
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )


def user_task(task_id: str, role_name: str | None = "reviewer", inner: str = "") -> str:
    properties = role(role_name) if role_name else ""
    return f'<bpmn:userTask id="{task_id}" name="{task_id}">{properties}{inner}</bpmn:userTask>'


def document(
    *nodes: str,
    flows: list[tuple[str, str]] | list[tuple[str, str, str]],
    process_attributes: str = 'id="uploaded" name="上传流程" isExecutable="true"',
    artifacts: str = "",
    after: str = "",
) -> str:
    sequence = "".join(
        f'<bpmn:sequenceFlow id="flow_{flow[0]}_{flow[1]}" sourceRef="{flow[0]}" '
        f'targetRef="{flow[1]}">{flow[2] if len(flow) > 2 else ""}</bpmn:sequenceFlow>'
        for flow in flows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<bpmn:definitions xmlns:bpmn="{BPMN}" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'id="definitions" targetNamespace="https://example.org/bpmn">\n'
        f"<bpmn:process {process_attributes}>\n{''.join(nodes)}{sequence}{artifacts}\n"
        "</bpmn:process>"
        f"{after}</bpmn:definitions>"
    )


START, END = '<bpmn:startEvent id="start" />', '<bpmn:endEvent id="end" />'


def linear(*middle: str, ids: list[str]) -> str:
    chain = ["start", *ids, "end"]
    return document(START, *middle, END, flows=list(itertools.pairwise(chain)))


VALID = linear(user_task("review"), ids=["review"])

# -- templates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "tasks"),
    [
        (
            "instant",
            [
                ("accept_and_decide", "受理并决定", "window_clerk"),
                ("deliver", "送达", "window_clerk"),
            ],
        ),
        (
            "standard",
            [
                ("accept", "受理", "window_clerk"),
                ("review", "审查", "reviewer"),
                ("decide", "决定", "approver"),
                ("deliver", "送达", "window_clerk"),
            ],
        ),
        (
            "multi_level",
            [
                ("accept", "受理", "window_clerk"),
                ("review", "承办", "reviewer"),
                ("check", "审核", "checker"),
                ("decide", "审批签发", "approver"),
                ("deliver", "送达", "window_clerk"),
            ],
        ),
        (
            "joint",
            [
                ("accept", "牵头部门受理", "window_clerk"),
                ("department_review", "部门并联审查", "department"),
                ("decide", "牵头部门决定", "approver"),
                ("deliver", "送达", "window_clerk"),
            ],
        ),
    ],
)
def test_each_template_validates_and_lists_its_user_tasks(
    key: str, tasks: list[tuple[str, str, str]]
) -> None:
    info = process_validate(template_xml(key))

    assert info.process_id == key
    assert [(t.id, t.name, t.role) for t in info.user_tasks] == tasks
    assert info.has_parallel_gateway is False
    assert info.has_multi_instance is (key == "joint")
    assert info.collections == (("departments",) if key == "joint" else ())


def test_templates_ship_as_package_data_with_a_diagram_for_every_element() -> None:
    """bpmn-js draws only what has a shape or an edge: every node and flow has one."""
    folder = files("govhall.cases.processes").joinpath("templates")
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".bpmn")) == sorted(
        t.file for t in TEMPLATES.values()
    )
    for key in TEMPLATES:
        root = etree.fromstring(template_xml(key).encode())
        process = root.find("bpmn:process", NS)
        nodes = [e.get("id") for e in process if e.get("id") and not e.tag.endswith("Flow")]
        flows = [e.get("id") for e in process.findall("bpmn:sequenceFlow", NS)]
        shapes = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
        edges = {
            e.get("bpmnElement")
            for e in root.iterfind(".//bpmndi:BPMNEdge", NS)
            if len(e.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")) >= 2
        }
        assert set(nodes) == shapes, key
        assert set(flows) == edges, key
        assert root.find(".//bpmndi:BPMNPlane", NS).get("bpmnElement") == key


def test_an_unknown_template_is_not_found() -> None:
    with pytest.raises(NotFound):
        template_xml("express")


@pytest.mark.parametrize(
    ("key", "order"),
    [
        ("instant", ["accept_and_decide", "deliver"]),
        ("standard", ["accept", "review", "decide", "deliver"]),
        ("multi_level", ["accept", "review", "check", "decide", "deliver"]),
    ],
)
def test_a_linear_template_runs_to_completion_in_order(key: str, order: list[str]) -> None:
    state = stored(workflow_start(template_xml(key), data={"case": "GH-1"}))
    done = []
    while not workflow_is_completed(state):
        (task,) = workflow_ready_tasks(state)
        assert workflow_active_element_ids(state) == [task.spec_id]
        assert task.item is None
        done.append(task.spec_id)
        state = complete(state, task, opinion=f"{task.name}意见")

    assert done == order
    assert workflow_ready_tasks(state) == []
    assert workflow_active_element_ids(state) == []


def test_a_ready_task_names_its_element_and_role_and_gets_a_new_id_each_step() -> None:
    state = workflow_start(template_xml("standard"), data={"case": "GH-1"})
    (accept,) = workflow_ready_tasks(state)
    assert (accept.spec_id, accept.name, accept.role, accept.item) == (
        "accept",
        "受理",
        "window_clerk",
        None,
    )

    state = complete(state, accept, accepted_on="2026-03-02")

    (review,) = workflow_ready_tasks(state)
    assert (review.spec_id, review.name, review.role) == ("review", "审查", "reviewer")
    assert review.id != accept.id


# -- joint -------------------------------------------------------------------------------


def test_joint_fans_out_to_every_department_and_decides_after_the_last() -> None:
    state = stored(workflow_start(template_xml("joint"), data={"departments": DEPARTMENTS}))
    (accept,) = workflow_ready_tasks(state)
    assert (accept.spec_id, accept.role) == ("accept", "window_clerk")
    state = complete(state, accept)

    reviews = workflow_ready_tasks(state)
    assert [(t.spec_id, t.name, t.role, t.item) for t in reviews] == [
        ("department_review", "部门并联审查", "department", code) for code in DEPARTMENTS
    ]
    assert len({t.id for t in reviews}) == 3
    assert workflow_active_element_ids(state) == ["department_review"]

    for remaining, task in zip([2, 1], reversed(reviews[1:]), strict=True):
        state = complete(state, task, opinion="同意", by=task.item)
        left = workflow_ready_tasks(state)
        assert workflow_active_element_ids(state) == ["department_review"]  # no decide yet
        assert [t.item for t in left] == DEPARTMENTS[:remaining]
        assert [t.id for t in left] == [t.id for t in reviews[:remaining]]
    state = complete(state, reviews[0], opinion="补充消防意见")

    (decide,) = workflow_ready_tasks(state)
    assert (decide.spec_id, decide.role) == ("decide", "approver")
    state = complete(state, decide, decision="grant")
    (deliver,) = workflow_ready_tasks(state)
    state = complete(state, deliver)
    assert workflow_is_completed(state)
    assert state.as_dict()["data"]["department_results"] == [
        {"opinion": "同意", "by": "520121-HB", "department": "520121-HB"},
        {"opinion": "同意", "by": "520121-XF", "department": "520121-XF"},
        {"opinion": "补充消防意见", "department": "520121-SCJ"},
    ]
    assert "department" not in state.as_dict()["data"]


@pytest.mark.parametrize(
    "departments",
    [None, [], ["520121-SCJ", "520121-SCJ"], "520121-SCJ", ["520121-SCJ", 7], [""]],
)
def test_joint_needs_a_list_of_distinct_department_codes(departments: object) -> None:
    data = {} if departments is None else {"departments": departments}
    with pytest.raises(ValidationFailed) as caught:
        workflow_start(template_xml("joint"), data=data)

    assert [(e.field, e.code, str(e.message)) for e in caught.value.errors] == [
        (
            "departments",
            "process.collection_invalid",
            "departments must be a non-empty list of distinct codes.",
        )
    ]


def test_an_uploaded_parallel_gateway_runs_both_branches_in_any_order() -> None:
    xml = document(
        START,
        '<bpmn:parallelGateway id="split" />',
        user_task("review", "reviewer"),
        user_task("check", "checker"),
        '<bpmn:parallelGateway id="join" />',
        user_task("decide", "approver"),
        END,
        flows=[
            ("start", "split"),
            ("split", "review"),
            ("split", "check"),
            ("review", "join"),
            ("check", "join"),
            ("join", "decide"),
            ("decide", "end"),
        ],
    )
    info = process_validate(xml)
    assert (info.has_parallel_gateway, info.has_multi_instance) == (True, False)

    state = workflow_start(xml, data={})
    assert sorted(workflow_active_element_ids(state)) == ["check", "review"]
    check = next(t for t in workflow_ready_tasks(state) if t.spec_id == "check")
    state = complete(state, check)
    assert workflow_active_element_ids(state) == ["review"]
    (review,) = workflow_ready_tasks(state)
    state = complete(state, review)
    assert workflow_active_element_ids(state) == ["decide"]


# -- completing --------------------------------------------------------------------------


def test_completing_a_task_that_is_not_waiting_is_a_conflict() -> None:
    state = workflow_start(template_xml("standard"), data={})
    (accept,) = workflow_ready_tasks(state)
    after = workflow_complete(state, task_id=str(accept.id), data={})
    unknown = uuid.uuid4()

    for task_id in (accept.id, unknown, "not-a-uuid"):
        with pytest.raises(Conflict) as caught:
            workflow_complete(after, task_id=task_id, data={})
        assert str(caught.value) == f"The process has no task {task_id} waiting to be completed."

    # the start task exists but is not a user task
    start_id = next(key for key, t in after.as_dict()["tasks"].items() if t["task_spec"] == "start")
    with pytest.raises(Conflict):
        workflow_complete(after, task_id=start_id, data={})


def test_the_engine_runs_no_script_even_when_validation_was_bypassed() -> None:
    xml = document(
        START,
        '<bpmn:scriptTask id="calc"><bpmn:script>ran = True</bpmn:script></bpmn:scriptTask>',
        user_task("review"),
        END,
        flows=[("start", "calc"), ("calc", "review"), ("review", "end")],
    )
    with pytest.raises(ProcessFailed) as caught:
        workflow_start(xml, data={})

    assert str(caught.value) == "ScriptsDisabled:ran = True"  # refused, never executed


# -- refusals ----------------------------------------------------------------------------


def test_a_valid_upload_is_described() -> None:
    info = process_validate(VALID.encode())

    assert (info.process_id, info.name) == ("uploaded", "上传流程")
    assert [(t.id, t.role, t.multi_instance) for t in info.user_tasks] == [
        ("review", "reviewer", False)
    ]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("not XML at all", "The file is not well-formed XML: "),
        ("<html><body>BPMN</body></html>", "The file is not a BPMN 2.0 document."),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY leak SYSTEM "file:///etc/passwd">]>'
            + VALID.split("\n", 1)[1].replace('name="上传流程"', 'name="&leak;"'),
            "Document type declarations and entities are not allowed.",
        ),
        (
            VALID.replace(
                '<?xml version="1.0" encoding="UTF-8"?>\n',
                '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n',
            ).replace('name="上传流程"', 'name="&b;"'),
            "Document type declarations and entities are not allowed.",
        ),
        (
            VALID.replace(
                'encoding="UTF-8"?>\n', 'encoding="UTF-16"?>\n<!DOCTYPE d [<!ENTITY a "a">]>\n'
            ).encode("utf-16"),
            "Document type declarations and entities are not allowed.",
        ),
    ],
    ids=["garbage", "not-bpmn", "external-entity", "entity-expansion", "utf-16-doctype"],
)
def test_what_is_not_plain_bpmn_xml_is_refused(xml: str | bytes, message: str) -> None:
    ((field, code, text),) = refusal(xml)

    assert (field, code) == ("bpmn", "bpmn.invalid_xml")
    assert text.startswith(message)


def test_a_file_over_512_kb_is_refused_before_parsing() -> None:
    xml = VALID.replace("</bpmn:definitions>", f"<!-- {'x' * 512 * 1024} --></bpmn:definitions>")

    assert refusal(xml) == [("bpmn", "bpmn.too_large", "The BPMN file is larger than 512 KB.")]


@pytest.mark.parametrize(
    ("xml", "found"),
    [
        (VALID.replace("</bpmn:process>", '</bpmn:process><bpmn:process id="second" />'), 2),
        (VALID.replace('isExecutable="true"', 'isExecutable="false"'), 0),
    ],
    ids=["two-processes", "not-executable"],
)
def test_exactly_one_executable_process(xml: str, found: int) -> None:
    assert refusal(xml) == [
        (
            "bpmn",
            "bpmn.process_count",
            f"The file must define exactly one executable process (found: {found}).",
        )
    ]


def test_scripts_conditions_and_spiff_scripts_are_refused_all_at_once() -> None:
    xml = document(
        START,
        '<bpmn:scriptTask id="calc"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>',
        '<bpmn:exclusiveGateway id="choose" default="flow_choose_end" />',
        user_task(
            "review",
            inner="",
        ).replace(
            "</spiffworkflow:properties>",
            "</spiffworkflow:properties><spiffworkflow:preScript>x = 1</spiffworkflow:preScript>",
        ),
        END,
        flows=[
            ("start", "calc"),
            ("calc", "choose"),
            ("choose", "review", "<bpmn:conditionExpression>approved</bpmn:conditionExpression>"),
            ("choose", "end"),
            ("review", "end"),
        ],
    )

    ((field, code, message),) = refusal(xml)

    assert (field, code) == ("bpmn", "bpmn.scripts_forbidden")
    assert message == (
        "Uploaded processes may not contain scripts, conditions or other expressions (found: "
        "scriptTask calc (line 4), preScript review (line 4), "
        "conditionExpression flow_choose_review (line 4))."
    )


def test_a_multi_instance_count_may_be_a_number_but_not_an_expression() -> None:
    def counted(cardinality: str) -> str:
        loop = (
            "<bpmn:multiInstanceLoopCharacteristics>"
            f"<bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>"
            "</bpmn:multiInstanceLoopCharacteristics>"
        )
        return linear(user_task("review", inner=loop), ids=["review"])

    assert process_validate(counted("3")).has_multi_instance is True
    assert [c for _f, c, _m in refusal(counted("len(departments)"))] == ["bpmn.scripts_forbidden"]


def test_timers_are_refused() -> None:
    timer = (
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>P5D</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )
    xml = linear(user_task("review"), timer, ids=["review", "wait"])

    assert refusal(xml) == [
        (
            "bpmn",
            "bpmn.timers_forbidden",
            "Uploaded processes may not contain timers: time limits come from the item's "
            "deadlines in working days (found: intermediateCatchEvent wait (line 4)).",
        )
    ]


def test_elements_outside_the_allow_list_are_refused() -> None:
    service = '<bpmn:serviceTask id="notify" />'
    xml = linear(user_task("review"), service, ids=["review", "notify"])

    assert refusal(xml) == [
        (
            "bpmn",
            "bpmn.unsupported_element",
            "These BPMN elements are not supported: serviceTask notify (line 4). Use start and "
            "end events, user tasks, and parallel or exclusive gateways.",
        )
    ]


def test_a_process_without_user_tasks_is_refused() -> None:
    xml = document(START, END, flows=[("start", "end")])

    assert refusal(xml) == [
        (
            "bpmn",
            "bpmn.no_user_tasks",
            "The process has no user task, so no one would ever handle a case.",
        )
    ]


def test_parser_errors_carry_the_parsers_reason() -> None:
    xml = document(
        START,
        user_task("review"),
        user_task("check", "checker"),
        END,
        flows=[("start", "review"), ("review", "check"), ("review", "end"), ("check", "end")],
    )

    ((field, code, message),) = refusal(xml)

    assert (field, code) == ("bpmn", "bpmn.parse_error")
    assert message.startswith("The process cannot be run: Multiple outgoing flows are not")
    assert "review" in message


def test_the_xml_schema_is_checked() -> None:
    xml = VALID.replace('<bpmn:startEvent id="start" />', '<bpmn:startEvent id="start" x="1" />')

    assert refusal(xml) == [
        (
            "bpmn",
            "bpmn.parse_error",
            "The process cannot be run: Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}"
            "startEvent', attribute 'x': The attribute 'x' is not allowed, line 4",
        )
    ]


def test_user_tasks_name_a_known_role_and_are_reachable() -> None:
    xml = document(
        START,
        user_task("review", None),
        user_task("check", "clerk"),
        user_task("orphan"),
        END,
        flows=[("start", "review"), ("review", "check"), ("check", "end")],
    )

    assert refusal(xml) == [
        (
            "bpmn",
            "bpmn.role_missing",
            "The user task review names no role: add a spiffworkflow:property named role "
            "(one of window_clerk, reviewer, checker, approver, department).",
        ),
        (
            "bpmn",
            "bpmn.role_unknown",
            "The user task check names the unknown role clerk (known: window_clerk, reviewer, "
            "checker, approver, department).",
        ),
        (
            "bpmn",
            "bpmn.parse_error",
            "The user task orphan cannot be reached from the start event.",
        ),
    ]


def test_pools_lanes_annotations_and_exclusive_merges_are_allowed() -> None:
    lanes = (
        '<bpmn:laneSet id="lanes"><bpmn:lane id="window" name="窗口">'
        "<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>accept</bpmn:flowNodeRef>"
        '</bpmn:lane><bpmn:lane id="office" name="科室">'
        "<bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>merge</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
    )
    xml = document(
        lanes,
        START,
        user_task("accept", "window_clerk"),
        '<bpmn:parallelGateway id="split" />',
        user_task("review"),
        user_task("check", "checker"),
        '<bpmn:parallelGateway id="join" />',
        '<bpmn:exclusiveGateway id="merge" />',
        END,
        flows=[
            ("start", "accept"),
            ("accept", "split"),
            ("split", "review"),
            ("split", "check"),
            ("review", "join"),
            ("check", "join"),
            ("join", "merge"),
            ("merge", "end"),
        ],
        artifacts=(
            '<bpmn:textAnnotation id="note"><bpmn:text>承办与审核同时进行</bpmn:text>'
            '</bpmn:textAnnotation><bpmn:association id="note_link" sourceRef="review" '
            'targetRef="note" />'
        ),
        after=(
            '<bpmn:collaboration id="pool"><bpmn:participant id="hall" name="县政务服务中心" '
            'processRef="uploaded" /></bpmn:collaboration>'
        ),
    )

    info = process_validate(xml)

    assert [(t.id, t.role) for t in info.user_tasks] == [
        ("accept", "window_clerk"),
        ("review", "reviewer"),
        ("check", "checker"),
    ]
    assert info.has_parallel_gateway is True
