"""Every step of a case the applicant takes part in is told in the portal (站内消息) and the
important ones by SMS, once per event, in Chinese; internal steps (review, assignment) and the
duplicate ``granted`` event are not; an SMS failure loses no notification."""

from __future__ import annotations

import logging
import uuid
from typing import Any
from unittest import mock

import pytest

from govhall.cases.lookup import case_lookup_code
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import new_case
from govhall.core.models import OutboxDelivery, OutboxEvent
from govhall.core.outbox import outbox_dispatch
from govhall.identity.models import Organization, User
from govhall.identity.sms.base import SmsNotSent
from govhall.identity.sms.contrib.memory import MemorySmsBackend, SentSms
from govhall.notifications.models import Notification
from govhall.notifications.services import case_step_notify

pytestmark = pytest.mark.django_db

ZHANG_MOBILE = "13985011234"
YANG_MOBILE = "13908512345"
TITLE = "【办件进度】最低生活保障申请"


def _told(user: User) -> list[tuple[str, str, str]]:
    return [
        (n.topic, n.title, n.body)
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "id")
    ]


def test_the_submission_notice_carries_the_query_code(
    version: Any, zhang: Any, sms_outbox: list[SentSms], delivered: Any
) -> None:
    case = delivered(lambda: new_case(version, zhang))
    code = case_lookup_code(case.number)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.topic, notification.case_number) == (
        zhang.user,
        "cases.case.submit",
        case.number,
    )
    assert notification.title == TITLE
    assert notification.body == (
        f"您的申请已提交（办件编号 {case.number}）。"
        f"查询码 {code}：凭办件编号和查询码可在办件进度查询页查看进度。"
    )
    assert (notification.link, notification.read_at) == (f"/my/cases/{case.number}/", None)
    assert notification.event_uuid == OutboxEvent.objects.get(topic="cases.case.submit").uuid
    assert sms_outbox == [
        SentSms(
            ZHANG_MOBILE,
            f"【govhall】您的申请已提交：办件编号 {case.number}，"
            f"查询码 {code}，可凭此查询办理进度。",
        )
    ]
    assert len(sms_outbox[0].text) <= 70


def test_each_step_is_told_and_internal_ones_are_not(
    version: Any, zhang: Any, clerk: Any, sms_outbox: list[SentSms], delivered: Any
) -> None:
    case = delivered(lambda: new_case(version, zhang))
    for action, actor, opinion in (
        ("request_supplement", clerk, "缺少户口簿复印件。"),
        ("supplement", zhang.user, ""),
        ("accept", clerk, ""),
        ("review", clerk, "家庭收入核实无误（内部）"),
        ("approve", clerk, "符合低保条件，准予。"),
        ("deliver", clerk, ""),
    ):
        data = {"method": "window"} if action == "deliver" else None
        delivered(
            lambda action=action, actor=actor, opinion=opinion, data=data: case_act(
                case=case, action=action, actor=actor, opinion=opinion, data=data
            )
        )
    n = case.number
    assert _told(zhang.user)[1:] == [
        (
            "cases.case.request_supplement",
            TITLE,
            f"您的办件（编号 {n}）：一次性告知补正。缺少户口簿复印件。",
        ),
        ("cases.case.supplement", TITLE, f"您的办件（编号 {n}）：已补正材料。"),
        ("cases.case.accept", TITLE, f"您的办件（编号 {n}）：已受理。"),
        (
            "cases.case.approve",
            TITLE,
            f"您的办件（编号 {n}）：作出决定：准予。符合低保条件，准予。",
        ),
        ("cases.case.deliver", TITLE, f"您的办件（编号 {n}）：已送达。"),
    ]
    # Every event was delivered, the review and the duplicate grant without a notification.
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
    assert (
        OutboxEvent.objects.filter(topic__in=["cases.case.review", "cases.case.granted"]).count()
        == 2
    )
    assert not Notification.objects.filter(recipient=clerk).exists()
    # SMS for the submission, the 补正 notice, acceptance, decision and delivery: not for the
    # applicant's own supplement; never the opinion.
    sign = "【govhall】"
    assert [m.text for m in sms_outbox[1:]] == [
        f"{sign}您的办件 {n}：一次性告知补正。详情请登录网上办事大厅查看。",
        f"{sign}您的办件 {n}：已受理。详情请登录网上办事大厅查看。",
        f"{sign}您的办件 {n}：作出决定：准予。详情请登录网上办事大厅查看。",
        f"{sign}您的办件 {n}：已送达。详情请登录网上办事大厅查看。",
    ]
    assert {m.mobile for m in sms_outbox} == {ZHANG_MOBILE}
    assert max(len(m.text) for m in sms_outbox) <= 70


