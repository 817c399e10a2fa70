"""The admin creates seals through the service (a key pair is generated, never shown) and
checks a license type's code and face schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from govhall.core.models import AuditRecord
from govhall.identity.models import User
from govhall.licenses.models import LicenseType, Seal
from govhall.licenses.tests.conftest import FOOD_FACE, SAMR_CODE

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root", password="x-Very-Long-2026"))
    return client


def test_a_seal_is_created_with_a_fresh_key(admin_client: Client, bureau: Any) -> None:
    form = {
        "department": bureau.pk,
        "name": "开阳县市场监督管理局行政审批专用章",
        "valid_from": "2026-01-01",
        "valid_until": "2030-12-31",
    }
    too_long = admin_client.post("/admin/licenses/seal/add/", form | {"valid_until": "2037-01-01"})
    assert too_long.status_code == 200 and Seal.objects.count() == 0
    created = admin_client.post("/admin/licenses/seal/add/", form)
    assert created.status_code == 302
    seal = Seal.objects.get()
    assert seal.private_key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert AuditRecord.objects.filter(action="licenses.seal.create", object_id=str(seal.uuid))
    page = admin_client.get(f"/admin/licenses/seal/{seal.pk}/change/").content.decode()
    assert "ENCRYPTED PRIVATE KEY" not in page and seal.key_sm3 in page


def test_a_license_types_code_and_face_schema_are_checked(admin_client: Client) -> None:
    form = {
        "name": "食品经营许可证",
        "type_code": f"{SAMR_CODE}001",
        "defining_authority": "国家市场监督管理总局",
        "holder_kind": "organization",
        "validity_years": "5",
        "layout": "certificate",
        "face_schema": '{"fields": [{"name": "x", "type": "colour"}]}',
    }
    refused = admin_client.post("/admin/licenses/licensetype/add/", form | {"type_code": "123"})
    assert refused.status_code == 200
    assert sorted(refused.context["adminform"].form.errors) == ["face_schema", "type_code"]
    assert LicenseType.objects.count() == 0

    saved = admin_client.post(
        "/admin/licenses/licensetype/add/", form | {"face_schema": json.dumps(FOOD_FACE)}
    )
    assert saved.status_code == 302
    assert LicenseType.objects.get().face_schema == FOOD_FACE
