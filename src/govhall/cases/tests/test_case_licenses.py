"""A granted case issues its licenses into the library (自动办结入库), once, signed by the
accepting department's seal; without a seal the issue waits in the outbox and lands later."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from govhall.cases.models import Case
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import new_case
from govhall.core.identifiers import build_credit_code
from govhall.core.models import OutboxEvent
from govhall.core.outbox import outbox_dispatch
from govhall.core.personal_data import decrypt
from govhall.licenses.models import License, LicenseType
from govhall.licenses.services.seals import seal_create
from govhall.licenses.verification import license_verify

pytestmark = pytest.mark.django_db
MCA_CODE = build_credit_code(area="100000", organisation="00001302")


@pytest.fixture
def low_income_certificate(version: Any) -> LicenseType:
    certificate = LicenseType.objects.create(
        name="最低生活保障金领取证",
        type_code=f"{MCA_CODE}012",
        defining_authority="中华人民共和国民政部",
        face_schema={
            "fields": [{"name": "household_size", "type": "integer", "label": "保障人口", "min": 1}]
        },
        validity_years=1,
        holder_kind="person",
    )
    certificate.items.add(version.handling_item.implementation.base_item)
    return certificate


def _granted(version: Any, zhang: Any, clerk: Any) -> Case:
    case = new_case(version, zhang)
    Case.objects.filter(pk=case.pk).update(form_data={"household_size": 3})
    case.refresh_from_db()
    case = case_act(case=case, action="accept", actor=clerk)
    case = case_act(case=case, action="review", actor=clerk, opinion="经入户调查，情况属实。")
    case = case_act(case=case, action="approve", actor=clerk, opinion="符合最低生活保障条件。")
    outbox_dispatch()  # what the task enqueued by the commit does
    return case


def test_the_grant_issues_the_license_once(
    version: Any, zhang: Any, clerk: Any, low_income_certificate: LicenseType
) -> None:
    today = timezone.localdate()
    seal_create(
        department=version.handling_item.implementation.department,
        name="开阳县民政局行政审批专用章",
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=3000),
        actor=None,
    )
    case = _granted(version, zhang, clerk)
    license = License.objects.get(case_number=case.number)
    assert (license.license_type, license.holder_name, license.face) == (
        low_income_certificate,
        "张建国",
        {"household_size": 3},
    )
    assert decrypt(license.holder_code_encrypted) == "522522194403151231"
    assert license.holder_code_index == zhang.id_number_index  # the wallet's look-up
    assert (license.issuer, license.item_name) == (case.department, version.handling_item.name)
    assert license_verify(license.identifier).current is True
    # the event delivered again (a crashed dispatcher) issues nothing twice
    from govhall.cases.licensing import on_case_granted

    on_case_granted(OutboxEvent.objects.get(topic="cases.case.granted"))
    assert License.objects.filter(case_number=case.number).count() == 1


def test_without_a_seal_the_issue_waits_and_lands_once_there_is_one(
    version: Any, zhang: Any, clerk: Any, low_income_certificate: LicenseType
) -> None:
    case = _granted(version, zhang, clerk)
    assert License.objects.count() == 0
    event = OutboxEvent.objects.get(topic="cases.case.granted")
    assert event.delivered_at is None and event.attempts == 1
    assert (
        f"开阳县民政局 在 {timezone.localdate().isoformat()} 没有有效的电子印章。"
        in event.last_error
    )
    today = timezone.localdate()
    seal_create(
        department=case.department,
        name="开阳县民政局行政审批专用章",
        valid_from=today,
        valid_until=today + datetime.timedelta(days=365),
        actor=None,
    )
    OutboxEvent.objects.filter(pk=event.pk).update(available_at=timezone.now())
    outbox_dispatch()
    assert License.objects.filter(case_number=case.number).count() == 1
    event.refresh_from_db()
    assert event.delivered_at is not None
