"""One pass over an upload: size, SM3 digest, head, tail, PDF page objects and what a polyglot
hides (markup, active PDF names), in chunks.

The bytes are copied to a spool (in memory up to ``SPOOL_MEMORY_BYTES``, then a temporary file)
so the source is read once; only the head and the tail stay in memory for checking.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from io import UnsupportedOperation
from typing import IO

from cryptography.hazmat.primitives import hashes
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from govhall.archive.errors import FileRefusal, file_refused
from govhall.archive.models import FileKind
from govhall.archive.polyglots import (
    EMBEDDED_MARKUP,
    MARKUP_OVERLAP,
    PDF_ACTIVE,
    PDF_ACTIVE_OVERLAP,
    ZIP_END_WINDOW,
    markup_found,
    pdf_active_name,
)
from govhall.archive.sniffing import HEAD_BYTES, SIGNATURE_BYTES, signature_kind

CHUNK_BYTES = 64 * 1024
SPOOL_MEMORY_BYTES = 1024 * 1024
TAIL_BYTES = ZIP_END_WINDOW
"""The end kept for the ``%%EOF`` marker of a PDF and a ZIP's end record (65,557 bytes: the
record and the longest comment), in an OFD or appended to another kind."""

# Bounded whitespace (the task's ``/Type\s*/Page[^s]``) so that a match never spans more than
# ``_PAGE_OVERLAP`` bytes and can be found across chunk boundaries.
PAGE_OBJECT = re.compile(rb"/Type\s{0,64}/Page[^s]")
_PAGE_OVERLAP = 128


class Sm3Hasher:
    """Incremental SM3 (GB/T 32905); ``core.crypto.sm3_hex`` hashes whole byte strings only."""

    def __init__(self) -> None:
        self._hash = hashes.Hash(hashes.SM3())

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.finalize().hex()


class StreamMatcher:
    """The matches of a regex over a stream fed in chunks, each found once and exactly as one
    ``finditer`` over the whole stream finds them.

    The pattern's matches (lookaheads included) must be at most ``overlap`` bytes long: the last
    ``overlap`` bytes of each buffer are searched again, complete, with the next chunk.
    """

    def __init__(self, pattern: re.Pattern[bytes], *, overlap: int) -> None:
        self._pattern = pattern
        self._overlap = overlap
        self._carry = b""
        self._resume = 0

    def feed(self, chunk: bytes) -> list[re.Match[bytes]]:
        buffer = self._carry + chunk
        limit = len(buffer) - self._overlap
        if limit <= 0:
            self._carry = buffer
            return []
        # A match starting before ``limit`` lies wholly in ``buffer``; later ones are found
        # again, complete, in the next buffer.
        found = []
        for match in self._pattern.finditer(buffer, self._resume):
            if match.start() >= limit:
                break
            found.append(match)
            self._resume = match.end()
        self._resume = max(0, self._resume - limit)
        self._carry = buffer[limit:]
        return found

    def finish(self) -> list[re.Match[bytes]]:
        found = list(self._pattern.finditer(self._carry, self._resume))
        self._carry = b""
        self._resume = 0
        return found


class PageObjectCounter:
    """Counts ``/Type /Page`` objects in a stream, exactly as one regex over the whole file.

    An estimate of a PDF's pages: an incremental update that rewrites a page adds an object
    (too many); pages inside compressed object streams (PDF 1.5+) are not visible (too few).
    """

    def __init__(self) -> None:
        self.count = 0
        self._matcher = StreamMatcher(PAGE_OBJECT, overlap=_PAGE_OVERLAP)

    def feed(self, chunk: bytes) -> None:
        self.count += len(self._matcher.feed(chunk))

    def finish(self) -> int:
        self.count += len(self._matcher.finish())
        return self.count


class FirstFinder:
    """The first match in a stream that ``accept`` takes (its text, e.g. a decoded PDF name);
    once found, later chunks are not searched at all."""

    def __init__(
        self,
        pattern: re.Pattern[bytes],
        *,
        overlap: int,
        accept: Callable[[re.Match[bytes]], str | None],
    ) -> None:
        self.found: str | None = None
        self._matcher = StreamMatcher(pattern, overlap=overlap)
        self._accept = accept

    def feed(self, chunk: bytes) -> None:
        if self.found is None:
            self._take(self._matcher.feed(chunk))

    def finish(self) -> str | None:
        if self.found is None:
            self._take(self._matcher.finish())
        return self.found

    def _take(self, matches: list[re.Match[bytes]]) -> None:
        for match in matches:
            self.found = self._accept(match)
            if self.found is not None:
                return


@dataclass(frozen=True, slots=True)
class Scan:
    size: int
    sm3: str
    head: bytes
    tail: bytes
    page_objects: int
    markup: str | None
    """The first HTML or SVG tag anywhere (``<script``), checked for images."""
    pdf_active: str | None
    """The first active PDF name (``/JavaScript``), checked for PDFs."""


class KindPatterns:
    """The patterns of the kind the first bytes announce, fed every byte from the first on: page
    objects and active names for a PDF, markup for a JPEG or PNG, nothing for the rest (OFD is
    checked entry by entry afterwards). Each search costs about as much as the SM3 digest's
    tenth, so a file is searched only for what its kind is refused for."""

    def __init__(self) -> None:
        self.pages = PageObjectCounter()
        self.markup = FirstFinder(EMBEDDED_MARKUP, overlap=MARKUP_OVERLAP, accept=markup_found)
        self.active = FirstFinder(PDF_ACTIVE, overlap=PDF_ACTIVE_OVERLAP, accept=pdf_active_name)
        self._feeders: list[Callable[[bytes], None]] | None = None
        self._pending = b""

    def feed(self, chunk: bytes) -> None:
        feeders = self._feeders
        if feeders is None:
            self._pending += chunk
            if len(self._pending) < SIGNATURE_BYTES:
                return
            feeders = self._choose()
            chunk, self._pending = self._pending, b""
        for feed in feeders:
            feed(chunk)

    def finish(self) -> None:
        if self._feeders is None:  # fewer bytes than a signature
            for feed in self._choose():
                feed(self._pending)
            self._pending = b""
        self.pages.finish()
        self.markup.finish()
        self.active.finish()

    def _choose(self) -> list[Callable[[bytes], None]]:
        kind = signature_kind(self._pending)
        if kind is FileKind.PDF:
            self._feeders = [self.pages.feed, self.active.feed]
        elif kind in (FileKind.JPG, FileKind.PNG):
            self._feeders = [self.markup.feed]
        else:
            self._feeders = []
        return self._feeders


def scan_upload(source: File[bytes], spool: IO[bytes], *, max_bytes: int) -> Scan:
    """Copy ``source`` into ``spool`` and measure it; refuse it once it passes ``max_bytes``."""
    # A stream that cannot seek is read from where it stands.
    with contextlib.suppress(AttributeError, UnsupportedOperation, ValueError):
        source.seek(0)
    hasher = Sm3Hasher()
    patterns = KindPatterns()
    size = 0
    head = b""
    tail = b""
    while chunk := source.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise file_refused(
                FileRefusal.TOO_LARGE,
                _("The file is larger than the limit of %(limit)s.")
                % {"limit": filesizeformat(max_bytes)},
            )
        hasher.update(chunk)
        patterns.feed(chunk)
        spool.write(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        tail = (tail + chunk[-TAIL_BYTES:])[-TAIL_BYTES:]
    spool.flush()
    spool.seek(0)
    patterns.finish()
    return Scan(
        size=size,
        sm3=hasher.hexdigest(),
        head=head,
        tail=tail,
        page_objects=patterns.pages.count,
        markup=patterns.markup.found,
        pdf_active=patterns.active.found,
    )
