"""The encrypted container of a backup: a clear header, then SM4-sealed frames.

Layout::

    MAGIC (16 bytes) | header length (4 bytes, big-endian) | header (JSON, UTF-8)
    frame*  where frame = last? (1 byte) | length (4 bytes) | ciphertext | tag

The header names the format version, the backup's id, the cipher, the file's salt and the
key check value (see ``keys``); it holds no secret. Each frame seals at most ``FRAME_BYTES`` of
plaintext, either with SM4-GCM (nonce = frame number; tag 16 bytes) or, where the OpenSSL under
``cryptography`` lacks SM4-GCM, with SM4-CTR and HMAC-SM3 over the ciphertext
(encrypt-then-MAC; tag 32 bytes). Every frame authenticates the SM3 of the header, its own
number and whether it is the last one, so a changed header, a reordered, dropped or repeated
frame, a cut tail or anything appended is found — only the last frame may say "last", and
nothing may follow it. Memory stays at one frame whatever the backup's size.
"""

from __future__ import annotations

import functools
import json
import secrets
import struct
import uuid
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.utils.translation import gettext_lazy as _

from govhall.core.backup import keys as backup_keys
from govhall.core.backup.errors import BackupError, BackupProblem

MAGIC = b"GOVHALL-BACKUP\r\n"
FORMAT_VERSION = 1
FRAME_BYTES = 1024 * 1024
SM4_GCM = "SM4-GCM"
SM4_CTR_HMAC_SM3 = "SM4-CTR+HMAC-SM3"
CIPHERS = (SM4_GCM, SM4_CTR_HMAC_SM3)
_TAG_BYTES = {SM4_GCM: 16, SM4_CTR_HMAC_SM3: 32}
_HEADER_MAX_BYTES = 64 * 1024
_FRAME_PREFIX = struct.Struct(">BI")
_LAST = 1


@functools.cache
def sm4_gcm_available() -> bool:
    """Whether the installed ``cryptography`` and its OpenSSL offer SM4-GCM."""
    try:
        encryptor = Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(12))).encryptor()
        encryptor.update(b"probe")
        encryptor.finalize()
    except UnsupportedAlgorithm:
        return False
    return True


def preferred_cipher() -> str:
    return SM4_GCM if sm4_gcm_available() else SM4_CTR_HMAC_SM3


@dataclass(frozen=True, slots=True)
class Header:
    backup_id: str
    cipher: str
    salt: bytes
    key_check: bytes
    frame_bytes: int
    digest: bytes  # SM3 of the header's bytes as written: bound into every frame


def _tampered() -> BackupError:
    return BackupError(
        BackupProblem.TAMPERED,
        _(
            "The backup file is damaged or was altered: its content does not match its "
            "authentication code. Nothing was restored."
        ),
    )


def _sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def header_write(target: IO[bytes], *, key: bytes, cipher: str) -> Header:
    """Write a new file's header (a fresh id and salt) and return it."""
    if cipher not in CIPHERS:
        raise ValueError(f"unknown cipher {cipher!r}")
    if cipher == SM4_GCM and not sm4_gcm_available():
        raise ValueError("SM4-GCM is not offered by this OpenSSL")
    salt = secrets.token_bytes(backup_keys.SALT_BYTES)
    file_keys = backup_keys.derive(key, salt)
    fields = {
        "format_version": FORMAT_VERSION,
        "backup_id": str(uuid.uuid4()),
        "cipher": cipher,
        "salt": salt.hex(),
        "key_check": file_keys.check.hex(),
        "frame_bytes": FRAME_BYTES,
    }
    text = json.dumps(fields, sort_keys=True).encode()
    written = MAGIC + struct.pack(">I", len(text)) + text
    target.write(written)
    return Header(
        backup_id=str(fields["backup_id"]),
        cipher=cipher,
        salt=salt,
        key_check=file_keys.check,
        frame_bytes=FRAME_BYTES,
        digest=_sm3(written),
    )


def header_read(source: IO[bytes]) -> Header:
    """Read and check the clear header; refuse what is not a govhall backup we can read."""
    not_a_backup = BackupError(
        BackupProblem.NOT_A_BACKUP,
        _("The file is not a govhall backup (or its header is damaged)."),
    )
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise not_a_backup
    length_bytes = source.read(4)
    if len(length_bytes) != 4:
        raise not_a_backup
    (length,) = struct.unpack(">I", length_bytes)
    if length > _HEADER_MAX_BYTES:
        raise not_a_backup
    text = source.read(length)
    try:
        fields: dict[str, Any] = json.loads(text)
        version = fields["format_version"]
        cipher = str(fields["cipher"])
        salt = bytes.fromhex(fields["salt"])
        key_check = bytes.fromhex(fields["key_check"])
        frame_bytes = int(fields["frame_bytes"])
        backup_id = str(fields["backup_id"])
    except (ValueError, KeyError, TypeError) as error:
        raise not_a_backup from error
    if version != FORMAT_VERSION or cipher not in CIPHERS:
        raise BackupError(
            BackupProblem.UNSUPPORTED,
            _("This backup's format (version %(version)s, %(cipher)s) is not supported here.")
            % {"version": version, "cipher": cipher},
        )
    if cipher == SM4_GCM and not sm4_gcm_available():
        raise BackupError(
            BackupProblem.UNSUPPORTED,
            _("This backup is sealed with SM4-GCM, which the installed OpenSSL does not offer."),
        )
    if not 0 < frame_bytes <= 64 * FRAME_BYTES or len(salt) != backup_keys.SALT_BYTES:
        raise not_a_backup
    return Header(
        backup_id=backup_id,
        cipher=cipher,
        salt=salt,
        key_check=key_check,
        frame_bytes=frame_bytes,
        digest=_sm3(MAGIC + length_bytes + text),
    )


