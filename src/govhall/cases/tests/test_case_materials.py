"""Drafts and materials: what was typed is kept; every material the applicant must supply is
uploaded (content sniffed) and linked to its requirement; non-essential ones may be pending."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client

from govhall.archive.tests.conftest import make_pdf
from govhall.cases.models import ApplicationDraft, Case, CaseAction, MaterialUpload
from govhall.cases.services.drafts import draft_save, material_upload
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import uploads_for
from govhall.catalog.models import MaterialRequirement
from govhall.core.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db
UPLOADS = "/api/v1/cases/uploads"


def _submit(version: Any, person: Any, materials: list[Any], key: str = "m-1") -> Any:
    return case_submit(
        actor=person.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="web",
        form_data={"household_size": 2},
        idempotency_key=key,
        materials=materials,
    )


def test_a_draft_keeps_what_was_typed_and_reports_problems(version: Any, zhang: Any) -> None:
    draft, problems = draft_save(
        actor=zhang.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=zhang.uuid,
        form_data={"household_size": "25", "monthly_income": "", "nickname": "x"},
    )
    assert draft.form_data == {"household_size": "25", "monthly_income": ""}
    assert [(p.field, p.code) for p in problems] == [("form_data.household_size", "form.too_large")]
    again, _ = draft_save(
        actor=zhang.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=zhang.uuid,
        form_data={"household_size": "3"},
    )
    assert again.pk == draft.pk and ApplicationDraft.objects.count() == 1


def test_materials_reach_the_case_and_the_draft_is_gone(version: Any, zhang: Any) -> None:
    materials = uploads_for(version, zhang.user)
    case, _ = _submit(version, zhang, materials)
    upload = MaterialUpload.objects.get()
    assert (upload.case, upload.draft, upload.supplied_on_action) == (case, None, 1)
    assert upload.requirement.name == "最低生活保障申请书"
    assert upload.stored_file.content_type == "application/pdf"
    assert ApplicationDraft.objects.count() == 0
    # An idempotent retry with the same body answers the same case.
    again, created = _submit(version, zhang, materials)
    assert (again.pk, created) == (case.pk, False)


def test_a_missing_essential_material_refuses_the_application(version: Any, zhang: Any) -> None:
    requirement = MaterialRequirement.objects.get(version=version, name="最低生活保障申请书")
    with pytest.raises(ValidationFailed) as refused:
        _submit(version, zhang, [])
    assert [(e.field, e.code) for e in refused.value.errors] == [
        (f"materials.{requirement.uuid}", "materials.missing")
    ]
    assert Case.objects.count() == 0


def test_a_non_essential_material_may_be_pending(version: Any, zhang: Any) -> None:
    requirement = MaterialRequirement.objects.get(version=version, name="最低生活保障申请书")
    MaterialRequirement.objects.filter(pk=requirement.pk).update(is_essential=False)
    case, _ = _submit(version, zhang, [])
    submitted = CaseAction.objects.get(case=case, action="submit")
    assert submitted.data == {"materials": 0, "pending_materials": [str(requirement.uuid)]}


def test_someone_elses_upload_cannot_be_submitted(version: Any, zhang: Any, yang: Any) -> None:
    theirs = uploads_for(version, yang.user)
    with pytest.raises(ValidationFailed) as refused:
        _submit(version, zhang, theirs)
    assert [e.code for e in refused.value.errors] == [
        "materials.unknown_upload",
        "materials.missing",
    ]
    assert MaterialUpload.objects.get().case is None


def test_a_disguised_file_is_refused_and_nothing_is_linked(version: Any, zhang: Any) -> None:
    draft, _ = draft_save(
        actor=zhang.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=zhang.uuid,
        form_data={},
    )
    requirement = MaterialRequirement.objects.get(version=version, name="最低生活保障申请书")
    with pytest.raises(ValidationFailed) as refused:
        material_upload(
            actor=zhang.user,
            draft=draft,
            requirement_uuid=requirement.uuid,
            uploaded=SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00" + b"\x00" * 200),
        )
    assert refused.value.errors[0].field == "file"
    assert MaterialUpload.objects.count() == 0


def test_uploads_through_the_api(client: Client, version: Any, zhang: Any, yang: Any) -> None:
    requirement = MaterialRequirement.objects.get(version=version, name="最低生活保障申请书")
    client.force_login(zhang.user)
    pdf = make_pdf()
    response = client.post(
        UPLOADS,
        {
            "version": str(version.uuid),
            "requirement": str(requirement.uuid),
            "file": SimpleUploadedFile("低保申请书.pdf", pdf, content_type="application/pdf"),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["requirement_name"], body["file_name"], body["size"]) == (
        "最低生活保障申请书",
        "低保申请书.pdf",
        len(pdf),
    )
    wrong = client.post(
        UPLOADS,
        {
            "version": str(version.uuid),
            "requirement": str(requirement.uuid),
            "file": SimpleUploadedFile("照片.png", pdf),
        },
    )
    assert wrong.status_code == 422
    assert [e["code"] for e in wrong.json()["errors"]] == ["file.type_mismatch"]
    client.force_login(yang.user)
    assert client.delete(f"{UPLOADS}/{body['uuid']}").status_code == 404
    client.force_login(zhang.user)
    _submit(version, zhang, [body["uuid"]])
    assert client.delete(f"{UPLOADS}/{body['uuid']}").status_code == 409
    assert MaterialUpload.objects.count() == 1


def test_an_upload_into_a_draft_submitted_meanwhile_is_refused(version: Any, zhang: Any) -> None:
    """A second tab or device uploads while the first submits: the draft is gone, so the upload
    is refused (404) and nothing is written. Before, its row referred to the deleted draft and
    the commit failed on the foreign key (a 500, found by the load test of issue 7)."""
    # given a draft read before its application was submitted
    draft, _problems = draft_save(
        actor=zhang.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=zhang.uuid,
        form_data={},
    )
    requirement = version.materials.filter(source="applicant").first()
    _submit(version, zhang, uploads_for(version, zhang.user))
    assert not ApplicationDraft.objects.exists()
    uploads = MaterialUpload.objects.count()
    # when the other device uploads into it
    with pytest.raises(NotFound):
        material_upload(
            actor=zhang.user,
            draft=draft,
            requirement_uuid=requirement.uuid,
            uploaded=SimpleUploadedFile("材料.pdf", make_pdf(), content_type="application/pdf"),
        )
    # then nothing was written
    assert MaterialUpload.objects.count() == uploads


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_upload_waits_for_a_submission_of_its_draft_before_the_audit_head(
    version: Any, zhang: Any
) -> None:
    """PostgreSQL: an upload takes its draft before the audit chain's head, as a submission
    (which deletes the draft) does; taken the other way round, each held what the other
    wanted and PostgreSQL aborted one (the load test of issue 7)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (its IMMEDIATE transactions queue instead)")
    # given a submission in progress that holds the draft
    draft, _problems = draft_save(
        actor=zhang.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=zhang.uuid,
        form_data={},
    )
    requirement = version.materials.filter(source="applicant").first()
    held, release = threading.Event(), threading.Event()
    outcome: list[str] = []

    def submission() -> None:
        try:
            with transaction.atomic():
                list(ApplicationDraft.objects.select_for_update().filter(pk=draft.pk))
                held.set()
                release.wait(10)
                ApplicationDraft.objects.filter(pk=draft.pk).delete()
        finally:
            connection.close()

    def upload() -> None:
        try:
            material_upload(
                actor=zhang.user,
                draft=draft,
                requirement_uuid=requirement.uuid,
                uploaded=SimpleUploadedFile("材料.pdf", make_pdf(), content_type="application/pdf"),
            )
            outcome.append("uploaded")
        except NotFound:
            outcome.append("refused")
        finally:
            connection.close()

    first = threading.Thread(target=submission)
    first.start()
    assert held.wait(10)
    second = threading.Thread(target=upload)
    second.start()
    try:
        time.sleep(0.5)  # the upload is waiting now
        # when another transaction asks for the audit head meanwhile
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute("SELECT 1 FROM core_audithead FOR UPDATE")
            head_free = cursor.fetchall() == [(1,)]
    finally:
        release.set()
        first.join()
        second.join()
    # then the waiting upload did not hold the head, and was refused once the draft was gone
    assert head_free
    assert outcome == ["refused"]
    assert not MaterialUpload.objects.exists()
