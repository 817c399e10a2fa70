"""The backup key: ``GOVHALL_BACKUP_KEY`` (128 bits in hex), and the keys derived per file.

One key from the environment opens every backup; each file has its own random salt, from which
HKDF-SM3 derives that file's encryption key, its MAC key (SM4-CTR only) and a key check value.
The check value tells a wrong key ("not the key this backup was made with") apart from a
damaged file without decrypting anything.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from govhall.core.backup.errors import BackupError, BackupProblem

KEY_BYTES = 16  # SM4 keys are 128 bits
SALT_BYTES = 32
_INFO = b"govhall-backup/v1/"


@dataclass(frozen=True, slots=True)
class FileKeys:
    """The keys of one backup file."""

    encryption: bytes  # SM4, 16 bytes
    authentication: bytes  # HMAC-SM3 of SM4-CTR frames, 32 bytes
    check: bytes  # stored in the header: proves the key, reveals nothing of it


def configured_key() -> bytes:
    """``GOVHALL["BACKUP_KEY"]`` as bytes; refused when unset or not 32 hex digits."""
    raw = str(settings.GOVHALL.get("BACKUP_KEY") or "").strip()
    if not raw:
        raise BackupError(
            BackupProblem.KEY_MISSING,
            _(
                "No backup key is configured: set GOVHALL_BACKUP_KEY to 32 hexadecimal digits "
                "(128 bits) and keep a copy of it apart from the backups."
            ),
        )
    return parse_key(raw)


def parse_key(raw: str) -> bytes:
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise BackupError(
            BackupProblem.KEY_INVALID,
            _("The backup key must be 32 hexadecimal digits (128 bits)."),
        )
    return key


def is_insecure_development_key(key: bytes) -> bool:
    """True for the public key of the test settings (``INSECURE_DEVELOPMENT_BACKUP_KEY``)."""
    insecure = str(getattr(settings, "INSECURE_DEVELOPMENT_BACKUP_KEY", "") or "")
    return bool(insecure) and hmac.compare_digest(key.hex(), insecure.lower())


def derive(key: bytes, salt: bytes) -> FileKeys:
    """HKDF-SM3 (RFC 5869 with SM3) of the master key and the file's salt."""

    def expand(purpose: bytes, length: int) -> bytes:
        return HKDF(hashes.SM3(), length=length, salt=salt, info=_INFO + purpose).derive(key)

    return FileKeys(
        encryption=expand(b"encryption", KEY_BYTES),
        authentication=expand(b"authentication", 32),
        check=expand(b"key-check", 32),
    )


def key_matches(keys: FileKeys, check: bytes) -> bool:
    return hmac.compare_digest(keys.check, check)
