"""Case endpoints under ``/api/v1/cases``: submit (with ``Idempotency-Key``), read, and one
endpoint per action. 409 for an action the state does not allow, 403 for a caller without the
right, 404 for a case the caller may not see."""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from govhall.cases.automatic_selectors import case_decision, decision_explanation
from govhall.cases.models import Case, CaseState
from govhall.cases.selectors import (
    DEADLINE_STATES,
    MY_STEPS,
    available_actions,
    case_detail,
    case_for_number,
    case_visible_to,
    deadline_state,
    my_cases,
    queue_counts,
    work_queue,
)
from govhall.cases.services.actions import case_act
from govhall.cases.services.assignment import MAX_BULK, case_assign, cases_bulk_act
from govhall.cases.services.drafts import (
    draft_open,
    material_upload,
    material_upload_remove,
)
from govhall.cases.services.submission import case_submit
from govhall.cases.services.supply import case_material_supply
from govhall.core.errors import FieldError, NotFound, ValidationFailed
from govhall.core.problems import problems
from govhall.identity.api_auth import USER
from govhall.identity.models import User

router = Router(tags=["cases"])


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class SubmitIn(Schema):
    version: uuid.UUID
    principal_type: str = "person"
    principal_uuid: uuid.UUID | None = None
    channel: str = "web"
    form_data: dict[str, Any] = {}
    materials: list[uuid.UUID] = []
    pre_review: bool = Field(
        False,
        description="Submit for online pre-review (预审) before the visit to the hall the item "
        "needs (web and mobile only; 422 pre_review.not_offered otherwise). The case waits in "
        "pre_review; the five-day acceptance clock starts when the hall receives it.",
    )


class ActionOut(Schema):
    sequence: int
    action: str
    from_state: str
    to_state: str
    actor: str
    role: str
    on_behalf_of: dict[str, Any]
    occurred_at: datetime.datetime
    opinion: str


class StopOut(Schema):
    kind: str
    reason: str
    started_on: datetime.date
    ended_on: datetime.date | None


class StepOut(Schema):
    spec_id: str
    name: str
    role: str
    department: str | None


class DueOut(Schema):
    due_on: datetime.date
    working_days_used: int
    working_days_left: int


class DecisionRuleSetOut(Schema):
    name: str
    revision: int


class DecisionStandardOut(Schema):
    row: int
    description: str = Field(description="The review standard (the rule's description).")
    matched: bool = Field(description="Whether the rule held on the application's data.")
    outcome: str = Field(description="What the rule decides when it holds.")
    reason: str


class DecisionInputOut(Schema):
    name: str
    label: str
    value: str = Field(description="As shown to people (是/否 for yes/no).")
    source: str = Field(description="Where the value came from, in words.")
    detail: str = Field(description="How it was obtained (the source's name, a licence…).")
    ok: bool = Field(description="False when the value could not be obtained.")


class AutomaticDecisionOut(Schema):
    outcome: str = Field(description="approve, refuse, manual or pending.")
    decided: bool = Field(
        description="Whether the rules decided the case (instant approval, 秒批) or only "
        "advised the staff."
    )
    rule_set: DecisionRuleSetOut
    summary: str
    reasons: list[str]
    standards: list[DecisionStandardOut]
    inputs: list[DecisionInputOut]


def _automatic_decision_out(case: Case) -> AutomaticDecisionOut | None:
    decision = case_decision(case)
    if decision is None:
        return None
    explanation = decision_explanation(decision)
    return AutomaticDecisionOut(
        outcome=decision.outcome,
        decided=decision.decided,
        rule_set=DecisionRuleSetOut(
            name=decision.rule_set.name, revision=decision.rule_set.revision
        ),
        summary=explanation.summary,
        reasons=explanation.reasons,
        standards=[
            DecisionStandardOut(
                row=s.row,
                description=s.description,
                matched=s.matched,
                outcome=s.outcome,
                reason=s.reason,
            )
            for s in explanation.standards
        ],
        inputs=[
            DecisionInputOut(
                name=i.name,
                label=i.label,
                value=i.value,
                source=i.source,
                detail=i.detail,
                ok=i.ok,
            )
            for i in explanation.inputs
        ],
    )


