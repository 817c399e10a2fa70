"""The public license verification page (电子证照核验): what the QR code on a license opens.

Anyone, signed in or not, enters or follows a license identifier and sees whether the license
is genuine and current, the reasons when it is not, a summary (the holder's name masked), and
links to the signed payload, the signature and the seal's public key to check it themself.
Each client address may verify ``GOVHALL["LICENSE_VERIFY_MAX_PER_WINDOW"]`` licenses (60) in
``LICENSE_VERIFY_WINDOW_SECONDS`` (10 minutes; portal.rate_limits): enough for a counter that
checks licenses all day, too few to walk the license library for holders' names.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from govhall.core.personal_data import mask_name
from govhall.core.rate_limits import LICENSE_VERIFY, public_lookup_count
from govhall.licenses.verification import license_verify
from govhall.portal.rate_limits import render_rate_limited


@require_safe
def license_verify_form(request: HttpRequest) -> HttpResponse:
    identifier = request.GET.get("identifier", "").strip()
    if identifier:
        return HttpResponseRedirect(reverse("portal:license_verify", args=[identifier]))
    return render(request, "portal/license_verify.html", {"outcome": None})


@require_safe
def license_verify_page(request: HttpRequest, identifier: str) -> HttpResponse:
    verdict = public_lookup_count(request, LICENSE_VERIFY)
    if not verdict.allowed:
        return render_rate_limited(
            request, "portal/license_verify.html", {"outcome": None}, verdict
        )
    outcome = license_verify(identifier)
    license = outcome.license
    return render(
        request,
        "portal/license_verify.html",
        {
            "outcome": outcome,
            "license": license,
            "holder": mask_name(license.holder_name) if license is not None else "",
            "api_url": reverse("api-v1:license_verify", args=[outcome.identifier])
            if license is not None
            else "",
        },
    )
