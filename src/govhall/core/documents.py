"""HTML → PDF through WeasyPrint, with the CJK fonts embedded in the file.

Why embedding matters: a printed or archived guide (办事指南) must look the same on a citizen's
phone, a window clerk's PC and in ten years' time. A PDF that merely *names* a Chinese font
shows boxes (or a substituted font with different metrics) wherever that font is missing, so
every font the document uses is embedded as a subset — only the glyphs that occur.

How the fonts are found: WeasyPrint resolves CSS ``font-family`` names through fontconfig, so
the stylesheets ask for ``"Noto Sans CJK SC"`` (headings, tables) and ``"Noto Serif CJK SC"``
(body text of printed documents). On Debian both come from the ``fonts-noto-cjk`` package
(``/usr/share/fonts/opentype/noto/*.ttc``); check with ``fc-list | grep -i cjk``. No
``@font-face`` rule and no web font is needed, and nothing is downloaded while rendering. A
server without the package renders with whatever fontconfig falls back to, which is why
:func:`pdf_fonts` exists: tests assert that a CJK font really was embedded.

Resources: the renderer never goes to the network. Stylesheets and images are served from
Django's static files (``STATIC_URL`` paths, looked up through the staticfiles finders and
then the static storage) and ``data:`` URIs; every other URL is refused. A rendering worker
fetching arbitrary URLs would be a server-side request forgery hole, and fetching our own
site over HTTP would tie up a worker of the very server that is rendering.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

#: The base URL used when the caller gives none: relative links then resolve to static paths.
_INTERNAL_BASE_URL = "https://govhall.invalid/"


def _static_name(url: str) -> str | None:
    """The static-file name a URL points to, or ``None`` if it is not under STATIC_URL."""
    static_path = urlsplit(str(settings.STATIC_URL)).path or "/"
    path = unquote(urlsplit(url).path)
    if not path.startswith(static_path):
        return None
    name = path[len(static_path) :]
    normalised = posixpath.normpath(name)
    if not name or normalised.startswith(("..", "/")) or ".." in normalised.split("/"):
        return None
    return normalised


def _read_static(name: str) -> bytes | None:
    """The bytes of a static file: source directories first, then the collected storage."""
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    if isinstance(found, list):
        found = found[0] if found else None
    if found:
        return Path(found).read_bytes()
    try:
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name, "rb") as handle:
                data: bytes = handle.read()
                return data
    except (SuspiciousFileOperation, NotImplementedError, OSError):
        return None
    return None


def _make_fetcher() -> Any:
    """A WeasyPrint URL fetcher limited to static files and ``data:`` URIs (see module doc)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            name = _static_name(url)
            data = _read_static(name) if name else None
            if data is None:
                raise ValueError(f"govhall refuses to fetch {url!r} while rendering a PDF")
            mime_type = mimetypes.guess_type(name or "")[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, {"Content-Type": mime_type})

    return StaticOnlyFetcher(allowed_protocols=("data", "http", "https"))


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render a complete HTML document to PDF bytes with its fonts embedded.

    ``base_url`` resolves relative links (pass ``request.build_absolute_uri("/")`` so that
    links inside the PDF point at the public site); resources are still read locally.
    The PDF is tagged (PDF/UA structure) so screen readers can read it in order.
    """
    import weasyprint

    document = weasyprint.HTML(
        string=html, base_url=base_url or _INTERNAL_BASE_URL, url_fetcher=_make_fetcher()
    )
    pdf: bytes = document.write_pdf(pdf_tags=True)
    return pdf


_STREAM = re.compile(rb"obj\s*(<<.*?>>)\s*stream\r?\n", re.DOTALL)
_FONT_DESCRIPTOR = re.compile(rb"<<[^<>]*?/Type\s*/FontDescriptor[^<>]*>>", re.DOTALL)
_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/\[\]<>()%{}]+)")
_EMBEDDED = re.compile(rb"/FontFile[23]?\s")
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
_NAME_ESCAPE = re.compile(r"#([0-9A-Fa-f]{2})")


def _object_bodies(pdf: bytes) -> list[bytes]:
    """The raw file plus the decompressed contents of every object stream.

    WeasyPrint (through pydyf) writes PDF 1.7 with object streams, so font descriptors sit
    inside Flate-compressed ``/Type /ObjStm`` streams and a plain search of the file finds no
    ``/FontName`` at all. Uncompressed files keep them in the open; both are searched.
    """
    bodies = [pdf]
    for match in _STREAM.finditer(pdf):
        dictionary = match.group(1)
        if b"/ObjStm" not in dictionary or b"/FlateDecode" not in dictionary:
            continue
        try:
            bodies.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return bodies


def pdf_fonts(pdf_bytes: bytes) -> list[str]:
    """The names of the fonts embedded in a PDF, without subset tags, sorted and unique.

    Only font descriptors that carry a font program (``/FontFile``, ``/FontFile2`` or
    ``/FontFile3``) count: a font that is merely named is not embedded. A subset font named
    ``ABCDEF+Noto-Sans-CJK-SC`` is reported as ``Noto-Sans-CJK-SC``.
    """
    names: set[str] = set()
    for body in _object_bodies(pdf_bytes):
        for descriptor in _FONT_DESCRIPTOR.finditer(body):
            text = descriptor.group(0)
            name = _FONT_NAME.search(text)
            if name is None or not _EMBEDDED.search(text):
                continue
            decoded = _NAME_ESCAPE.sub(
                lambda m: chr(int(m.group(1), 16)), name.group(1).decode("latin-1")
            )
            names.add(_SUBSET_TAG.sub("", decoded))
    return sorted(names)
