"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from stdnum.cn import uscc

from govhall.core.identifiers import build_credit_code
from govhall.core.models import Department, Region


def make_credit_code(area: str, serial: int, *, authority: str = "1", kind: str = "1") -> str:
    """A valid unified social credit code for tests (GB 32100 and GB 11714 checks)."""
    return build_credit_code(
        area=area, organisation=f"{serial:08d}", authority=authority, kind=kind
    )


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("GOVHALL_SCREENSHOTS", "test-results/screenshots"))


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, for the browser tests (``pytest.mark.browser``).

    Playwright's sync API runs an event loop in this thread; Django would refuse our ORM calls
    without DJANGO_ALLOW_ASYNC_UNSAFE (the live server's calls happen in its own thread). While
    that loop runs, Django keeps connections per context instead of per thread: they are closed
    on both sides, or PostgreSQL keeps an idle session and cannot drop the test database.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required: run `bash scripts/system-deps.sh --browser`")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    connections.close_all()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            connections.close_all()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    """Each test starts with empty caches: cached pages must not leak between tests."""
    from django.core.cache import cache

    from govhall.core.revisions import forget_revisions

    cache.clear()
    forget_revisions()
    yield
    cache.clear()
    forget_revisions()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the site's language (zh-Hans): a request made in English by an
    earlier test leaves English active in its thread (LocaleMiddleware activates the request's
    language and nothing deactivates it), which would change what later messages say."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def region(db: Any) -> Any:
    """Look up a seeded region by its 6- or 12-digit code."""

    def get(code: str) -> Region:
        return Region.objects.get(code=code.ljust(12, "0"))

    return get


@pytest.fixture
def department(db: Any, region: Any) -> Any:
    """Create departments on demand: department("520121", "开阳县民政局")."""
    counter = {"n": 0}

    def make(code: str, name: str, *, level: str | None = None) -> Department:
        counter["n"] += 1
        place = region(code)
        credit = make_credit_code(place.short_code, 10_000_000 + counter["n"])
        assert uscc.is_valid(credit)
        return Department.objects.create(
            name=name,
            credit_code=credit,
            region=place,
            level=level or place.level,
        )

    return make
