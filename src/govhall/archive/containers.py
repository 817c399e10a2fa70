"""An OFD package (a ZIP, GB/T 33190) checked before it is stored: no bomb, no trap, no damage.

Whoever opens an accepted OFD later — a reader, a converter, an archive transfer — unpacks it.
A ZIP can be a weapon against them: a few KB that unpack to GBs (one entry compressed 1000:1,
entries that overlap, sizes that lie), a name that writes outside the target directory
(``../../etc/cron.d/x``, zip-slip), an archive inside the archive, encrypted entries nobody can
check, or a directory that one reader reads one way and another reader another way. So:

- the end record is read and every central-directory record walked by hand (``struct``), with
  the entry count bounded before anything is held in memory; the stdlib ``zipfile`` must then
  read the same entries (names, offsets, sizes), or the package is refused as ambiguous;
- every local header must agree with its directory record, and no entry's data may overlap
  the next one or the directory;
- every entry is then *decompressed, streaming, into nothing*: at most its declared size plus
  one byte is ever produced, so a size that lies is caught without trusting it, and the CRC of
  every entry is checked. ``OFD.xml`` is parsed while it is decompressed (expat, no DTD, at most
  ``OFD_XML_MAX_BYTES``) and must be the OFD root element.

Nothing is extracted to disk; memory stays at a few chunks.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govhall.archive.errors import FileRefusal, file_refused
from govhall.archive.polyglots import ZIP_END_RECORD, ZIP_END_RECORD_BYTES, ZIP_END_WINDOW
from govhall.core.errors import ValidationFailed

CHUNK_BYTES = 64 * 1024
RATIO_MIN_BYTES = 1024 * 1024
"""The ratio limit applies to entries that unpack to this much or more: a small XML file of
spaces compresses 1000:1 and harms nobody."""
OFD_ENTRY = "OFD.xml"
OFD_XML_MAX_BYTES = 1024 * 1024
"""``OFD.xml`` only points to the documents: a few KB. More is not an OFD entry file."""
OFD_NAMESPACE = "http://www.ofdspec.org/2016"
NESTED_PREFIX_BYTES = 512
"""The first bytes of each entry looked at for the signature of another archive (a tar's is at
257)."""

_END = struct.Struct("<4s4H2LH")
_DIRECTORY = struct.Struct("<4s6H3L5H2L")
_DIRECTORY_SIGNATURE = b"PK\x01\x02"
_LOCAL = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_BYTES = 20
_ENCRYPTED_FLAGS = 0x0001 | 0x0040  # traditional and strong encryption
_UTF8_FLAG = 0x0800
_STORED, _DEFLATED = 0, 8
_AES_METHOD = 99

_ARCHIVE_SIGNATURES = (
    b"PK\x03\x04",  # ZIP, OFD, OOXML, JAR, APK
    b"PK\x05\x06",  # an empty ZIP
    b"PK\x07\x08",  # a spanned ZIP
    b"\x1f\x8b",  # gzip
    b"BZh",  # bzip2
    b"\xfd7zXZ\x00",  # xz
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"Rar!\x1a\x07",  # RAR
    b"\x28\xb5\x2f\xfd",  # zstd
    b"MSCF",  # cabinet
)
_TAR_MAGIC, _TAR_MAGIC_AT = b"ustar", 257
_ARCHIVE_EXTENSIONS = frozenset(
    {"zip", "ofd", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar", "zst", "jar", "cab", "lz", "z"}
)
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    max_entries: int
    max_unpacked_bytes: int
    max_ratio: int


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    raw_name: bytes
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    offset: int


def ofd_inspect(spool: IO[bytes], *, size: int, limits: ArchiveLimits) -> None:
    """Refuse the OFD in ``spool`` (``size`` bytes) with a ``file.archive_*`` code, or return."""
    count, directory_offset, directory_size = _end_record(spool, size=size)
    if count > limits.max_entries:
        raise _too_many(limits)
    entries = _directory(spool, offset=directory_offset, size=directory_size, count=count)
    _check_names_and_sizes(entries, limits)
    _check_zipfile_agrees(spool, entries)
    _check_layout(spool, entries, directory_offset=directory_offset)
    root = None
    for entry in entries:
        found = _unpack(spool, entry)
        if found is not None:
            root = found
    if root is None:
        raise _damaged(_("OFD.xml is missing"))
    if root != (OFD_NAMESPACE, "OFD") and root != ("", "OFD"):
        raise _damaged(_("OFD.xml is not an OFD entry file"))


def _end_record(spool: IO[bytes], *, size: int) -> tuple[int, int, int]:
    """Entry count, directory offset and size from the end record, which must end the file."""
    window_start = max(0, size - ZIP_END_WINDOW)
    spool.seek(window_start)
    window = spool.read()
    found = window.rfind(ZIP_END_RECORD)
    while found >= 0:
        if len(window) - found >= ZIP_END_RECORD_BYTES:
            record = _END.unpack_from(window, found)
            if found + ZIP_END_RECORD_BYTES + record[7] == len(window):
                break
        found = window.rfind(ZIP_END_RECORD, 0, found)
    else:
        raise _damaged(_("its end record is missing"))
    _signature, disk, directory_disk, on_disk, count, directory_size, directory_offset, _c = record
    if disk or directory_disk or on_disk != count:
        raise _damaged(_("it is split over several disks"))
    before = window[max(0, found - _ZIP64_LOCATOR_BYTES) : found]
    if (
        count == 0xFFFF
        or 0xFFFFFFFF in (directory_size, directory_offset)
        or (before.startswith(_ZIP64_LOCATOR))
    ):
        # ZIP64 is needed only past 65,535 entries or 4 GB, far beyond the limits.
        raise _damaged(_("it uses ZIP64 records"))
    if directory_offset + directory_size != window_start + found:
        raise _damaged(_("its directory is not where its end record says"))
    return count, directory_offset, directory_size


def _directory(spool: IO[bytes], *, offset: int, size: int, count: int) -> list[_Entry]:
    """The directory's records, exactly ``count`` of them filling exactly ``size`` bytes."""
    spool.seek(offset)
    entries: list[_Entry] = []
    read = 0
    while read < size:
        if len(entries) == count:
            raise _damaged(_("its directory holds more entries than its end record says"))
        header = spool.read(_DIRECTORY.size)
        if len(header) < _DIRECTORY.size or not header.startswith(_DIRECTORY_SIGNATURE):
            raise _damaged(_("its directory is damaged"))
        fields = _DIRECTORY.unpack(header)
        flags, method, crc, compressed, unpacked = fields[3], fields[4], *fields[7:10]
        name_length, extra_length, comment_length = fields[10:13]
        raw_name = spool.read(name_length)
        spool.seek(extra_length + comment_length, 1)
        read += _DIRECTORY.size + name_length + extra_length + comment_length
        name = raw_name.decode("utf-8" if flags & _UTF8_FLAG else "cp437", errors="replace")
        entries.append(
            _Entry(name, raw_name, flags, method, crc, compressed, unpacked, offset=fields[16])
        )
    if read != size or len(entries) != count:
        raise _damaged(_("its directory does not match its end record"))
    return entries