class CaseOut(Schema):
    number: str
    state: str
    state_label: str
    applicant: str
    channel: str
    version: uuid.UUID
    received_at: datetime.datetime
    received_on: datetime.date
    accepted_on: datetime.date | None
    legal_due: DueOut | None
    promised_due: DueOut | None
    due_provisional: bool
    timeline: list[ActionOut]
    clock_stops: list[StopOut]
    assignee: str
    visits: int
    pending_materials: list[dict[str, Any]]
    extension_days: int
    current_steps: list[StepOut]
    actions: list[str]
    automatic_decision: AutomaticDecisionOut | None = Field(
        description="What the review rules found on submission (智慧审批), explained: null "
        "when the item had no published rules then."
    )


def _case_out(case: Case, user: User) -> CaseOut:
    detail = case_detail(case)

    def due(progress: Any) -> DueOut | None:
        if progress is None:
            return None
        return DueOut(
            due_on=progress.due_on,
            working_days_used=progress.used,
            working_days_left=progress.left,
        )

    return CaseOut(
        number=case.number,
        state=case.state,
        state_label=case.get_state_display(),
        applicant=case.applicant_name,
        channel=case.channel,
        version=case.version.uuid,
        received_at=case.received_at,
        received_on=case.received_on,
        accepted_on=case.accepted_on,
        legal_due=due(detail.legal),
        promised_due=due(detail.promised),
        due_provisional=case.due_provisional,
        timeline=[
            ActionOut(
                sequence=a.sequence,
                action=a.action,
                from_state=a.from_state,
                to_state=a.to_state,
                actor=a.actor_label,
                role=a.role,
                on_behalf_of=a.on_behalf_of,
                occurred_at=a.occurred_at,
                opinion=a.opinion,
            )
            for a in detail.actions
        ],
        clock_stops=[
            StopOut(kind=s.kind, reason=s.reason, started_on=s.started_on, ended_on=s.ended_on)
            for s in detail.stops
        ],
        assignee=case.assignee.get_username() if case.assignee else "",
        visits=case.visits,
        pending_materials=case.pending_materials,
        extension_days=case.extension_days,
        current_steps=[
            StepOut(
                spec_id=s["spec_id"],
                name=s["name"],
                role=s["role"],
                department=str(s["item"]) if s.get("item") is not None else None,
            )
            for s in case.current_steps
        ],
        actions=available_actions(user, case),
        automatic_decision=_automatic_decision_out(case),
    )


@router.post(
    "",
    response={200: CaseOut, 201: CaseOut},
    auth=USER,
    summary="Submit an application",
    openapi_extra=problems(403, 404, 409),
    description=(
        "A signed-in person, for themself, an organization they represent or a principal whose "
        "mandate covers the item (principal_type person|organization, principal_uuid; default: "
        "themself). Requires the Idempotency-Key header: the same key and body answer 200 with "
        "the case already created; the same key with another body is 422 "
        "idempotency_key.reused. 404 for an unknown version; 422 version.not_published."
    ),
)
def submit(request: HttpRequest, payload: SubmitIn) -> Status[CaseOut]:
    user = _user(request)
    principal_uuid = payload.principal_uuid or _own_person_uuid(user)
    case, created = case_submit(
        actor=user,
        version_uuid=payload.version,
        principal_type=payload.principal_type,
        principal_uuid=principal_uuid,
        channel=payload.channel,
        form_data=payload.form_data,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        materials=payload.materials,
        pre_review=payload.pre_review,
    )
    return Status(201 if created else 200, _case_out(case, user))


class SuppliedOut(Schema):
    uuid: UUID
    requirement_name: str
    file_name: str
    case: CaseOut


