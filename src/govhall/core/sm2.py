"""SM2 signatures with SM3 (GB/T 32918, GB/T 35276) through the system's OpenSSL 3 libcrypto.

Why ctypes: ``cryptography`` has no SM2 keys, and pure-Python SM2 is 20-40 times slower and
draws nonces from ``random`` (DESIGN.md). This module is a thin, typed binding to the EVP
functions OpenSSL 3 exposes for SM2 — key generation, PEM (private keys encrypted with a
passphrase, PKCS#8 with SM4-CBC), ``EVP_DigestSign`` / ``EVP_DigestVerify`` with SM3 and the
signer's distinguishing identifier — so that every signature is the one the ``openssl``
command line makes and checks (``openssl dgst -sm3 -verify``; tests prove it).

Signatures are DER-encoded ``SEQUENCE { r INTEGER, s INTEGER }`` over ``Z_A || message`` where
``Z_A`` binds the signer's public key and identifier; the identifier is GB/T 35276's default,
``1234567812345678``, unless a caller gives another.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from dataclasses import dataclass
from typing import Any

DEFAULT_ID = b"1234567812345678"
_NID_SM2 = 1172
#: Longest DER signature of two 256-bit integers (with sign bytes), with room to spare.
_MAX_SIGNATURE = 80


class SM2Error(Exception):
    """libcrypto refused an operation (a bad key, a wrong passphrase, a broken signature
    encoding); the message carries OpenSSL's own reason."""


@functools.cache
def _lib() -> Any:
    name = ctypes.util.find_library("crypto") or "libcrypto.so.3"
    lib = ctypes.CDLL(name)
    version = lib.OpenSSL_version_num
    version.restype = ctypes.c_ulong
    if version() < 0x30000000:
        raise SM2Error("SM2 needs OpenSSL 3 (libcrypto.so.3)")
    p, i, sz, c = ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t, ctypes.c_char_p
    signatures: dict[str, tuple[Any, list[Any]]] = {
        "EVP_PKEY_CTX_new_id": (p, [i, p]),
        "EVP_PKEY_CTX_new": (p, [p, p]),
        "EVP_PKEY_CTX_free": (None, [p]),
        "EVP_PKEY_keygen_init": (i, [p]),
        "EVP_PKEY_keygen": (i, [p, ctypes.POINTER(p)]),
        "EVP_PKEY_free": (None, [p]),
        "EVP_PKEY_is_a": (i, [p, c]),
        "EVP_PKEY_CTX_set1_id": (i, [p, c, i]),
        "EVP_MD_CTX_new": (p, []),
        "EVP_MD_CTX_free": (None, [p]),
        "EVP_MD_CTX_set_pkey_ctx": (None, [p, p]),
        "EVP_sm3": (p, []),
        "EVP_sm4_cbc": (p, []),
        "EVP_DigestSignInit": (i, [p, p, p, p, p]),
        "EVP_DigestSign": (i, [p, c, ctypes.POINTER(sz), c, sz]),
        "EVP_DigestVerifyInit": (i, [p, p, p, p, p]),
        "EVP_DigestVerify": (i, [p, c, sz, c, sz]),
        "BIO_new_mem_buf": (p, [c, i]),
        "BIO_new": (p, [p]),
        "BIO_s_mem": (p, []),
        "BIO_free": (i, [p]),
        "BIO_ctrl": (ctypes.c_long, [p, i, ctypes.c_long, p]),
        "PEM_read_bio_PrivateKey": (p, [p, p, p, c]),
        "PEM_read_bio_PUBKEY": (p, [p, p, p, p]),
        "PEM_write_bio_PKCS8PrivateKey": (i, [p, p, p, c, i, p, p]),
        "PEM_write_bio_PUBKEY": (i, [p, p]),
        "ERR_get_error": (ctypes.c_ulong, []),
        "ERR_error_string_n": (None, [ctypes.c_ulong, c, sz]),
        "ERR_clear_error": (None, []),
    }
    for function, (restype, argtypes) in signatures.items():
        symbol = getattr(lib, function)
        symbol.restype = restype
        symbol.argtypes = argtypes
    return lib