def _check_names_and_sizes(entries: list[_Entry], limits: ArchiveLimits) -> None:
    names: set[str] = set()
    for entry in entries:
        if entry.flags & _ENCRYPTED_FLAGS or entry.method == _AES_METHOD:
            raise file_refused(
                FileRefusal.ARCHIVE_ENCRYPTED,
                _("The OFD file contains an encrypted entry (%(name)s), which cannot be checked.")
                % {"name": _shown(entry.name)},
            )
        if _unsafe_path(entry):
            raise file_refused(
                FileRefusal.ARCHIVE_UNSAFE_PATH,
                _("The OFD file contains a file name that leads outside the package (%(name)s).")
                % {"name": _shown(entry.name)},
            )
        if entry.name in names:
            raise _damaged(_("the name %(name)s appears twice") % {"name": _shown(entry.name)})
        names.add(entry.name)
        if entry.method not in (_STORED, _DEFLATED):
            raise _damaged(_("an entry uses a compression method other than deflate"))
        if _extension(entry.name) in _ARCHIVE_EXTENSIONS:
            raise _nested(entry)
        if entry.size >= RATIO_MIN_BYTES and entry.size > limits.max_ratio * max(
            entry.compressed, 1
        ):
            raise file_refused(
                FileRefusal.ARCHIVE_BOMB,
                _(
                    "The entry %(name)s of the OFD file is compressed more than %(ratio)s to 1:"
                    " a compression bomb."
                )
                % {"name": _shown(entry.name), "ratio": limits.max_ratio},
            )
    if sum(entry.size for entry in entries) > limits.max_unpacked_bytes:
        raise file_refused(
            FileRefusal.ARCHIVE_TOO_LARGE,
            _("The OFD file unpacks to more than %(limit)s.")
            % {"limit": filesizeformat(limits.max_unpacked_bytes)},
        )


