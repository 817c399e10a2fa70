"""A real database dump (SQLite's iterdump, PostgreSQL's pg_dump) taken after registering,
signing in by password and SMS code, registering an organization and giving a mandate holds
no clear ID number or mobile number anywhere — not in persons, organizations, attempts, SMS
codes, sessions or the audit log."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test import Client

from govhall.identity.models import Person
from govhall.identity.sms.contrib import memory

PASSWORD = "Nanming-2026-secure"
SECRETS = {
    "520102198505215178",  # 陈志强, also the company's legal representative
    "13908511234",
    "520102199002086284",  # 杨丽
    "13908512345",
}


def _dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())  # type: ignore[union-attr]
    settings = connection.settings_dict
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is needed to dump the PostgreSQL test database")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            pg_dump,
            "--data-only",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"] or "postgres",
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_dump_holds_no_clear_identifier() -> None:
    client = Client()
    for name, id_number, mobile in (
        ("陈志强", "520102198505215178", "13908511234"),
        ("杨丽", "520102199002086284", "13908512345"),
    ):
        response = client.post(
            "/api/v1/identity/register",
            {"name": name, "id_number": id_number, "mobile": mobile, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 201
    chen = Client()
    response = chen.post(
        "/account/sign-in/",
        {"method": "password", "pw-identifier": "520102198505215178", "pw-password": PASSWORD},
    )
    assert response.status_code == 302
    assert (
        chen.post("/account/organizations/", {"credit_code": "91520103741258965A"}).status_code
        == 302
    )
    response = chen.post(
        "/account/mandates/new/",
        {
            "kind": "organization_agent",
            "principal": str(
                Person.objects.get(name="陈志强").represented_organizations.get().uuid
            ),
            "agent_name": "杨丽",
            "agent_id_number": "520102199002086284",
            "valid_until": "2027-06-30",
        },
    )
    assert response.status_code == 302
    memory.outbox.clear()
    yang = Client()
    yang.post("/account/sign-in/", {"method": "sms_send", "sms-mobile": "13908512345"})
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", memory.outbox[-1].text).group(1)  # type: ignore[union-attr]
    response = yang.post(
        "/account/sign-in/", {"method": "sms", "sms-mobile": "13908512345", "sms-code": code}
    )
    assert response.status_code == 302

    dump = _dump()
    assert [secret for secret in SECRETS if secret in dump] == []
    # The dump did include the rows: their masked forms are there.
    for masked in ("5201**********5178", "139****1234", "5201**********6284", "139****2345"):
        assert masked in dump
    assert "identity.mandate.grant" in dump and "identity.sign_in.succeeded" in dump
