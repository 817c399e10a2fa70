"""Submit once: a material named by a license type is satisfied from the applicant's wallet
(grade A, the department gets a use authorisation for the case), an earlier material a clerk
checked (grade B) is offered again, unchecked uploads (C) are not, and the per-item report
counts where materials came from."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from govhall.cases.models import MaterialUpload
from govhall.cases.reuse import material_reuse_report, reuse_offers
from govhall.cases.services.drafts import draft_open
from govhall.cases.services.reuse import material_reuse, material_use_license
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import new_case, uploads_for
from govhall.catalog.models import MaterialRequirement
from govhall.core.errors import ValidationFailed
from govhall.core.identifiers import build_credit_code
from govhall.core.models import AuditRecord
from govhall.licenses.models import LicenseShare, LicenseType
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.services.lifecycle import license_change
from govhall.licenses.services.seals import seal_create
from govhall.licenses.tests.conftest import verified

pytestmark = pytest.mark.django_db
TYPE_CODE = build_credit_code(area="100000", organisation="00001302") + "012"
CERTIFICATE = "最低生活保障金领取证"


def _draft(version: Any, person: Any) -> Any:
    return draft_open(
        actor=person.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
    )


def _submit(version: Any, person: Any, key: str, materials: list[Any]) -> Any:
    case, _created = case_submit(
        actor=person.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="web",
        form_data={},
        idempotency_key=key,
        materials=materials,
    )
    return case


def _use_license(person: Any, draft: Any, requirement: Any, license: Any) -> Any:
    return material_use_license(
        actor=person.user,
        draft=draft,
        requirement_uuid=requirement.uuid,
        identifier=license.identifier,
    )


@pytest.fixture
def wallet_license(version: Any, zhang: Any) -> Any:
    return license_in_wallet(version, zhang)


def license_in_wallet(version: Any, zhang: Any) -> Any:
    """张建国 (identity verified) holds a 最低生活保障金领取证, and the guide asks for it as a
    material."""
    verified(zhang)
    department = version.handling_item.implementation.department
    today = timezone.localdate()
    seal_create(
        department=department,
        name="开阳县民政局行政审批专用章",
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=3000),
        actor=None,
    )
    certificate = LicenseType.objects.create(
        name=CERTIFICATE,
        type_code=TYPE_CODE,
        defining_authority="中华人民共和国民政部",
        face_schema={
            "fields": [{"name": "household_size", "type": "integer", "label": "保障人口"}]
        },
        validity_years=1,
        holder_kind="person",
    )
    # Fixture shortcut: the published guide gains a material the certificate satisfies.
    MaterialRequirement.objects.create(
        version=version,
        order=3,
        name=CERTIFICATE,
        form="electronic",
        source="applicant",
        license_type_code=TYPE_CODE,
    )
    return license_issue(
        license_type=certificate,
        issuer=department,
        holder=Holder("张建国", "522522194403151231", "111"),
        face={"household_size": 3},
        actor=None,
    )


def test_a_license_stands_for_the_material(version: Any, zhang: Any, wallet_license: Any) -> None:
    requirement = version.materials.get(name=CERTIFICATE)
    offers = reuse_offers(version, zhang)
    assert [x.identifier for x in offers[requirement.pk].licenses] == [wallet_license.identifier]
    draft = _draft(version, zhang)
    with pytest.raises(ValidationFailed) as unknown:
        material_use_license(
            actor=zhang.user,
            draft=draft,
            requirement_uuid=requirement.uuid,
            identifier=wallet_license.identifier[:-1] + "0",
        )
    assert [(e.field, e.code) for e in unknown.value.errors] == [("reuse", "reuse.no_license")]
    used = _use_license(zhang, draft, requirement, wallet_license)
    assert (used.source, used.trust_grade, used.license_identifier) == (
        "license",
        "A",
        wallet_license.identifier,
    )
    assert used.stored_file.extension == "pdf"
    materials = [used.uuid, *uploads_for(version, zhang.user, skip=(CERTIFICATE,))]
    case = _submit(version, zhang, "reuse-1", materials)
    share = LicenseShare.objects.get()
    assert (share.license, share.department, share.case_number) == (
        wallet_license,
        case.department,
        case.number,
    )
    assert AuditRecord.objects.filter(action="cases.material.use_license").count() == 1


def test_a_revoked_license_is_not_offered(version: Any, zhang: Any, wallet_license: Any) -> None:
    requirement = version.materials.get(name=CERTIFICATE)
    license_change(license=wallet_license, kind="revoke", reason="不再符合条件。", actor=None)
    assert reuse_offers(version, zhang)[requirement.pk].licenses == []
    draft = _draft(version, zhang)
    with pytest.raises(ValidationFailed):
        _use_license(zhang, draft, requirement, wallet_license)
    assert MaterialUpload.objects.filter(source="license").count() == 0


def test_checked_materials_are_reused_and_counted(
    version: Any, zhang: Any, yang: Any, clerk: Any
) -> None:
    verified(zhang)
    verified(yang)
    first = new_case(version, zhang, "first")
    [earlier] = list(first.materials.all())
    application = version.materials.get(name="最低生活保障申请书")
    assert reuse_offers(version, zhang)[application.pk].materials == []  # grade C: not offered
    MaterialUpload.objects.filter(pk=earlier.pk).update(trust_grade="B")  # a clerk checked it
    assert [m.pk for m in reuse_offers(version, zhang)[application.pk].materials] == [earlier.pk]
    assert reuse_offers(version, yang)[application.pk].materials == []  # someone else's
    draft = _draft(version, zhang)
    again = material_reuse(
        actor=zhang.user, draft=draft, requirement_uuid=application.uuid, upload_uuid=earlier.uuid
    )
    assert (again.source, again.trust_grade, again.reused_from, again.stored_file_id) == (
        "reuse",
        "B",
        earlier,
        earlier.stored_file_id,
    )
    yang_draft = _draft(version, yang)
    with pytest.raises(ValidationFailed) as theirs:
        material_reuse(
            actor=yang.user,
            draft=yang_draft,
            requirement_uuid=application.uuid,
            upload_uuid=earlier.uuid,
        )
    assert [e.code for e in theirs.value.errors] == ["reuse.no_material"]
    _submit(version, zhang, "second", [again.uuid])
    [row] = material_reuse_report(clerk)
    assert (row.item_code, row.uploaded, row.from_licenses, row.reused, row.total) == (
        version.handling_item.handling_code,
        1,
        0,
        1,
        2,
    )
    assert row.reused_share == 0.5


def test_the_report_page_and_provenance(
    version: Any, zhang: Any, clerk: Any, wallet_license: Any
) -> None:
    from django.test import Client

    requirement = version.materials.get(name=CERTIFICATE)
    draft = _draft(version, zhang)
    used = _use_license(zhang, draft, requirement, wallet_license)
    case = _submit(
        version,
        zhang,
        "reuse-page",
        [used.uuid, *uploads_for(version, zhang.user, skip=(CERTIFICATE,))],
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    report = client.get("/workbench/reports/material-reuse/").content.decode()
    assert "2 materials in all." in report
    assert '<strong id="reuse-percent">50%</strong>' in report
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "From the license library" in page and wallet_license.identifier in page
    assert "grade A" in page and "grade C" in page


def test_unverified_applicants_and_changed_licenses(
    version: Any, zhang: Any, wallet_license: Any
) -> None:
    """An unverified account is offered nothing and may use nothing; a license suspended
    between choosing it and submitting stops the submission at its material."""
    from govhall.cases.reuse import may_reuse
    from govhall.identity.models import Person

    requirement = version.materials.get(name=CERTIFICATE)
    draft = _draft(version, zhang)
    used = _use_license(zhang, draft, requirement, wallet_license)
    license_change(license=wallet_license, kind="suspend", reason="暂停核查。", actor=None)
    with pytest.raises(ValidationFailed) as stale:
        _submit(
            version,
            zhang,
            "stale",
            [used.uuid, *uploads_for(version, zhang.user, skip=(CERTIFICATE,))],
        )
    assert [(e.field, e.code) for e in stale.value.errors] == [
        (f"materials.{requirement.uuid}", "materials.license_not_current")
    ]
    assert LicenseShare.objects.count() == 0
    Person.objects.filter(pk=zhang.pk).update(assurance_level=0)
    assert may_reuse(zhang.user, version) is False
    with pytest.raises(ValidationFailed) as unverified:
        _use_license(zhang, draft, requirement, wallet_license)
    assert [e.code for e in unverified.value.errors] == ["reuse.identity"]
