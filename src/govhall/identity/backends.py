"""Authentication backend: accounts are found by mobile number, ID number or user name."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from govhall.identity.models import User


class IdentityBackend(ModelBackend):
    """Django's model backend with look-up by a person's identifiers (through blind indexes).

    Lock-outs, rate limits and the audit trail live in ``identity.services.sign_in``, which
    every sign-in page calls; this backend only answers "which account, and is the password
    right".
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        from govhall.identity.selectors import user_find_by_identifier

        if username is None or password is None:
            return None
        user = user_find_by_identifier(username)
        if user is None:
            # Run the hasher anyway so that timing does not tell which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
