"""Enforces the second factor for staff on every request (docs/passkeys.md, "Second factor for
staff"; the rules are :mod:`govhall.identity.services.second_factor`).

Under ``GOVHALL["STAFF_SECOND_FACTOR"]``, a signed-in staff session whose sign-in did not prove
two factors may only:

* if it is *confined* (signed in with a password or SMS code, no passkey yet), open the passkey
  enrolment page, register a passkey through the API, switch the language and sign out; any
  other page redirects to the enrolment page (with ``next``), any other API call answers 403
  ``sign_in.second_factor_required``;
* otherwise (a session from before the policy was switched on, or made some other way) nothing:
  when the account has a passkey the session is ended and the person sent to sign in again
  (API: 403); without one, the session becomes confined.

Requests without a session cookie (anonymous visitors, scripts with a bearer token) pass
untouched, and with the policy off nothing is looked at, so public pages stay cacheable.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from govhall.core.problems import problem_document
from govhall.identity.selectors import passkeys_for_user
from govhall.identity.services.second_factor import (
    policy_on,
    second_factor_error,
    session_confine,
    session_confined,
    session_two_factors,
    staff_account,
)

API_PREFIX = "/api/"
#: What a confined session may reach (URL names).
CONFINED_ALLOWED = (
    "portal:passkey_enrol",
    "portal:sign_out",
    "api-v1:passkeys_register_options",
    "api-v1:passkeys_register_verify",
    "set_language",
)


def _refused(request: HttpRequest, page: str) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        error = second_factor_error()
        return problem_document(
            error.status,
            str(error.title),
            str(error.detail),
            [field_error.as_dict() for field_error in error.errors],
        )
    next_url = request.get_full_path() if request.method == "GET" else ""
    return HttpResponseRedirect(page + ("?" + urlencode({"next": next_url}) if next_url else ""))


class StaffSecondFactorMiddleware:
    """After ``AuthenticationMiddleware`` (and ``MessageMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not policy_on() or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = request.user
        session = request.session
        if not user.is_authenticated or session_two_factors(session) or not staff_account(user):
            return self.get_response(request)
        if not session_confined(session):
            if passkeys_for_user(user).exists():  # type: ignore[arg-type]
                logout(request)
                return _refused(request, reverse("portal:sign_in"))
            session_confine(session)
        allowed = {reverse(name) for name in CONFINED_ALLOWED}
        if request.path in allowed:
            return self.get_response(request)
        return _refused(request, reverse("portal:passkey_enrol"))
