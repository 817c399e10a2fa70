"""My licenses (我的证照): the wallet of the signed-in person and of the organizations they
represent, each with its state and a link to its public verification."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from govhall.identity.selectors import person_for_user
from govhall.licenses.selectors import wallet

PAGE = 100


@login_required
@require_safe
def my_licenses(request: HttpRequest) -> HttpResponse:
    person = person_for_user(request.user)
    if person is None:
        raise Http404(_("This account has no person profile."))
    today = timezone.localdate()
    licenses = list(wallet(person)[:PAGE])
    rows = [
        {
            "license": license,
            "expired": license.valid_until is not None and license.valid_until < today,
        }
        for license in licenses
    ]
    return render(request, "portal/my_licenses.html", {"rows": rows})