def test_an_event_delivered_again_notifies_nobody_twice(
    version: Any,
    zhang: Any,
    sms_outbox: list[SentSms],
    delivered: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    delivered(lambda: new_case(version, zhang))
    event = OutboxEvent.objects.get(topic="cases.case.submit")
    # As if the delivery mark were lost (a subscriber renamed, an event re-sent by hand).
    OutboxDelivery.objects.filter(event=event, subscriber="notifications.case_steps").delete()
    OutboxEvent.objects.filter(pk=event.pk).update(delivered_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        report = outbox_dispatch()
    assert (report.delivered, report.failed) == (1, 0)
    assert Notification.objects.count() == 1
    assert len(sms_outbox) == 1


def test_an_sms_failure_keeps_the_notification(
    version: Any, zhang: Any, delivered: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        mock.patch.object(MemorySmsBackend, "send", side_effect=SmsNotSent("gateway down")),
        caplog.at_level(logging.WARNING, logger="govhall.notifications.sms"),
    ):
        case = delivered(lambda: new_case(version, zhang))
    assert Notification.objects.filter(recipient=zhang.user, case_number=case.number).count() == 1
    event = OutboxEvent.objects.get(topic="cases.case.submit")
    assert (event.delivered_at is not None, event.attempts, event.last_error) == (True, 0, "")
    assert caplog.messages == [
        f"notifications: SMS about case {case.number} to 139****1234 not sent: "
        "SmsNotSent: gateway down"
    ]
    assert ZHANG_MOBILE not in caplog.text


def _payload(case_number: str, action: str, **applicant: Any) -> dict[str, Any]:
    return {
        "number": case_number,
        "action": action,
        "label_zh": "已受理",
        "item": "最低生活保障申请",
        "opinion": "",
        "applicant_person": None,
        "applicant_organization": None,
        **applicant,
    }


def test_an_agent_and_the_applicant_are_both_told_the_applicant_by_sms(
    zhang: Any, yang: Any, sms_outbox: list[SentSms], django_capture_on_commit_callbacks: Any
) -> None:
    payload = _payload(
        "5201212026120100001",
        "accept",
        applicant_person=str(zhang.uuid),
        submitted_by=str(yang.user.uuid),
    )
    with django_capture_on_commit_callbacks(execute=True):
        created = case_step_notify(
            event_uuid=uuid.uuid4(), topic="cases.case.accept", payload=payload
        )
    assert [n.recipient for n in created] == [yang.user, zhang.user]
    assert [m.mobile for m in sms_outbox] == [ZHANG_MOBILE]


def test_for_an_organization_its_legal_representative_is_told(
    zhang: Any,
    yang: Any,
    region: Any,
    sms_outbox: list[SentSms],
    django_capture_on_commit_callbacks: Any,
) -> None:
    def organization(credit_code: str, representative: Any) -> Organization:
        return Organization.objects.create(
            name="开阳县惠民超市",
            credit_code=credit_code,
            org_type="enterprise",
            region=region("520121"),
            legal_representative=representative,
            legal_representative_name="张建国",
            legal_representative_id_encrypted="-",
            legal_representative_id_index=credit_code,
            legal_representative_id_masked="-",
        )

    with_account = organization("91520121MA6J5U2K3X", zhang)
    without_account = organization("91520121MA6J5U2K4Y", None)
    with django_capture_on_commit_callbacks(execute=True):
        told = case_step_notify(
            event_uuid=uuid.uuid4(),
            topic="cases.case.accept",
            payload=_payload(
                "5201212026120100002",
                "accept",
                applicant_organization=str(with_account.uuid),
                submitted_by=str(yang.user.uuid),
            ),
        )
        only_the_agent = case_step_notify(
            event_uuid=uuid.uuid4(),
            topic="cases.case.accept",
            payload=_payload(
                "5201212026120100003",
                "accept",
                applicant_organization=str(without_account.uuid),
                submitted_by=str(yang.user.uuid),
            ),
        )
    assert [n.recipient for n in told] == [yang.user, zhang.user]
    assert [n.recipient for n in only_the_agent] == [yang.user]
    assert [m.mobile for m in sms_outbox] == [ZHANG_MOBILE]


def test_a_step_added_later_gets_the_generic_text(
    zhang: Any, sms_outbox: list[SentSms], django_capture_on_commit_callbacks: Any
) -> None:
    payload = {
        **_payload("5201212026120100004", "suspend", applicant_person=str(zhang.uuid)),
        "label_zh": "中止审查",
        "opinion": "需补充公证材料。",
        "submitted_by": str(zhang.user.uuid),
    }
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = case_step_notify(
            event_uuid=uuid.uuid4(), topic="cases.case.suspend", payload=payload
        )
        assert (
            case_step_notify(
                event_uuid=uuid.uuid4(),
                topic="cases.case.assign",
                payload={**payload, "action": "assign"},
            )
            == []
        )
    assert notification.body == "您的办件（编号 5201212026120100004）：中止审查。需补充公证材料。"
    assert sms_outbox == []  # suspension: in the portal only
