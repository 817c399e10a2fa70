"""Where single sign-on sends the browser back to: the origin of a registered return address.

The Content-Security-Policy allows forms to post to this platform only (``form-action
'self'``), and browsers apply that to every redirect that follows a form's submission. Three
forms end at a relying party: the consent page ("Allow" → the system's ``redirect_uri``), the
sign-in page reached from an authorization request (→ the consent page, or straight back to a
system that was already allowed), and the logout page (→ ``post_logout_redirect_uri``). Those
pages name the one origin the request is about, and only when a registered system lists that
exact address, so a crafted link cannot widen the policy.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from oauth2_provider.models import get_application_model  # type: ignore[import-untyped]

from govhall.core.security_headers import csp_allow_form_targets


def _origin(uri: str) -> str | None:
    parts = urlsplit(uri)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def oidc_return_origins(url: str) -> list[str]:
    """The origin a registered system's return address in ``url`` leads to, if any.

    ``url`` is an authorization request (``/o/authorize/?client_id=…&redirect_uri=…``) or a
    logout request (``/o/logout/?post_logout_redirect_uri=…``); anything else has none.
    """
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    application_model = get_application_model()
    if parts.path == reverse("oauth2_provider:authorize"):
        uri = query.get("redirect_uri", "")
        application = application_model.objects.filter(client_id=query.get("client_id")).first()
        allowed = application is not None and uri and application.redirect_uri_allowed(uri)
    elif parts.path == reverse("oauth2_provider:rp-initiated-logout"):
        uri = query.get("post_logout_redirect_uri", "")
        candidates = application_model.objects.filter(post_logout_redirect_uris__contains=uri)
        allowed = bool(uri) and any(a.post_logout_redirect_uri_allowed(uri) for a in candidates)
    else:
        return []
    origin = _origin(uri) if allowed else None
    return [origin] if origin else []


def with_return_origin(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap an OIDC page view: its forms may lead to the system its own request names."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if request.method == "GET":
            csp_allow_form_targets(response, oidc_return_origins(request.get_full_path()))
        return response

    return wrapped
