"""What a file of one accepted kind must not also be: a web page, an active PDF, a ZIP archive.

A polyglot is valid as two formats at once: a JPEG that is also an HTML page (served by someone
else, or sniffed by an old browser, it runs script), a PNG or PDF with a ZIP appended (GIFAR:
a Java or Office reader opens the ZIP), a PDF that carries script, launches programs or embeds
other files. The patterns here are searched in the one pass over the upload
(``scanning.FirstFinder``), chunk by chunk, so every match is bounded in length.
"""

from __future__ import annotations

import re

MARKUP_OVERLAP = 128
"""Longer than any match of ``EMBEDDED_MARKUP``."""

EMBEDDED_MARKUP = re.compile(
    # One leading literal "<": the engine then skips to each "<" instead of trying every byte.
    rb"<(?:\s{0,8}(?P<tag>script|html|svg|iframe|object|embed|body|style|meta|base|form"
    rb"|!doctype\s{1,8}html)[\s>/]"
    # Any tag with an event-handler attribute (``<img src=x onerror=``, ``<video … onload=``):
    # what runs script in a page without a script element.
    # The tag name must end at a separator, as in a page: a 30-fold cheaper search than
    # trying every "<" and a letter in compressed image data.
    rb"|(?P<host>[a-z]{1,10})[\s/][^<>]{0,60}?(?<=[\s/\"'])(?P<handler>on[a-z]{3,20})\s{0,4}=)",
    re.IGNORECASE,
)
"""An HTML or SVG tag anywhere in an image. Stricter than the first kilobyte's check (the tag
must be followed by a space, ``>`` or ``/``, as a browser needs it; tags that run script only
through an event handler count with the handler), so that the compressed data of an ordinary
photo does not match by chance: ``<svg`` and one of those bytes occur in random data about
once in 15 GB, the four-letter names a thousand times more rarely, and a handler needs ``<``, a
letter, a separator, ``on``, three letters and ``=`` within 80 bytes."""

# The names of the PDF features that run or carry something other than the page images
# (ISO 32000-1 §12.6.4.16, §12.6.4.5, §7.11.4, Adobe's RichMedia extension, §12.7.8 XFA,
# §12.6.4.13 Rendition). /JS is the key of the script of a JavaScript action (/S /JavaScript)
# or of a Rendition action (/S /Rendition): both names are refused, so /JS need not be —
# matching the three bytes "/JS" alone would find one in every few tens of MB of compressed
# page data. /XFA is refused as a name, whatever follows it (whitespace and comments may).
PDF_ACTIVE_NAMES = frozenset(
    {
        "JavaScript",
        "JS",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "Rendition",
        "XFA",
    }
)
PDF_ACTIVE_OVERLAP = 192
"""Longer than any match of ``PDF_ACTIVE`` (a name of 16 units, each up to 3 bytes, and more)."""

PDF_ACTIVE = re.compile(
    rb"/(JavaScript|Launch|EmbeddedFiles?|RichMedia|Rendition|XFA)(?![A-Za-z0-9#])"
    # A name with #xx escapes (``/J#61vaScript``) is decoded and compared.
    rb"|/([A-Za-z0-9]{0,16}#[0-9A-Fa-f]{2}(?:[A-Za-z0-9]|#[0-9A-Fa-f]{2}){0,40})(?![A-Za-z0-9#])"
)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

ZIP_END_RECORD = b"PK\x05\x06"
"""A ZIP reader opens a file from this record, which lies in the last 65,557 bytes (22 bytes and
a comment of up to 65,535): a ZIP appended to any file is found there."""
ZIP_END_RECORD_BYTES = 22
ZIP_END_WINDOW = ZIP_END_RECORD_BYTES + 0xFFFF


def markup_found(match: re.Match[bytes]) -> str:
    """``<script`` of ``< SCRIPT>``, ``<img onerror`` of ``<IMG src=x onerror=``: what to name
    in the refusal."""
    if match["tag"] is not None:
        return "<" + b" ".join(match["tag"].split()).decode("ascii").lower()
    return f"<{match['host'].decode('ascii').lower()} {match['handler'].decode('ascii').lower()}"


def pdf_active_name(match: re.Match[bytes]) -> str | None:
    """The active feature a match of ``PDF_ACTIVE`` names (``/JavaScript``), or ``None`` for an
    escaped name that decodes to something harmless (``/Times#20New#20Roman``)."""
    plain = match.group(1)
    if plain is not None:
        return "/" + plain.decode("ascii")
    decoded = _NAME_ESCAPE.sub(lambda escape: bytes.fromhex(escape.group(1).decode()), match[2])
    name = decoded.decode("latin-1")
    return "/" + name if name in PDF_ACTIVE_NAMES else None


def has_zip_end_record(tail: bytes) -> bool:
    """A ZIP's end-of-central-directory record in the last bytes, with room for its fields."""
    window = tail[-ZIP_END_WINDOW:]
    found = window.rfind(ZIP_END_RECORD)
    while found >= 0:
        if len(window) - found >= ZIP_END_RECORD_BYTES:
            return True
        found = window.rfind(ZIP_END_RECORD, 0, found)
    return False
