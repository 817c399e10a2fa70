"""Suspending, reinstating and revoking a license: each with a reason, signed by the seal,
audited and announced; out-of-order changes are refused; a tampered change is caught."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.models import AuditRecord, OutboxEvent
from govhall.licenses.models import License, LicenseChange
from govhall.licenses.services.lifecycle import license_change
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