def _check_zipfile_agrees(spool: IO[bytes], entries: list[_Entry]) -> None:
    """Python's own reader must see the same entries: two readers that disagree about a
    package are the means of hiding one file behind another."""
    spool.seek(0)
    try:
        with zipfile.ZipFile(spool) as package:
            seen = [
                (info.orig_filename, info.header_offset, info.compress_size, info.file_size)
                for info in package.infolist()
            ]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _damaged(_("its directory is damaged")) from error
    if seen != [(entry.name, entry.offset, entry.compressed, entry.size) for entry in entries]:
        raise _damaged(_("its directory does not match its entries"))


def _check_layout(spool: IO[bytes], entries: list[_Entry], *, directory_offset: int) -> None:
    """Each local header agrees with its directory record; no data overlaps the next entry."""
    ordered = sorted(entries, key=lambda entry: entry.offset)
    for index, entry in enumerate(ordered):
        spool.seek(entry.offset)
        header = spool.read(_LOCAL.size)
        if len(header) < _LOCAL.size or not header.startswith(_LOCAL_SIGNATURE):
            raise _damaged(_("its directory does not match its entries"))
        fields = _LOCAL.unpack(header)
        name_length, extra_length = fields[9], fields[10]
        # Encryption or a method only the local header states would hide from these checks.
        if (
            fields[2] & _ENCRYPTED_FLAGS != entry.flags & _ENCRYPTED_FLAGS
            or fields[3] != entry.method
            or spool.read(name_length) != entry.raw_name
        ):
            raise _damaged(_("its directory does not match its entries"))
        data_end = entry.offset + _LOCAL.size + name_length + extra_length + entry.compressed
        next_start = ordered[index + 1].offset if index + 1 < len(ordered) else directory_offset
        if data_end > next_start:
            raise _damaged(_("its entries overlap"))


def _unpack(spool: IO[bytes], entry: _Entry) -> tuple[str, str] | None:
    """Decompress ``entry`` into nothing, checking its real size and CRC; for ``OFD.xml``, the
    root element's (namespace, name)."""
    spool.seek(entry.offset + 26)
    name_length, extra_length = struct.unpack("<2H", spool.read(4))
    spool.seek(name_length + extra_length, 1)
    if entry.name == OFD_ENTRY and entry.size > OFD_XML_MAX_BYTES:
        raise _damaged(_("OFD.xml is too large"))
    unpacked = _Unpacked(entry, _RootReader() if entry.name == OFD_ENTRY else None)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if entry.method == _DEFLATED else None
    left = entry.compressed
    while left:
        data = spool.read(min(CHUNK_BYTES, left))
        if not data:
            raise _damaged(_("an entry is truncated"))
        left -= len(data)
        while data:
            # Never more than one byte past the declared size: a lie is caught, not obeyed.
            room = entry.size - unpacked.produced + 1
            if inflater is None:
                unpacked.take(data[:room])
                data = data[room:]
            elif inflater.eof:
                # Bytes after the end of the compressed stream, in a later chunk: hidden data.
                raise _damaged(_("an entry is damaged (its compressed data)"))
            else:
                # Output shorter than ``room`` means the input ran out, not the room: nothing
                # stays pending in the decompressor.
                try:
                    unpacked.take(inflater.decompress(data, room))
                except zlib.error as error:
                    raise _damaged(_("an entry is damaged (its compressed data)")) from error
                data = inflater.unconsumed_tail
    if inflater is not None and (not inflater.eof or inflater.unused_data):
        raise _damaged(_("an entry is damaged (its compressed data)"))
    return unpacked.finish()


