"""Written notices and decisions (受理通知书、不予受理决定书、补正材料通知书、准予 / 不予行政许可
决定书、延长办理期限告知书), generated as PDFs from templates, numbered and kept with the case.

They are made by an outbox subscriber (``cases.notices``) after the action committed, so an
action never waits for PDF rendering and a failed rendering is retried by the dispatcher
without touching the case. A notice is made once per log entry (a unique constraint; a
re-delivered event finds it made). Numbers read ``{department}{kind}〔{year}〕{sequence}号``,
e.g. ``开阳县民政局受字〔2026〕00012号``, per department, kind and year, the counter row locked
while a number is taken. The PDF goes into the archive (content-addressed, SM3) with its CJK
fonts embedded; sealing the notices with the department's electronic seal comes with the
licence module (issue 5).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from govhall.archive.services.files import stored_file_put
from govhall.cases.models import Case, CaseAction, CaseNotice, NoticeCounter, NoticeKind
from govhall.core.audit import audit_record_create
from govhall.core.counters import counter_next
from govhall.core.documents import html_to_pdf
from govhall.core.errors import Conflict
from govhall.core.models import OutboxEvent
from govhall.licenses.models import Seal
from govhall.licenses.services.seals import seal_for_signing, seal_sign

#: Which log entry produces which notice.
NOTICE_FOR_ACTION = {
    "accept": NoticeKind.ACCEPTANCE,
    "refuse": NoticeKind.REFUSAL,
    "request_supplement": NoticeKind.SUPPLEMENT,
    "approve": NoticeKind.GRANT,
    "reject": NoticeKind.DENIAL,
    "approve_extension": NoticeKind.EXTENSION,
}
#: The character of each kind in its number (受字、补字 ...).
NUMBER_MARK = {
    NoticeKind.ACCEPTANCE: "受",
    NoticeKind.REFUSAL: "不受",
    NoticeKind.SUPPLEMENT: "补",
    NoticeKind.GRANT: "准",
    NoticeKind.DENIAL: "不准",
    NoticeKind.EXTENSION: "延",
}
TITLES = {
    NoticeKind.ACCEPTANCE: "受理通知书",
    NoticeKind.REFUSAL: "不予受理决定书",
    NoticeKind.SUPPLEMENT: "补正材料通知书",
    NoticeKind.GRANT: "准予行政许可决定书",
    NoticeKind.DENIAL: "不予行政许可决定书",
    NoticeKind.EXTENSION: "延长办理期限告知书",
}
#: The decisions of items that are not administrative licences (行政给付、行政确认、公共服务…):
#: the Administrative Licensing Law's titles are for licences only.
DECISION_TITLES_OTHER = {
    NoticeKind.GRANT: "准予办理决定书",
    NoticeKind.DENIAL: "不予办理决定书",
}
LICENSING_ITEM_TYPE = "01"
#: Decisions that adversely affect the applicant state the remedies (复议 60 days, 诉讼 6 months).
WITH_REMEDIES = frozenset({NoticeKind.REFUSAL, NoticeKind.DENIAL})


def notice_title(case: Case, kind: str) -> str:
    """The document's title: a decision on an item that is not an administrative licence
    is not called a licensing decision."""
    title = TITLES[NoticeKind(kind)]
    if case.version.handling_item.implementation.base_item.item_type.code != LICENSING_ITEM_TYPE:
        title = DECISION_TITLES_OTHER.get(NoticeKind(kind), title)
    return title


def _next_number(case: Case, kind: str, year: int) -> str:
    value = counter_next(NoticeCounter, department=case.department, kind=kind, year=year)
    issuer = case.department.short_name or case.department.name
    return f"{issuer}{NUMBER_MARK[NoticeKind(kind)]}字〔{year}〕{value:05d}号"


def notice_render(case: Case, entry: CaseAction, kind: str, number: str) -> bytes:
    """The PDF of one notice (always in Chinese: it is an official document)."""
    version = case.version
    implementation = version.handling_item.implementation
    context: dict[str, Any] = {
        "title": notice_title(case, kind),
        "kind": kind,
        "number": number,
        "case": case,
        "entry": entry,
        "item": version.handling_item,
        "base_item": implementation.base_item,
        "department": case.department,
        "issued_on": timezone.localdate(entry.occurred_at),
        "with_remedies": kind in WITH_REMEDIES,
        "reconsideration_body": implementation.region.name + "人民政府",
    }
    with translation.override("zh-hans"):
        html = render_to_string("cases/notice.html", context)
    return html_to_pdf(html)


def notice_issue(case: Case, entry: CaseAction) -> CaseNotice | None:
    """Make the notice of ``entry`` if its action has one and it was not made yet."""
    kind = NOTICE_FOR_ACTION.get(entry.action)
    if kind is None:
        return None
    existing = CaseNotice.objects.filter(
        case=case, action_sequence=entry.sequence, kind=kind
    ).first()
    if existing is not None:
        return existing
    issued_on = timezone.localdate(entry.occurred_at)
    with transaction.atomic():
        number = _next_number(case, kind, issued_on.year)
        pdf = notice_render(case, entry, kind, number)
        stored = stored_file_put(
            actor=None,
            uploaded=ContentFile(pdf, name=f"{number}.pdf"),
            declared_name=f"{case.number}.pdf",
            max_bytes=20 * 1024 * 1024,
        )
        seal = _seal(case, issued_on)
        notice = CaseNotice.objects.create(
            case=case,
            kind=kind,
            number=number,
            action_sequence=entry.sequence,
            issued_on=issued_on,
            stored_file=stored,
            seal=seal,
            signature=seal_sign(seal, pdf) if seal is not None else b"",
        )
        audit_record_create(
            actor=None,
            action="cases.notice.issue",
            object_type="case",
            object_id=case.number,
            data={
                "kind": kind,
                "number": number,
                "sm3": stored.sm3,
                "seal": seal.key_sm3 if seal is not None else None,
            },
        )
    return notice


def _seal(case: Case, day: datetime.date) -> Seal | None:
    """The department's seal valid on the notice's day, if it has one: the notice is signed
    with it (a detached SM2 signature over the exact PDF bytes); without one it is issued
    unsealed rather than withheld, and says so on the case page."""
    try:
        return seal_for_signing(case.department, day)
    except Conflict:
        return None


def on_case_event(event: OutboxEvent) -> None:
    """Outbox subscriber: the notice of the log entry the event announces.

    Only the entry's own event (``cases.case.<action>``): ``cases.case.granted`` repeats the
    approve entry's payload for the licence library, and two dispatchers handling both events
    at once would each make the grant notice (one then fails on the unique constraint).
    """
    action = str(event.payload.get("action", ""))
    if action not in NOTICE_FOR_ACTION or event.topic != f"cases.case.{action}":
        return
    case = (
        Case.objects.select_related(
            "department", "version__handling_item__implementation__base_item", "region"
        )
        .filter(number=event.payload.get("number"))
        .first()
    )
    if case is None:
        return
    entry = case.actions.filter(action=action, sequence=event.payload.get("sequence")).first()
    if entry is not None:
        notice_issue(case, entry)


__all__ = ["NOTICE_FOR_ACTION", "notice_issue", "notice_render", "on_case_event"]
