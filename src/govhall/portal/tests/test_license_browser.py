"""A citizen's wallet in a real browser (Playwright driving Debian's chromium): 陈志强 signs in,
opens "我的证照", downloads his license's PDF and opens the address of its QR code; follows
his food business license to its public verification page and sees it
genuine and valid; after the bureau revokes it, the same page says it is no longer in force.
Screenshots go to test-results/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govhall.conftest import SCREENSHOTS
from govhall.identity.services import person_register
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.services.lifecycle import license_change
from govhall.licenses.tests.conftest import FACE, verified
from govhall.licenses.tests.test_rendering import pdf_qr_texts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "Kaiyang-2026-secure"
TIMEOUT_MS = 15_000


def _sign_in_to_wallet(page: Any, base: str) -> None:
    page.goto(f"{base}/account/sign-in/?next=/my/licenses/")
    page.fill("#id_pw-identifier", "520102198505215178")
    page.fill("#id_pw-password", PASSWORD)
    page.press("#id_pw-password", "Enter")
    page.wait_for_url(f"{base}/my/licenses/")


def test_wallet_to_verification(
    live_server: Any, chromium: Any, food_license_type: Any, bureau: Any, seal: Any
) -> None:
    chen = verified(
        person_register(
            name="陈志强", id_number="520102198505215178", mobile="13908511234", password=PASSWORD
        )
    )
    license = license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=Holder("陈志强", "520102198505215178", "111"),
        face=FACE,
        actor=None,
    )
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    base = live_server.url
    _sign_in_to_wallet(page, base)
    assert page.locator("main h2").first.inner_text() == "食品经营许可证"
    assert page.locator("main .state--valid").inner_text() == "有效"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "wallet-phone.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="核验页面").click()
    assert page.url == f"{base}/licenses/verify/{license.identifier}/", page.url
    assert page.locator("#verdict").inner_text().startswith("证照真实有效。")
    assert page.locator("text=陈*强").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "verify-genuine-phone.png"), full_page=True)
    license_change(license=license, kind="revoke", reason="申请人申请注销。", actor=None)
    page.reload()
    verdict = page.locator("#verdict").inner_text()
    assert verdict.startswith("证照真实，但不在有效状态。") and "该证照已注销。" in verdict
    context.close()
    assert chen.user.is_active


def test_wallet_pdf_qr_to_verification(
    live_server: Any, chromium: Any, food_license_type: Any, bureau: Any, seal: Any, settings: Any
) -> None:
    """The PDF downloaded from the wallet carries a QR code; decoded from the rendered page as
    a phone would, its address opens the verification page, which says genuine."""
    settings.SITE_URL = live_server.url
    verified(
        person_register(
            name="陈志强", id_number="520102198505215178", mobile="13908511234", password=PASSWORD
        )
    )
    license = license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=Holder("陈志强", "520102198505215178", "111"),
        face=FACE,
        actor=None,
    )
    context = chromium.new_context(locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    base = live_server.url
    _sign_in_to_wallet(page, base)
    with page.expect_download() as download_info:
        page.locator(f'a[href="/my/licenses/{license.identifier}/pdf/"]').click()
    download = download_info.value
    assert download.suggested_filename == f"食品经营许可证-{license.number}.pdf"
    pdf = Path(download.path()).read_bytes()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "license.pdf").write_bytes(pdf)
    [url] = pdf_qr_texts(pdf)
    assert url == f"{base}/licenses/verify/{license.identifier}/"
    page.goto(url)
    assert page.locator("#verdict").inner_text().startswith("证照真实有效。")
    page.screenshot(path=str(SCREENSHOTS / "verify-from-qr.png"), full_page=True)
    context.close()
