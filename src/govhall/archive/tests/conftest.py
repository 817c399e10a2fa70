"""Archive fixtures: small real files built in code, a fresh in-memory storage per test, users.

The files are real enough for the checks that read them: the PDF has a catalog, a page tree,
page objects, a cross-reference table and ``%%EOF``; the PNG is a valid 1×1 image; the JPEG is
a JFIF header, a 1×1 frame header, a scan header and an end marker.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.archive.samples import make_pdf
from govhall.core.models import AuditRecord


def make_pdf_of_size(size: int) -> bytes:
    """A one-page PDF padded with a comment to exactly ``size`` bytes."""
    padding = 1
    padded = make_pdf(comment=b"x")
    while len(padded) != size:  # the xref offsets grow a digit now and then
        padding += size - len(padded)
        padded = make_pdf(comment=b"x" * padding)
    return padded


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    + png_chunk(b"IEND", b"")
)
JFIF = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def jpeg_frame(width: int, height: int, *, marker: int = 0xC0) -> bytes:
    """A start-of-frame segment (SOF0 by default): 8 bits, one grey component."""
    return (
        b"\xff" + bytes([marker]) + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    )


SCAN_AND_END = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x00\xff\xd9"
JPEG = JFIF + jpeg_frame(1, 1) + SCAN_AND_END
PDF = make_pdf()
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + (b"This program cannot be run in DOS mode.\r\n$")
)
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(data: bytes, name: str = "material.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def _fresh_storage(settings: Any) -> None:
    """Changing STORAGES makes Django build a new, empty in-memory default storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def clerk(db: Any) -> Any:
    return get_user_model().objects.create_user(username="clerk-kaiyang", password=None)


@pytest.fixture
def citizen(db: Any) -> Any:
    return get_user_model().objects.create_user(username="citizen-zhang", password=None)


def store_audits() -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action="archive.file.store").order_by("sequence"))


DOWNLOAD_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "X-Content-Type-Options",
    "Content-Security-Policy",
)


def download_headers(response: Any) -> dict[str, str]:
    """The headers that decide what a browser does with a download."""
    return {header: response[header] for header in DOWNLOAD_HEADERS}
