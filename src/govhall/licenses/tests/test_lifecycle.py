"""Suspending, reinstating and revoking a license: each with a reason, signed by the seal,
audited and announced; out-of-order changes are refused; a tampered change is caught."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.models import AuditRecord, OutboxEvent
from govhall.licenses.models import License, LicenseChange
from govhall.licenses.services.lifecycle import license_change
from govhall.licenses.services.replacement import license_replace
from govhall.licenses.tests.conftest import FACE
from govhall.licenses.tests.test_issue_and_verify import DAY, _issue
from govhall.licenses.verification import license_verify

pytestmark = pytest.mark.django_db


def test_suspend_reinstate_revoke(food_license_type: Any, bureau: Any, seal: Any) -> None:
    license = _issue(food_license_type, bureau)
    with pytest.raises(ValidationFailed) as no_reason:
        license_change(license=license, kind="suspend", reason="  ", actor=None)
    assert [e.code for e in no_reason.value.errors] == ["reason.required"]
    license_change(license=license, kind="suspend", reason="责令停业整顿三个月。", actor=None)
    suspended = license_verify(license.identifier, today=DAY)
    assert (suspended.genuine, suspended.current, suspended.status) == (True, False, "suspended")
    with pytest.raises(Conflict):
        license_change(license=license, kind="suspend", reason="再次暂停。", actor=None)
    license_change(license=license, kind="reinstate", reason="整改完成，恢复使用。", actor=None)
    assert license_verify(license.identifier, today=DAY).current is True
    license_change(license=license, kind="revoke", reason="申请人申请注销。", actor=None)
    with pytest.raises(Conflict):
        license_change(license=license, kind="reinstate", reason="恢复。", actor=None)
    assert License.objects.get(pk=license.pk).status == "revoked"
    assert list(LicenseChange.objects.filter(license=license).values_list("sequence", "kind")) == [
        (1, "suspend"),
        (2, "reinstate"),
        (3, "revoke"),
    ]
    assert [
        r.action
        for r in AuditRecord.objects.filter(object_id=license.identifier).order_by("sequence")
    ] == [
        "licenses.license.issue",
        "licenses.license.suspend",
        "licenses.license.reinstate",
        "licenses.license.revoke",
    ]
    assert OutboxEvent.objects.filter(topic="licenses.license.revoke").count() == 1


def test_a_tampered_change_is_caught(food_license_type: Any, bureau: Any, seal: Any) -> None:
    license = _issue(food_license_type, bureau)
    license_change(license=license, kind="suspend", reason="责令停业整顿。", actor=None)
    LicenseChange.objects.filter(license=license).update(reason="无")
    outcome = license_verify(license.identifier, today=DAY)
    assert (outcome.genuine, [p.code for p in outcome.problems]) == (False, ["change"])


def test_endorse_keeps_status_and_is_signed(food_license_type: Any, bureau: Any, seal: Any) -> None:
    license = _issue(food_license_type, bureau)
    with pytest.raises(ValidationFailed) as past:
        license_change(
            license=license,
            kind="endorse",
            reason="临时经营场所。",
            until=datetime.date(2020, 1, 1),
            actor=None,
        )
    assert [e.code for e in past.value.errors] == ["until.past"]
    endorsed = license_change(
        license=license,
        kind="endorse",
        reason="增加网络经营项目。",
        until=datetime.date(2030, 6, 30),
        actor=None,
    )
    assert (endorsed.status, endorsed.revision) == ("valid", 1)
    change = LicenseChange.objects.get(license=license)
    assert '"until":"2030-06-30"' in change.payload and '"status":"valid"' in change.payload
    assert license_verify(license.identifier, today=DAY).current is True
    LicenseChange.objects.filter(pk=change.pk).update(until=datetime.date(2035, 6, 30))
    assert [p.code for p in license_verify(license.identifier, today=DAY).problems] == ["change"]


def test_replace_issues_the_next_version(food_license_type: Any, bureau: Any, seal: Any) -> None:
    license = _issue(food_license_type, bureau)
    with pytest.raises(ValidationFailed) as bad:
        license_replace(license=license, face={"premises": "号" * 201}, reason="", actor=None)
    assert sorted((e.field, e.code) for e in bad.value.errors) == [
        ("face.premises", "form.too_long"),
        ("reason", "reason.required"),
    ]
    assert License.objects.count() == 1
    face = dict(FACE, premises="开阳县城关镇紫江路 90 号")
    new = license_replace(license=license, face=face, reason="经营场所变更。", actor=None)
    old = License.objects.get(pk=license.pk)
    assert new.identifier == license.identifier.rsplit(".", 2)[0] + ".002." + new.identifier[-1]
    assert (new.version, new.number, new.valid_until) == (2, license.number, license.valid_until)
    assert (new.replaces_id, new.origin, old.status) == (old.pk, "replacement", "replaced")
    assert LicenseChange.objects.get(license=old).related_identifier == new.identifier
    old_check = license_verify(old.identifier, today=DAY)
    assert (old_check.genuine, old_check.current, old_check.status) == (True, False, "replaced")
    assert license_verify(new.identifier, today=DAY).current is True
    with pytest.raises(Conflict):
        license_replace(license=old, face=face, reason="再次变更。", actor=None)
    assert AuditRecord.objects.filter(action="licenses.license.replace").count() == 1


def test_a_new_version_does_not_lift_a_suspension(
    food_license_type: Any, bureau: Any, seal: Any
) -> None:
    license = _issue(food_license_type, bureau)
    license_change(license=license, kind="suspend", reason="责令停业整顿。", actor=None)
    with pytest.raises(Conflict):
        license_replace(license=license, face=FACE, reason="经营场所变更。", actor=None)
    assert License.objects.count() == 1


def test_a_seal_speaks_only_for_its_own_department(
    food_license_type: Any, bureau: Any, seal: Any
) -> None:
    """A change signed with another authority's key is not accepted as the issuer's."""
    from govhall.core.identifiers import build_credit_code
    from govhall.core.models import Department
    from govhall.licenses.services.seals import seal_create

    license = _issue(food_license_type, bureau)
    other = Department.objects.create(
        name="开阳县民政局",
        credit_code=build_credit_code(area="520121", organisation="17051299"),
        region=bureau.region,
        level="county",
    )
    foreign = seal_create(
        department=other,
        name="开阳县民政局行政审批专用章",
        valid_from=seal.valid_from,
        valid_until=seal.valid_until,
        actor=None,
    )
    License.objects.filter(pk=license.pk).update(seal=foreign)
    problems = [p.code for p in license_verify(license.identifier, today=DAY).problems]
    assert "seal" in problems and "signature" in problems