def _failure(what: str) -> SM2Error:
    lib = _lib()
    reasons = []
    while code := lib.ERR_get_error():
        buffer = ctypes.create_string_buffer(256)
        lib.ERR_error_string_n(code, buffer, len(buffer))
        reasons.append(buffer.value.decode(errors="replace"))
    return SM2Error(f"{what}: {'; '.join(reasons) or 'refused'}")


def _bio_bytes(bio: int) -> bytes:
    pointer = ctypes.c_char_p()
    length = _lib().BIO_ctrl(bio, 3, 0, ctypes.byref(pointer))  # BIO_CTRL_INFO: the buffer
    return ctypes.string_at(pointer, length)


class _Key:
    """An ``EVP_PKEY*`` that is freed with the object (the free function is held by the
    object, so that freeing still works while the interpreter shuts down)."""

    __slots__ = ("_free", "pointer")

    def __init__(self, pointer: int) -> None:
        self.pointer = pointer
        self._free = _lib().EVP_PKEY_free

    def __del__(self) -> None:
        if self.pointer:
            self._free(self.pointer)
            self.pointer = 0


def _checked_sm2(pointer: int | None, what: str) -> _Key:
    if not pointer:
        raise _failure(what)
    key = _Key(pointer)
    if _lib().EVP_PKEY_is_a(pointer, b"SM2") != 1:
        raise SM2Error(f"{what}: not an SM2 key")
    return key


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A new key pair as PEM: the private key encrypted under ``passphrase`` (PKCS#8, SM4-CBC)
    and the public key (SubjectPublicKeyInfo) to publish."""

    private_pem: bytes
    public_pem: bytes


def generate(passphrase: bytes) -> KeyPair:
    """A new SM2 key pair (OpenSSL's DRBG); the private key leaves only encrypted."""
    if len(passphrase) < 16:
        raise ValueError("the passphrase protecting a seal key has at least 16 bytes")
    lib = _lib()
    ctx = lib.EVP_PKEY_CTX_new_id(_NID_SM2, None)
    if not ctx:
        raise _failure("SM2 key context")
    pointer = ctypes.c_void_p()
    try:
        if (
            lib.EVP_PKEY_keygen_init(ctx) <= 0
            or lib.EVP_PKEY_keygen(ctx, ctypes.byref(pointer)) <= 0
        ):
            raise _failure("SM2 key generation")
    finally:
        lib.EVP_PKEY_CTX_free(ctx)
    key = _Key(pointer.value or 0)
    return KeyPair(private_pem=_private_pem(key, passphrase), public_pem=_public_pem(key))


def _private_pem(key: _Key, passphrase: bytes) -> bytes:
    lib = _lib()
    bio = lib.BIO_new(lib.BIO_s_mem())
    try:
        written = lib.PEM_write_bio_PKCS8PrivateKey(
            bio, key.pointer, lib.EVP_sm4_cbc(), passphrase, len(passphrase), None, None
        )
        if written != 1:
            raise _failure("writing the private key")
        return _bio_bytes(bio)
    finally:
        lib.BIO_free(bio)


def _public_pem(key: _Key) -> bytes:
    lib = _lib()
    bio = lib.BIO_new(lib.BIO_s_mem())
    try:
        if lib.PEM_write_bio_PUBKEY(bio, key.pointer) != 1:
            raise _failure("writing the public key")
        return _bio_bytes(bio)
    finally:
        lib.BIO_free(bio)


@functools.lru_cache(maxsize=64)
def _private_key(private_pem: bytes, passphrase: bytes) -> _Key:
    """The decrypted key, kept in this process (decrypting PKCS#8 costs a key derivation)."""
    lib = _lib()
    lib.ERR_clear_error()
    bio = lib.BIO_new_mem_buf(private_pem, len(private_pem))
    try:
        pointer = lib.PEM_read_bio_PrivateKey(bio, None, None, passphrase)
    finally:
        lib.BIO_free(bio)
    return _checked_sm2(pointer, "reading the private key (wrong passphrase?)")


@functools.lru_cache(maxsize=256)
def _public_key(public_pem: bytes) -> _Key:
    lib = _lib()
    lib.ERR_clear_error()
    bio = lib.BIO_new_mem_buf(public_pem, len(public_pem))
    try:
        pointer = lib.PEM_read_bio_PUBKEY(bio, None, None, None)
    finally:
        lib.BIO_free(bio)
    return _checked_sm2(pointer, "reading the public key")


def public_pem_of(private_pem: bytes, passphrase: bytes) -> bytes:
    """The public key that belongs to an encrypted private key."""
    return _public_pem(_private_key(private_pem, passphrase))


def _digest_context(key: _Key, identifier: bytes) -> tuple[int, int]:
    """An ``EVP_MD_CTX`` whose key context carries the signer's identifier (for ``Z_A``)."""
    lib = _lib()
    pkey_ctx = lib.EVP_PKEY_CTX_new(key.pointer, None)
    md_ctx = lib.EVP_MD_CTX_new()
    if not pkey_ctx or not md_ctx:
        raise _failure("SM2 contexts")
    if lib.EVP_PKEY_CTX_set1_id(pkey_ctx, identifier, len(identifier)) <= 0:
        lib.EVP_PKEY_CTX_free(pkey_ctx)
        lib.EVP_MD_CTX_free(md_ctx)
        raise _failure("setting the signer's identifier")
    lib.EVP_MD_CTX_set_pkey_ctx(md_ctx, pkey_ctx)
    return md_ctx, pkey_ctx


def sign(
    message: bytes, *, private_pem: bytes, passphrase: bytes, identifier: bytes = DEFAULT_ID
) -> bytes:
    """The DER SM2-with-SM3 signature of ``message``."""
    lib = _lib()
    key = _private_key(private_pem, passphrase)
    md_ctx, pkey_ctx = _digest_context(key, identifier)
    try:
        if lib.EVP_DigestSignInit(md_ctx, None, lib.EVP_sm3(), None, key.pointer) != 1:
            raise _failure("starting the signature")
        signature = ctypes.create_string_buffer(_MAX_SIGNATURE)
        length = ctypes.c_size_t(_MAX_SIGNATURE)
        if lib.EVP_DigestSign(md_ctx, signature, ctypes.byref(length), message, len(message)) != 1:
            raise _failure("signing")
        return signature.raw[: length.value]
    finally:
        lib.EVP_MD_CTX_free(md_ctx)
        lib.EVP_PKEY_CTX_free(pkey_ctx)


def verify(
    message: bytes, signature: bytes, *, public_pem: bytes, identifier: bytes = DEFAULT_ID
) -> bool:
    """Whether ``signature`` is an SM2-with-SM3 signature of ``message`` by this public key.

    A malformed signature is ``False`` (not an error); a malformed public key raises.
    """
    lib = _lib()
    key = _public_key(public_pem)
    md_ctx, pkey_ctx = _digest_context(key, identifier)
    try:
        if lib.EVP_DigestVerifyInit(md_ctx, None, lib.EVP_sm3(), None, key.pointer) != 1:
            raise _failure("starting the verification")
        outcome = lib.EVP_DigestVerify(md_ctx, signature, len(signature), message, len(message))
        lib.ERR_clear_error()
        return bool(outcome == 1)
    finally:
        lib.EVP_MD_CTX_free(md_ctx)
        lib.EVP_PKEY_CTX_free(pkey_ctx)


__all__ = ["DEFAULT_ID", "KeyPair", "SM2Error", "generate", "public_pem_of", "sign", "verify"]
