"""A finished case is archived once (办结归档): closing a decided case, or a withdrawal, puts
the application form's record, every material, every notice and the record of the handling
into one volume, classified and kept by its outcome; the volume waits for notices not yet made;
a re-delivered event archives nothing twice."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pypdfium2
import pytest
from django.utils import timezone

from govhall.archive.models import ArchiveVolume, StoredFile
from govhall.archive.selectors import stored_file_open
from govhall.archive.verification import archive_verify
from govhall.cases.archiving import case_outcome, on_case_finished
from govhall.cases.models import Case, CaseNotice, MaterialUpload
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import new_case
from govhall.core.models import OutboxEvent
from govhall.core.outbox import outbox_dispatch

pytestmark = pytest.mark.django_db


def _text(stored: StoredFile) -> str:
    with stored_file_open(stored) as opened:
        document = pypdfium2.PdfDocument(opened.read())
    text = "".join(page.get_textpage().get_text_range() for page in document)
    return "".join(text.split())  # table cells wrap lines anywhere


def _entries(volume: ArchiveVolume) -> list[tuple[str, str]]:
    return [(e.kind, e.title) for e in volume.entries.order_by("sequence")]


def _notice_number(case: Case, kind: str) -> str:
    return CaseNotice.objects.get(case=case, kind=kind).number


def test_a_closed_granted_case_is_archived_with_its_whole_file(
    version: Any, zhang: Any, clerk: Any
) -> None:
    case = new_case(version, zhang)
    Case.objects.filter(pk=case.pk).update(
        form_data={"household_size": 3, "monthly_income": "820.00"}
    )
    case.refresh_from_db()
    case = case_act(case=case, action="accept", actor=clerk)
    case = case_act(case=case, action="review", actor=clerk, opinion="经入户调查，情况属实。")
    case = case_act(case=case, action="approve", actor=clerk, opinion="符合最低生活保障条件。")
    case = case_act(case=case, action="deliver", actor=clerk, data={"method": "window"})
    outbox_dispatch()
    assert not ArchiveVolume.objects.exists()  # delivered is not finished yet

    case = case_act(case=case, action="close", actor=clerk)
    outbox_dispatch()

    volume = ArchiveVolume.objects.get(case_number=case.number)
    today = timezone.localdate()
    year = today.year
    assert (volume.department, volume.item_code, volume.item_name) == (
        case.department,
        version.handling_item.handling_code,
        "最低生活保障申请",
    )
    assert (volume.outcome, volume.class_code, volume.class_name) == (
        "granted",
        "05-1",
        "行政给付·准予",
    )
    assert (volume.retention, volume.closed_on, volume.retain_until) == (
        "30y",
        today,
        datetime.date(year + 30, 12, 31),
    )
    assert _entries(volume) == [
        ("application_form", "申请表"),
        ("material", "最低生活保障申请书"),
        ("notice", f"受理通知书（开阳县民政局受字〔{year}〕00001号）"),
        ("notice", f"准予办理决定书（开阳县民政局准字〔{year}〕00001号）"),
        ("action_log", "办理过程记录"),
    ]
    entries = list(volume.entries.order_by("sequence").select_related("stored_file"))
    assert entries[1].stored_file == MaterialUpload.objects.get(case=case).stored_file
    assert [entries[2].stored_file, entries[3].stored_file] == [
        CaseNotice.objects.get(case=case, kind="acceptance").stored_file,
        CaseNotice.objects.get(case=case, kind="grant").stored_file,
    ]
    form = _text(entries[0].stored_file)
    for expected in (
        case.number,
        "申请表",
        "张建国",
        "家庭人口",
        "820.00",
        "最低生活保障申请书",
        "申请时",
    ):
        assert expected in form
    record = _text(entries[4].stored_file)
    for expected in (
        "办理过程记录",
        "经入户调查，情况属实。",
        "符合最低生活保障条件。",
        "clerk.kaiyang",
    ):
        assert expected in record
    assert _notice_number(case, "grant") in record
    assert archive_verify().intact


def test_a_redelivered_event_archives_nothing_twice(version: Any, zhang: Any, clerk: Any) -> None:
    case = new_case(version, zhang)
    case = case_act(case=case, action="refuse", actor=clerk, opinion="申请人户籍不在本县。")
    case = case_act(case=case, action="close", actor=clerk)
    outbox_dispatch()
    stored = StoredFile.objects.count()

    with mock.patch("govhall.cases.archiving.html_to_pdf") as render:
        on_case_finished(OutboxEvent.objects.get(topic="cases.case.close"))

    render.assert_not_called()
    assert ArchiveVolume.objects.count() == 1
    assert StoredFile.objects.count() == stored


def test_a_refused_case_is_kept_ten_years(version: Any, zhang: Any, clerk: Any) -> None:
    case = new_case(version, zhang)
    case = case_act(case=case, action="refuse", actor=clerk, opinion="申请人户籍不在本县。")
    case = case_act(case=case, action="close", actor=clerk)
    outbox_dispatch()

    volume = ArchiveVolume.objects.get(case_number=case.number)
    year = timezone.localdate().year
    assert (volume.outcome, volume.class_code, volume.retention, volume.retain_until) == (
        "refused",
        "05-3",
        "10y",
        datetime.date(year + 10, 12, 31),
    )
    assert _entries(volume) == [
        ("application_form", "申请表"),
        ("material", "最低生活保障申请书"),
        ("notice", f"不予受理决定书（开阳县民政局不受字〔{year}〕00001号）"),
        ("action_log", "办理过程记录"),
    ]


def test_a_withdrawn_case_is_archived_when_it_is_withdrawn(
    version: Any, zhang: Any, clerk: Any
) -> None:
    case = new_case(version, zhang)
    case = case_act(case=case, action="accept", actor=clerk)
    case = case_act(case=case, action="withdraw", actor=zhang.user, opinion="已迁往外省。")
    outbox_dispatch()

    volume = ArchiveVolume.objects.get(case_number=case.number)
    assert (volume.outcome, volume.class_code, volume.class_name, volume.retention) == (
        "withdrawn",
        "05-4",
        "行政给付·撤回",
        "10y",
    )
    year = timezone.localdate().year
    assert _entries(volume) == [
        ("application_form", "申请表"),
        ("material", "最低生活保障申请书"),
        ("notice", f"受理通知书（开阳县民政局受字〔{year}〕00001号）"),
        ("action_log", "办理过程记录"),
    ]


def test_archiving_waits_for_a_notice_not_made_yet(version: Any, zhang: Any, clerk: Any) -> None:
    case = new_case(version, zhang)
    case = case_act(case=case, action="refuse", actor=clerk, opinion="申请人户籍不在本县。")
    case = case_act(case=case, action="close", actor=clerk)
    with mock.patch("govhall.cases.notices.notice_render", side_effect=RuntimeError("fonts")):
        outbox_dispatch()

    assert not ArchiveVolume.objects.exists()
    closing = OutboxEvent.objects.get(topic="cases.case.close")
    assert (closing.delivered_at, closing.attempts) == (None, 1)
    assert "cases.archive: NoticesPending: the notices of log entries 2" in closing.last_error

    OutboxEvent.objects.update(available_at=timezone.now())
    outbox_dispatch()

    volume = ArchiveVolume.objects.get(case_number=case.number)
    assert [kind for kind, _title in _entries(volume)] == [
        "application_form",
        "material",
        "notice",
        "action_log",
    ]


def test_the_outcome_is_the_last_decision_of_the_log() -> None:
    def log(*names: str) -> list[Any]:
        return [mock.Mock(action=name) for name in names]

    assert case_outcome(log("submit", "accept", "review", "approve", "deliver")) == "granted"
    assert case_outcome(log("submit", "accept", "reject", "close")) == "denied"
    assert case_outcome(log("submit", "refuse", "close")) == "refused"
    assert case_outcome(log("submit", "accept", "withdraw")) == "withdrawn"
    with pytest.raises(ValueError, match="no decision"):
        case_outcome(log("submit", "accept"))
