"""Pairwise subject identifiers: what a relying party knows a person by.

Each system gets its own ``sub`` for the same person, so two systems cannot join their records
on it, and no system learns a database key or the account's public UUID:

    sub = hex(HMAC-SM3(key, "govhall-oidc-sub:v1\\x00" + client_id + "\\x00" + str(user.uuid)))

``key`` is ``bytes.fromhex(settings.GOVHALL["OIDC_PAIRWISE_KEY"])``. The value is stable for a
(system, account) pair as long as the key is unchanged: changing the key gives every person a
new ``sub`` at every system, which is a re-registration for them (docs/oidc.md).
"""

from __future__ import annotations

import uuid

from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: Bumped only with a documented migration of every relying party's stored subjects.
SUBJECT_VERSION = b"govhall-oidc-sub:v1"
KEY_MIN_BYTES = 16


def _pairwise_key() -> bytes:
    raw = str(settings.GOVHALL.get("OIDC_PAIRWISE_KEY", ""))
    try:
        key = bytes.fromhex(raw)
    except ValueError as error:
        raise ImproperlyConfigured("GOVHALL['OIDC_PAIRWISE_KEY'] is not hexadecimal") from error
    if len(key) < KEY_MIN_BYTES:
        raise ImproperlyConfigured(
            f"GOVHALL['OIDC_PAIRWISE_KEY'] must be at least {KEY_MIN_BYTES} bytes"
        )
    return key


def pairwise_subject(*, client_id: str, user_uuid: uuid.UUID) -> str:
    """The ``sub`` of the account ``user_uuid`` at the relying party ``client_id`` (64 hex)."""
    mac = hmac.HMAC(_pairwise_key(), hashes.SM3())
    # NUL separates the parts: neither a client id nor a UUID contains one, so no two
    # different (client, user) pairs hash the same bytes.
    mac.update(SUBJECT_VERSION + b"\x00" + client_id.encode() + b"\x00" + str(user_uuid).encode())
    return mac.finalize().hex()
