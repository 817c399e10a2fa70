"""The OIDC provider's endpoints, under ``/o/`` (the issuer's path).

Only what govhall offers is mounted: authorization, token, revocation, introspection,
discovery, JWKS, userinfo and RP-initiated logout. Not mounted: django-oauth-toolkit's
application-management pages (any signed-in account could register a client there; govhall's
clients are registered by administrators: ``govhall oidc-client-create`` or the admin), the
device flow and dynamic client registration.
"""

from __future__ import annotations

from django.urls import path
from oauth2_provider import urls as dot_urls
from oauth2_provider.views import (  # type: ignore[attr-defined]
    AuthorizationView,
    IntrospectTokenView,
    RevokeTokenView,
    RPInitiatedLogoutView,
    TokenView,
)

from govhall.identity.oidc.return_origins import with_return_origin

app_name = "oauth2_provider"

# The consent and logout pages post forms that end at the system (return_origins.py).
urlpatterns = [
    path("authorize/", with_return_origin(AuthorizationView.as_view()), name="authorize"),
    path("token/", TokenView.as_view(), name="token"),
    path("revoke_token/", RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", IntrospectTokenView.as_view(), name="introspect"),
    *[p for p in dot_urls.oidc_urlpatterns if p.name != "rp-initiated-logout"],
    path(
        "logout/",
        with_return_origin(RPInitiatedLogoutView.as_view()),
        name="rp-initiated-logout",
    ),
]