class _Frames:
    """Sealing and opening one frame with the file's keys."""

    def __init__(self, header: Header, key: bytes) -> None:
        self.header = header
        self.keys = backup_keys.derive(key, header.salt)
        self.tag_bytes = _TAG_BYTES[header.cipher]

    def _associated(self, index: int, last: bool) -> bytes:
        return self.header.digest + struct.pack(">QB", index, _LAST if last else 0)

    def seal(self, index: int, plain: bytes, *, last: bool) -> bytes:
        associated = self._associated(index, last)
        if self.header.cipher == SM4_GCM:
            encryptor = Cipher(
                algorithms.SM4(self.keys.encryption), modes.GCM(index.to_bytes(12, "big"))
            ).encryptor()
            encryptor.authenticate_additional_data(associated)
            sealed = encryptor.update(plain) + encryptor.finalize()
            return sealed + encryptor.tag
        counter = index.to_bytes(8, "big") + bytes(8)
        ctr = Cipher(algorithms.SM4(self.keys.encryption), modes.CTR(counter)).encryptor()
        sealed = ctr.update(plain) + ctr.finalize()
        return sealed + self._mac(associated, sealed)

    def open(self, index: int, sealed: bytes, *, last: bool) -> bytes:
        associated = self._associated(index, last)
        body, tag = sealed[: -self.tag_bytes], sealed[-self.tag_bytes :]
        if self.header.cipher == SM4_GCM:
            decryptor = Cipher(
                algorithms.SM4(self.keys.encryption), modes.GCM(index.to_bytes(12, "big"), tag)
            ).decryptor()
            decryptor.authenticate_additional_data(associated)
            try:
                return decryptor.update(body) + decryptor.finalize()
            except InvalidTag as error:
                raise _tampered() from error
        if not secrets.compare_digest(self._mac(associated, body), tag):
            raise _tampered()
        counter = index.to_bytes(8, "big") + bytes(8)
        ctr = Cipher(algorithms.SM4(self.keys.encryption), modes.CTR(counter)).decryptor()
        return ctr.update(body) + ctr.finalize()

    def _mac(self, associated: bytes, sealed: bytes) -> bytes:
        mac = hmac.HMAC(self.keys.authentication, hashes.SM3())
        mac.update(associated + struct.pack(">I", len(sealed)) + sealed)
        return mac.finalize()


class SealedWriter:
    """A write-only stream that seals what it is given into frames of ``FRAME_BYTES``."""

    def __init__(self, target: IO[bytes], header: Header, key: bytes) -> None:
        self._target = target
        self._frames = _Frames(header, key)
        self._buffer = bytearray()
        self._index = 0
        self.plain_bytes = 0

    def write(self, data: bytes) -> None:
        self._buffer += data
        self.plain_bytes += len(data)
        size = self._frames.header.frame_bytes
        # Keep at least one byte back: the last frame is only known at close().
        while len(self._buffer) > size:
            self._emit(bytes(self._buffer[:size]), last=False)
            del self._buffer[:size]

    def close(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._frames.seal(self._index, plain, last=last)
        self._target.write(_FRAME_PREFIX.pack(_LAST if last else 0, len(sealed)) + sealed)
        self._index += 1


class SealedReader:
    """Reads the plaintext back frame by frame; every frame is authenticated before use."""

    def __init__(self, source: IO[bytes], header: Header, key: bytes) -> None:
        self._source = source
        self._frames = _Frames(header, key)
        if not backup_keys.key_matches(self._frames.keys, header.key_check):
            raise BackupError(
                BackupProblem.WRONG_KEY,
                _(
                    "This backup cannot be opened with the configured key: GOVHALL_BACKUP_KEY "
                    "is not the key it was made with (or the file's header was altered)."
                ),
            )
        self._buffer = b""
        self._offset = 0
        self._index = 0
        self._finished = False

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; fewer only at the end of the plaintext."""
        parts: list[bytes] = []
        wanted = size
        while wanted > 0:
            if self._offset >= len(self._buffer):
                if self._finished:
                    break
                self._next_frame()
                continue
            piece = self._buffer[self._offset : self._offset + wanted]
            self._offset += len(piece)
            wanted -= len(piece)
            parts.append(piece)
        return b"".join(parts)

    def read_exact(self, size: int) -> bytes:
        data = self.read(size)
        if len(data) != size:
            raise _tampered()
        return data

    def at_end(self) -> bool:
        """True when every byte was read and the last frame closed the file."""
        while self._offset >= len(self._buffer) and not self._finished:
            self._next_frame()
        return self._offset >= len(self._buffer) and self._finished

    def _next_frame(self) -> None:
        prefix = self._source.read(_FRAME_PREFIX.size)
        if len(prefix) != _FRAME_PREFIX.size:
            raise _tampered()  # cut before the last frame
        flag, length = _FRAME_PREFIX.unpack(prefix)
        limit = self._frames.header.frame_bytes + self._frames.tag_bytes
        if flag not in (0, _LAST) or not self._frames.tag_bytes <= length <= limit:
            raise _tampered()
        sealed = self._source.read(length)
        if len(sealed) != length:
            raise _tampered()
        last = flag == _LAST
        self._buffer = self._frames.open(self._index, sealed, last=last)
        self._offset = 0
        self._index += 1
        if last:
            if self._source.read(1):
                raise _tampered()  # something appended after the last frame
            self._finished = True
