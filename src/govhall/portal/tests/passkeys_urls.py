"""Test-only URLconf: the whole site plus a page that shows the passkey snippets.

The browser test uses it (``@pytest.mark.urls``) so it does not depend on the real sign-in and
account pages, which are built separately; the snippets are included exactly as those pages do.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import include, path
from django.views.decorators.http import require_POST

from govhall.identity.models import User
from govhall.identity.selectors import passkeys_for_user

PAGE = "/passkeys-test/"
TEMPLATE = engines["django"].from_string(
    (Path(__file__).parent / "templates" / "passkeys_test_page.html").read_text()
)


def page(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "next": request.GET.get("next", PAGE + "?signed-in=1"),
        "passkeys": passkeys_for_user(user) if isinstance(user, User) else [],
    }
    return HttpResponse(TEMPLATE.render(context, request))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(PAGE)


urlpatterns = [
    path("passkeys-test/", page, name="passkeys_test_page"),
    path("passkeys-test/sign-out/", sign_out, name="passkeys_test_sign_out"),
    # The whole site by its dotted path (the portal must not import the API layer).
    path("", include("govhall.urls")),
]
