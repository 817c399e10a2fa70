"""Discovery and keys: the provider document at ``<issuer>/.well-known/openid-configuration``
names the explicit issuer and its endpoints (never built from the Host header), pairwise
subjects, S256 PKCE, RS256 ID tokens, govhall's scopes and claims; the JWKS publishes the
signing key (and inactive keys kept for rotation) with the ``kid`` the ID tokens carry."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from jwcrypto import jwk

from govhall.identity.tests.test_oidc_support import (
    RelyingParty,
    jwt_claims,
    person,
    rp,
    sign_in_at,
    signed_in,
)

__all__ = ["person", "rp", "signed_in"]  # fixtures

DISCOVERY = "/o/.well-known/openid-configuration"
JWKS = "/o/.well-known/jwks.json"
ISSUER = "http://127.0.0.1:8000/o"


def test_the_issuer_is_the_configured_one() -> None:
    assert settings.OIDC_ISSUER == ISSUER
    assert settings.OAUTH2_PROVIDER["OIDC_ISS_ENDPOINT"] == ISSUER


def test_discovery_document(client: Client) -> None:
    response = client.get(DISCOVERY)

    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == ISSUER
    assert document["authorization_endpoint"] == ISSUER + "/authorize/"
    assert document["token_endpoint"] == ISSUER + "/token/"
    assert document["userinfo_endpoint"] == ISSUER + "/userinfo/"
    assert document["jwks_uri"] == ISSUER + "/.well-known/jwks.json"
    assert document["end_session_endpoint"] == ISSUER + "/logout/"
    assert document["subject_types_supported"] == ["pairwise"]
    assert "S256" in document["code_challenge_methods_supported"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256", "HS256"]
    assert document["token_endpoint_auth_methods_supported"] == [
        "client_secret_post",
        "client_secret_basic",
    ]
    assert document["scopes_supported"] == [
        "openid",
        "profile",
        "id_number_masked",
        "id_number",
        "credit_code",
        "phone",
    ]
    assert sorted(document["claims_supported"]) == [
        "assurance_level",
        "credit_codes",
        "id_number",
        "id_number_masked",
        "identity_type",
        "name",
        "phone_number",
        "sub",
    ]
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_host_header_does_not_change_the_issuer(client: Client) -> None:
    document = client.get(DISCOVERY, HTTP_HOST="localhost:8765").json()

    assert document["issuer"] == ISSUER
    assert document["token_endpoint"] == ISSUER + "/token/"
    assert document["jwks_uri"] == ISSUER + "/.well-known/jwks.json"


def test_jwks_publishes_the_signing_key(client: Client) -> None:
    response = client.get(JWKS)

    assert response.status_code == 200
    private = jwk.JWK.from_pem(settings.OIDC_PRIVATE_KEY.encode())
    public = private.export_public(as_dict=True)
    assert response.json() == {
        "keys": [{"alg": "RS256", "use": "sig", "kid": private.thumbprint(), **public}]
    }
    assert "d" not in response.json()["keys"][0]  # never the private part


def test_jwks_keeps_inactive_keys_for_rotation(client: Client, settings: Any) -> None:
    old = jwk.JWK.generate(kty="RSA", size=2048)
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [
            old.export_to_pem(private_key=True, password=None).decode()
        ],
    }

    kids = [key["kid"] for key in client.get(JWKS).json()["keys"]]

    current = jwk.JWK.from_pem(settings.OIDC_PRIVATE_KEY.encode()).thumbprint()
    assert kids == [current, old.thumbprint()]


@pytest.mark.django_db
def test_id_tokens_name_the_published_key(
    signed_in: Client, rp: RelyingParty, client: Client
) -> None:
    import base64
    import json

    id_token = sign_in_at(signed_in, rp)["id_token"]

    header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    kid = client.get(JWKS).json()["keys"][0]["kid"]
    assert header == {"typ": "JWT", "alg": "RS256", "kid": kid}
    assert jwt_claims(id_token)["iss"] == ISSUER


def test_only_the_offered_endpoints_are_mounted(client: Client) -> None:
    """No self-service client registration, device flow or dynamic registration."""
    for path in ("/o/applications/", "/o/applications/register/", "/o/device/", "/o/register/"):
        assert client.get(path).status_code == 404, path
