"""Online pre-review (预审) before the visit to the hall: the department checks the materials
online, returns them for changes or passes them; the hall then receives the application when
the applicant comes with the originals, and only then does the Art. 32 clock start."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.archive.tests.conftest import make_pdf
from govhall.cases.models import Case, CaseAction
from govhall.cases.selectors import work_queue
from govhall.cases.services.actions import case_act
from govhall.cases.services.submission import case_submit
from govhall.cases.services.supply import case_material_supply
from govhall.cases.tests.conftest import new_case, uploads_for
from govhall.cases.transitions import state_after
from govhall.catalog.models import ItemVersion
from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.models import AuditRecord, OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall_item(version: ItemVersion) -> ItemVersion:
    """The guide promises one visit to the hall (fixture shortcut, as in conftest)."""
    ItemVersion.objects.filter(pk=version.pk).update(visits=1)
    version.refresh_from_db()
    return version


def _pre_review(version: ItemVersion, person: Any, key: str = "pre") -> Case:
    return new_case(version, person, key, pre_review=True)


def test_pre_review_returned_resubmitted_passed_then_received_at_the_hall(
    hall_item: ItemVersion, zhang: Any, clerk: Any, at: Any
) -> None:
    with at(2026, 11, 2, 9):  # Monday
        case = _pre_review(hall_item, zhang)
    assert (case.state, case.acceptance_due_on, case.visits) == ("pre_review", None, 0)
    assert case in work_queue(clerk)
    with pytest.raises(Conflict):
        case_act(case=case, action="accept", actor=clerk)
    with at(2026, 11, 3, 10):
        case = case_act(
            case=case, action="return_pre_review", actor=clerk, opinion="户口簿复印件不清晰。"
        )
        requirement = hall_item.materials.filter(source="applicant").first()
        assert requirement is not None
        case_material_supply(
            case=case,
            actor=zhang.user,
            requirement_uuid=requirement.uuid,
            uploaded=SimpleUploadedFile("户口簿.pdf", make_pdf(), content_type="application/pdf"),
        )
        case = case_act(case=case, action="resubmit_pre_review", actor=zhang.user)
        case = case_act(case=case, action="pass_pre_review", actor=clerk, opinion="请携带原件。")
    assert (case.state, case.acceptance_due_on) == ("pre_reviewed", None)
    with at(2026, 11, 9, 10):  # the next Monday, at the hall
        case = case_act(case=case, action="receive", actor=clerk)
    case.refresh_from_db()
    assert case.state == "submitted"
    assert case.received_on == datetime.date(2026, 11, 9)
    assert case.acceptance_due_on == datetime.date(2026, 11, 16)  # five working days (Art. 32)
    assert case.visits == 1
    log = list(CaseAction.objects.filter(case=case).order_by("sequence"))
    assert [entry.action for entry in log] == [
        "submit_for_pre_review",
        "return_pre_review",
        "resubmit_pre_review",
        "pass_pre_review",
        "receive",
    ]
    assert log[-1].data == {"received_on": "2026-11-09", "visits": 1, "promised": 1}
    assert state_after(entry.action for entry in log) == "submitted"
    told = OutboxEvent.objects.filter(topic="cases.case.return_pre_review").get()
    assert told.payload["opinion"] == "户口簿复印件不清晰。"
    assert AuditRecord.objects.filter(
        action="cases.case.submit_for_pre_review", object_id=case.number
    ).exists()
    with at(2026, 11, 9, 11):
        accepted = case_act(case=case, action="accept", actor=clerk)
    assert accepted.accepted_on == datetime.date(2026, 11, 9)


def test_pre_review_is_offered_only_online_for_items_that_need_a_visit(
    version: ItemVersion, zhang: Any
) -> None:
    assert version.visits == 0
    with pytest.raises(ValidationFailed) as refused:
        _pre_review(version, zhang)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("pre_review", "pre_review.not_offered")
    ]
    assert Case.objects.count() == 0


def test_the_applicant_may_withdraw_during_pre_review(
    hall_item: ItemVersion, zhang: Any, clerk: Any
) -> None:
    case = _pre_review(hall_item, zhang)
    case = case_act(case=case, action="pass_pre_review", actor=clerk)
    withdrawn = case_act(case=case, action="withdraw", actor=zhang.user, opinion="改日再办。")
    assert withdrawn.state == "withdrawn"


def test_the_same_key_with_and_without_pre_review_is_refused_as_other_content(
    hall_item: ItemVersion, zhang: Any
) -> None:
    materials = uploads_for(hall_item, zhang.user)
    request: dict[str, Any] = {
        "actor": zhang.user,
        "version_uuid": hall_item.uuid,
        "principal_type": "person",
        "principal_uuid": zhang.uuid,
        "channel": "web",
        "form_data": {},
        "idempotency_key": "same",
        "materials": materials,
    }
    first, created = case_submit(**request, pre_review=True)
    again, created_again = case_submit(**request, pre_review=True)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    with pytest.raises(ValidationFailed) as refused:
        case_submit(**request)
    assert [e.code for e in refused.value.errors] == ["idempotency_key.reused"]
    assert list(Case.objects.values_list("pk", flat=True)) == [first.pk]
