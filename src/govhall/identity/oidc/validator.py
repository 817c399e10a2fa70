"""The OAuth 2.0 / OIDC validator: pairwise subjects and govhall's claims."""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator


class GovhallOAuth2Validator(OAuth2Validator):  # type: ignore[misc]
    """Replaced by the full validator in this package."""
