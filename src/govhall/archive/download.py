"""Handing a stored file to a browser so that it is saved, never run from our origin.

Uploaded bytes come from citizens. Served inline from our origin, a crafted file (an HTML page,
an SVG, a PDF/HTML polyglot) could run script with our cookies. Every response is therefore an
attachment with the sniffed type (never ``text/html``), ``nosniff`` so the browser keeps that
type, and a ``sandbox`` CSP so that even a document opened in the tab gets an opaque origin,
no script and no forms. No view lives here: the module that owns the material decides who may
download it and calls :func:`stored_file_response`.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.http import FileResponse

from govhall.archive.models import FileKind, StoredFile
from govhall.archive.selectors import stored_file_open
from govhall.archive.sniffing import CONTENT_TYPES, UNKNOWN_CONTENT_TYPE, kind_for_extension

UNKNOWN_EXTENSION = "bin"
_UNSAFE_NAME_CHARACTERS = '/\\"<>:|?*;%'
MAX_NAME_LENGTH = 120


def stored_file_response(stored_file: StoredFile, *, download_name: str) -> FileResponse:
    """A streaming attachment of the stored bytes, saved as ``download_name`` (its extension
    made the stored file's own, so the saved copy opens in the right program)."""
    kind = served_kind(stored_file)
    content_type = CONTENT_TYPES[kind] if kind is not None else UNKNOWN_CONTENT_TYPE
    response = FileResponse(stored_file_open(stored_file), content_type=content_type)
    response["Content-Disposition"] = attachment_header(
        download_filename(download_name, extension=kind.value if kind else UNKNOWN_EXTENSION)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    # Materials hold personal data (ID card scans): no shared or disk caches.
    response["Cache-Control"] = "private, no-store"
    return response


def served_kind(stored_file: StoredFile) -> FileKind | None:
    """The kind the bytes are served as, or ``None`` (opaque bytes).

    The type sent comes from this kind through ``CONTENT_TYPES``, never from a stored string:
    a row altered to say ``text/html`` or ``image/svg+xml`` (by hand, by a bug, by an attacker
    with database access) cannot make the browser run the bytes. A row whose extension and
    content type disagree was altered, so it gets no kind at all.
    """
    try:
        kind = FileKind(stored_file.extension)
    except ValueError:
        return None
    return kind if CONTENT_TYPES[kind] == stored_file.content_type else None


def download_filename(download_name: str, *, extension: str) -> str:
    """A file name without path parts or control characters, ending in the stored kind's
    extension (``.jpeg`` kept for a JPEG; ``report.html`` of a PDF becomes ``report.html.pdf``;
    of bytes of no kind, ``report.html.bin``)."""
    name = download_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if character in _UNSAFE_NAME_CHARACTERS or not character.isprintable() else character
        for character in unicodedata.normalize("NFC", name)
    ).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    kind = kind_for_extension(extension)
    if not (dot and stem and kind is not None and kind_for_extension(suffix) is kind):
        stem = name
        suffix = extension
    return f"{stem[:MAX_NAME_LENGTH] or 'file'}.{suffix.lower()}"


def attachment_header(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the exact UTF-8 name in
    ``filename*`` (RFC 6266, RFC 8187), which every current browser prefers."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    stem, _dot, suffix = fallback.rpartition(".")
    stem = "".join(
        character if character.isalnum() or character in "-_. ()[]" else "_" for character in stem
    ).strip(" _.")
    fallback = f"{stem or 'file'}.{suffix}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