@router.post(
    "/{number}/materials",
    response={201: SuppliedOut},
    auth=USER,
    summary="Upload a material to a submitted case",
    openapi_extra=problems(403, 404, 409),
    description=(
        "The applicant or whoever may act for them on this item (404 for anyone else): "
        "multipart requirement and file. Allowed while a 补正 notice waits (then send it "
        "back with the supplement action) or for a material pending on the case (容缺), "
        "which is settled at once; 409 otherwise; 422 file.* for a refused file."
    ),
)
def supply(
    request: HttpRequest, number: str, requirement: Form[uuid.UUID], file: File[UploadedFile]
) -> Status[SuppliedOut]:
    user = _user(request)
    case = _visible_case(request, number)
    upload = case_material_supply(
        case=case, actor=user, requirement_uuid=requirement, uploaded=file
    )
    fresh = case_for_number(number)
    assert fresh is not None
    return Status(
        201,
        SuppliedOut(
            uuid=upload.uuid,
            requirement_name=upload.requirement.name,
            file_name=upload.file_name,
            case=_case_out(fresh, user),
        ),
    )


class WindowSubmitIn(Schema):
    version: uuid.UUID
    id_number: str
    form_data: dict[str, Any] = {}
    materials: list[uuid.UUID] = []


@router.post(
    "/window",
    response={200: CaseOut, 201: CaseOut},
    auth=USER,
    summary="Take an application at a window (窗口收件)",
    openapi_extra=problems(403, 404, 409),
    description=(
        "Staff with cases.process_case whose region and department cover the item (403 "
        "otherwise), for a walk-in applicant whose identity document they checked: id_number "
        "of a registered person (404 otherwise). Materials are uploaded by the clerk through "
        "/uploads with principal_uuid of the applicant. Same rules and Idempotency-Key as "
        "online submission; the case records channel window and the clerk as submitter."
    ),
)
def submit_at_window(request: HttpRequest, payload: WindowSubmitIn) -> Status[CaseOut]:
    from govhall.identity.selectors import person_find_by_id_number

    user = _user(request)
    person = person_find_by_id_number(payload.id_number)
    if person is None:
        raise NotFound(_("No such person: register the applicant first."))
    case, created = case_submit(
        actor=user,
        version_uuid=payload.version,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="window",
        form_data=payload.form_data,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        materials=payload.materials,
        at_window=True,
    )
    return Status(201 if created else 200, _case_out(case, user))


class UploadOut(Schema):
    uuid: UUID
    requirement: UUID
    requirement_name: str
    file_name: str
    sm3: str
    size: int
    content_type: str


@router.post(
    "/uploads",
    response={201: UploadOut},
    auth=USER,
    summary="Upload a material for an application",
    openapi_extra=problems(403, 404),
    description=(
        "A signed-in person who may apply for the principal (as for submitting). Multipart "
        "form: version, requirement (a material of that version), principal_type, "
        "principal_uuid (default: themself) and file (PDF, JPEG or PNG; the content is "
        "sniffed, not trusted from its name; size and page limits apply: 422 file.*). The "
        "returned uuid goes into the materials list of the submission."
    ),
)
def upload(
    request: HttpRequest,
    version: Form[uuid.UUID],
    requirement: Form[uuid.UUID],
    file: File[UploadedFile],
    principal_type: Form[str] = "person",
    principal_uuid: Form[uuid.UUID | None] = None,
) -> Status[UploadOut]:
    user = _user(request)
    if principal_uuid is None:
        principal_uuid = _own_person_uuid(user)
    draft = draft_open(
        actor=user,
        version_uuid=version,
        principal_type=principal_type,
        principal_uuid=principal_uuid,
    )
    stored = material_upload(actor=user, draft=draft, requirement_uuid=requirement, uploaded=file)
    return Status(
        201,
        UploadOut(
            uuid=stored.uuid,
            requirement=stored.requirement.uuid,
            requirement_name=stored.requirement.name,
            file_name=stored.file_name,
            sm3=stored.stored_file.sm3,
            size=stored.stored_file.size,
            content_type=stored.stored_file.content_type,
        ),
    )


@router.delete(
    "/uploads/{upload_uuid}",
    response={204: None},
    auth=USER,
    summary="Remove an upload not yet submitted",
    openapi_extra=problems(404, 409),
    description=(
        "The uploader only (404 for anyone else); 409 once the file belongs to a submitted case."
    ),
)
def upload_remove(request: HttpRequest, upload_uuid: uuid.UUID) -> Status[None]:
    material_upload_remove(actor=_user(request), upload_uuid=upload_uuid)
    return Status(204, None)


