"""Security headers of every response that Django itself does not send.

Django's ``SecurityMiddleware`` sends HSTS, ``nosniff``, ``Referrer-Policy`` and
``Cross-Origin-Opener-Policy``, and ``XFrameOptionsMiddleware`` sends ``X-Frame-Options``. Django
5.2 has no Content-Security-Policy (6.0 brings one): django-csp builds it from
``settings.CONTENT_SECURITY_POLICY``. ``Permissions-Policy`` comes from
``settings.PERMISSIONS_POLICY``. A response that already carries a header keeps it: downloads of
uploaded files send their own ``sandbox`` policy (archive.download).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with a fresh nonce in the policy of every HTML page.

    django-csp names a nonce only when a template asked for ``request.csp_nonce``; we make one
    for every HTML response, so that every page is served under the same policy whichever of
    its includes carry a script, and a page cached whole (portal.caching) gets a header of its
    own. Sixteen random bytes a page.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.get("Content-Type", "").startswith("text/html"):
            str(request.csp_nonce)  # type: ignore[attr-defined]  # set by process_request
        return super().process_response(request, response)


def csp_allow_form_targets(response: HttpResponseBase, origins: Iterable[str]) -> None:
    """Let the forms of this page lead to ``origins`` too (``form-action``).

    Browsers apply ``form-action`` to every redirect that follows a form's submission, so a
    page whose form ends at another system (single sign-on) must name that system's origin.
    """
    extra = list(origins)
    if not extra:
        return
    update = dict(getattr(response, "_csp_update", None) or {})  # django-csp's csp_update
    update["form-action"] = [*update.get("form-action", []), *extra]
    response._csp_update = update  # type: ignore[attr-defined]


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "publickey-credentials-get": ["self"]}`` →
    ``camera=(), publickey-credentials-get=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
