"""Passkeys in a real browser: Playwright drives Debian's chromium with a CDP virtual
authenticator (CTAP2, internal transport, resident keys, user verification), against the live
server and the passkey snippets on a test-only page (govhall.portal.tests.passkeys_urls).

A signed-in person adds a passkey (navigator.credentials.create → the API), renames it, signs
out, and signs in again with only the passkey (navigator.credentials.get, discoverable: no
identifier typed). The server's session then belongs to that person, the Passkey row holds the
authenticator's credential and its signature counter, and the attempt is recorded. Finally the
passkey is removed and can no longer sign in. WebAuthn needs a secure context, so the page is
served from http://localhost (not 127.0.0.1) and the relying party is "localhost"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from playwright.sync_api import expect

from govhall.conftest import SCREENSHOTS
from govhall.identity.models import Passkey, Person, SignInAttempt
from govhall.identity.services import person_register
from govhall.portal.tests.passkeys_urls import PAGE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.urls("govhall.portal.tests.passkeys_urls"),
]

TIMEOUT_MS = 15_000


def passkey_origin(live_server: Any, settings: Any, **policy: Any) -> str:
    """The live server as http://localhost:<port>, the only origin passkeys are valid for
    (``policy``: more ``GOVHALL`` settings)."""
    url = f"http://localhost:{live_server.thread.port}"
    settings.GOVHALL = {
        **settings.GOVHALL,
        "WEBAUTHN_RP_ID": "localhost",
        "WEBAUTHN_ORIGINS": [url],
        **policy,
    }
    return url


@pytest.fixture
def origin(live_server: Any, settings: Any) -> str:
    return passkey_origin(live_server, settings)


@pytest.fixture
def person(transactional_db: Any) -> Person:
    return person_register(
        name="杨丽",
        id_number="520102199002086284",
        mobile="13908512345",
        password="Nanming-2026-secure",
    )


@pytest.fixture
def browser_context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def virtual_authenticator(page: Any) -> tuple[Any, str]:
    """A platform authenticator that verifies the user without asking anything."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    created = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, created["authenticatorId"]


def session_user_id(context: Any) -> str | None:
    """Whom the server's session (named by the browser's cookie) belongs to."""
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    key = cookies.get(django_settings.SESSION_COOKIE_NAME)
    if key is None:
        return None
    user_id = SessionStore(session_key=key).load().get("_auth_user_id")
    return str(user_id) if user_id is not None else None


def status_text(page: Any, scope: str) -> str:
    return str(page.locator(f"{scope} [data-passkey-status]").inner_text())


