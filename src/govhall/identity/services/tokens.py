"""Personal access tokens for scripts (``Authorization: Bearer gvh_...``).

The token is shown once; the database keeps its SM3 hash (a look-up key; the token has 256 bits
of randomness, so a plain hash is enough) and a short prefix so the owner can tell tokens apart.
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from govhall.core.audit import audit_record_create
from govhall.core.crypto import sm3_hex
from govhall.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from govhall.identity.models import PersonalAccessToken, User

TOKEN_PREFIX = "gvh_"  # noqa: S105 - a marker, not a secret
PREFIX_SHOWN = 12
MAX_DAYS = 366


def token_hash(token: str) -> str:
    return sm3_hex(token.encode())


def token_create(
    *, user: User, name: str, expires_in_days: int | None, actor: AbstractBaseUser | None
) -> tuple[PersonalAccessToken, str]:
    """Create a token for ``user``; returns the row and the clear token (shown once)."""
    name = name.strip()
    problems = []
    if not name or len(name) > 100:
        problems.append(
            FieldError("name", "name.length", gettext("A token name has 1 to 100 characters."))
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_DAYS:
        problems.append(
            FieldError(
                "expires_in_days",
                "expires_in_days.range",
                gettext("A token lasts 1 to 366 days."),
            )
        )
    if not user.is_active:
        problems.append(FieldError("user", "user.inactive", gettext("The account is disabled.")))
    if problems:
        raise ValidationFailed(problems)
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = (
        timezone.now() + datetime.timedelta(days=expires_in_days) if expires_in_days else None
    )
    with transaction.atomic():
        token = PersonalAccessToken.objects.create(
            user=user,
            name=name,
            prefix=clear[:PREFIX_SHOWN],
            token_hash=token_hash(clear),
            expires_at=expires_at,
        )
        audit_record_create(
            actor=actor or user,
            action="identity.access_token.create",
            object_type="access_token",
            object_id=str(token.uuid),
            data={
                "user": user.username,
                "name": name,
                "prefix": token.prefix,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return token, clear


def token_revoke(*, token: PersonalAccessToken, actor: AbstractBaseUser) -> PersonalAccessToken:
    """Revoke at once; its owner or a superuser may."""
    if token.user_id != actor.pk and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(gettext("You may not revoke this token."))
    with transaction.atomic():
        locked = PersonalAccessToken.objects.select_for_update(no_key=True).get(pk=token.pk)
        if locked.revoked_at is not None:
            raise Conflict(gettext("The token was already revoked."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        audit_record_create(
            actor=actor,
            action="identity.access_token.revoke",
            object_type="access_token",
            object_id=str(locked.uuid),
            data={"prefix": locked.prefix},
        )
    return locked


def token_authenticate(clear: str) -> User | None:
    """The active user of a valid, unrevoked, unexpired token, or ``None``.

    ``last_used_at`` is written at most once a minute per token, so busy scripts do not turn
    every read into a write.
    """
    if not clear.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(token_hash=token_hash(clear), revoked_at__isnull=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
