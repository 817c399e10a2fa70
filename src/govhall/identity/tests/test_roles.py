"""Staff roles are groups kept in step with ``identity.roles.ROLES`` after every migrate; a
role says what, the staff member's region says where (a county officer sees only the county's
organizations and proxy agents)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from govhall.core.models import Region
from govhall.identity.models import Organization, User
from govhall.identity.roles import ROLES, role_group, roles_sync

pytestmark = pytest.mark.django_db


def codenames(key: str) -> set[str]:
    return set(role_group(key).permissions.values_list("codename", flat=True))


def test_every_role_exists_after_migrate_with_its_permissions() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {r.group_name for r in ROLES}
    assert codenames("catalog_reviewer") >= {"publish_itemversion", "view_itemversion"}
    assert "publish_itemversion" not in codenames("catalog_editor")
    assert not any(c.startswith("delete_") for c in codenames("catalog_editor"))
    assert codenames("identity_officer") == {
        "view_person",
        "verify_in_person",
        "view_assuranceevent",
        "view_organization",
        "add_organization",
        "view_mandate",
        "add_mandate",
        "change_mandate",
        "view_proxyagent",
        "add_proxyagent",
        "change_proxyagent",
    }
    assert "reveal_id_number" not in codenames("supervisor")
    assert {"view_person", "view_signinattempt", "view_auditrecord"} <= codenames("supervisor")


def test_sync_is_idempotent_and_repairs_a_changed_group() -> None:
    group = role_group("window_clerk")
    group.permissions.clear()
    first = roles_sync()
    assert roles_sync() == first
    assert codenames("window_clerk") == {
        "view_person",
        "view_organization",
        "view_mandate",
        "view_case",
        "process_case",
    }


def test_a_county_officer_sees_only_the_county(client: Any) -> None:
    officer = User.objects.create_user(
        username="identity.kaiyang",
        password="x",
        is_staff=True,
        region=Region.objects.get(code="520121000000"),
    )
    officer.groups.add(role_group("identity_officer"))
    common = {
        "org_type": "enterprise",
        "legal_representative_name": "某某",
        "legal_representative_id_encrypted": "x",
        "legal_representative_id_index": "x",
        "legal_representative_id_masked": "x",
    }
    Organization.objects.create(
        name="开阳县合作社",
        credit_code="935201218523697487",
        region=Region.objects.get(code="520121101200"),
        **common,
    )
    Organization.objects.create(
        name="云岩区公司",
        credit_code="91520103741258965A",
        region=Region.objects.get(code="520103000000"),
        **common,
    )
    client.force_login(officer)
    page = client.get("/admin/identity/organization/").content.decode()
    assert "开阳县合作社" in page
    assert "云岩区公司" not in page
