"""A failed integrity verification reaches every security auditor and superuser in the portal's
messages, once per event — and nobody else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from govhall.core.integrity import integrity_result_record
from govhall.core.outbox import outbox_dispatch
from govhall.identity.models import User
from govhall.identity.roles import role_group
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> dict[str, User]:
    accounts = {
        name: User.objects.create_user(username=name, password="x", is_staff=True)
        for name in ("auditor", "retired.auditor", "supervisor", "clerk", "direct")
    }
    accounts["root"] = User.objects.create_superuser(username="root", password="x")
    accounts["auditor"].groups.add(role_group("security_auditor"))
    accounts["retired.auditor"].groups.add(role_group("security_auditor"))
    accounts["retired.auditor"].is_active = False
    accounts["retired.auditor"].save()
    accounts["supervisor"].groups.add(role_group("supervisor"))
    accounts["direct"].user_permissions.add(
        Permission.objects.get(codename="receive_integrity_alerts")
    )
    return accounts


def test_a_broken_archive_is_told_to_the_security_auditors(
    staff: dict[str, User], delivered: Callable[[Callable[[], Any]], Any]
) -> None:
    with translation.override("en"):
        record = delivered(
            lambda: integrity_result_record(
                check="archive",
                problems=["blob.mismatch 5201212026112800001 #3: the bytes changed"],
                summary="1 volumes, 3 entries, 512 bytes read",
            )
        )
    told = Notification.objects.order_by("recipient__username")
    assert [n.recipient.username for n in told] == ["auditor", "direct", "root"]
    first = told[0]
    assert (first.topic, first.title, first.case_number) == (
        "core.integrity.broken",
        "Integrity check failed: the archive",
        "",
    )
    assert first.body == (
        "The verification found 1 problem(s) in the archive. Run the command again to see all "
        "of them, and keep the installation's backups until the cause is known. First: "
        "blob.mismatch 5201212026112800001 #3: the bytes changed"
    )
    assert first.link == "/admin/core/auditrecord/?action=core.integrity.verify"
    assert record.data["intact"] is False
    # Delivered again (a re-run dispatcher): nobody is told twice.
    outbox_dispatch()
    assert Notification.objects.count() == 3


def test_an_intact_result_tells_nobody(
    staff: dict[str, User], delivered: Callable[[Callable[[], Any]], Any]
) -> None:
    delivered(lambda: integrity_result_record(check="audit_chain", problems=[], summary="9"))
    assert Notification.objects.count() == 0


def test_the_alert_is_in_chinese_by_default(
    staff: dict[str, User], delivered: Callable[[Callable[[], Any]], Any]
) -> None:
    delivered(
        lambda: integrity_result_record(
            check="audit_chain", problems=["#2: record content does not match its hash"], summary=""
        )
    )
    assert Notification.objects.filter(recipient=staff["root"]).get().title == (
        "完整性校验未通过：审计日志链"
    )
