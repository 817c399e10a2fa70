"""A citizen finds an item in a real browser: searches "低保", opens the guide, downloads a
material's blank form and the guide's PDF (Playwright driving Debian's chromium)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govhall.conftest import SCREENSHOTS
from govhall.portal.tests.conftest import BLANK_FORM_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser_page(chromium: Any) -> Any:
    context = chromium.new_context(accept_downloads=True, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


def test_search_guide_and_downloads(
    live_server: Any, published_guide: Any, browser_page: Any
) -> None:
    page = browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/")
    page.fill("#search-q", "低保")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.screenshot(path=str(SCREENSHOTS / "search-dibao-360.png"), full_page=True)
    link = page.get_by_role("link", name="最低生活保障").first
    link.click()
    page.wait_for_url(f"**/items/{published_guide.implementation.implementation_code}/")
    assert page.locator("h1").inner_text().startswith("最低生活保障")
    page.screenshot(path=str(SCREENSHOTS / "guide-dibao-360.png"), full_page=True)

    with page.expect_download() as blank:
        page.locator("a[href*='/blank']").first.click()
    blank_path = blank.value.path()
    assert Path(blank_path).read_bytes() == BLANK_FORM_BYTES

    with page.expect_download() as pdf:
        page.locator("a[href$='guide.pdf']").first.click()
    assert pdf.value.suggested_filename == "最低生活保障.pdf"
    content = Path(pdf.value.path()).read_bytes()
    assert content.startswith(b"%PDF-")
