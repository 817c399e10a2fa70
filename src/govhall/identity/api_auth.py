"""Who is calling the API: a browser session, a personal access token, or an OIDC access token.

Endpoints name one of the tuples below in ``auth=``; their descriptions say who may call them.
Bearer tokens set ``request.user`` so services see the same actor whatever the channel. A
client-credentials token (a system, no user) is accepted only where ``SYSTEM`` is named.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from govhall.identity.services.tokens import TOKEN_PREFIX, token_authenticate


class SystemClient:
    """The caller of a client-credentials token: another government system."""

    is_authenticated = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, application: Any) -> None:
        self.application = application
        self.client_id = application.client_id

    def __str__(self) -> str:
        return f"system:{self.client_id}"


class BearerAuth(HttpBearer):
    """``Authorization: Bearer gvh_…`` (personal access token) or an OIDC access token."""

    def __init__(self, *, allow_systems: bool = False) -> None:
        super().__init__()
        self.allow_systems = allow_systems

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if token.startswith(TOKEN_PREFIX):
            user = token_authenticate(token)
            if user is not None:
                request.user = user
            return user
        from oauth2_provider.oauth2_backends import get_oauthlib_core

        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        if not valid:
            return None
        if oauth_request.user is not None:
            request.user = oauth_request.user
            return oauth_request.user
        if self.allow_systems:
            request.user = AnonymousUser()
            return SystemClient(oauth_request.client)
        return None


# The bearer token is tried first: django-ninja's session check raises 403 on a write without
# a CSRF token instead of passing to the next method, so a script's token (which no browser
# sends by itself, hence needs no CSRF token) would never get to be read.
#: A signed-in user: a bearer token, or a browser session (with CSRF).
USER = (BearerAuth(), django_auth)
#: A signed-in user or another system with a client-credentials token.
USER_OR_SYSTEM = (BearerAuth(allow_systems=True), django_auth)
