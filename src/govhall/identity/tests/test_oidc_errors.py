"""Bad requests get clear answers and nothing else: an unregistered redirect address is refused
on a page (never redirected to); PKCE is required and only S256; a wrong verifier, a reused
code and an expired code are told apart at the token endpoint; an expired or revoked access
token is refused at userinfo with 401; denying consent sends ``access_denied``; refresh tokens
rotate and a replayed one is refused."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, Grant

from govhall.identity.models import ConnectedSystem, Person, User
from govhall.identity.oidc.services import oidc_client_create
from govhall.identity.tests.test_oidc_support import (
    OTHER_REDIRECT_URI,
    PERSON,
    REDIRECT_URI,
    TOKEN,
    RelyingParty,
    authorize,
    authorize_url,
    consent,
    exchange,
    person,
    pkce_pair,
    query_of,
    rp,
    sign_in_at,
    signed_in,
    userinfo,
)

__all__ = ["person", "rp", "signed_in"]  # fixtures

pytestmark = pytest.mark.django_db


def token_error(response: Any) -> tuple[int, dict[str, Any]]:
    return response.status_code, response.json()


def test_an_unregistered_redirect_uri_is_refused_on_a_page(
    signed_in: Client, rp: RelyingParty
) -> None:
    _verifier, challenge = pkce_pair()
    url = authorize_url(rp, scope="openid", challenge=challenge, redirect_uri=OTHER_REDIRECT_URI)

    response = signed_in.get(url)

    assert response.status_code == 400
    assert response.context["error"].error == "invalid_request"
    assert response.context["error"].description == "Mismatching redirect URI."
    assert Grant.objects.count() == 0


def test_an_unknown_client_is_refused_on_a_page(signed_in: Client, rp: RelyingParty) -> None:
    _verifier, challenge = pkce_pair()
    url = authorize_url(rp, scope="openid", challenge=challenge, client_id="no-such-system")

    response = signed_in.get(url)

    assert response.status_code == 400
    assert response.context["error"].error == "invalid_request"
    assert response.context["error"].description == "Invalid client_id parameter value."


def test_pkce_is_required(signed_in: Client, rp: RelyingParty) -> None:
    url = authorize_url(rp, scope="openid", challenge="").replace(
        "&code_challenge=&code_challenge_method=S256", ""
    )

    response = signed_in.get(url)

    assert response.status_code == 302
    assert query_of(response["Location"]) == {
        "error": "invalid_request",
        "error_description": "Code challenge required.",
        "state": "state-42",
    }
    assert response["Location"].startswith(rp.redirect_uri + "?")


@pytest.mark.parametrize("method", ["plain", None])
def test_a_plain_pkce_challenge_is_refused(
    signed_in: Client, rp: RelyingParty, method: str | None
) -> None:
    verifier, _challenge = pkce_pair()
    url = authorize_url(rp, scope="openid", challenge=verifier, code_challenge_method=method or "")
    if method is None:
        url = url.replace("&code_challenge_method=", "")

    response = signed_in.get(url)

    assert response.status_code == 302
    assert query_of(response["Location"]) == {
        "error": "invalid_request",
        "error_description": "code_challenge_method must be S256.",
        "state": "state-42",
    }
    assert Grant.objects.count() == 0


def test_a_wrong_pkce_verifier_is_refused(signed_in: Client, rp: RelyingParty) -> None:
    _verifier, challenge = pkce_pair()
    code = authorize(signed_in, rp, challenge=challenge)
    other_verifier, _other = pkce_pair()

    response = exchange(signed_in, rp, code=code, verifier=other_verifier)

    assert token_error(response) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": (
                "code_verifier does not match the code_challenge of the authorization request."
            ),
        },
    )
    assert AccessToken.objects.count() == 0
    assert ConnectedSystem.objects.count() == 0


def test_a_missing_or_malformed_verifier_is_refused(signed_in: Client, rp: RelyingParty) -> None:
    verifier, challenge = pkce_pair()
    code = authorize(signed_in, rp, challenge=challenge)

    missing = exchange(signed_in, rp, code=code, verifier="")
    short = exchange(signed_in, rp, code=code, verifier="too-short")

    assert token_error(missing) == (
        400,
        {"error": "invalid_request", "error_description": "Code verifier required."},
    )
    assert token_error(short) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": (
                "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~."
            ),
        },
    )
    assert exchange(signed_in, rp, code=code, verifier=verifier).status_code == 200


def test_a_code_is_used_once(signed_in: Client, rp: RelyingParty) -> None:
    verifier, challenge = pkce_pair()
    code = authorize(signed_in, rp, challenge=challenge)
    assert exchange(signed_in, rp, code=code, verifier=verifier).status_code == 200

    again = exchange(signed_in, rp, code=code, verifier=verifier)

    assert token_error(again) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": "The authorization code is unknown or was already used.",
        },
    )
    assert AccessToken.objects.count() == 1


def test_an_expired_code_is_refused(signed_in: Client, rp: RelyingParty) -> None:
    verifier, challenge = pkce_pair()
    code = authorize(signed_in, rp, challenge=challenge)
    Grant.objects.filter(code=code).update(expires=timezone.now() - datetime.timedelta(seconds=1))

    response = exchange(signed_in, rp, code=code, verifier=verifier)

    assert token_error(response) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": "The authorization code has expired; sign the person in again.",
        },
    )
    assert AccessToken.objects.count() == 0


def test_a_code_goes_back_to_the_redirect_uri_it_was_issued_for(
    signed_in: Client, rp: RelyingParty
) -> None:
    verifier, challenge = pkce_pair()
    code = authorize(signed_in, rp, challenge=challenge)

    response = signed_in.post(
        TOKEN,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": rp.redirect_uri + "/elsewhere",
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=rp.basic_auth(),
    )

    assert token_error(response) == (
        400,
        {"error": "invalid_request", "error_description": "Mismatching redirect URI."},
    )


def test_a_wrong_client_secret_is_refused(signed_in: Client, rp: RelyingParty) -> None:
    verifier, challenge = pkce_pair()
    code = authorize(signed_in, rp, challenge=challenge)
    impostor = RelyingParty(rp.application, "not-the-secret", rp.redirect_uri)

    response = exchange(signed_in, impostor, code=code, verifier=verifier)

    assert token_error(response) == (401, {"error": "invalid_client"})


def test_an_expired_access_token_gets_401_at_userinfo(signed_in: Client, rp: RelyingParty) -> None:
    tokens = sign_in_at(signed_in, rp)
    assert userinfo(signed_in, tokens["access_token"]).status_code == 200
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))

    response = userinfo(signed_in, tokens["access_token"])

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


def test_an_unknown_access_token_gets_401_at_userinfo(signed_in: Client) -> None:
    response = userinfo(signed_in, "not-a-token")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


def test_denying_consent_sends_access_denied(signed_in: Client, rp: RelyingParty) -> None:
    _verifier, challenge = pkce_pair()
    page = signed_in.get(authorize_url(rp, scope="openid id_number", challenge=challenge))

    answer = consent(signed_in, page, allow=False)

    assert answer.status_code == 302
    assert query_of(answer["Location"]) == {"error": "access_denied", "state": "state-42"}
    assert Grant.objects.count() == 0


def test_a_scope_that_does_not_exist_is_refused(signed_in: Client, rp: RelyingParty) -> None:
    _verifier, challenge = pkce_pair()

    response = signed_in.get(authorize_url(rp, scope="openid everything", challenge=challenge))

    assert response.status_code == 302
    assert query_of(response["Location"])["error"] == "invalid_scope"


def test_refresh_rotates_and_a_replayed_refresh_token_is_refused(
    signed_in: Client, rp: RelyingParty, person: Person
) -> None:
    tokens = sign_in_at(signed_in, rp)

    def refresh(token: str) -> Any:
        return signed_in.post(
            TOKEN,
            {"grant_type": "refresh_token", "refresh_token": token},
            HTTP_AUTHORIZATION=rp.basic_auth(),
        )

    fresh = refresh(tokens["refresh_token"])
    assert fresh.status_code == 200
    renewed = fresh.json()
    assert renewed["refresh_token"] != tokens["refresh_token"]
    assert renewed["scope"] == "openid profile"
    assert userinfo(signed_in, renewed["access_token"]).status_code == 200

    replay = refresh(tokens["refresh_token"])

    assert token_error(replay) == (400, {"error": "invalid_grant"})
    # Reuse protection revokes the whole family: the renewed refresh token dies too.
    assert refresh(renewed["refresh_token"]).status_code == 400
    # A refresh is not a new sign-in.
    assert ConnectedSystem.objects.get().sign_in_count == 1


@pytest.mark.parametrize("password", [PERSON["password"], "wrong-password-1"])
def test_the_password_grant_is_refused_without_checking_the_password(
    client: Client, person: Person, password: str
) -> None:
    """Even for a system registered with it (DOT's self-service pages allow that), the answer
    is the same for a right and a wrong password: no oracle, no way around the lock-outs."""
    registered = oidc_client_create(name="旧系统", redirect_uris=[REDIRECT_URI], confidential=True)
    Application.objects.filter(pk=registered.application.pk).update(
        authorization_grant_type="password"
    )
    rp = RelyingParty(registered.application, registered.client_secret, REDIRECT_URI)

    response = client.post(
        TOKEN,
        {"grant_type": "password", "username": person.user.username, "password": password},
        HTTP_AUTHORIZATION=rp.basic_auth(),
    )

    assert token_error(response) == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid credentials given."},
    )
    assert AccessToken.objects.count() == 0


@pytest.mark.parametrize("response_type", ["code id_token", "code token", "token", "id_token"])
def test_only_the_code_flow_is_offered(
    signed_in: Client, rp: RelyingParty, response_type: str
) -> None:
    _verifier, challenge = pkce_pair()
    url = authorize_url(rp, scope="openid", challenge=challenge, response_type=response_type)

    response = signed_in.get(url)

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(rp.redirect_uri)
    assert "error=unauthorized_client" in location
    assert "code=" not in location
    assert "access_token=" not in location
    assert Grant.objects.count() == 0
    assert AccessToken.objects.count() == 0


def test_a_disabled_account_stops_working_everywhere(
    signed_in: Client, rp: RelyingParty, person: Person
) -> None:
    tokens = sign_in_at(signed_in, rp)
    verifier, challenge = pkce_pair()
    code = authorize(signed_in, rp, challenge=challenge)
    User.objects.filter(pk=person.user.pk).update(is_active=False)

    exchanged = exchange(signed_in, rp, code=code, verifier=verifier)
    refreshed = signed_in.post(
        TOKEN,
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=rp.basic_auth(),
    )
    info = userinfo(signed_in, tokens["access_token"])

    assert token_error(exchanged) == (
        400,
        {"error": "invalid_grant", "error_description": "The account has been disabled."},
    )
    assert token_error(refreshed) == (400, {"error": "invalid_grant"})
    assert info.status_code == 401
    assert info["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