def _own_person_uuid(user: User) -> uuid.UUID:
    from govhall.identity.selectors import person_for_user

    person = person_for_user(user)
    if person is None:
        raise NotFound(_("This account has no person profile."))
    return person.uuid


class CaseRowOut(Schema):
    number: str
    state: str
    state_label: str
    applicant: str
    item: str
    received_on: datetime.date
    promised_due_on: datetime.date | None
    legal_due_on: datetime.date | None
    deadline: str


class CaseListOut(Schema):
    count: int
    items: list[CaseRowOut]
    next: int | None


PAGE_SIZE = 20
#: A page past this would need an offset the database cannot hold (a 500, not an answer).
MAX_PAGE = 10_000


@router.get(
    "",
    response=CaseListOut,
    auth=USER,
    summary="My cases, or my work queue",
    description=(
        "view=mine (default): any signed-in account — cases it submitted, made for it, or made "
        "for an organization it represents, newest first. view=queue: staff with "
        "cases.process_case — open cases of their department and region, most urgent first; "
        "filters state, deadline (green, yellow from the warning share of the promised "
        "limit, red when overdue), assigned (me, unassigned) and steps (mine: a process step "
        "waits for one of the caller's step roles). 20 per page; page from 1 to 10,000."
    ),
)
def list_cases(
    request: HttpRequest,
    view: str = "mine",
    state: str = "",
    deadline: str = "",
    assigned: str = "",
    steps: str = "",
    page: int = 1,
) -> CaseListOut:
    from django.utils import timezone

    problems = []
    if view not in {"mine", "queue"}:
        problems.append(FieldError("view", "view.invalid", _("Choose mine or queue.")))
    if state and state not in CaseState.values:
        problems.append(FieldError("state", "state.invalid", _("Unknown state.")))
    if deadline and deadline not in DEADLINE_STATES:
        problems.append(
            FieldError("deadline", "deadline.invalid", _("Choose green, yellow or red."))
        )
    if assigned not in {"", "me", "unassigned"}:
        problems.append(FieldError("assigned", "assigned.invalid", _("Choose me or unassigned.")))
    if steps not in {"", MY_STEPS}:
        problems.append(FieldError("steps", "steps.invalid", _("Choose mine or leave it out.")))
    if page < 1:
        problems.append(FieldError("page", "page.invalid", _("Pages start at 1.")))
    elif page > MAX_PAGE:
        problems.append(FieldError("page", "page.invalid", _("There are at most 10,000 pages.")))
    if problems:
        raise ValidationFailed(problems)
    user = _user(request)
    if view == "queue":
        queryset = work_queue(user, state=state, deadline=deadline, assigned=assigned, steps=steps)
    else:
        queryset = my_cases(user)
        if state:
            queryset = queryset.filter(state=state)
    queryset = queryset.select_related("version__handling_item")
    count = queryset.count()
    start = (page - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE])
    today = timezone.localdate()
    return CaseListOut(
        count=count,
        items=[
            CaseRowOut(
                number=case.number,
                state=case.state,
                state_label=case.get_state_display(),
                applicant=case.applicant_name,
                item=case.version.handling_item.name,
                received_on=case.received_on,
                promised_due_on=case.promised_due_on,
                legal_due_on=case.legal_due_on,
                deadline=deadline_state(case, today),
            )
            for case in rows
        ],
        next=page + 1 if start + PAGE_SIZE < count else None,
    )


class QueueCountsOut(Schema):
    total: int
    green: int
    yellow: int
    red: int


@router.get(
    "/queue/counts",
    response=QueueCountsOut,
    auth=USER,
    summary="How many open cases of my queue are green, yellow and red",
    description="Staff with cases.process_case (others get zeros): one query over their scope.",
)
def counts(request: HttpRequest) -> QueueCountsOut:
    return QueueCountsOut(**queue_counts(_user(request)))


class BulkIn(Schema):
    numbers: list[str]
    action: str
    opinion: str = ""