class _Unpacked:
    """What an entry's decompressed bytes are checked for, as they come."""

    def __init__(self, entry: _Entry, reader: _RootReader | None) -> None:
        self.produced = 0
        self._entry = entry
        self._reader = reader
        self._crc = 0
        self._prefix = b""

    def take(self, out: bytes) -> None:
        self.produced += len(out)
        if self.produced > self._entry.size:
            raise file_refused(
                FileRefusal.ARCHIVE_BOMB,
                _("The entry %(name)s of the OFD file unpacks to more than it declares.")
                % {"name": _shown(self._entry.name)},
            )
        self._crc = zlib.crc32(out, self._crc)
        if len(self._prefix) < NESTED_PREFIX_BYTES:
            self._prefix += out[: NESTED_PREFIX_BYTES - len(self._prefix)]
            if _is_archive(self._prefix):
                raise _nested(self._entry)
        if self._reader is not None:
            self._reader.feed(out)

    def finish(self) -> tuple[str, str] | None:
        if self.produced != self._entry.size or self._crc != self._entry.crc:
            raise _damaged(_("an entry is damaged (its size or checksum is wrong)"))
        return self._reader.finish() if self._reader is not None else None


class _RootReader:
    """``OFD.xml`` parsed as it is decompressed: well-formed, no DTD, its root element."""

    def __init__(self) -> None:
        self.root: tuple[str, str] | None = None
        self._parser = expat.ParserCreate(namespace_separator=" ")
        self._parser.StartDoctypeDeclHandler = self._refuse_dtd
        self._parser.EntityDeclHandler = self._refuse_dtd
        self._parser.StartElementHandler = self._element

    def feed(self, data: bytes) -> None:
        try:
            self._parser.Parse(data, False)
        except expat.ExpatError as error:
            raise _damaged(_("OFD.xml cannot be read")) from error

    def finish(self) -> tuple[str, str]:
        try:
            self._parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise _damaged(_("OFD.xml cannot be read")) from error
        if self.root is None:
            raise _damaged(_("OFD.xml cannot be read"))
        return self.root

    def _element(self, name: str, _attributes: object) -> None:
        if self.root is None:
            namespace, _space, local = name.rpartition(" ")
            self.root = (namespace, local)

    def _refuse_dtd(self, *_arguments: object) -> None:
        # Entities are how a small XML becomes a huge one (billion laughs) or reads files.
        raise _damaged(_("OFD.xml declares a DTD"))


def _unsafe_path(entry: _Entry) -> bool:
    name = entry.name
    parts = name.replace("\\", "/").split("/")
    return (
        not name
        or "\x00" in name
        or name.startswith(("/", "\\"))
        or _DRIVE.match(name) is not None
        or ".." in parts
    )


def _is_archive(prefix: bytes) -> bool:
    return prefix.startswith(_ARCHIVE_SIGNATURES) or (
        prefix[_TAR_MAGIC_AT : _TAR_MAGIC_AT + len(_TAR_MAGIC)] == _TAR_MAGIC
    )


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rpartition(".")[2].lower() if "." in base else ""


def _shown(name: str) -> str:
    """An entry name fit for a message: printable, at most 80 characters."""
    printable = "".join(character if character.isprintable() else "?" for character in name)
    return printable if len(printable) <= 80 else printable[:79] + "…"


def _nested(entry: _Entry) -> ValidationFailed:
    return file_refused(
        FileRefusal.ARCHIVE_NESTED,
        _("The OFD file contains another archive (%(name)s).") % {"name": _shown(entry.name)},
    )


def _too_many(limits: ArchiveLimits) -> ValidationFailed:
    return file_refused(
        FileRefusal.ARCHIVE_TOO_MANY_ENTRIES,
        _("The OFD file holds more than %(limit)s files.") % {"limit": limits.max_entries},
    )


def _damaged(problem: str | Promise) -> ValidationFailed:
    return file_refused(
        FileRefusal.ARCHIVE_INVALID,
        _("The OFD file is damaged: %(problem)s.") % {"problem": problem},
    )
