"""Builders shared by the ``test_oidc_*`` modules (identity/tests has no conftest of its own,
so they live here and are imported; this module holds no tests).

A relying party is registered through ``oidc_client_create``, as the command does; a person
through ``person_register``. ``authorize`` drives the consent page like a browser with
Django's test client (GET the page, POST "Allow") and returns the code from the redirect.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import Application

from govhall.identity.models import Person, User
from govhall.identity.oidc.services import RegisteredClient, oidc_client_create
from govhall.identity.services import person_register

PERSON = {
    "name": "张建国",
    "id_number": "522522194403151231",
    "mobile": "13985011234",
    "password": "Kaiyang-2026-secure",
}
ID_NUMBER_MASKED = "5225**********1231"
MOBILE_MASKED = "139****1234"
REDIRECT_URI = "https://bdc.kaiyang.example/oidc/callback"
LOGOUT_URI = "https://bdc.kaiyang.example/signed-out"
OTHER_REDIRECT_URI = "https://yb.kaiyang.example/oidc/callback"
AUTHORIZE = "/o/authorize/"
TOKEN = "/o/token/"
USERINFO = "/o/userinfo/"


@dataclass(frozen=True, slots=True)
class RelyingParty:
    """A registered system: its application row, clear secret and first redirect address."""

    application: Application
    secret: str | None
    redirect_uri: str

    @property
    def client_id(self) -> str:
        return str(self.application.client_id)

    def basic_auth(self) -> str:
        raw = f"{self.client_id}:{self.secret}".encode()
        return "Basic " + base64.b64encode(raw).decode()


def register_rp(
    *,
    name: str = "开阳县不动产登记系统",
    redirect_uri: str = REDIRECT_URI,
    confidential: bool = True,
    skip_authorization: bool = False,
) -> RelyingParty:
    registered: RegisteredClient = oidc_client_create(
        name=name,
        redirect_uris=[redirect_uri],
        confidential=confidential,
        post_logout_redirect_uris=[LOGOUT_URI] if redirect_uri == REDIRECT_URI else [],
    )
    if skip_authorization:
        Application.objects.filter(pk=registered.application.pk).update(skip_authorization=True)
        registered.application.refresh_from_db()
    return RelyingParty(registered.application, registered.client_secret, redirect_uri)


@pytest.fixture
def person(db: Any) -> Person:
    return person_register(**PERSON)


@pytest.fixture
def rp(db: Any) -> RelyingParty:
    return register_rp()


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person.user)
    return client


def pkce_pair() -> tuple[str, str]:
    """A fresh (verifier, S256 challenge) pair, RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url(rp: RelyingParty, *, scope: str, challenge: str, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": rp.client_id,
        "redirect_uri": rp.redirect_uri,
        "scope": scope,
        "state": "state-42",
        "nonce": "nonce-42",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return AUTHORIZE + "?" + urlencode(params)


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def consent(client: Client, page: Any, *, allow: bool = True) -> Any:
    """Post the consent form of ``page`` (the GET response) as the buttons do."""
    form = page.context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    if allow:
        data["allow"] = "on"
    return client.post(AUTHORIZE, data)


def authorize(
    client: Client, rp: RelyingParty, *, scope: str = "openid profile", challenge: str
) -> str:
    """Sign in at ``rp`` through the consent page; returns the authorization code."""
    page = client.get(authorize_url(rp, scope=scope, challenge=challenge))
    if page.status_code == 302:  # a system that skips the consent page
        return query_of(page["Location"])["code"]
    assert page.status_code == 200, page.content
    answer = consent(client, page)
    assert answer.status_code == 302
    query = query_of(answer["Location"])
    assert query["state"] == "state-42"
    return query["code"]


def exchange(client: Client, rp: RelyingParty, *, code: str, verifier: str) -> Any:
    """POST the code to the token endpoint, authenticating with HTTP Basic."""
    return client.post(
        TOKEN,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": rp.redirect_uri,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=rp.basic_auth(),
    )


def sign_in_at(
    client: Client, rp: RelyingParty, *, scope: str = "openid profile"
) -> dict[str, Any]:
    """The whole code flow; returns the token endpoint's JSON."""
    verifier, challenge = pkce_pair()
    code = authorize(client, rp, scope=scope, challenge=challenge)
    response = exchange(client, rp, code=code, verifier=verifier)
    assert response.status_code == 200, response.content
    return dict(response.json())


def userinfo(client: Client, access_token: str) -> Any:
    return client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {access_token}")


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (signatures are checked in test_oidc_flow)."""
    import json

    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def staff_user(username: str = "clerk-kaiyang", **fields: Any) -> User:
    return User.objects.create_user(
        username=username, password="Clerk-2026-secure", is_staff=True, **fields
    )