class BulkOutcomeOut(Schema):
    number: str
    done: bool
    message: str


@router.post(
    "/bulk",
    response=list[BulkOutcomeOut],
    auth=USER,
    summary="The same action on several cases of my queue",
    description=(
        "Staff with cases.process_case: action is claim or any case action (accept, review, "
        "approve, ...); at most 100 numbers (422 numbers.too_many). Each case is done in its "
        "own transaction and reported: done, or the reason it was not (state, right, "
        "process); a case the caller may not see is reported as not found."
    ),
)
def bulk(request: HttpRequest, payload: BulkIn) -> list[BulkOutcomeOut]:
    user = _user(request)
    if len(payload.numbers) > MAX_BULK:
        raise ValidationFailed(
            [FieldError("numbers", "numbers.too_many", _("At most 100 cases at once."))]
        )
    visible = [n for n in payload.numbers if _may_see(user, n)]
    outcomes = {
        o.number: o
        for o in cases_bulk_act(
            numbers=visible, action=payload.action, actor=user, opinion=payload.opinion
        )
    }
    return [
        BulkOutcomeOut(
            number=n,
            done=outcomes[n].done if n in outcomes else False,
            message=outcomes[n].message if n in outcomes else _("No such case."),
        )
        for n in payload.numbers
    ]


def _may_see(user: User, number: str) -> bool:
    case = case_for_number(number)
    return case is not None and case_visible_to(user, case)


def _visible_case(request: HttpRequest, number: str) -> Case:
    case = case_for_number(number)
    if case is None or not case_visible_to(_user(request), case):
        raise NotFound(_("No such case."))
    return case


@router.get(
    "/{number}",
    response=CaseOut,
    auth=USER,
    summary="A case with its timeline and due dates",
    openapi_extra=problems(404),
    description=(
        "The applicant (or whoever may act for them on this item) and staff with "
        "cases.process_case whose region and department cover the case; 404 for anyone else. "
        "Due dates come with the working days used and left; clock stops are listed. "
        "automatic_decision explains what the review rules found on submission: the outcome, "
        "whether they decided the case (秒批) or only advised the staff, each review standard "
        "and whether it held, each input with its value and source (in the request's language)."
    ),
)
def get_case(request: HttpRequest, number: str) -> CaseOut:
    return _case_out(_visible_case(request, number), _user(request))


class ActionIn(Schema):
    opinion: str = ""
    data: dict[str, Any] = {}


def _act(request: HttpRequest, number: str, action: str, payload: ActionIn) -> CaseOut:
    case = _visible_case(request, number)
    user = _user(request)
    return _case_out(
        case_act(case=case, action=action, actor=user, opinion=payload.opinion, data=payload.data),
        user,
    )


def _action_endpoint(name: str) -> Any:
    def endpoint(request: HttpRequest, number: str, payload: ActionIn) -> CaseOut:
        return _act(request, number, name, payload)

    return endpoint


_STAFF = (
    "Staff with cases.process_case whose region and department cover the case (403 "
    "otherwise); 409 when the case's state does not allow it."
)
_APPLICANT = (
    "The applicant or whoever may act for them on this item; 409 when the state does not allow it."
)

