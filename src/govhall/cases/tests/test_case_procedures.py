"""Time limits under the law's procedures: Art. 32's five days to accept, suspensions and
special procedures stopping the clock, Art. 42 extensions approved by someone else, materials
accepted as pending (容缺) and delivery details."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.archive.tests.conftest import make_pdf
from govhall.cases.models import Case, CaseAction, ClockStop
from govhall.cases.services.actions import case_act
from govhall.cases.services.submission import case_submit
from govhall.cases.services.supply import case_material_supply
from govhall.cases.tests.conftest import PASSWORD, new_case
from govhall.catalog.models import MaterialRequirement, SpecialProcedure
from govhall.core.errors import Conflict, PermissionDenied, ValidationFailed
from govhall.identity.models import User

pytestmark = pytest.mark.django_db
D = datetime.date


def _accepted(version: Any, zhang: Any, clerk: Any, at: Any, day: int = 2) -> Case:
    with at(2026, 11, day, 9):
        case = new_case(version, zhang)
        return case_act(case=case, action="accept", actor=clerk)


def _dues(case: Case) -> tuple[datetime.date | None, datetime.date | None]:
    case.refresh_from_db()
    return case.legal_due_on, case.promised_due_on


def test_art_32_an_application_left_five_days_counts_as_accepted_on_receipt(
    version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    with at(2026, 11, 30, 10):
        late = new_case(version, zhang, key="late")
        prompt = new_case(version, zhang, key="prompt")
    assert late.acceptance_due_on == D(2026, 12, 7)
    with at(2026, 12, 7, 16):
        on_time = case_act(case=prompt, action="accept", actor=clerk)
    with at(2026, 12, 8, 9):
        deemed = case_act(case=late, action="accept", actor=clerk)
    assert (on_time.accepted_on, on_time.legal_due_on) == (D(2026, 12, 7), D(2027, 1, 5))
    assert (deemed.accepted_on, deemed.legal_due_on) == (D(2026, 11, 30), D(2026, 12, 28))
    entry = CaseAction.objects.get(case=late, action="accept")
    assert entry.data["deemed_accepted"] is True
    assert "deemed_accepted" not in CaseAction.objects.get(case=prompt, action="accept").data


def test_a_timely_supplement_notice_keeps_the_acceptance_day(
    version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    with at(2026, 11, 30, 10):
        case = new_case(version, zhang)
    with at(2026, 12, 2, 10):
        case_act(case=case, action="request_supplement", actor=clerk, opinion="缺户口簿。")
    with at(2026, 12, 9, 10):
        case_act(case=case, action="supplement", actor=zhang.user)
        accepted = case_act(case=case, action="accept", actor=clerk)
    assert accepted.accepted_on == D(2026, 12, 9)
    with at(2026, 11, 30, 10):
        other = new_case(version, zhang, key="2")
    with at(2026, 12, 8, 10):
        late = case_act(case=other, action="request_supplement", actor=clerk, opinion="缺。")
    assert CaseAction.objects.get(case=late, action="request_supplement").data == {
        "late_notice": True
    }


def test_a_suspension_stops_the_clock(version: Any, zhang: Any, clerk: Any, at: Any) -> None:
    case = _accepted(version, zhang, clerk, at)
    assert _dues(case) == (D(2026, 11, 30), D(2026, 11, 16))
    with pytest.raises(ValidationFailed):
        case_act(case=case, action="suspend", actor=clerk)
    with at(2026, 11, 4, 9):
        suspended = case_act(
            case=case, action="suspend", actor=clerk, opinion="申请人涉嫌虚假申报，待公安核查。"
        )
    assert suspended.state == "suspended"
    with pytest.raises(Conflict):
        case_act(case=case, action="approve", actor=clerk, opinion="准予")
    with at(2026, 11, 6, 17):
        resumed = case_act(case=case, action="resume", actor=clerk, opinion="核查完毕。")
    assert resumed.state == "accepted"
    stop = ClockStop.objects.get(case=case)
    assert (stop.kind, stop.started_on, stop.ended_on) == (
        "suspension",
        D(2026, 11, 4),
        D(2026, 11, 6),
    )
    assert _dues(case) == (D(2026, 12, 3), D(2026, 11, 19))


def test_a_special_procedure_stops_the_clock_unless_counted(
    version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    SpecialProcedure.objects.create(version=version, order=1, name="现场核查", days=5)
    SpecialProcedure.objects.create(
        version=version, order=2, name="入户调查", days=3, counted_in_limit=True
    )
    case = _accepted(version, zhang, clerk, at)
    with pytest.raises(ValidationFailed) as unknown:
        case_act(
            case=case,
            action="start_special_procedure",
            actor=clerk,
            opinion="x",
            data={"procedure": "听证"},
        )
    assert [e.field for e in unknown.value.errors] == ["data.procedure"]
    with at(2026, 11, 9, 9):
        started = case_act(
            case=case,
            action="start_special_procedure",
            actor=clerk,
            opinion="组织现场核查家庭经济状况。",
            data={"procedure": "现场核查"},
        )
    assert started.state == "special_procedure"
    with at(2026, 11, 10, 17):
        case_act(case=case, action="end_special_procedure", actor=clerk, opinion="核查属实。")
    assert _dues(case) == (D(2026, 12, 2), D(2026, 11, 18))
    with at(2026, 11, 11, 9):
        case_act(
            case=case,
            action="start_special_procedure",
            actor=clerk,
            opinion="入户调查。",
            data={"procedure": "入户调查"},
        )
        case_act(case=case, action="end_special_procedure", actor=clerk, opinion="属实。")
    assert _dues(case) == (D(2026, 12, 2), D(2026, 11, 18))
    recorded = CaseAction.objects.filter(case=case, action="start_special_procedure")
    assert [a.data["stops_clock"] for a in recorded.order_by("sequence")] == [True, False]


def test_an_extension_is_approved_by_someone_else_once(
    version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    head = User.objects.create_user(
        username="head.kaiyang",
        password=PASSWORD,
        is_staff=True,
        department=clerk.department,
        region=clerk.region,
    )
    head.user_permissions.add(
        Permission.objects.get(codename="process_case"),
        Permission.objects.get(codename="approve_extension"),
    )
    head = User.objects.get(pk=head.pk)
    case = _accepted(version, zhang, clerk, at)
    with pytest.raises(ValidationFailed) as too_long:
        case_act(case=case, action="request_extension", actor=clerk, opinion="x", data={"days": 11})
    assert [e.code for e in too_long.value.errors] == ["days.range"]
    with pytest.raises(Conflict):
        case_act(case=case, action="approve_extension", actor=head, opinion="同意")
    case_act(
        case=case,
        action="request_extension",
        actor=clerk,
        opinion="需核实多个部门的收入数据，申请延长十个工作日。",
        data={"days": 10},
    )
    with pytest.raises(PermissionDenied):
        case_act(case=case, action="approve_extension", actor=clerk, opinion="同意")
    with pytest.raises(Conflict):
        case_act(
            case=case, action="request_extension", actor=clerk, opinion="再延", data={"days": 1}
        )
    approved = case_act(case=case, action="approve_extension", actor=head, opinion="同意延长。")
    assert (approved.extension_days, approved.extension_requested_days) == (10, 0)
    assert _dues(case) == (D(2026, 12, 14), D(2026, 11, 30))
    with pytest.raises(Conflict):
        case_act(
            case=case, action="request_extension", actor=clerk, opinion="再延", data={"days": 1}
        )


def test_pending_materials_must_arrive_or_be_waived_before_closing(
    version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    requirement = MaterialRequirement.objects.get(version=version, name="最低生活保障申请书")
    MaterialRequirement.objects.filter(pk=requirement.pk).update(is_essential=False)
    with at(2026, 11, 2, 9):
        case, _ = case_submit(
            actor=zhang.user,
            version_uuid=version.uuid,
            principal_type="person",
            principal_uuid=zhang.uuid,
            channel="web",
            form_data={},
            idempotency_key="pending",
        )
        with pytest.raises(ValidationFailed):
            case_act(case=case, action="accept", actor=clerk, data={"pending_days": 30})
        case = case_act(case=case, action="accept", actor=clerk, data={"pending_days": 3})
    assert case.pending_materials == [
        {
            "requirement": str(requirement.uuid),
            "name": "最低生活保障申请书",
            "due_on": "2026-11-05",
            "status": "pending",
        }
    ]
    case_act(case=case, action="review", actor=clerk, opinion="同意")
    case_act(case=case, action="reject", actor=clerk, opinion="收入超标")
    with pytest.raises(Conflict) as waiting:
        case_act(case=case, action="close", actor=clerk)
    assert "最低生活保障申请书" in str(waiting.value.detail)
    with at(2026, 11, 4, 9):
        upload = case_material_supply(
            case=case,
            actor=zhang.user,
            requirement_uuid=requirement.uuid,
            uploaded=SimpleUploadedFile("申请书.pdf", make_pdf()),
        )
    case.refresh_from_db()
    assert case.pending_materials[0]["status"] == "supplied"
    assert upload.case == case and upload.supplied_on_action is not None
    with pytest.raises(Conflict):
        case_material_supply(
            case=case,
            actor=zhang.user,
            requirement_uuid=requirement.uuid,
            uploaded=SimpleUploadedFile("again.pdf", make_pdf()),
        )
    assert case_act(case=case, action="close", actor=clerk).state == "closed"


def test_delivery_by_mail_records_the_waybill(
    version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    case = _accepted(version, zhang, clerk, at)
    case_act(case=case, action="review", actor=clerk, opinion="同意")
    case_act(case=case, action="approve", actor=clerk, opinion="准予")
    with pytest.raises(ValidationFailed) as incomplete:
        case_act(case=case, action="deliver", actor=clerk, data={"method": "mail", "waybill": "12"})
    assert [(e.field, e.code) for e in incomplete.value.errors] == [
        ("data.carrier", "carrier.required"),
        ("data.waybill", "waybill.invalid"),
    ]
    delivered = case_act(
        case=case,
        action="deliver",
        actor=clerk,
        data={"method": "mail", "carrier": "中国邮政EMS", "waybill": "1190623456789"},
    )
    assert delivered.state == "delivered"
    entry = CaseAction.objects.get(case=case, action="deliver")
    assert (entry.data["method"], entry.data["carrier"], entry.data["waybill"]) == (
        "mail",
        "中国邮政EMS",
        "1190623456789",
    )


def test_visits_beyond_the_promise_are_flagged(version: Any, zhang: Any, clerk: Any) -> None:
    from govhall.catalog.models import ItemVersion

    ItemVersion.objects.filter(pk=version.pk).update(visits=1)
    case = new_case(version, zhang)
    first = case_act(case=case, action="record_visit", actor=clerk)
    second = case_act(case=case, action="record_visit", actor=clerk)
    assert (first.visits, second.visits, second.state) == (1, 2, "submitted")
    visits = CaseAction.objects.filter(case=case, action="record_visit").order_by("sequence")
    assert [a.data for a in visits] == [
        {"visits": 1, "promised": 1},
        {"visits": 2, "promised": 1, "exceeds_promise": True},
    ]
