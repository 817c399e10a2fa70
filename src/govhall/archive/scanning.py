"""One pass over an upload: size, SM3 digest, head, tail and PDF page objects, in chunks.

The bytes are copied to a spool (in memory up to ``SPOOL_MEMORY_BYTES``, then a temporary file)
so the source is read once; only the head and the tail stay in memory for checking.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from io import UnsupportedOperation
from typing import IO

from cryptography.hazmat.primitives import hashes
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from govhall.archive.errors import FileRefusal, file_refused
from govhall.archive.sniffing import HEAD_BYTES

CHUNK_BYTES = 64 * 1024
SPOOL_MEMORY_BYTES = 1024 * 1024
TAIL_BYTES = 64 * 1024
"""The end kept for the ``%%EOF`` marker of a PDF and the central directory of an OFD."""

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


class PageObjectCounter:
    """Counts ``/Type /Page`` objects in a stream, exactly as one regex over the whole file.

    An estimate of a PDF's pages: an incremental update that rewrites a page adds an object
    (too many); pages inside compressed object streams (PDF 1.5+) are not visible (too few).
    """

    def __init__(self) -> None:
        self.count = 0
        self._carry = b""
        self._resume = 0

    def feed(self, chunk: bytes) -> None:
        buffer = self._carry + chunk
        limit = len(buffer) - _PAGE_OVERLAP
        if limit <= 0:
            self._carry = buffer
            return
        # A match starting before ``limit`` lies wholly in ``buffer``; later ones are found
        # again, complete, in the next buffer.
        for match in PAGE_OBJECT.finditer(buffer, self._resume):
            if match.start() >= limit:
                break
            self.count += 1
            self._resume = match.end()
        self._resume = max(0, self._resume - limit)
        self._carry = buffer[limit:]

    def finish(self) -> int:
        self.count += sum(1 for _match in PAGE_OBJECT.finditer(self._carry, self._resume))
        self._carry = b""
        self._resume = 0
        return self.count


@dataclass(frozen=True, slots=True)
class Scan:
    size: int
    sm3: str
    head: bytes
    tail: bytes
    page_objects: int


def scan_upload(source: File[bytes], spool: IO[bytes], *, max_bytes: int) -> Scan:
    """Copy ``source`` into ``spool`` and measure it; refuse it once it passes ``max_bytes``."""
    # A stream that cannot seek is read from where it stands.
    with contextlib.suppress(AttributeError, UnsupportedOperation, ValueError):
        source.seek(0)
    hasher = Sm3Hasher()
    pages = PageObjectCounter()
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
        pages.feed(chunk)
        spool.write(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        tail = (tail + chunk[-TAIL_BYTES:])[-TAIL_BYTES:]
    spool.flush()
    spool.seek(0)
    return Scan(
        size=size, sm3=hasher.hexdigest(), head=head, tail=tail, page_objects=pages.finish()
    )
