"""The OAuth 2.0 / OIDC validator: pairwise subjects, govhall's claims and its stricter rules.

django-oauth-toolkit (DOT) asks this class every question of the protocol; the overrides say
where govhall differs from DOT's defaults:

- ``sub`` is pairwise and opaque (subjects.py), never ``str(user.pk)``;
- claims follow ``claims.CLAIM_SCOPES``; identifiers only from userinfo (claims.py says why);
- PKCE with S256 only: a ``plain`` challenge is the verifier itself, so it protects nothing
  once the authorization request is seen;
- a system registered to skip the consent page gets ``openid`` and ``profile`` only: the
  identifier scopes always need the person's yes;
- client-credentials tokens are for systems and carry no scope that describes a person;
- an ID token issued at sign-in (not at a refresh) is counted as a sign-in to the system;
- a disabled account's codes, refresh tokens and access tokens stop working at once;
- only the authorization code (with refresh) and client credentials grants exist: the
  password grant would take people's passwords outside the portal's sign-in page, past its
  lock-outs and its attempt trail, and the implicit and hybrid flows put tokens in URLs.

Token-endpoint errors are specific ("expired", "already used", "PKCE verifier does not
match") so a relying party's developer can tell them apart. Their descriptions stay English
ASCII: RFC 6749 section 5.2 allows nothing else in ``error_description``.
"""

from __future__ import annotations

import re
from typing import Any

from oauth2_provider.models import get_grant_model  # type: ignore[import-untyped]
from oauth2_provider.oauth2_validators import OAuth2Validator  # type: ignore[import-untyped]
from oauthlib.common import Request  # type: ignore[import-untyped]
from oauthlib.oauth2.rfc6749 import errors  # type: ignore[import-untyped]
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (  # type: ignore[import-untyped]
    code_challenge_method_s256,
)

from govhall.identity.oidc.claims import (
    CLAIM_SCOPES,
    CONSENT_REQUIRED_SCOPES,
    ID_TOKEN_CLAIMS,
    USER_SCOPES,
    claims_for,
)
from govhall.identity.oidc.services import connected_system_record

PKCE_METHOD = "S256"
#: RFC 7636 section 4.1: 43 to 128 unreserved characters.
CODE_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
GRANT_AUTHORIZATION_CODE = "authorization_code"
GRANT_CLIENT_CREDENTIALS = "client_credentials"
GRANT_REFRESH_TOKEN = "refresh_token"  # noqa: S105 - a grant type name, not a secret
ALLOWED_GRANT_TYPES = frozenset(
    {GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN, GRANT_CLIENT_CREDENTIALS}
)
RESPONSE_TYPE_CODE = "code"


