"""The public case look-up (办件进度查询): case number and query code in, progress out.

Anyone may ask, without signing in; the page shows what :func:`case_public_progress` gives
(progress only). An unknown number and a wrong code get the same message. Each client
address may ask ``GOVHALL["CASE_LOOKUP_MAX_PER_WINDOW"]`` times (10) in
``CASE_LOOKUP_WINDOW_SECONDS`` (10 minutes; portal.rate_limits): the query code has 32⁸
values, so guessing is hopeless at that rate.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from govhall.cases.lookup import NUMBER_MAX_LENGTH, case_public_progress
from govhall.core.rate_limits import CASE_LOOKUP, public_lookup_count
from govhall.portal.rate_limits import render_rate_limited

CODE_MAX_LENGTH = 16  # eight characters, with room for the spaces and dashes people type


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=NUMBER_MAX_LENGTH)
    code = forms.CharField(label=_("Query code"), max_length=CODE_MAX_LENGTH)


@never_cache
@require_http_methods(["GET", "POST"])
def case_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {"form": form, "progress": None, "not_found": False}
    if request.method != "POST":
        return render(request, "portal/lookup.html", context)
    verdict = public_lookup_count(request, CASE_LOOKUP)
    if not verdict.allowed:
        return render_rate_limited(request, "portal/lookup.html", context, verdict)
    if not form.is_valid():
        return render(request, "portal/lookup.html", context, status=400)
    progress = case_public_progress(form.cleaned_data["number"], form.cleaned_data["code"])
    if progress is None:
        context["not_found"] = True
        return render(request, "portal/lookup.html", context, status=400)
    context["progress"] = progress
    return render(request, "portal/lookup.html", context)
