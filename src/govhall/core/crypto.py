"""National cryptography helpers (SM3 now; SM2/SM4 land with the licence and identity modules)."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes, hmac


def sm3_hex(data: bytes) -> str:
    """The SM3 digest (GB/T 32905) of ``data`` as 64 lowercase hex characters."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 of ``data`` under ``key`` (keyed digests: blind indexes, look-up codes)."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()
