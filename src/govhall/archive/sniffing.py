"""What an upload really is, read from its bytes; the declared name is only compared with it.

``puremagic`` names the content first. The formats the archive stores are then confirmed by
their exact signature at offset 0, and tried directly when ``puremagic`` is unsure (a PDF header
also matches its FDF entry; JPEG matches on three bytes only): a file is stored as PDF, JPEG or
PNG only when it starts the way that format must start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import puremagic

from govhall.archive.models import FileKind

HEAD_BYTES = 8 * 1024
"""How much of the start is kept for sniffing."""

MARKUP_WINDOW = 1024
"""Web page or script markup in this many first bytes refuses the file, whatever it sniffs as."""

CONTENT_TYPES: dict[FileKind, str] = {
    FileKind.PDF: "application/pdf",
    FileKind.JPG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.OFD: "application/ofd",
}

_SIGNATURES: dict[FileKind, bytes] = {
    FileKind.PDF: b"%PDF-",
    FileKind.JPG: b"\xff\xd8\xff",
    FileKind.PNG: b"\x89PNG\r\n\x1a\n",
}
_ZIP_SIGNATURE = b"PK\x03\x04"
# GB/T 33190: an OFD package is a ZIP whose root holds the entry point OFD.xml.
_OFD_ENTRY = b"OFD.xml"

_KIND_FOR_MIME = {mime: kind for kind, mime in CONTENT_TYPES.items()}
_KIND_FOR_EXTENSION: dict[str, FileKind] = {
    "pdf": FileKind.PDF,
    "jpg": FileKind.JPG,
    "jpeg": FileKind.JPG,
    "jpe": FileKind.JPG,
    "jfif": FileKind.JPG,
    "png": FileKind.PNG,
    "ofd": FileKind.OFD,
}
_ACTIVE_MARKUP = re.compile(
    rb"<\s*(?:script|html|svg|iframe|object|embed|body|!doctype\s+html)\b", re.IGNORECASE
)
_BYTE_ORDER_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
UNKNOWN_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Sniffed:
    """``kind`` is ``None`` for content the archive does not store (``content_type`` then
    describes it as well as ``puremagic`` could, for logs and messages only)."""

    kind: FileKind | None
    content_type: str


def sniff(head: bytes, tail: bytes) -> Sniffed:
    """Identify content from its first ``HEAD_BYTES`` and last bytes."""
    described = _puremagic_content_type(head)
    named = _KIND_FOR_MIME.get(described) if described else None
    if named is not None and _has_signature(named, head, tail):
        return Sniffed(named, CONTENT_TYPES[named])
    for kind in FileKind:
        if _has_signature(kind, head, tail):
            return Sniffed(kind, CONTENT_TYPES[kind])
    return Sniffed(None, described or UNKNOWN_CONTENT_TYPE)


SIGNATURE_BYTES = 8
"""The longest of the signatures above (PNG's)."""


def signature_kind(start: bytes) -> FileKind | None:
    """PDF, JPEG or PNG when ``start`` (at least ``SIGNATURE_BYTES``) begins with its exact
    signature: the only way content is later stored as one of them."""
    for kind, signature in _SIGNATURES.items():
        if start.startswith(signature):
            return kind
    return None


def has_active_markup(head: bytes) -> bool:
    """HTML, SVG or script in the first ``MARKUP_WINDOW`` bytes (a polyglot, or a web page)."""
    window = head[:MARKUP_WINDOW]
    start = window.lstrip()
    for mark in _BYTE_ORDER_MARKS:
        start = start.removeprefix(mark)
    return start.lower().startswith(b"<?xml") or _ACTIVE_MARKUP.search(window) is not None


def declared_extension(declared_name: str) -> str:
    """The lower-case extension of a client-supplied name (Windows paths too), or ``""``."""
    base = PurePosixPath(declared_name.replace("\\", "/")).name
    return PurePosixPath(base).suffix.removeprefix(".").lower()


def kind_for_extension(extension: str) -> FileKind | None:
    """``jpeg`` → JPG; ``None`` for an extension the archive does not store."""
    return _KIND_FOR_EXTENSION.get(extension.lower().removeprefix("."))


def _has_signature(kind: FileKind, head: bytes, tail: bytes) -> bool:
    if kind is FileKind.OFD:
        return head.startswith(_ZIP_SIGNATURE) and (_OFD_ENTRY in head or _OFD_ENTRY in tail)
    return head.startswith(_SIGNATURES[kind])


def _puremagic_content_type(head: bytes) -> str | None:
    """The MIME type of ``puremagic``'s most confident match, or ``None`` when it has none."""
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    for match in matches:
        if match.mime_type:
            return str(match.mime_type)
    return None