for _action, _who, _summary in (
    (
        "accept",
        _STAFF + " data.pending_days (1-20, default 5): when materials are pending (容缺), "
        "the working days they are due in. After five working days without a refusal or a "
        "补正 notice the case counts as accepted from receipt (Art. 32).",
        "Accept (受理)",
    ),
    ("refuse", _STAFF + " An opinion (the reasons) is required.", "Refuse to accept (不予受理)"),
    (
        "request-supplement",
        _STAFF + " The opinion lists everything missing, once; the clock stops.",
        "Ask once for everything missing (补正)",
    ),
    ("supplement", _APPLICANT + " The clock runs again.", "Supply what was asked for"),
    (
        "review",
        _STAFF + " Completes the review step waiting for the caller (for a joint case, the "
        "caller's department's); an opinion is required.",
        "Give a review opinion",
    ),
    ("approve", _STAFF + " An opinion is required.", "Decide: grant"),
    ("reject", _STAFF + " An opinion (the reasons) is required.", "Decide: refuse"),
    (
        "deliver",
        _STAFF + " data.method: window, mail or electronic; mail needs data.carrier and "
        "data.waybill.",
        "Deliver the result",
    ),
    ("suspend", _STAFF + " A reason is required; the clock stops.", "Suspend (中止)"),
    ("resume", _STAFF + " A reason is required; the clock runs again.", "Resume"),
    (
        "start-special-procedure",
        _STAFF + " data.procedure names one of the guide's special procedures; a reason is "
        "required; the clock stops unless the guide counts it within the limit.",
        "Start a special procedure (特别程序)",
    ),
    (
        "end-special-procedure",
        _STAFF + " The result is required; the clock runs again.",
        "End the special procedure",
    ),
    (
        "request-extension",
        _STAFF + " data.days (1-10 working days, 15 for a joint case), once per case; the "
        "reason is told to the applicant (Art. 42).",
        "Request an extension of the time limit",
    ),
    (
        "approve-extension",
        "Staff with cases.approve_extension who cover the case, not the requester (403 "
        "otherwise); 409 when no extension waits. The due dates move.",
        "Approve the extension",
    ),
    (
        "refuse-extension",
        "Staff with cases.approve_extension who cover the case, not the requester (403 "
        "otherwise); 409 when no extension waits.",
        "Refuse the extension",
    ),
    (
        "waive-material",
        _STAFF + " data.requirement: a material pending on the case (容缺); a reason is required.",
        "Waive a pending material",
    ),
    (
        "record-visit",
        _STAFF + " Counts a visit of the applicant to a hall; the answer's log entry says "
        "when the guide's promised number of visits (at most 2) is exceeded.",
        "Record a visit to the hall",
    ),
    ("close", _STAFF, "Close the case"),
    (
        "pass-pre-review",
        _STAFF + " The optional opinion tells the applicant what to bring to the hall.",
        "Pass the online pre-review (预审通过)",
    ),
    (
        "return-pre-review",
        _STAFF + " The opinion (what to change) is required and told to the applicant.",
        "Return the pre-review for changes",
    ),
    (
        "resubmit-pre-review",
        _APPLICANT + " After uploading the changed materials (…/materials).",
        "Send the changed materials back for pre-review",
    ),
    (
        "receive",
        _STAFF + " The applicant came to the hall after a passed pre-review: receipt and the "
        "five-day acceptance clock (Art. 32) start now, and the visit is counted.",
        "Receive the application at the hall",
    ),
    ("withdraw", _APPLICANT + " A reason is required.", "Withdraw the application"),
):
    router.add_api_operation(
        f"/{{number}}/actions/{_action}",
        ["POST"],
        _action_endpoint(_action.replace("-", "_")),
        response=CaseOut,
        auth=USER,
        summary=_summary,
        description=_who,
        operation_id=f"case_{_action.replace('-', '_')}",
        openapi_extra=problems(403, 404, 409),
    )


class AssignIn(Schema):
    assignee: str = ""


@router.post(
    "/{number}/assign",
    response=CaseOut,
    auth=USER,
    summary="Claim, assign or transfer a case",
    openapi_extra=problems(403, 404, 409),
    description=(
        "Staff with cases.process_case whose region and department cover the case (403 "
        "otherwise). Without assignee the caller claims the case (409 when someone already "
        "has it); with a user name it is assigned or transferred to that colleague, who must "
        "be able to process it (422 assignee.not_eligible). 409 for a case no longer open."
    ),
)
def assign(request: HttpRequest, number: str, payload: AssignIn) -> CaseOut:
    user = _user(request)
    case = _visible_case(request, number)
    if payload.assignee:
        assignee = User.objects.filter(username=payload.assignee).first()
        if assignee is None:
            raise ValidationFailed(
                [FieldError("assignee", "assignee.not_eligible", _("No such colleague."))]
            )
        case = case_assign(case=case, actor=user, assignee=assignee)
    else:
        case = case_assign(case=case, actor=user, assignee=user, claim=True)
    return _case_out(case, user)


__all__ = ["HttpResponse", "router"]
