"""Window intake (窗口收件): a clerk takes a walk-in applicant's application through the same
services, with the same rules; the case records the window channel and the clerk."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govhall.cases.models import Case
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import uploads_for
from govhall.core.errors import PermissionDenied, ValidationFailed
from govhall.core.models import AuditRecord

pytestmark = pytest.mark.django_db
WINDOW = "/api/v1/cases/window"


def test_a_clerk_takes_an_application_at_the_window(
    client: Client, version: Any, zhang: Any, clerk: Any
) -> None:
    materials = uploads_for(version, clerk, principal_uuid=zhang.uuid)
    client.force_login(clerk)
    body = {
        "version": str(version.uuid),
        "id_number": "522522194403151231",
        "form_data": {"household_size": 2},
        "materials": [str(m) for m in materials],
    }
    created = client.post(WINDOW, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="w1")
    assert created.status_code == 201, created.content
    case = Case.objects.get()
    assert (case.channel, case.basis, case.submitted_by, case.applicant_person) == (
        "window",
        "window",
        clerk,
        zhang,
    )
    assert case.materials.count() == 1
    again = client.post(WINDOW, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="w1")
    assert again.status_code == 200 and Case.objects.count() == 1
    record = AuditRecord.objects.get(action="cases.case.submit", object_id=case.number)
    assert record.data["channel"] == "window"
    # The applicant follows the case as their own.
    client.force_login(zhang.user)
    assert client.get(f"/api/v1/cases/{case.number}").status_code == 200


def test_window_intake_is_for_staff_of_the_item(
    client: Client, version: Any, zhang: Any, clerk: Any, other_clerk: Any
) -> None:
    body = {"version": str(version.uuid), "id_number": "522522194403151231"}
    client.force_login(other_clerk)
    assert (
        client.post(
            WINDOW, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x"
        ).status_code
        == 403
    )
    client.force_login(zhang.user)
    assert (
        client.post(
            WINDOW, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x"
        ).status_code
        == 403
    )
    client.force_login(clerk)
    unknown = {"version": str(version.uuid), "id_number": "520102199003071233"}
    assert (
        client.post(
            WINDOW, unknown, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x"
        ).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        uploads_for(version, other_clerk, principal_uuid=zhang.uuid)
    with pytest.raises(ValidationFailed) as online:
        case_submit(
            actor=zhang.user,
            version_uuid=version.uuid,
            principal_type="person",
            principal_uuid=zhang.uuid,
            channel="window",
            form_data={},
            idempotency_key="k",
            materials=uploads_for(version, zhang.user),
        )
    assert [e.code for e in online.value.errors] == ["channel.invalid"]
    assert Case.objects.count() == 0
