"""The plaintext of a backup: typed, length-prefixed records grouped in sections.

::

    record = kind (1 byte) | length (4 bytes, big-endian) | payload

    S  a section starts: {"name": "database/<app.model>" | "files", ...}
    R  rows of the current model: Django's serialization, one JSON object per line
    F  a stored file starts: {"name": <storage name>, "expected_sm3": <digest of its row>|null}
    D  up to one MiB of the file's bytes
    Z  the file ends: {"sm3": <digest of its bytes>, "size": <bytes>}
    M  the manifest (always last)

The writer hashes each section's records and all records before the manifest with SM3 and
counts rows and files; the manifest carries these figures. The reader recomputes every one of
them, checks each file's bytes against its ``Z`` record (and its row's digest), and accepts the
stream only when the manifest agrees and nothing follows it.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govhall.core.backup.errors import BackupError, BackupProblem
from govhall.core.backup.sealing import SealedReader, SealedWriter

SECTION = b"S"
ROWS = b"R"
FILE = b"F"
DATA = b"D"
FILE_END = b"Z"
MANIFEST = b"M"
FILES_SECTION = "files"
DATABASE_PREFIX = "database/"
DATA_CHUNK_BYTES = 1024 * 1024
_PREFIX = struct.Struct(">cI")
_RECORD_MAX_BYTES = 512 * 1024 * 1024


class Sm3:
    """An incremental SM3 digest."""

    def __init__(self) -> None:
        self._hash = hashes.Hash(hashes.SM3())

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.copy().finalize().hex()


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


@dataclass(slots=True)
class _Section:
    name: str
    meta: dict[str, Any]
    digest: Sm3 = field(default_factory=Sm3)
    count: int = 0
    bytes: int = 0

    def summary(self) -> dict[str, Any]:
        summary = {
            **self.meta,
            "name": self.name,
            "count": self.count,
            "sm3": self.digest.hexdigest(),
        }
        if self.name == FILES_SECTION:
            summary["bytes"] = self.bytes
        return summary


class RecordWriter:
    """Writes records into a sealed stream and keeps the manifest's figures."""

    def __init__(self, sink: SealedWriter) -> None:
        self._sink = sink
        self._total = Sm3()
        self._section: _Section | None = None
        self.sections: list[dict[str, Any]] = []

    def _record(self, kind: bytes, payload: bytes) -> None:
        framed = _PREFIX.pack(kind, len(payload)) + payload
        self._total.update(framed)
        if self._section is not None:
            self._section.digest.update(framed)
        self._sink.write(framed)

    def section(self, name: str, **meta: Any) -> None:
        self._close_section()
        self._section = _Section(name=name, meta=meta)
        self._record(SECTION, _json({"name": name, **meta}))

    def rows(self, lines: list[bytes]) -> None:
        assert self._section is not None
        self._record(ROWS, b"".join(line + b"\n" for line in lines))
        self._section.count += len(lines)

    def file_start(self, name: str, expected_sm3: str | None) -> None:
        self._record(FILE, _json({"name": name, "expected_sm3": expected_sm3}))

    def file_data(self, chunk: bytes) -> None:
        self._record(DATA, chunk)

    def file_end(self, sm3: str, size: int) -> None:
        assert self._section is not None
        self._record(FILE_END, _json({"sm3": sm3, "size": size}))
        self._section.count += 1
        self._section.bytes += size

    def finish(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Write the manifest with the sections' figures; return it as written."""
        self._close_section()
        manifest = {**manifest, "sections": self.sections, "plaintext_sm3": self._total.hexdigest()}
        payload = _json(manifest)
        self._sink.write(_PREFIX.pack(MANIFEST, len(payload)) + payload)
        return manifest

    def _close_section(self) -> None:
        if self._section is not None:
            self.sections.append(self._section.summary())
            self._section = None


@dataclass(frozen=True, slots=True)
class SectionStart:
    name: str
    model: str | None


@dataclass(frozen=True, slots=True)
class Rows:
    lines: list[bytes]


@dataclass(frozen=True, slots=True)
class FileStart:
    name: str
    expected_sm3: str | None


@dataclass(frozen=True, slots=True)
class FileData:
    chunk: bytes


@dataclass(frozen=True, slots=True)
class FileEnd:
    name: str
    sm3: str
    size: int


Event = SectionStart | Rows | FileStart | FileData | FileEnd


def _damaged(detail: str | Promise) -> BackupError:
    return BackupError(
        BackupProblem.TAMPERED,
        _("The backup's content is inconsistent (%(detail)s). Nothing was restored.")
        % {"detail": detail},
    )


class RecordReader:
    """Reads the records back, recomputing every figure; ``manifest`` is set at the end."""

    def __init__(self, source: SealedReader) -> None:
        self._source = source
        self.manifest: dict[str, Any] | None = None

    def _record(self) -> tuple[bytes, bytes]:
        kind, length = _PREFIX.unpack(self._source.read_exact(_PREFIX.size))
        if length > _RECORD_MAX_BYTES:
            raise _damaged(_("a record is too large"))
        return kind, self._source.read_exact(length)

    def events(self) -> Iterator[Event]:
        """Every record as an event, checked; raises at the first inconsistency."""
        total = Sm3()
        sections: list[dict[str, Any]] = []
        section: _Section | None = None
        current_file: tuple[str, str | None] | None = None
        file_digest = Sm3()
        file_size = 0
        while True:
            kind, payload = self._record()
            if kind == MANIFEST:
                break
            framed = _PREFIX.pack(kind, len(payload)) + payload
            total.update(framed)
            if kind == SECTION:
                if current_file is not None:
                    raise _damaged(_("a file is cut short"))
                if section is not None:
                    sections.append(section.summary())
                meta = _load(payload)
                name = str(meta.pop("name", ""))
                section = _Section(name=name, meta=meta)
                section.digest.update(framed)
                model = name.removeprefix(DATABASE_PREFIX) if name != FILES_SECTION else None
                yield SectionStart(name=name, model=model)
                continue
            if section is None:
                raise _damaged(_("a record outside any section"))
            section.digest.update(framed)
            if kind == ROWS and current_file is None and section.name != FILES_SECTION:
                lines = payload.split(b"\n")
                if lines[-1] != b"":
                    raise _damaged(_("a row is cut short"))
                section.count += len(lines) - 1
                yield Rows(lines=lines[:-1])
            elif kind == FILE and current_file is None and section.name == FILES_SECTION:
                start = _load(payload)
                expected = start.get("expected_sm3")
                current_file = (str(start["name"]), str(expected) if expected else None)
                file_digest, file_size = Sm3(), 0
                yield FileStart(name=current_file[0], expected_sm3=current_file[1])
            elif kind == DATA and current_file is not None:
                file_digest.update(payload)
                file_size += len(payload)
                yield FileData(chunk=payload)
            elif kind == FILE_END and current_file is not None:
                end = _load(payload)
                digest = file_digest.hexdigest()
                name, expected = current_file
                if end.get("sm3") != digest or end.get("size") != file_size:
                    raise _damaged(_("file %(name)s does not match its digest") % {"name": name})
                if expected is not None and expected != digest:
                    raise _damaged(_("file %(name)s does not match its record") % {"name": name})
                section.count += 1
                section.bytes += file_size
                current_file = None
                yield FileEnd(name=name, sm3=digest, size=file_size)
            else:
                raise _damaged(_("an unexpected record"))
        if current_file is not None:
            raise _damaged(_("a file is cut short"))
        if section is not None:
            sections.append(section.summary())
        manifest = _load(payload)
        if not self._source.at_end():
            raise _damaged(_("data after the manifest"))
        if manifest.get("sections") != sections or manifest.get("plaintext_sm3") != (
            total.hexdigest()
        ):
            raise _damaged(_("the manifest does not match the content"))
        self.manifest = manifest


def _load(payload: bytes) -> dict[str, Any]:
    try:
        loaded = json.loads(payload)
    except ValueError as error:
        raise _damaged(_("a record is not JSON")) from error
    if not isinstance(loaded, dict):
        raise _damaged(_("a record is not a JSON object"))
    return loaded
