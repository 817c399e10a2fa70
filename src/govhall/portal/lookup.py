"""The public case look-up (办件进度查询): case number and query code in, progress out.

Anyone may ask, without signing in; the page shows what :func:`case_public_progress` gives
(progress only). An unknown number and a wrong code get the same message. Each client
address may ask 10 times in 10 minutes (a window opened by its first look-up), counted in
Django's cache: the query code has 32⁸ values, so guessing is hopeless at that rate.
"""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from govhall.cases.lookup import NUMBER_MAX_LENGTH, case_public_progress
from govhall.identity.services.sign_in import ClientContext

MAX_LOOKUPS = 10
WINDOW_SECONDS = 10 * 60
CODE_MAX_LENGTH = 16  # eight characters, with room for the spaces and dashes people type


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=NUMBER_MAX_LENGTH)
    code = forms.CharField(label=_("Query code"), max_length=CODE_MAX_LENGTH)


def _lookup_allowed(request: HttpRequest) -> tuple[bool, int]:
    """Count this look-up for the client's address; ``(allowed, seconds until the window
    closes)``. ``add`` and ``incr`` are atomic in the local-memory and Redis caches."""
    address = ClientContext.from_request(request).ip_address or "unknown"
    key = f"portal:case-lookup:{address}"
    now = int(timezone.now().timestamp())
    cache.add(f"{key}:opened", now, WINDOW_SECONDS)
    cache.add(f"{key}:count", 0, WINDOW_SECONDS)
    try:
        count = cache.incr(f"{key}:count")
    except ValueError:  # expired between add and incr: a new window
        cache.set(f"{key}:count", 1, WINDOW_SECONDS)
        count = 1
    opened = int(cache.get(f"{key}:opened", now))
    return count <= MAX_LOOKUPS, max(1, opened + WINDOW_SECONDS - now)


@never_cache
@require_http_methods(["GET", "POST"])
def case_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {"form": form, "progress": None, "not_found": False}
    if request.method != "POST":
        return render(request, "portal/lookup.html", context)
    allowed, retry_after = _lookup_allowed(request)
    if not allowed:
        context["limited"] = True
        response = render(request, "portal/lookup.html", context, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    if not form.is_valid():
        return render(request, "portal/lookup.html", context, status=400)
    progress = case_public_progress(form.cleaned_data["number"], form.cleaned_data["code"])
    if progress is None:
        context["not_found"] = True
        return render(request, "portal/lookup.html", context, status=400)
    context["progress"] = progress
    return render(request, "portal/lookup.html", context)