def test_register_sign_out_and_sign_in_with_a_passkey(
    origin: str, person: Person, browser_context: Any
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    user = person.user
    client = Client()
    client.force_login(user)
    browser_context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": origin,
            }
        ]
    )
    page = browser_context.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    cdp, authenticator_id = virtual_authenticator(page)

    # Signed in: the list is empty, and the controls appear because WebAuthn is available.
    page.goto(origin + PAGE)
    assert page.get_by_test_id("signed-in-as").inner_text() == "杨丽"
    assert page.locator("[data-passkey-empty]").is_visible()
    page.fill("#passkey-new-name", "我的手机")
    page.screenshot(path=str(SCREENSHOTS / "passkeys-empty-360.png"), full_page=True)
    page.locator("[data-passkey-add] button[type=submit]").click()
    card = page.locator("[data-passkey-list] > li")
    card.first.wait_for()
    assert card.count() == 1
    assert card.locator("[data-passkey-name]").inner_text() == "我的手机"
    assert page.locator("[data-passkeys] [data-passkey-status]").get_attribute("data-kind") == (
        "success"
    )
    assert not page.locator("[data-passkey-empty]").is_visible()

    passkey = Passkey.objects.get()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]
    assert len(credentials) == 1
    stored = credentials[0]
    assert stored["isResidentCredential"] is True
    # CDP gives standard base64; the server keeps base64url without padding.
    assert passkey.credential_id == stored["credentialId"].replace("+", "-").replace(
        "/", "_"
    ).rstrip("=")
    assert passkey.user == user
    assert passkey.name == "我的手机"
    assert passkey.transports == ["internal"]
    assert passkey.sign_count == stored["signCount"]
    registered_count = passkey.sign_count

    # Rename it from the card (server-rendered after a reload, like the account page).
    page.reload()
    card = page.locator(f"[data-passkey='{passkey.uuid}']")
    card.locator("summary").click()
    card.locator("input[name=name]").fill("办公室电脑")
    card.locator("[data-passkey-rename] button[type=submit]").click()
    # A locator assertion, not wait_for_function: its polling evaluates a string, which the
    # Content-Security-Policy (no 'unsafe-eval') refuses.
    expect(page.locator("[data-passkey-name]").first).to_have_text("办公室电脑")
    passkey.refresh_from_db()
    assert passkey.name == "办公室电脑"
    page.screenshot(path=str(SCREENSHOTS / "passkeys-list-360.png"), full_page=True)
    page.set_viewport_size({"width": 1024, "height": 800})
    page.screenshot(path=str(SCREENSHOTS / "passkeys-list-1024.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})

    # Sign out: the server forgets the session.
    page.get_by_test_id("sign-out").click()
    page.get_by_test_id("signed-out").wait_for()
    assert session_user_id(browser_context) is None

    # Sign in with the passkey alone (discoverable credential: nothing typed).
    button = page.locator("[data-passkey-sign-in-button]")
    assert button.is_visible()
    assert not page.locator("[data-passkey-sign-in] [data-passkey-unsupported]").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "passkey-sign-in-360.png"), full_page=True)
    button.click()
    page.wait_for_url("**/passkeys-test/?signed-in=1")
    assert page.get_by_test_id("signed-in-as").inner_text() == "杨丽"
    assert session_user_id(browser_context) == str(user.pk)

    passkey.refresh_from_db()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]
    assert passkey.sign_count == credentials[0]["signCount"]
    assert passkey.sign_count > registered_count
    assert passkey.last_used_at is not None
    attempt = SignInAttempt.objects.get()
    assert (attempt.method, attempt.succeeded, attempt.user) == ("passkey", True, user)
    assert attempt.identifier_masked == "5201**********6284"

    # Remove it (confirming the dialog); then it can no longer sign in.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-passkey-remove]").click()
    page.locator("[data-passkey-empty]").wait_for(state="visible")
    assert not Passkey.objects.exists()
    assert page.evaluate("document.activeElement.hasAttribute('data-passkey-status')")

    page.get_by_test_id("sign-out").click()
    page.locator("[data-passkey-sign-in-button]").click()
    failed = page.locator("[data-passkey-sign-in] [data-passkey-status][data-kind='error']")
    failed.wait_for()
    assert failed.inner_text().strip() != ""
    assert session_user_id(browser_context) is None
    page.screenshot(path=str(SCREENSHOTS / "passkey-sign-in-refused-360.png"), full_page=True)


def test_controls_stay_hidden_without_webauthn(
    origin: str, person: Person, browser_context: Any
) -> None:
    """Progressive enhancement: a browser without PublicKeyCredential sees no passkey button
    on the sign-in snippet, and an explanation instead of the add form on the account one."""
    browser_context.add_init_script("delete window.PublicKeyCredential;")
    page = browser_context.new_page()
    page.goto(origin + PAGE)
    page.wait_for_load_state("load")
    assert page.evaluate("window.govhallPasskeys.supported") is False
    assert not page.locator("[data-passkey-sign-in-button]").is_visible()
    assert page.locator("[data-passkey-sign-in] [data-passkey-unsupported]").is_visible()

    client = Client()
    client.force_login(person.user)
    browser_context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": origin,
            }
        ]
    )
    page.goto(origin + PAGE)
    page.wait_for_load_state("load")
    assert page.locator("[data-passkey-unsupported]").is_visible()
    assert not page.locator("[data-passkey-add]").is_visible()
