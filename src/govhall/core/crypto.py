"""National cryptography helpers (SM3 now; SM2/SM4 land with the licence and identity modules)."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes


def sm3_hex(data: bytes) -> str:
    """The SM3 digest (GB/T 32905) of ``data`` as 64 lowercase hex characters."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()
