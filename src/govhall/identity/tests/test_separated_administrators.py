"""Graded protection's three administrators (等保 三员: 系统管理员, 安全管理员, 审计管理员) are
separate roles that no account holds two of; a security administrator assigns roles but cannot
raise anyone — themself least — to rights outside them, nor touch a superuser."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from govhall.identity.models import User
from govhall.identity.roles import role_group, separated_roles_held

pytestmark = pytest.mark.django_db


def codenames(key: str) -> set[str]:
    return set(role_group(key).permissions.values_list("codename", flat=True))


def test_the_three_roles_do_not_overlap() -> None:
    system = codenames("system_administrator")
    security = codenames("security_administrator")
    audit = codenames("security_auditor")
    assert {"change_region", "change_department", "change_calendaryear"} <= system
    assert {"add_connectedsystem", "view_outboxevent"} <= system
    assert security == {
        "view_user",
        "add_user",
        "change_user",
        "view_group",
        "view_personalaccesstoken",
        "view_signinattempt",
    }
    assert {"view_auditrecord", "receive_integrity_alerts"} <= audit
    assert system & security == set()
    assert system & audit == set()
    assert security & audit == {"view_signinattempt"}  # both read sign-ins; only one audits
    assert "view_auditrecord" not in system | security


@pytest.fixture
def security_admin() -> User:
    admin = User.objects.create_user(username="sec.admin", password="x", is_staff=True)
    admin.groups.add(role_group("security_administrator"))
    return admin


def _change_form(admin: User, target: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    return client


def _post(client: Client, target: User, groups: list[Group], **changes: Any) -> Any:
    data = {
        "username": target.username,
        "display_name": target.display_name,
        "date_joined_0": "2026-11-28",
        "date_joined_1": "09:00:00",
        "groups": [group.pk for group in groups],
        "is_active": "on",
        "is_staff": "on",
        **changes,
    }
    return client.post(f"/admin/identity/user/{target.pk}/change/", data)


def test_an_account_may_hold_one_of_the_three_not_two(security_admin: User) -> None:
    clerk = User.objects.create_user(username="ops.kaiyang", password="x", is_staff=True)
    client = _change_form(security_admin, clerk)
    auditor, system = role_group("security_auditor"), role_group("system_administrator")
    with translation.override("en"):
        refused = _post(client, clerk, [auditor, system])
    assert refused.status_code == 200
    assert (
        "One account may hold only one of the three administrator roles (system, security, "
        "audit) of graded protection; chosen: 系统管理员 System administrators; 安全审计员 "
        "Security auditors." in refused.content.decode()
    )
    assert list(clerk.groups.all()) == []
    saved = _post(client, clerk, [system, role_group("supervisor")])
    assert saved.status_code == 302
    assert {g.name for g in clerk.groups.all()} == {system.name, role_group("supervisor").name}
    assert [r.key for r in separated_roles_held(g.name for g in clerk.groups.all())] == [
        "system_administrator"
    ]


def test_a_security_administrator_cannot_raise_anyone_or_themself(security_admin: User) -> None:
    clerk = User.objects.create_user(username="ops.kaiyang", password="x", is_staff=True)
    client = _change_form(security_admin, clerk)
    # The superuser flag and direct permissions are not theirs to give: ignored as read-only.
    assert _post(client, clerk, [], is_superuser="on").status_code == 302
    clerk.refresh_from_db()
    assert clerk.is_superuser is False
    # Their own account: no roles, no flags.
    mine = _post(client, security_admin, [role_group("security_auditor")], is_superuser="on")
    assert mine.status_code == 302
    security_admin.refresh_from_db()
    assert [g.name for g in security_admin.groups.all()] == [
        role_group("security_administrator").name
    ]
    assert security_admin.is_superuser is False


def test_only_a_superuser_changes_a_superuser(security_admin: User) -> None:
    root = User.objects.create_superuser(username="root", password="old-password-1")
    client = _change_form(security_admin, root)
    assert client.get(f"/admin/identity/user/{root.pk}/change/").status_code == 200  # read only
    assert _post(client, root, [], is_active="").status_code == 403
    password = client.post(
        f"/admin/identity/user/{root.pk}/password/",
        {"password1": "Taken0ver!x", "password2": "Taken0ver!x"},
    )
    assert password.status_code == 403
    root.refresh_from_db()
    assert (root.is_active, root.check_password("old-password-1")) == (True, True)
