"""End to end against a live server, driven by an independent relying-party library (Authlib,
with joserfc for the ID token): discovery, the authorization code flow with PKCE S256 — a
person who is not signed in is sent to the portal's sign-in page and back to the consent page
— the token exchange, the ID token's signature checked against the JWKS from ``jwks_uri``
(iss, aud, exp, nonce, sub), userinfo with the access token, a refresh, and RP-initiated
logout, after which the tokens and the session are gone."""

from __future__ import annotations

import secrets
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from django.contrib.sessions.models import Session
from joserfc import jwt
from joserfc.jwk import KeySet
from oauth2_provider.models import AccessToken

from govhall.identity.models import ConnectedSystem, Person
from govhall.identity.oidc.subjects import pairwise_subject
from govhall.identity.services import person_register
from govhall.identity.tests.test_oidc_support import (
    LOGOUT_URI,
    PERSON,
    REDIRECT_URI,
    RelyingParty,
    query_of,
    register_rp,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCOPE = "openid profile id_number_masked"


class _Forms(HTMLParser):
    """Every ``<form>`` of a page: its action and the values its inputs would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((attributes.get("action", ""), {}))
        elif tag == "input" and self.forms and attributes.get("name"):
            if attributes.get("type") not in {"submit", "checkbox", "radio"}:
                self.forms[-1][1][attributes["name"]] = attributes.get("value", "")
        elif tag == "button" and self.forms and attributes.get("name") == "method":
            self.forms[-1][1]["method"] = attributes.get("value", "")


def form_with(html: str, field: str) -> tuple[str, dict[str, str]]:
    """The first form of ``html`` with an input whose name ends with ``field``."""
    parser = _Forms()
    parser.feed(html)
    for action, fields in parser.forms:
        if any(name.endswith(field) for name in fields):
            return action, fields
    raise AssertionError(f"no form with a {field!r} field")


@pytest.fixture
def issuer(live_server: Any, settings: Any) -> str:
    """The live server's issuer; DOT reloads its settings on ``setting_changed``."""
    issuer = live_server.url + "/o"
    settings.OIDC_ISSUER = issuer
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": issuer}
    return issuer


def sign_in_through_the_portal(browser: requests.Session, url: str) -> requests.Response:
    """Follow ``url`` as a browser with no session: sign in with a password, come back."""
    sent = browser.get(url, allow_redirects=False)
    assert sent.status_code == 302
    sign_in_url = urljoin(url, sent.headers["Location"])
    assert "/account/sign-in/" in sign_in_url
    page = browser.get(sign_in_url)
    action, fields = form_with(page.text, "password")
    for name in fields:
        if name.endswith("identifier"):
            fields[name] = PERSON["mobile"]
        elif name.endswith("password"):
            fields[name] = PERSON["password"]
    fields.setdefault("method", "password")
    signed = browser.post(urljoin(sign_in_url, action), data=fields, allow_redirects=False)
    assert signed.status_code == 302, signed.text
    back = urljoin(sign_in_url, signed.headers["Location"])
    assert back.startswith(url.split("?")[0])
    return browser.get(back, allow_redirects=False)


def validate_id_token(
    id_token: str, *, jwks: dict[str, Any], issuer: str, client_id: str, nonce: str
) -> dict[str, Any]:
    """Signature against the published keys, then iss, aud, exp, nonce and sub."""
    token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
    ).validate(token.claims)
    assert token.header["alg"] == "RS256"
    assert token.header["kid"] in {key["kid"] for key in jwks["keys"]}
    return dict(token.claims)


@pytest.fixture
def browser() -> Any:
    """The person's browser; closed before the database is torn down, so no keep-alive
    request thread of the live server outlives the test."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def rp(issuer: str) -> RelyingParty:
    return register_rp()


@pytest.fixture
def oauth(rp: RelyingParty) -> Any:
    """The relying party's OAuth client (Authlib builds its requests and the PKCE pair)."""
    assert rp.secret is not None
    with OAuth2Session(
        rp.client_id,
        rp.secret,
        scope=SCOPE,
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    ) as session:
        yield session


def test_a_relying_party_signs_a_person_in_and_out(
    issuer: str, rp: RelyingParty, oauth: OAuth2Session, browser: requests.Session
) -> None:
    person: Person = person_register(**PERSON)
    discovery = requests.get(issuer + "/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == issuer
    jwks = requests.get(discovery["jwks_uri"], timeout=10).json()

    # The relying party starts the sign-in.
    verifier = secrets.token_urlsafe(64)
    nonce = secrets.token_urlsafe(16)
    url, state = oauth.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    assert "code_challenge_method=S256" in url

    # The person's browser: sign in on the portal, then say yes on the consent page.
    consent_page = sign_in_through_the_portal(browser, url)
    assert consent_page.status_code == 200
    assert "开阳县不动产登记系统" in consent_page.text
    action, fields = form_with(consent_page.text, "client_id")
    assert fields["scope"] == SCOPE
    answer = browser.post(
        urljoin(url, action) if action else url,
        data={**fields, "allow": "on"},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    redirected = answer.headers["Location"]
    assert redirected.startswith(REDIRECT_URI + "?")
    assert query_of(redirected)["state"] == state

    # Back at the relying party: the code for tokens, the ID token checked.
    token = oauth.fetch_token(
        discovery["token_endpoint"], authorization_response=redirected, code_verifier=verifier
    )
    assert token["token_type"] == "Bearer"
    assert token["scope"] == SCOPE
    claims = validate_id_token(
        token["id_token"], jwks=jwks, issuer=issuer, client_id=rp.client_id, nonce=nonce
    )
    sub = pairwise_subject(client_id=rp.client_id, user_uuid=person.user.uuid)
    assert claims["sub"] == sub
    assert claims["name"] == "张建国"
    assert claims["identity_type"] == "person"
    assert claims["assurance_level"] == 0
    assert "id_number_masked" not in claims

    info = oauth.get(discovery["userinfo_endpoint"], timeout=10)
    assert info.status_code == 200
    assert info.json() == {
        "sub": sub,
        "name": "张建国",
        "identity_type": "person",
        "assurance_level": 0,
        "id_number_masked": "5225**********1231",
    }

    # The access token runs out: refresh, and the new ID token speaks of the same person.
    old_access = token["access_token"]
    refreshed = oauth.refresh_token(discovery["token_endpoint"])
    assert refreshed["access_token"] != old_access
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert refreshed["scope"] == SCOPE
    again = jwt.decode(refreshed["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"])
    assert again.claims["sub"] == sub
    assert again.claims["aud"] == rp.client_id
    assert oauth.get(discovery["userinfo_endpoint"], timeout=10).json()["sub"] == sub
    assert ConnectedSystem.objects.get().sign_in_count == 1

    # Logging out at the relying party ends the person's govhall session and the tokens.
    bye = browser.get(
        discovery["end_session_endpoint"],
        params={
            "id_token_hint": refreshed["id_token"],
            "post_logout_redirect_uri": LOGOUT_URI,
            "state": "bye-1",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert bye.status_code == 302
    assert bye.headers["Location"] == LOGOUT_URI + "?state=bye-1"
    assert AccessToken.objects.filter(user=person.user).count() == 0
    assert oauth.get(discovery["userinfo_endpoint"], timeout=10).status_code == 401
    assert Session.objects.count() == 0
    assert browser.get(url, allow_redirects=False).status_code == 302  # to the sign-in page
