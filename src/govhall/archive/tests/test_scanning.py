"""The one pass over an upload: SM3 in chunks equals SM3 of the whole (GB/T 32905 test vector),
and page objects are counted across chunk boundaries exactly as one regex over the file."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile

from govhall.archive.errors import FileRefusal
from govhall.archive.scanning import PAGE_OBJECT, PageObjectCounter, Sm3Hasher, scan_upload
from govhall.archive.sniffing import declared_extension, has_active_markup, sniff
from govhall.archive.tests.conftest import EXE, JPEG, PDF, PNG, make_pdf
from govhall.core.errors import ValidationFailed

ABC_SM3 = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_of_abc_is_the_standard_test_vector_in_any_chunking() -> None:
    for parts in ([b"abc"], [b"a", b"bc"], [b"", b"ab", b"", b"c"]):
        hasher = Sm3Hasher()
        for part in parts:
            hasher.update(part)
        assert hasher.hexdigest() == ABC_SM3


@pytest.mark.parametrize("chunk", [1, 7, 64, 127, 128, 129, 1000])
def test_page_objects_are_counted_across_any_chunk_boundary(chunk: int) -> None:
    data = make_pdf(pages=5) + b"/Type\n\n/Page\n/Type/Pages /Type /Page>>" + b" " * 200
    expected = len(PAGE_OBJECT.findall(data))
    counter = PageObjectCounter()

    for start in range(0, len(data), chunk):
        counter.feed(data[start : start + chunk])

    assert (expected, counter.finish()) == (7, 7)


def test_scan_copies_the_bytes_and_keeps_head_and_tail() -> None:
    data = make_pdf(pages=2, comment=b"z" * 200_000)
    spool = io.BytesIO()

    scan = scan_upload(ContentFile(data), spool, max_bytes=len(data))

    assert spool.getvalue() == data
    assert (scan.size, scan.head, scan.tail, scan.page_objects) == (
        len(data),
        data[:8192],
        data[-65557:],
        2,
    )


def test_scan_stops_reading_past_the_limit() -> None:
    spool = io.BytesIO()

    with pytest.raises(ValidationFailed) as raised:
        scan_upload(ContentFile(b"x" * 200_000), spool, max_bytes=1000)

    assert [error.code for error in raised.value.errors] == [FileRefusal.TOO_LARGE.value]
    assert spool.getvalue() == b""


@pytest.mark.parametrize(
    ("data", "kind", "content_type"),
    [
        (PDF, "pdf", "application/pdf"),
        (JPEG, "jpg", "image/jpeg"),
        (PNG, "png", "image/png"),
        (
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 16 + b"\x07\x00\x00\x00OFD.xml",
            "ofd",
            "application/ofd",
        ),
        (
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 16 + b"\x0b\x00\x00\x00word/x.xml",
            None,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (EXE[:2] + b"\x00" * 8, None, "application/octet-stream"),
    ],
)
def test_sniffing_reads_the_content(data: bytes, kind: str | None, content_type: str) -> None:
    sniffed = sniff(data, data)

    assert (sniffed.kind, sniffed.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    ("name", "extension"),
    [("a.PDF", "pdf"), ("C:\\Users\\张\\身份证.Jpeg", "jpeg"), ("archive.tar.gz", "gz"), ("x", "")],
)
def test_the_declared_extension_is_the_last_suffix(name: str, extension: str) -> None:
    assert declared_extension(name) == extension


def test_markup_after_the_first_kilobyte_is_content_not_a_page() -> None:
    assert has_active_markup(b"%PDF-1.4\n<script>")
    assert not has_active_markup(b"%PDF-1.4\n" + b" " * 1024 + b"<script>")
