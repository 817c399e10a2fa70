"""Whole-page caching of public catalog pages.

A guide page is the same for every visitor in a language until the catalog changes, and
costs ~10 ms to build (seven queries, a large template). Its cache key embeds the catalog
revision, so a publication or withdrawal retires every cached page at once. A cached page must
not hold a Content-Security-Policy nonce (no inline script): each response's header gets a new
one (core.security_headers).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

from govhall.catalog.revision import catalog_revision
from govhall.core.crypto import sm3_hex

PAGE_CACHE_SECONDS = 600


def cached_page(name: str, key: str, build: Callable[[], HttpResponse]) -> HttpResponse:
    """Serve ``build()``'s page from the cache when the catalog has not changed since."""
    digest = sm3_hex(f"{get_language()}|{catalog_revision()}|{key}".encode())
    cache_key = f"portal:{name}:{digest}"
    hit = cache.get(cache_key)
    if hit is not None:
        status, content = hit
        return HttpResponse(content, status=status, content_type="text/html; charset=utf-8")
    response = build()
    if response.status_code in (200, 404) and not response.streaming:
        cache.set(cache_key, (response.status_code, response.content), PAGE_CACHE_SECONDS)
    return response
