"""The second factor for staff in a real browser: Playwright drives Debian's chromium with a CDP
virtual authenticator (as in test_passkeys_browser) against the live server, on the real
sign-in, enrolment and second-step pages, with GOVHALL["STAFF_SECOND_FACTOR"] on.

A clerk without a passkey signs in with the password and is confined to the enrolment page
(the workbench sends them back there); they add a passkey and the page goes on to the
workbench. Signed out, they sign in with the password again, confirm on the second-step page
with the passkey, and reach the workbench; the attempts name both factors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from govhall.conftest import SCREENSHOTS
from govhall.identity.models import Passkey, SignInAttempt, User
from govhall.portal.tests.test_passkeys_browser import (
    passkey_origin,
    session_user_id,
    virtual_authenticator,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 15_000
PASSWORD = "Kaiyang-clerk-2026"
QUEUE = "/workbench/cases/"


@pytest.fixture
def origin(live_server: Any, settings: Any) -> str:
    return passkey_origin(live_server, settings, STAFF_SECOND_FACTOR=True)


@pytest.fixture
def clerk(transactional_db: Any, department: Any) -> User:
    bureau = department("520121", "开阳县民政局")
    user = User.objects.create_user(
        username="clerk.kaiyang.ca",
        password=PASSWORD,
        is_staff=True,
        department=bureau,
        region=bureau.region,
        display_name="王晓明",
    )
    user.user_permissions.add(Permission.objects.get(codename="process_case"))
    return user


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1024, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def password_sign_in(page: Any, origin: str) -> None:
    page.goto(f"{origin}/account/sign-in/?next={QUEUE}")
    page.fill("#id_pw-identifier", "clerk.kaiyang.ca")
    page.fill("#id_pw-password", PASSWORD)
    page.press("#id_pw-password", "Enter")


def test_a_clerk_enrols_a_passkey_then_confirms_sign_ins_with_it(
    origin: str, clerk: User, page: Any
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _cdp, _authenticator = virtual_authenticator(page)

    # No passkey yet: signed in, but confined to adding one.
    password_sign_in(page, origin)
    page.wait_for_url(f"{origin}/account/passkeys/enrol/?next=%2Fworkbench%2Fcases%2F")
    assert page.get_by_test_id("second-factor-confined").is_visible()
    assert session_user_id(page.context) == str(clerk.pk)
    page.goto(origin + QUEUE)
    page.wait_for_url(f"{origin}/account/passkeys/enrol/?next=%2Fworkbench%2Fcases%2F")
    page.screenshot(path=str(SCREENSHOTS / "second-factor-enrol-1024.png"), full_page=True)

    page.fill("#passkey-new-name", "窗口电脑")
    page.locator("[data-passkey-add] button[type=submit]").click()
    page.wait_for_url(origin + QUEUE)
    assert Passkey.objects.get(user=clerk).name == "窗口电脑"

    # Next time: password, then the passkey on the second-step page.
    page.context.clear_cookies()
    password_sign_in(page, origin)
    page.wait_for_url(f"{origin}/account/sign-in/passkey/")
    assert session_user_id(page.context) is None
    button = page.locator("[data-passkey-sign-in-button]")
    expect(button).to_be_visible()
    assert page.locator("[data-passkey-sign-in]").get_attribute("data-ceremony") == "second-factor"
    page.screenshot(path=str(SCREENSHOTS / "second-factor-step-1024.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(SCREENSHOTS / "second-factor-step-360.png"), full_page=True)
    button.click()
    page.wait_for_url(origin + QUEUE)
    assert session_user_id(page.context) == str(clerk.pk)
    assert list(
        SignInAttempt.objects.order_by("id").values_list("method", "succeeded", "user")
    ) == [
        ("password", True, clerk.pk),
        ("password", True, clerk.pk),
        ("password+passkey", True, clerk.pk),
    ]