class GovhallOAuth2Validator(OAuth2Validator):  # type: ignore[misc]
    """DOT's validator with govhall's subjects, claims, consent and PKCE rules."""

    oidc_claim_scope = CLAIM_SCOPES

    # --- Claims -----------------------------------------------------------------------------

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIM_SCOPES)

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Request) -> dict[str, Any]:
        """The ID token's claims: the subject and, with ``profile``, who the person is."""
        return claims_for(
            user=request.user,
            client_id=request.client.client_id,
            scopes=request.scopes,
            claim_names=ID_TOKEN_CLAIMS,
        )

    def get_userinfo_claims(self, request: Request) -> dict[str, Any]:
        """Every claim the access token's scopes release (identifiers audited)."""
        if request.user is None:
            # A system's own token (client credentials) describes no one.
            raise errors.InsufficientScopeError(
                description="This access token belongs to a system, not to a person.",
                request=request,
            )
        return claims_for(
            user=request.user,
            client_id=request.client.client_id,
            scopes=request.scopes,
            claim_names=CLAIM_SCOPES,
        )

    def finalize_id_token(
        self, id_token: dict[str, Any], token: Any, token_handler: Any, request: Request
    ) -> str:
        """Sign the ID token; one issued at sign-in counts as a sign-in to the system.

        A refresh also issues an ID token, but the person did not sign in again: counting it
        would have the account page show dozens of "sign-ins" for one working day.
        """
        dot: Any = super()  # DOT is untyped
        signed = dot.finalize_id_token(id_token, token, token_handler, request)
        if request.grant_type != GRANT_REFRESH_TOKEN and request.user is not None:
            connected_system_record(user=request.user, application=request.client)
        return str(signed)

    # --- Scopes and consent -----------------------------------------------------------------

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if request.grant_type == GRANT_CLIENT_CREDENTIALS and USER_SCOPES.intersection(scopes):
            return False
        dot: Any = super()
        return bool(dot.validate_scopes(client_id, scopes, client, request, *args, **kwargs))

    def get_default_scopes(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> list[str]:
        if request.grant_type == GRANT_CLIENT_CREDENTIALS:
            return []
        dot: Any = super()
        return list(dot.get_default_scopes(client_id, request, *args, **kwargs))

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Request, *args: Any, **kwargs: Any
    ) -> None:
        """Store the code with the scopes the person agreed to.

        The consent page answers with a POST. A GET that reaches this point skipped the page
        (the system is registered with ``skip_authorization``, or ``approval_prompt=auto``
        found an earlier yes to the same scopes); for a skipping system the identifier scopes
        are dropped, since no one said yes to them. The token response's ``scope`` shows the
        relying party what it got.
        """
        if request.http_method != "POST" and request.client.skip_authorization:
            request.scopes = [s for s in request.scopes if s not in CONSENT_REQUIRED_SCOPES]
        dot: Any = super()
        dot.save_authorization_code(client_id, code, request, *args, **kwargs)

    # --- Grants -----------------------------------------------------------------------------

    def validate_grant_type(
        self,
        client_id: str,
        grant_type: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if grant_type not in ALLOWED_GRANT_TYPES:
            return False
        dot: Any = super()
        return bool(
            dot.validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)
        )

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if response_type != RESPONSE_TYPE_CODE:
            return False
        dot: Any = super()
        return bool(
            dot.validate_response_type(client_id, response_type, client, request, *args, **kwargs)
        )

    def validate_user(
        self,
        username: str,
        password: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """Never: the password grant is refused without looking at the password.

        oauthlib checks the credentials before the grant type, so refusing the grant type
        alone would still answer "wrong password" and "right password" differently — a way
        to guess passwords with no lock-out.
        """
        return False

    # --- PKCE and codes ---------------------------------------------------------------------

    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        """Always; and a challenge must use S256 (no method means ``plain``: refused)."""
        if request.code_challenge is not None and request.code_challenge_method != PKCE_METHOD:
            raise errors.UnsupportedCodeChallengeMethodError(
                description="code_challenge_method must be S256.", request=request
            )
        return True

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        """Tell an unknown or used code, an expired one and a wrong PKCE verifier apart."""
        grants = get_grant_model().objects.select_related("user")
        grant = grants.filter(code=code, application=client).first()
        if grant is None:
            raise errors.InvalidGrantError(
                description="The authorization code is unknown or was already used.",
                request=request,
            )
        if grant.is_expired():
            raise errors.InvalidGrantError(
                description="The authorization code has expired; sign the person in again.",
                request=request,
            )
        if grant.code_challenge_method == PKCE_METHOD:
            verifier = request.code_verifier
            if not verifier:
                raise errors.MissingCodeVerifierError(request=request)
            if not CODE_VERIFIER.fullmatch(verifier):
                raise errors.InvalidGrantError(
                    description="code_verifier must be 43 to 128 characters of "
                    "A-Z a-z 0-9 - . _ ~.",
                    request=request,
                )
            if not code_challenge_method_s256(verifier, grant.code_challenge):
                raise errors.InvalidGrantError(
                    description="code_verifier does not match the code_challenge of the "
                    "authorization request.",
                    request=request,
                )
        if not grant.user.is_active:
            raise errors.InvalidGrantError(
                description="The account has been disabled.", request=request
            )
        dot: Any = super()
        return bool(dot.validate_code(client_id, code, client, request, *args, **kwargs))

    # --- Disabled accounts ------------------------------------------------------------------

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        dot: Any = super()
        valid = dot.validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return bool(valid) and _active(request.user)

    def validate_bearer_token(self, token: str, scopes: list[str], request: Request) -> bool:
        dot: Any = super()
        if not dot.validate_bearer_token(token, scopes, request):
            return False
        if _active(request.user):
            return True
        request.oauth2_error = {
            "error": "invalid_token",
            "error_description": "The account has been disabled.",
        }
        return False


def _active(user: Any) -> bool:
    """``True`` for a system's own token (no user) and for an enabled account."""
    return user is None or bool(user.is_active)
