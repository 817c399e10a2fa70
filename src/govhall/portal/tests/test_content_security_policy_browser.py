"""The pages that run scripts work under the Content-Security-Policy and the Permissions-Policy in
a real browser (Playwright driving Debian's chromium), with no violation reported.

The portal home, and the case look-up refusing one look-up too many (429, with the time to
come back); 张建国 signs in and fills an application form whose fields are checked as he types
(htmx and idiomorph re-render them); he adds a passkey on his account page (WebAuthn through a
CDP virtual authenticator: ``publickey-credentials-create=(self)``) and signs in with it
(``…-get=(self)``); the clerk opens the case in the workbench and bpmn-js draws its process;
finally a registered system signs a citizen in through single sign-on, consent page and all,
and the browser gets back to the system although ``form-action`` allows this platform only
(identity.oidc.return_origins), also when the sign-in form's redirect goes straight on to a
system that skips consent. Violations are collected from the ``securitypolicyviolation`` event
and from the console. Screenshots: /tmp/shots_csp_*.png.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from govhall.cases.tests.conftest import (  # noqa: F401 - fixtures
    PASSWORD,
    clerk,
    new_case,
    version,
    zhang,
)
from govhall.catalog.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    handling_item,
    implementation,
    publish,
)
from govhall.identity.tests.test_oidc_support import authorize_url, pkce_pair, register_rp
from govhall.portal.tests.test_passkeys_browser import virtual_authenticator

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 15_000
SHOTS = Path(tempfile.gettempdir())  # /tmp/shots_csp_*.png
CURRENT = "g.djs-element.govhall-current"
SYSTEM = "https://bdc.kaiyang.example"
#: Records what the browser refused, before any script of the page runs.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class Browser:
    """New pages that record console messages and policy violations; http://localhost only
    (WebAuthn needs a secure context, and localhost is one)."""

    def __init__(self, chromium: Any, origin: str) -> None:
        self.chromium = chromium
        self.origin = origin
        self.console: list[str] = []
        self.pages: list[Any] = []
        self.contexts: list[Any] = []

    def page(self, *, width: int = 1280) -> Any:
        context = self.chromium.new_context(
            locale="zh-CN", viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(RECORD_VIOLATIONS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: self.console.append(message.text))
        self.pages.append(page)
        return page

    def violations(self, page: Any) -> list[str]:
        return list(page.evaluate("window.__violations || []"))

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browser(chromium: Any, live_server: Any, settings: Any) -> Iterator[Browser]:
    origin = f"http://localhost:{live_server.thread.port}"
    settings.GOVHALL = {
        **settings.GOVHALL,
        "WEBAUTHN_RP_ID": "localhost",
        "WEBAUTHN_ORIGINS": [origin],
    }
    opened = Browser(chromium, origin)
    try:
        yield opened
    finally:
        opened.close()


def sign_in(page: Any, identifier: str) -> None:
    page.fill("#id_pw-identifier", identifier)
    page.fill("#id_pw-password", PASSWORD)
    page.press("#id_pw-password", "Enter")


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"shots_csp_{name}.png"), full_page=True)


def no_violations(browser: Browser, page: Any) -> None:
    assert browser.violations(page) == []
    reported = [
        text
        for text in browser.console
        if "Content Security Policy" in text or "Permissions-Policy" in text
    ]
    assert reported == []


def test_pages_with_scripts_run_without_a_violation(
    browser: Browser,
    version: Any,  # noqa: F811 - the fixtures
    zhang: Any,  # noqa: F811
    clerk: Any,  # noqa: F811
    settings: Any,
) -> None:
    base = browser.origin
    case = new_case(version, zhang)

    home = browser.page(width=360)
    home.goto(base + "/")
    assert home.locator("h1").count() >= 1
    shoot(home, "home_360")
    no_violations(browser, home)

    # The public case look-up past its limit: 429, and when to come back.
    settings.GOVHALL = {**settings.GOVHALL, "CASE_LOOKUP_MAX_PER_WINDOW": 1}
    home.goto(base + "/cases/lookup/")
    statuses = []
    for _attempt in range(2):
        home.fill("#id_number", case.number)
        home.fill("#id_code", "23456789")
        with home.expect_navigation() as answer:
            home.locator("main button[type=submit]").click()
        statuses.append(answer.value.status)
    assert statuses == [400, 429]
    # The time to come back (the words are translated later; the time is in any language).
    assert re.search(r"\b\d\d:\d\d\b", home.locator("main [role=alert]").inner_text())
    shoot(home, "lookup_429_360")
    no_violations(browser, home)

    # The application form: an out-of-range household size comes back marked by htmx.
    citizen = browser.page(width=390)
    citizen.goto(f"{base}/account/sign-in/?next=/apply/{version.uuid}/")
    sign_in(citizen, "13985011234")
    citizen.wait_for_url(f"{base}/apply/{version.uuid}/")
    # Polled with evaluate (the DevTools protocol, outside the page's CSP): wait_for_function
    # compiles its predicate in the page, which the policy (no 'unsafe-eval') refuses.
    for _attempt in range(200):
        if citizen.evaluate("Boolean(window.htmx && window.Idiomorph)"):
            break
        citizen.wait_for_timeout(50)
    else:
        raise AssertionError("htmx did not load")
    citizen.fill("#id_f_household_size", "30")
    citizen.locator("#id_f_household_size").blur()
    citizen.locator("#id_f_household_size_error").wait_for()
    assert citizen.locator("#id_f_household_size").input_value() == "30"
    shoot(citizen, "apply_htmx_390")
    no_violations(browser, citizen)
    # The server answering 503 (a database restart, core.outages): the form says it could not
    # be checked, keeps what was typed, and the notice goes once a check succeeds again.
    unavailable = f"**/apply/{version.uuid}/fields/"
    citizen.route(unavailable, lambda route: route.fulfill(status=503, body="unavailable"))
    assert citizen.locator("#form-fields-unchecked").is_hidden()
    citizen.fill("#id_f_household_size", "31")
    citizen.locator("#id_f_household_size").blur()
    citizen.locator("#form-fields-unchecked").wait_for(state="visible")
    assert citizen.locator("#id_f_household_size").input_value() == "31"
    shoot(citizen, "apply_unavailable_390")
    citizen.unroute(unavailable)
    citizen.fill("#id_f_household_size", "3")
    citizen.locator("#id_f_household_size").blur()
    citizen.locator("#form-fields-unchecked").wait_for(state="hidden")
    citizen.locator("#id_f_household_size_error").wait_for(state="detached")
    no_violations(browser, citizen)

    # Passkeys on the account page: add one, then sign in with it alone.
    virtual_authenticator(citizen)
    citizen.goto(base + "/account/#passkeys")
    citizen.fill("#passkey-new-name", "我的手机")
    citizen.locator("[data-passkey-add] button[type=submit]").click()
    citizen.locator("[data-passkey-list] > li").first.wait_for()
    shoot(citizen, "passkeys_390")
    no_violations(browser, citizen)
    citizen.context.clear_cookies()
    citizen.goto(base + "/account/sign-in/?next=/my/cases/")
    citizen.locator("[data-passkey-sign-in-button]").click()
    citizen.wait_for_url(base + "/my/cases/")
    no_violations(browser, citizen)

    # The workbench case page draws the process with bpmn-js.
    staff = browser.page()
    staff.goto(f"{base}/account/sign-in/?next=/workbench/cases/{case.number}/")
    sign_in(staff, "clerk.kaiyang")
    staff.wait_for_url(f"{base}/workbench/cases/{case.number}/")
    staff.wait_for_selector(f'{CURRENT}[data-element-id="accept"]')
    shoot(staff, "workbench_case_bpmn_1280")
    no_violations(browser, staff)


def returned_to_system(page: Any) -> dict[str, list[str]]:
    page.wait_for_url(f"{SYSTEM}/oidc/callback?*")
    return parse_qs(urlsplit(page.url).query)


def test_single_sign_on_gets_back_to_the_system(
    browser: Browser,
    zhang: Any,  # noqa: F811 - the fixture
) -> None:
    asking = register_rp()
    trusted = register_rp(
        name="开阳县医保系统",
        redirect_uri=f"{SYSTEM}/oidc/callback/trusted",
        skip_authorization=True,
    )
    page = browser.page(width=390)
    # The system is not on this network: the browser's arrival there is answered here.
    page.context.route(
        f"{SYSTEM}/**",
        lambda route: route.fulfill(status=200, body="system", content_type="text/plain"),
    )
    _verifier, challenge = pkce_pair()
    page.goto(browser.origin + authorize_url(asking, scope="openid profile", challenge=challenge))
    page.wait_for_url("**/account/sign-in/?next=**")
    sign_in(page, "13985011234")
    page.locator("button[name=allow]").wait_for()
    shoot(page, "sso_consent_390")
    no_violations(browser, page)
    page.locator("button[name=allow]").click()
    query = returned_to_system(page)
    assert query["state"] == ["state-42"] and query["code"][0]

    # A system that skips consent: the sign-in form's redirect chain ends at the system.
    page.context.clear_cookies()
    _verifier, challenge = pkce_pair()
    page.goto(browser.origin + authorize_url(trusted, scope="openid", challenge=challenge))
    page.wait_for_url("**/account/sign-in/?next=**")
    sign_in(page, "13985011234")
    page.wait_for_url(f"{SYSTEM}/oidc/callback/trusted?*")
    assert parse_qs(urlsplit(page.url).query)["code"][0]
    assert [text for text in browser.console if "Content Security Policy" in text] == []
