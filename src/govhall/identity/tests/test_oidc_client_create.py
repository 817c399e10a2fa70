"""``govhall oidc-client-create`` registers a relying party and prints it as JSON with its
secret shown once (stored hashed, never in the audit log); the secret works at the token
endpoint. Bad options (a missing name, an invalid or disallowed address, a fragment, an http
logout address for a public client, addresses for a client-credentials system) give one clear
message naming each option, exit status 1, and create nothing."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.utils import translation
from oauth2_provider.models import Application

from govhall.core.models import AuditRecord
from govhall.identity.models import Person
from govhall.identity.oidc.services import oidc_client_create
from govhall.identity.tests.test_oidc_support import (
    LOGOUT_URI,
    REDIRECT_URI,
    RelyingParty,
    person,
    sign_in_at,
    signed_in,
)
from govhall.manage import main

__all__ = ["person", "signed_in"]  # fixtures

pytestmark = pytest.mark.django_db


def govhall(monkeypatch: Any, *args: str) -> int:
    """Run the ``govhall`` console script in-process (test database), in English (the
    messages' source language, so the assertions hold once zh-Hans is translated); returns
    its exit status."""
    monkeypatch.setattr(sys, "argv", ["govhall", *args])
    # run_from_argv closes every database connection when the command ends; here the
    # connection carries the test's transaction (PostgreSQL would lose it).
    monkeypatch.setattr(connections, "close_all", lambda: None)
    try:
        with translation.override("en"):
            main()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def test_registers_a_confidential_relying_party(
    monkeypatch: Any, capsys: Any, signed_in: Client, person: Person
) -> None:
    status = govhall(
        monkeypatch,
        "oidc-client-create",
        "--name",
        " 开阳县不动产登记系统 ",
        "--redirect-uri",
        REDIRECT_URI,
        "--redirect-uri",
        "https://bdc.kaiyang.example/oidc/callback2",
        "--confidential",
        "--post-logout-redirect-uri",
        LOGOUT_URI,
    )

    assert status == 0
    printed = json.loads(capsys.readouterr().out)
    application = Application.objects.get()
    assert printed == {
        "client_id": application.client_id,
        "client_secret": printed["client_secret"],
        "name": "开阳县不动产登记系统",
        "client_type": "confidential",
        "grant_type": "authorization-code",
        "redirect_uris": [REDIRECT_URI, "https://bdc.kaiyang.example/oidc/callback2"],
        "post_logout_redirect_uris": [LOGOUT_URI],
        "algorithm": "RS256",
        "issuer": "http://127.0.0.1:8000/o",
    }
    secret = printed["client_secret"]
    assert len(secret) == 128
    assert application.client_secret != secret  # stored hashed
    assert application.client_secret.startswith("govhall_client_secret$1$")  # one round
    assert application.skip_authorization is False
    record = AuditRecord.objects.get(action="identity.oidc.client_create")
    assert (record.actor_label, record.object_type, record.object_id) == (
        "system",
        "oidc_client",
        application.client_id,
    )
    assert record.data == {
        "name": "开阳县不动产登记系统",
        "client_type": "confidential",
        "grant_type": "authorization-code",
        "redirect_uris": [REDIRECT_URI, "https://bdc.kaiyang.example/oidc/callback2"],
        "post_logout_redirect_uris": [LOGOUT_URI],
    }
    assert secret not in json.dumps([r.data for r in AuditRecord.objects.all()])

    tokens = sign_in_at(signed_in, RelyingParty(application, secret, REDIRECT_URI))
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 600


def test_a_public_client_gets_no_secret_and_signs_in_with_pkce_alone(
    monkeypatch: Any, capsys: Any, signed_in: Client
) -> None:
    status = govhall(
        monkeypatch, "oidc-client-create", "--name", "贵人服务", "--redirect-uri", REDIRECT_URI
    )

    assert status == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["client_secret"] is None
    assert printed["client_type"] == "public"
    application = Application.objects.get(client_id=printed["client_id"])
    from govhall.identity.tests.test_oidc_support import authorize, pkce_pair

    verifier, challenge = pkce_pair()
    code = authorize(signed_in, RelyingParty(application, None, REDIRECT_URI), challenge=challenge)
    response = signed_in.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "client_id": application.client_id,
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200
    assert set(response.json()) == {
        "access_token",
        "expires_in",
        "token_type",
        "scope",
        "refresh_token",
        "id_token",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--redirect-uri", REDIRECT_URI],
            "--name: Give the system a name.",
        ),
        (
            ["--name", "  ", "--redirect-uri", REDIRECT_URI],
            "--name: Give the system a name.",
        ),
        (
            ["--name", "不动产"],
            "--redirect-uri: Give at least one address people are sent back to after signing in.",
        ),
        (
            ["--name", "不动产", "--redirect-uri", "bdc.kaiyang.example/callback"],
            "--redirect-uri: “bdc.kaiyang.example/callback” is not an absolute address such as "
            "https://host/path.",
        ),
        (
            ["--name", "不动产", "--redirect-uri", "ftp://bdc.kaiyang.example/callback"],
            "--redirect-uri: “ftp://bdc.kaiyang.example/callback” uses the scheme “ftp”; "
            "allowed: https, http.",
        ),
        (
            ["--name", "不动产", "--redirect-uri", "https://bdc.kaiyang.example/cb#top"],
            "--redirect-uri: “https://bdc.kaiyang.example/cb#top” has a fragment (#…); a "
            "redirect address may not have one.",
        ),
        (
            ["--name", "不动产", "--redirect-uri", "https://*.kaiyang.example/cb"],
            "--redirect-uri: “https://*.kaiyang.example/cb” names its host with a user name or "
            "a wildcard; give the host.",
        ),
        (
            ["--name", "不动产", "--redirect-uri", "https:///cb"],
            "--redirect-uri: “https:///cb” is not an absolute address such as https://host/path.",
        ),
        (
            [
                "--name",
                "不动产",
                "--redirect-uri",
                REDIRECT_URI,
                "--post-logout-redirect-uri",
                "http://bdc.kaiyang.example/bye",
            ],
            "--post-logout-redirect-uri: “http://bdc.kaiyang.example/bye”: only confidential "
            "systems may return to an http address.",
        ),
        (
            ["--name", "数据共享", "--client-credentials", "--redirect-uri", REDIRECT_URI],
            "--redirect-uri: A client-credentials system signs no one in and takes no such "
            "address.",
        ),
        (
            ["--name", "", "--redirect-uri", "mailto:x"],
            "--name: Give the system a name.; --redirect-uri: “mailto:x” uses the scheme "
            "“mailto”; allowed: https, http.",
        ),
    ],
)
def test_bad_options_exit_1_and_create_nothing(
    monkeypatch: Any, capsys: Any, args: list[str], message: str
) -> None:
    status = govhall(monkeypatch, "oidc-client-create", *args)

    assert status == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"CommandError: {message}\n"
    assert Application.objects.count() == 0
    assert AuditRecord.objects.filter(action="identity.oidc.client_create").count() == 0


def test_the_client_secret_hasher_stores_secrets_that_work(
    settings: Any, signed_in: Client
) -> None:
    """With the settings docs/oidc.md recommends, a secret is hashed in one round and works."""
    settings.PASSWORD_HASHERS = [
        *settings.PASSWORD_HASHERS,
        "govhall.identity.oidc.hashers.ClientSecretHasher",
    ]
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "CLIENT_SECRET_HASHER": "govhall_client_secret",
    }

    registered = oidc_client_create(
        name="开阳县不动产登记系统", redirect_uris=[REDIRECT_URI], confidential=True
    )

    stored = Application.objects.get().client_secret
    assert stored.startswith("govhall_client_secret$1$")
    assert registered.client_secret is not None
    assert registered.client_secret not in stored
    rp = RelyingParty(registered.application, registered.client_secret, REDIRECT_URI)
    assert sign_in_at(signed_in, rp)["token_type"] == "Bearer"
