"""A finished case is archived (办结归档): its materials, notices and record, in one volume.

The outbox subscribers ``cases.archive`` (``cases.case.close``) and ``cases.archive_withdrawn``
(``cases.case.withdraw``) receive the end of a case after it committed and hand the archive
(docs/archive.md) the volume's documents in the order of the file:

1. the application form as a record (申请表: the form's answers and the list of materials),
   rendered to PDF;
2. every uploaded material of the case (``MaterialUpload``), in the guide's order;
3. every written notice and decision (``CaseNotice``), in the order of the log;
4. the action log as a document (办理过程记录), rendered to PDF.

The outcome — granted, refused after review, not accepted, withdrawn — is the log's last
decision; it sets the class and the retention period. Notices are made by their own subscriber
(``cases.notices``), possibly later or after retries: a volume is never archived without the
notice of any of its decisions, so until every one exists the delivery fails (``NoticesPending``)
and the outbox tries again with back-off, showing why on the event. Idempotent: a case
archived once is skipped before anything is rendered, and the archive itself refuses a second
volume.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from govhall.archive.models import ArchiveOutcome, ArchiveVolume, EntryKind, StoredFile
from govhall.archive.selectors import archive_volume_for_case
from govhall.archive.services import EntryInput, archive_volume_create, stored_file_put
from govhall.cases.models import Case, CaseAction, CaseNotice, MaterialUpload
from govhall.cases.notices import NOTICE_FOR_ACTION, notice_title
from govhall.cases.transitions import action_label
from govhall.catalog.form_pages import Answer, answers_shown
from govhall.core.documents import html_to_pdf
from govhall.core.models import OutboxEvent

#: The log's decisions and the outcome each one means; the last one in the log counts.
OUTCOME_OF_ACTION = {
    "approve": ArchiveOutcome.GRANTED,
    "reject": ArchiveOutcome.DENIED,
    "refuse": ArchiveOutcome.REFUSED,
    "withdraw": ArchiveOutcome.WITHDRAWN,
}
APPLICATION_FORM_TITLE = "申请表"
ACTION_LOG_TITLE = "办理过程记录"
ROLE_NAMES = {"applicant": "申请人", "staff": "工作人员", "approver": "审批人"}
MAX_TITLE = 200
MAX_RECORD_BYTES = 20 * 1024 * 1024


class NoticesPending(RuntimeError):
    """A decision's notice is not made yet: the archiving waits (the outbox retries it)."""


def case_outcome(actions: Sequence[CaseAction]) -> str:
    """The outcome the log's last decision means; ``ValueError`` for a log without one."""
    decisions = [OUTCOME_OF_ACTION[a.action] for a in actions if a.action in OUTCOME_OF_ACTION]
    if not decisions:
        raise ValueError("the case has no decision to archive")
    return decisions[-1]


def case_archive(case: Case, *, closed_on: datetime.date) -> ArchiveVolume:
    """Archive ``case`` (see the module's docstring); its volume if it was archived before."""
    existing = archive_volume_for_case(case.number)
    if existing is not None:
        return existing
    actions = list(case.actions.order_by("sequence"))
    notices = list(case.notices.select_related("stored_file").order_by("action_sequence", "id"))
    _require_notices(actions, notices)
    materials = list(
        MaterialUpload.objects.filter(case=case)
        .select_related("requirement", "stored_file")
        .order_by("requirement__order", "created_at", "id")
    )
    outcome = case_outcome(actions)
    with translation.override("zh-hans"):
        form_pdf = _render(
            "cases/archive/application_form.html",
            case,
            APPLICATION_FORM_TITLE,
            rows=_form_rows(case),
            materials=materials,
        )
        log_pdf = _render(
            "cases/archive/action_log.html",
            case,
            ACTION_LOG_TITLE,
            rows=[_log_row(action) for action in actions],
            notices=[_notice_row(notice) for notice in notices],
        )
    handling = case.version.handling_item
    with transaction.atomic():
        entries = [
            EntryInput(EntryKind.APPLICATION_FORM, APPLICATION_FORM_TITLE, _store(case, form_pdf)),
            *(
                EntryInput(EntryKind.MATERIAL, m.requirement.name[:MAX_TITLE], m.stored_file)
                for m in materials
            ),
            *(EntryInput(EntryKind.NOTICE, _notice_title(n), n.stored_file) for n in notices),
            EntryInput(EntryKind.ACTION_LOG, ACTION_LOG_TITLE, _store(case, log_pdf)),
        ]
        return archive_volume_create(
            case_number=case.number,
            department=case.department,
            item_code=handling.handling_code,
            item_name=handling.name,
            item_type_code=handling.implementation.item_type.code,
            outcome=outcome,
            closed_on=closed_on,
            entries=entries,
        )


def on_case_finished(event: OutboxEvent) -> None:
    """Outbox subscriber of ``cases.case.close`` and ``cases.case.withdraw``."""
    number = str(event.payload.get("number", ""))
    if archive_volume_for_case(number) is not None:
        return
    case = (
        Case.objects.select_related(
            "department", "version__handling_item__implementation__item_type"
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        return
    entry = case.actions.filter(sequence=event.payload.get("sequence")).first()
    closed_on = timezone.localdate(entry.occurred_at if entry else None)
    case_archive(case, closed_on=closed_on)


def _require_notices(actions: Sequence[CaseAction], notices: Sequence[CaseNotice]) -> None:
    made = {(notice.action_sequence, notice.kind) for notice in notices}
    missing = [
        action.sequence
        for action in actions
        if action.action in NOTICE_FOR_ACTION
        and (action.sequence, NOTICE_FOR_ACTION[action.action]) not in made
    ]
    if missing:
        raise NoticesPending(
            f"the notices of log entries {', '.join(map(str, missing))} are not made yet"
        )


def _render(template: str, case: Case, title: str, **context: Any) -> bytes:
    html = render_to_string(
        template,
        {
            "title": title,
            "case": case,
            "item": case.version.handling_item,
            "made_on": timezone.localdate(),
            **context,
        },
    )
    return html_to_pdf(html)


def _store(case: Case, pdf: bytes) -> StoredFile:
    return stored_file_put(
        actor=None,
        uploaded=ContentFile(pdf, name=f"{case.number}.pdf"),
        declared_name=f"{case.number}.pdf",
        max_bytes=MAX_RECORD_BYTES,
    )


def _form_rows(case: Case) -> list[Answer]:
    """The answers with the labels of the form they were given under (the whole record)."""
    return answers_shown(case.version.application_form, case.form_data)


def _log_row(action: CaseAction) -> dict[str, Any]:
    return {
        "sequence": action.sequence,
        "occurred_at": timezone.localtime(action.occurred_at),
        "label": action_label(action.action),
        "actor": action.actor_label,
        "role": ROLE_NAMES.get(action.role, action.role),
        "opinion": action.opinion,
    }


def _notice_row(notice: CaseNotice) -> dict[str, Any]:
    return {
        "title": notice_title(notice.case, notice.kind),
        "number": notice.number,
        "issued_on": notice.issued_on,
        "sealed": notice.seal_id is not None,
    }


def _notice_title(notice: CaseNotice) -> str:
    return f"{notice_title(notice.case, notice.kind)}（{notice.number}）"[:MAX_TITLE]


__all__ = ["NoticesPending", "case_archive", "case_outcome", "on_case_finished"]
