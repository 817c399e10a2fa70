"""Personal access tokens: created once (command, API, account page), only a hash stored,
accepted as a bearer token, refused once revoked or expired; bad options change nothing."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from govhall.core.crypto import sm3_hex
from govhall.core.models import AuditRecord
from govhall.identity.models import PersonalAccessToken
from govhall.identity.tests.conftest import ZHANG

pytestmark = pytest.mark.django_db
ME = "/api/v1/identity/me"


def create(username: str, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("token_create", "--user", username, *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_token_create_command_and_bearer_use(make_person: Any, client: Any) -> None:
    person = make_person(ZHANG)
    created = create(person.user.username, "--name", "nightly export", "--expires-days", "30")
    token = created["token"]
    assert token.startswith("gvh_") and len(token) == 47
    row = PersonalAccessToken.objects.get()
    assert (row.name, row.prefix, row.token_hash) == (
        "nightly export",
        token[:12],
        sm3_hex(token.encode()),
    )
    assert created["uuid"] == str(row.uuid)
    assert token not in json.dumps(
        AuditRecord.objects.get(action="identity.access_token.create").data
    )
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["id_number_masked"] == "5225**********1231"
    row.refresh_from_db()
    assert row.last_used_at is not None
    # Revoked: refused at once.
    call_command("token_revoke", str(row.uuid), stdout=io.StringIO())
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_expired_and_forged_tokens_are_refused(make_person: Any, client: Any) -> None:
    person = make_person(ZHANG)
    token = create(person.user.username)["token"]
    PersonalAccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client.get(ME, HTTP_AUTHORIZATION="Bearer gvh_forged").status_code == 401
    assert client.get(ME, HTTP_AUTHORIZATION="Bearer ").status_code == 401


def test_bad_command_options_create_nothing(make_person: Any) -> None:
    person = make_person(ZHANG)
    with translation.override("en"):
        with pytest.raises(CommandError, match="--user: no account named 'nobody'"):
            create("nobody")
        with pytest.raises(CommandError, match=r"--expires-days: A token lasts 1 to 366 days\."):
            create(person.user.username, "--expires-days", "400")
        with pytest.raises(CommandError, match="UUID: not a UUID"):
            call_command("token_revoke", "nope")
        assert PersonalAccessToken.objects.count() == 0


def test_tokens_through_the_api(make_person: Any, client: Any) -> None:
    person = make_person(ZHANG)
    client.force_login(person.user)
    created = client.post(
        "/api/v1/identity/tokens",
        {"name": "脚本", "expires_in_days": 7},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "脚本" and body["token"].startswith("gvh_")
    listed = client.get("/api/v1/identity/tokens").json()
    assert [t["prefix"] for t in listed] == [body["prefix"]]
    assert "token" not in listed[0]
    bad = client.post(
        "/api/v1/identity/tokens",
        {"name": "", "expires_in_days": 0},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [e["code"] for e in bad.json()["errors"]] == ["name.length", "expires_in_days.range"]
    assert client.delete(f"/api/v1/identity/tokens/{body['uuid']}").status_code == 204
    assert client.delete(f"/api/v1/identity/tokens/{body['uuid']}").status_code == 409
    client.logout()
    other = make_person(
        {"name": "李秀英", "id_number": "522522194612022241", "mobile": "13985012345"}
    )
    client.force_login(other.user)
    assert client.delete(f"/api/v1/identity/tokens/{body['uuid']}").status_code == 404


def test_a_bearer_token_writes_without_a_csrf_token(make_person: Any) -> None:
    """A script's token is not sent by a browser on its own, so it needs no CSRF token: a write
    with it succeeds under the CSRF checks a real server applies (the test client skips them by
    default, which hid a 403 on every write through a token). A session still needs one."""
    person = make_person(ZHANG)
    token = create(person.user.username)["token"]
    strict = Client(enforce_csrf_checks=True)
    written = strict.post(
        "/api/v1/identity/tokens",
        {"name": "脚本", "expires_in_days": 7},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert written.status_code == 201
    assert PersonalAccessToken.objects.count() == 2
    strict.force_login(person.user)
    forged = strict.post(
        "/api/v1/identity/tokens",
        {"name": "伪造", "expires_in_days": 7},
        content_type="application/json",
    )
    assert forged.status_code == 403
    assert PersonalAccessToken.objects.count() == 2
