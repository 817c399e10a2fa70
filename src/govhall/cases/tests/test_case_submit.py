"""Submitting: a readable unique number, pinned to the published version, received on the next
working day when made on a holiday, one case per idempotency key, acting for someone only by
mandate; bad input writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from govhall.cases.models import Case, CaseAction
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import uploads_for
from govhall.cases.transitions import state_after
from govhall.catalog.services.versions import item_version_new_draft
from govhall.core.errors import DomainError, NotFound, ValidationFailed
from govhall.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def submit(
    version: Any, person: Any, *, key: str = "k-1", form: dict[str, Any] | None = None, **extra: Any
) -> Any:
    actor = extra.pop("actor", person.user)
    principal_type = extra.pop("principal_type", "person")
    principal_uuid = extra.pop("principal_uuid", person.uuid)
    materials = extra.pop("materials", None)
    if materials is None:
        materials = _uploads(version, actor, principal_type, principal_uuid)
    return case_submit(
        actor=actor,
        version_uuid=version.uuid,
        principal_type=principal_type,
        principal_uuid=principal_uuid,
        channel=extra.pop("channel", "web"),
        form_data=form if form is not None else {"household_size": 3},
        idempotency_key=key,
        materials=materials,
    )


def _uploads(version: Any, actor: Any, principal_type: str, principal_uuid: Any) -> list[Any]:
    try:
        return uploads_for(
            version, actor, principal_type=principal_type, principal_uuid=principal_uuid
        )
    except DomainError:  # the principal is refused: case_submit says why
        return []


def test_a_case_is_numbered_pinned_and_logged(version: Any, zhang: Any, at: Any) -> None:
    with at(2026, 11, 30, 9, 30):
        first, created = submit(version, zhang)
        second, _ = submit(version, zhang, key="k-2")
    assert created
    assert (first.number, second.number) == ("5201212026113000001", "5201212026113000002")
    assert first.version == version and first.state == "submitted"
    assert (first.applicant_name, first.basis, first.channel) == ("张建国", "self", "web")
    assert str(first.received_on) == "2026-11-30"
    log = list(CaseAction.objects.filter(case=first).values_list("sequence", "action", "to_state"))
    assert log == [(1, "submit", "submitted")]
    assert state_after(a for _s, a, _t in log) == first.state
    record = AuditRecord.objects.get(action="cases.case.submit", object_id=first.number)
    assert record.data["on_behalf_of"]["basis"] == "self"


def test_an_application_made_on_a_holiday_is_received_on_the_next_working_day(
    version: Any, zhang: Any, at: Any
) -> None:
    with at(2026, 9, 25, 20, 0):  # Mid-Autumn Festival
        case, _ = submit(version, zhang)
    assert case.number == "5201212026092500001"
    assert str(case.received_on) == "2026-09-28"


def test_the_same_key_gives_the_same_case_and_other_content_is_refused(
    version: Any, zhang: Any
) -> None:
    materials = uploads_for(version, zhang.user)
    case, created = submit(version, zhang, materials=materials)
    again, created_again = submit(version, zhang, materials=materials)
    assert (again.pk, created, created_again) == (case.pk, True, False)
    with pytest.raises(ValidationFailed) as reused:
        submit(version, zhang, form={"household_size": 4}, materials=materials)
    assert [e.code for e in reused.value.errors] == ["idempotency_key.reused"]
    assert Case.objects.count() == 1 and CaseAction.objects.count() == 1


def test_bad_input_writes_nothing(version: Any, zhang: Any) -> None:
    with pytest.raises(ValidationFailed) as errors:
        submit(version, zhang, key=" ", channel="fax", form={"x": "字" * 30_000})
    assert [e.code for e in errors.value.errors] == [
        "idempotency_key.required",
        "channel.invalid",
        "form_data.too_large",
    ]
    with pytest.raises(NotFound):
        case_submit(
            actor=zhang.user,
            version_uuid=uuid.uuid4(),
            principal_type="person",
            principal_uuid=zhang.uuid,
            channel="web",
            form_data={},
            idempotency_key="k",
        )
    draft = item_version_new_draft(actor=None, handling_item=version.handling_item)
    with pytest.raises(ValidationFailed) as unpublished:
        submit(draft, zhang)
    assert [e.code for e in unpublished.value.errors] == ["version.not_published"]
    assert Case.objects.count() == 0


def test_acting_for_someone_needs_a_mandate(version: Any, zhang: Any, yang: Any) -> None:
    with pytest.raises(NotFound):
        submit(version, zhang, actor=yang.user)
    from datetime import timedelta

    from django.utils import timezone

    from govhall.identity.services.mandates import MandateInput, mandate_grant

    mandate_grant(
        data=MandateInput(
            kind="family_member",
            agent=yang,
            principal_person=zhang,
            valid_until=timezone.localdate() + timedelta(days=30),
        ),
        actor=zhang.user,
    )
    case, _ = submit(version, zhang, actor=yang.user, channel="web")
    assert (case.applicant_person, case.submitted_by, case.basis) == (
        zhang,
        yang.user,
        "family_member",
    )
    action = case.actions.get()
    assert action.on_behalf_of["principal_label"] == "张建国"
    assert action.on_behalf_of["agent"] == str(yang.uuid)


def test_the_form_is_checked_against_the_pinned_version(version: Any, zhang: Any) -> None:
    with pytest.raises(ValidationFailed) as errors:
        submit(version, zhang, form={"household_size": "0", "monthly_income": "abc", "pets": 2})
    assert {e.field: e.code for e in errors.value.errors} == {
        "form_data.pets": "form.unknown_field",
        "form_data.household_size": "form.too_small",
        "form_data.monthly_income": "form.invalid",
    }
    assert (
        Case.objects.count() == 0
        and AuditRecord.objects.filter(action="cases.case.submit").count() == 0
    )
    case, _created = submit(
        version, zhang, form={"household_size": "4", "monthly_income": "1800.5"}
    )
    assert case.form_data == {"household_size": 4, "monthly_income": "1800.5"}
