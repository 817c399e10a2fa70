"""Single sign-on under the Content-Security-Policy: ``form-action 'self'`` would stop a browser
from following the redirect to a system after a form, so the consent page, the sign-in page
on the way to a system and the logout page add that system's origin — only when the system
registered that exact address; every other page, and a crafted request, keeps ``'self'``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from govhall.identity.oidc.return_origins import oidc_return_origins
from govhall.identity.tests.test_oidc_support import (
    LOGOUT_URI,
    OTHER_REDIRECT_URI,
    RelyingParty,
    authorize_url,
    person,
    pkce_pair,
    register_rp,
    rp,
    sign_in_at,
    signed_in,
)

__all__ = ["person", "rp", "signed_in"]  # fixtures

pytestmark = pytest.mark.django_db

SYSTEM = "https://bdc.kaiyang.example"
SIGN_IN = "/account/sign-in/"


def form_action(response: Any) -> str:
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return directives["form-action"]


def test_the_consent_page_may_send_the_browser_back_to_the_system(
    signed_in: Client, rp: RelyingParty
) -> None:
    _verifier, challenge = pkce_pair()
    page = signed_in.get(authorize_url(rp, scope="openid", challenge=challenge))
    assert page.status_code == 200
    assert form_action(page) == f"'self' {SYSTEM}"


def test_an_unregistered_return_address_adds_nothing(signed_in: Client, rp: RelyingParty) -> None:
    _verifier, challenge = pkce_pair()
    crafted = authorize_url(rp, scope="openid", challenge=challenge).replace(
        "bdc.kaiyang.example", "evil.example"
    )
    page = signed_in.get(crafted)
    assert page.status_code == 400
    assert form_action(page) == "'self'"
    # Another system's address with this system's client id adds nothing either.
    register_rp(name="医保系统", redirect_uri=OTHER_REDIRECT_URI)
    assert (
        oidc_return_origins(
            "/o/authorize/?"
            + urlencode({"client_id": rp.client_id, "redirect_uri": OTHER_REDIRECT_URI})
        )
        == []
    )


def test_signing_in_on_the_way_to_a_system_may_end_there(client: Client, rp: RelyingParty) -> None:
    _verifier, challenge = pkce_pair()
    authorize = authorize_url(rp, scope="openid", challenge=challenge)
    redirected = client.get(authorize)
    assert redirected.status_code == 302
    sign_in_page = client.get(redirected["Location"])
    assert sign_in_page.context["next"] == authorize
    assert form_action(sign_in_page) == f"'self' {SYSTEM}"
    assert form_action(client.get(SIGN_IN + "?next=/account/")) == "'self'"
    assert form_action(
        client.get(SIGN_IN + "?" + urlencode({"next": "https://evil.example/"}))
    ) == ("'self'")


def test_the_logout_page_may_send_the_browser_to_the_registered_address(
    signed_in: Client, rp: RelyingParty
) -> None:
    sign_in_at(signed_in, rp)
    query = {"client_id": rp.client_id, "post_logout_redirect_uri": LOGOUT_URI, "state": "s1"}
    page = signed_in.get("/o/logout/", query)
    assert page.status_code == 200
    assert form_action(page) == f"'self' {SYSTEM}"
    unregistered = {**query, "post_logout_redirect_uri": "https://evil.example/"}
    assert form_action(signed_in.get("/o/logout/", unregistered)) == "'self'"
