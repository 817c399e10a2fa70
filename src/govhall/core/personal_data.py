"""Personal identifiers at rest: SM4 encryption, a keyed SM3 blind index, masking.

ID numbers, social security numbers and mobile numbers never reach the database in clear:

- :func:`encrypt` seals a value with SM4-GCM (GB/T 32907, a fresh random 96-bit nonce per value)
  under the *current* key and returns ``"v1:<key_id>:<base64(nonce | ciphertext | tag)>"``. The
  version and key id are authenticated as associated data, so a token cannot be moved to
  another key id. :func:`decrypt` picks the key by the id in the token, so old tokens keep
  working after the current key changes; :func:`reencrypt` moves a token to the current key.
- :func:`blind_index` is HMAC-SM3 over ``kind`` and the normalized value under a separate key:
  equal values give equal indexes (unique constraints, look-ups) without the clear value. The
  kind separates index spaces, so an ID number and a mobile number never share an index.
- :func:`mask_mobile` (and :func:`govhall.core.identifiers.mask_id_number`) give the only forms
  shown in pages, logs and audit records.

Keys come from ``settings.GOVHALL``: ``PERSONAL_DATA_KEYS`` (key id → 16-byte key in hex),
``PERSONAL_DATA_KEY_ID`` (the id new values are encrypted with) and ``BLIND_INDEX_KEY`` (hex).
They are read on every call, so ``override_settings`` and a restart after rotation both work.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import (
    AEADDecryptionContext,
    AEADEncryptionContext,
    Cipher,
    algorithms,
    modes,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from stdnum.cn import ric

from govhall.core.identifiers import upgrade_legacy_id_number

FORMAT_VERSION = "v1"
NONCE_BYTES = 12  # 96 bits, the GCM nonce size
TAG_BYTES = 16
KEY_BYTES = 16  # SM4 has 128-bit keys
BLIND_INDEX_KEY_MIN_BYTES = 16

#: Kinds of blind index. A new kind is a new index space; never rename one in use.
KIND_ID_NUMBER = "id_number"
KIND_MOBILE = "mobile"
KIND_SOCIAL_SECURITY = "social_security"

_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class PersonalDataError(ValueError):
    """A token cannot be decrypted: malformed, tampered with, or sealed under an unknown key.

    The message never contains the value or the key.
    """


@dataclass(frozen=True, slots=True)
class _KeyRing:
    keys: dict[str, bytes]
    current_id: str
    index_key: bytes


def _hex_key(name: str, raw: object, *, size: int | None, minimum: int = 0) -> bytes:
    try:
        key = bytes.fromhex(str(raw))
    except ValueError as error:
        raise ImproperlyConfigured(f"GOVHALL[{name!r}] is not hexadecimal") from error
    if size is not None and len(key) != size:
        raise ImproperlyConfigured(f"GOVHALL[{name!r}] must be {size} bytes ({size * 2} hex)")
    if len(key) < minimum:
        raise ImproperlyConfigured(f"GOVHALL[{name!r}] must be at least {minimum} bytes")
    return key


def _key_ring() -> _KeyRing:
    config = settings.GOVHALL
    raw_keys = config.get("PERSONAL_DATA_KEYS") or {}
    keys: dict[str, bytes] = {}
    for key_id, raw in dict(raw_keys).items():
        if not _KEY_ID.match(str(key_id)):
            raise ImproperlyConfigured(f"personal-data key id {key_id!r} is not [A-Za-z0-9_-]")
        keys[str(key_id)] = _hex_key(f"PERSONAL_DATA_KEYS.{key_id}", raw, size=KEY_BYTES)
    current_id = str(config.get("PERSONAL_DATA_KEY_ID", ""))
    if current_id not in keys:
        raise ImproperlyConfigured(
            f"GOVHALL['PERSONAL_DATA_KEY_ID'] = {current_id!r} is not in PERSONAL_DATA_KEYS"
        )
    index_key = _hex_key(
        "BLIND_INDEX_KEY",
        config.get("BLIND_INDEX_KEY", ""),
        size=None,
        minimum=BLIND_INDEX_KEY_MIN_BYTES,
    )
    return _KeyRing(keys=keys, current_id=current_id, index_key=index_key)


def _associated_data(key_id: str) -> bytes:
    return f"govhall-personal-data:{FORMAT_VERSION}:{key_id}".encode()


def current_key_id() -> str:
    """The id of the key new values are encrypted with."""
    return _key_ring().current_id


_NO_SM4_GCM = "the OpenSSL under `cryptography` does not offer SM4-GCM; install a build that does"


def _encryptor(key: bytes, nonce: bytes) -> AEADEncryptionContext:
    try:
        return Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    except UnsupportedAlgorithm as error:
        raise ImproperlyConfigured(_NO_SM4_GCM) from error


def _decryptor(key: bytes, nonce: bytes, tag: bytes) -> AEADDecryptionContext:
    try:
        return Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    except UnsupportedAlgorithm as error:
        raise ImproperlyConfigured(_NO_SM4_GCM) from error


def encrypt(value: str) -> str:
    """Seal ``value`` under the current key: ``"v1:<key_id>:<base64>"``.

    Two encryptions of the same value differ (random nonce); only :func:`decrypt` reads them.
    """
    ring = _key_ring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    encryptor = _encryptor(ring.keys[ring.current_id], nonce)
    encryptor.authenticate_additional_data(_associated_data(ring.current_id))
    sealed = encryptor.update(value.encode()) + encryptor.finalize()
    blob = base64.b64encode(nonce + sealed + encryptor.tag).decode("ascii")
    return f"{FORMAT_VERSION}:{ring.current_id}:{blob}"


def _split(token: str) -> tuple[str, bytes]:
    parts = token.split(":")
    if len(parts) != 3 or parts[0] != FORMAT_VERSION or not _KEY_ID.match(parts[1]):
        raise PersonalDataError("not a personal-data token")
    try:
        blob = base64.b64decode(parts[2].encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as error:
        raise PersonalDataError("personal-data token is not valid base64") from error
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise PersonalDataError("personal-data token is too short")
    return parts[1], blob


def key_id_of(token: str) -> str:
    """The id of the key ``token`` was sealed with (no decryption)."""
    return _split(token)[0]


def decrypt(token: str) -> str:
    """Open a token made by :func:`encrypt` with whichever configured key sealed it.

    Raises :class:`PersonalDataError` when the token is malformed, was altered, or names a
    key that is not configured. Callers that show or return the clear value audit the read.
    """
    key_id, blob = _split(token)
    ring = _key_ring()
    key = ring.keys.get(key_id)
    if key is None:
        raise PersonalDataError(f"personal-data key {key_id!r} is not configured")
    nonce, sealed, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = _decryptor(key, nonce, tag)
    decryptor.authenticate_additional_data(_associated_data(key_id))
    try:
        clear = decryptor.update(sealed) + decryptor.finalize()
    except InvalidTag as error:
        raise PersonalDataError("personal-data token failed authentication") from error
    return clear.decode()


def reencrypt(token: str) -> str:
    """``token`` sealed under the current key; unchanged if it already is (key rotation)."""
    key_id, _blob = _split(token)
    if key_id == current_key_id():
        decrypt(token)  # still refuse a tampered token
        return token
    return encrypt(decrypt(token))


def normalize(value: str, *, kind: str) -> str:
    """The canonical form a blind index is computed over.

    ID numbers lose separators, take an upper-case ``X`` and are upgraded from the 15-digit
    legacy form, so both forms of one person's number share an index. Mobile numbers lose
    spaces, hyphens and a ``+86`` prefix. Other kinds lose white space and are upper-cased.
    Full-width characters become ASCII first (NFKC).
    """
    text = "".join(unicodedata.normalize("NFKC", value).split())  # full-width digits too
    if kind == KIND_ID_NUMBER:
        text = ric.compact(text).upper()
        if len(text) == 15 and text.isdigit():
            text = upgrade_legacy_id_number(text)
        return text
    if kind == KIND_MOBILE:
        text = text.replace("-", "")
        if text.startswith("+86"):
            text = text[3:]
        return text
    return text.upper()


def blind_index(value: str, *, kind: str) -> str:
    """HMAC-SM3 (hex, 64 characters) of ``kind`` and the normalized value, keyed separately."""
    if not _KIND.match(kind):
        raise ValueError(f"blind-index kind {kind!r} is not [a-z][a-z0-9_]*")
    mac = hmac.HMAC(_key_ring().index_key, hashes.SM3())
    mac.update(kind.encode() + b"\x00" + normalize(value, kind=kind).encode())
    return mac.finalize().hex()


def mask_mobile(number: str) -> str:
    """``13912345678`` → ``139****5678`` for every display and log."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_name(name: str) -> str:
    """A name as shown to anyone (a license's public verification): the first and the last
    character kept, ``陈志强`` → ``陈*强``, ``陈强`` → ``陈*``."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
