"""System-to-system calls: a client-credentials system gets an access token for itself with its
secret (HTTP Basic or form fields); the token describes no person (no scope that does, no
userinfo); a wrong secret, a person's scope and a sign-in system using this grant are
refused."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, RefreshToken

from govhall.identity.models import ConnectedSystem
from govhall.identity.oidc.services import RegisteredClient, oidc_client_create
from govhall.identity.tests.test_oidc_support import TOKEN, RelyingParty, rp, userinfo

__all__ = ["rp"]  # fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def system(db: Any) -> RegisteredClient:
    return oidc_client_create(
        name="贵州省数据共享交换平台",
        redirect_uris=[],
        confidential=False,  # implied by client credentials
        client_credentials=True,
    )


def basic(client_id: str, secret: str | None) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def request_token(client: Client, system: RegisteredClient, **data: str) -> Any:
    application = system.application
    return client.post(
        TOKEN,
        {"grant_type": "client_credentials", **data},
        HTTP_AUTHORIZATION=basic(application.client_id, system.client_secret),
    )


def test_a_system_gets_a_token_for_itself(client: Client, system: RegisteredClient) -> None:
    assert system.application.client_type == "confidential"
    assert system.application.authorization_grant_type == "client-credentials"
    assert system.client_secret is not None

    response = request_token(client, system)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"}
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 600, "")
    token = AccessToken.objects.get()
    assert token.user is None
    assert token.application == system.application
    assert RefreshToken.objects.count() == 0
    assert ConnectedSystem.objects.count() == 0


def test_the_secret_may_come_in_the_form(client: Client, system: RegisteredClient) -> None:
    response = client.post(
        TOKEN,
        {
            "grant_type": "client_credentials",
            "client_id": system.application.client_id,
            "client_secret": system.client_secret,
        },
    )

    assert response.status_code == 200


def test_a_system_token_describes_no_one(client: Client, system: RegisteredClient) -> None:
    token = request_token(client, system).json()["access_token"]

    response = userinfo(client, token)

    # oauthlib answers a token without ``openid`` at userinfo as an invalid token.
    assert response.status_code == 401
    # (DOT sends the JSON error body as text/html; relying parties parse it anyway.)
    assert json.loads(response.content) == {
        "error": "invalid_token",
        "error_description": (
            "The access token provided is expired, revoked, malformed, or invalid for other "
            "reasons."
        ),
    }


@pytest.mark.parametrize("scope", ["openid", "profile", "id_number", "openid phone"])
def test_a_system_cannot_ask_for_a_persons_scope(
    client: Client, system: RegisteredClient, scope: str
) -> None:
    response = request_token(client, system, scope=scope)

    assert (response.status_code, response.json()) == (400, {"error": "invalid_scope"})
    assert AccessToken.objects.count() == 0


def test_a_wrong_secret_is_refused(client: Client, system: RegisteredClient) -> None:
    response = client.post(
        TOKEN,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(system.application.client_id, "guessed"),
    )

    assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})


def test_a_sign_in_system_may_not_use_client_credentials(client: Client, rp: RelyingParty) -> None:
    response = client.post(
        TOKEN, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=rp.basic_auth()
    )

    assert (response.status_code, response.json()) == (400, {"error": "unauthorized_client"})
    assert AccessToken.objects.count() == 0
