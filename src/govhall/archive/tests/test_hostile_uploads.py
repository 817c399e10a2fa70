"""Hostile uploads are refused with their own code and nothing is stored: archive bombs and traps
in OFD packages (ZIP), image decompression bombs, polyglots (a ZIP or web markup hidden in an
image or a PDF) and active PDFs. Every file is built here, in memory; the valid samples pass."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from govhall.archive.blobs import blob_name
from govhall.archive.containers import CHUNK_BYTES
from govhall.archive.models import StoredFile
from govhall.archive.samples import OFD_XML, make_ofd
from govhall.archive.services import stored_file_put
from govhall.archive.tests.conftest import (
    JFIF,
    JPEG,
    PDF,
    PNG,
    SCAN_AND_END,
    jpeg_frame,
    make_pdf,
    png_chunk,
    store_audits,
    upload,
)
from govhall.core.crypto import sm3_hex
from govhall.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

RANDOM = bytes((index * 7919 + 13) % 251 for index in range(4096))


def refusal(
    actor: Any, data: bytes, name: str, accept: list[str] | None = None
) -> list[dict[str, str]]:
    """The errors of a refused put, after checking that it wrote nothing."""
    rows, audits = StoredFile.objects.count(), len(store_audits())
    with pytest.raises(ValidationFailed) as raised:
        stored_file_put(actor=actor, uploaded=upload(data, name), declared_name=name, accept=accept)
    assert (StoredFile.objects.count(), len(store_audits())) == (rows, audits)
    assert not default_storage.exists(blob_name(sm3_hex(data)))
    return [error.as_dict() for error in raised.value.errors]


def codes(actor: Any, data: bytes, name: str, accept: list[str] | None = None) -> list[str]:
    return [error["code"] for error in refusal(actor, data, name, accept=accept)]


def ofd_codes(actor: Any, data: bytes) -> list[str]:
    return codes(actor, data, "公文.ofd", accept=["ofd"])


def stored(actor: Any, data: bytes, name: str, accept: list[str] | None = None) -> StoredFile:
    return stored_file_put(
        actor=actor, uploaded=upload(data, name), declared_name=name, accept=accept
    )


def message(actor: Any, data: bytes, name: str, accept: list[str] | None = None) -> str:
    with translation.override("en"):
        (error,) = refusal(actor, data, name, accept=accept)
    return error["message"]


def zip_of(*entries: tuple[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as package:
        for name, data in entries:
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 5, 9, 0, 0)), data)
    return buffer.getvalue()


def patched(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, *values)
    return bytes(out)


def directory_offset(data: bytes) -> int:
    end = data.rfind(b"PK\x05\x06")
    return int(struct.unpack_from("<L", data, end + 16)[0])


# ---------------------------------------------------------------------------- valid files


def test_the_samples_are_stored(citizen: Any) -> None:
    kinds = [
        (stored(citizen, PDF, "a.pdf").content_type),
        (stored(citizen, JPEG, "a.jpg").content_type),
        (stored(citizen, PNG, "a.png").content_type),
        (stored(citizen, make_ofd(), "a.ofd", accept=["ofd"]).content_type),
    ]
    assert kinds == ["application/pdf", "image/jpeg", "image/png", "application/ofd"]


def test_an_ofd_with_stored_images_and_directories_is_stored(citizen: Any) -> None:
    data = make_ofd(("Doc_0/Res/", b""), ("Doc_0/Res/image_1.jpg", JPEG + RANDOM))
    assert stored(citizen, data, "a.ofd", accept=["ofd"]).size == len(data)
    stored_only = make_ofd(("Doc_0/Res/image_1.png", PNG), method=zipfile.ZIP_STORED)
    assert stored(citizen, stored_only, "b.ofd", accept=["ofd"]).extension == "ofd"


class _Unseekable(io.RawIOBase):
    """What a streaming writer sees: it must put each entry's sizes in a data descriptor."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk: Any) -> int:
        self.data += chunk
        return len(chunk)


def test_an_ofd_written_with_data_descriptors_is_stored(citizen: Any) -> None:
    """Java's ZipOutputStream (most OFD producers) writes sizes after the data, flag bit 3."""
    sink = _Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", OFD_XML)
        package.writestr("Doc_0/Res/image_1.jpg", JPEG + RANDOM)
    data = bytes(sink.data)
    assert struct.unpack_from("<H", data, 6)[0] & 0x08

    assert stored(citizen, data, "a.ofd", accept=["ofd"]).size == len(data)


def test_a_photo_with_a_large_exif_segment_before_its_frame_is_measured(citizen: Any) -> None:
    """The frame header lies past the 8 KiB head: the segments are walked in the spool."""
    exif = b"\xff\xe1" + struct.pack(">H", 30_002) + b"Exif\x00\x00" + RANDOM * 7 + b"\x00" * 30_000
    exif = exif[: 4 + 30_000]
    photo = JFIF + exif + jpeg_frame(4000, 3000) + SCAN_AND_END
    assert stored(citizen, photo, "photo.jpg").size == len(photo)


def test_markup_after_the_first_kilobyte_of_a_pdf_is_content(citizen: Any) -> None:
    """A PDF may quote HTML in its text; only images are searched for markup throughout."""
    data = make_pdf(comment=b"x" * 2000 + b" <script>")
    assert stored(citizen, data, "a.pdf").size == len(data)


def test_a_harmless_escaped_pdf_name_is_content(citizen: Any) -> None:
    data = make_pdf(comment=b"/BaseFont /Times#20New#20Roman /JSON /JavaScripts")
    assert stored(citizen, data, "a.pdf").size == len(data)


# ---------------------------------------------------------------------------- archive bombs


def test_an_entry_compressed_more_than_100_to_1_is_a_bomb(citizen: Any) -> None:
    data = make_ofd(("Doc_0/Res/blank.xml", b"\x00" * (2 * 1024 * 1024)))
    assert len(data) < 5000
    assert ofd_codes(citizen, data) == ["file.archive_bomb"]
    assert message(citizen, data, "a.ofd", accept=["ofd"]) == (
        "The entry Doc_0/Res/blank.xml of the OFD file is compressed more than 100 to 1:"
        " a compression bomb."
    )


def test_a_small_entry_may_compress_well(citizen: Any) -> None:
    data = make_ofd(("Doc_0/Res/blank.xml", b" " * (1024 * 1024 - 1)))
    assert stored(citizen, data, "a.ofd", accept=["ofd"]).size == len(data)


def test_the_ratio_limit_is_a_setting(citizen: Any, settings: Any) -> None:
    data = make_ofd(("Doc_0/Res/blank.xml", b"\x00" * (2 * 1024 * 1024)))
    settings.GOVHALL = {**settings.GOVHALL, "UPLOAD_MAX_ARCHIVE_RATIO": 5000}
    assert stored(citizen, data, "a.ofd", accept=["ofd"]).size == len(data)


def test_an_entry_that_unpacks_to_more_than_it_declares_is_a_bomb(citizen: Any) -> None:
    """Sizes are not trusted: every entry is decompressed, never more than declared + 1 byte."""
    honest = make_ofd(("Doc_0/Res/lie.xml", b"<a/>" * 5000))
    record = honest.rindex(b"Doc_0/Res/lie.xml") - 46
    local = honest.index(b"Doc_0/Res/lie.xml") - 30
    lying = patched(patched(honest, record + 24, "<L", 100), local + 22, "<L", 100)
    assert ofd_codes(citizen, lying) == ["file.archive_bomb"]
    assert message(citizen, lying, "a.ofd", accept=["ofd"]) == (
        "The entry Doc_0/Res/lie.xml of the OFD file unpacks to more than it declares."
    )


def test_too_many_entries(citizen: Any, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "UPLOAD_MAX_ARCHIVE_ENTRIES": 4}
    assert stored(citizen, make_ofd(("Doc_0/a.xml", b"<a/>")), "a.ofd", accept=["ofd"])
    data = make_ofd(("Doc_0/a.xml", b"<a/>"), ("Doc_0/b.xml", b"<b/>"))
    assert ofd_codes(citizen, data) == ["file.archive_too_many_entries"]
    assert message(citizen, data, "a.ofd", accept=["ofd"]) == (
        "The OFD file holds more than 4 files."
    )


def test_too_many_bytes_once_unpacked(citizen: Any, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "UPLOAD_MAX_ARCHIVE_UNPACKED_BYTES": 4096}
    data = make_ofd(("Doc_0/Res/image.jpg", RANDOM))
    assert ofd_codes(citizen, data) == ["file.archive_too_large"]
    assert message(citizen, data, "a.ofd", accept=["ofd"]) == (
        "The OFD file unpacks to more than 4.0\xa0KB."
    )


def test_the_archive_limits_default_to_the_documented_values(settings: Any) -> None:
    assert (
        settings.GOVHALL["UPLOAD_MAX_ARCHIVE_ENTRIES"],
        settings.GOVHALL["UPLOAD_MAX_ARCHIVE_UNPACKED_BYTES"],
        settings.GOVHALL["UPLOAD_MAX_ARCHIVE_RATIO"],
        settings.GOVHALL["UPLOAD_MAX_IMAGE_PIXELS"],
    ) == (5000, 200 * 1024 * 1024, 100, 50_000_000)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("Doc_0/Res/inner.zip", b"not even a zip"),
        ("Doc_0/Res/other.ofd", b"x"),
        ("Doc_0/Res/data.tar.gz", b"x"),
        ("Doc_0/Res/image.png", zip_of(("a.txt", b"hidden"))),
        ("Doc_0/Res/image.jpg", b"\x1f\x8b\x08\x00" + RANDOM),
        ("Doc_0/Res/font.ttf", b"Rar!\x1a\x07\x00" + RANDOM),
        ("Doc_0/Res/blob", b"\x00" * 257 + b"ustar\x0000" + b"\x00" * 100),
    ],
)
def test_an_archive_inside_the_package_is_refused(citizen: Any, name: str, data: bytes) -> None:
    assert ofd_codes(citizen, make_ofd((name, data))) == ["file.archive_nested"]


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/cron.d/govhall",
        "Doc_0/../../outside.xml",
        "/etc/passwd",
        "\\Windows\\evil.dll",
        "C:/Users/Public/evil.xml",
        "Doc_0\\..\\..\\evil.xml",
    ],
)
def test_a_name_leading_outside_the_package_is_refused(citizen: Any, name: str) -> None:
    assert ofd_codes(citizen, make_ofd((name, b"<a/>"))) == ["file.archive_unsafe_path"]


def test_a_name_cut_short_by_a_nul_byte_is_refused(citizen: Any) -> None:
    """Readers in C end the name at the NUL (``a.xml\\0.jpg`` is written as ``a.xml``)."""
    data = make_ofd(("Doc_0/Res/a.xmlZ.jpg", b"<a/>")).replace(b".xmlZ.jpg", b".xml\x00.jpg")
    assert ofd_codes(citizen, data) == ["file.archive_unsafe_path"]


def test_an_encrypted_entry_is_refused(citizen: Any) -> None:
    honest = make_ofd(("Doc_0/Res/secret.xml", b"<a/>"))
    record = honest.rindex(b"Doc_0/Res/secret.xml") - 46
    local = honest.index(b"Doc_0/Res/secret.xml") - 30
    flags = struct.unpack_from("<H", honest, record + 8)[0]
    encrypted = patched(patched(honest, record + 8, "<H", flags | 1), local + 6, "<H", flags | 1)
    assert ofd_codes(citizen, encrypted) == ["file.archive_encrypted"]
    # Said only in the local header, where a check of the directory alone would miss it.
    assert ofd_codes(citizen, patched(honest, local + 6, "<H", flags | 1)) == [
        "file.archive_invalid"
    ]


def damaged_packages() -> list[tuple[bytes, str]]:
    ofd = make_ofd(("Doc_0/Res/image.jpg", JPEG + RANDOM), method=zipfile.ZIP_STORED)
    end = ofd.rfind(b"PK\x05\x06")
    start = directory_offset(ofd)
    image = ofd.index(JPEG + RANDOM)
    record = ofd.rindex(b"Doc_0/Res/image.jpg") - 46
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        duplicate = make_ofd(("OFD.xml", OFD_XML))
    return [
        (ofd[:-10], "its end record is missing"),
        (ofd + b"appended", "its end record is missing"),
        (patched(ofd, end + 8, "<HH", 5, 5), "its directory does not match its end record"),
        (
            patched(ofd, end + 8, "<HH", 3, 3),
            "its directory holds more entries than its end record says",
        ),
        (
            patched(ofd, end + 16, "<L", start - 1),
            "its directory is not where its end record says",
        ),
        (patched(ofd, start, "<4s", b"PK\x09\x09"), "its directory is damaged"),
        (patched(ofd, end + 4, "<H", 1), "it is split over several disks"),
        (patched(ofd, end + 8, "<HH", 0xFFFF, 0xFFFF), "it uses ZIP64 records"),
        (
            patched(ofd, image + 100, "<B", ofd[image + 100] ^ 1),
            "an entry is damaged (its size or checksum is wrong)",
        ),
        (patched(ofd, record + 42, "<L", 0), "its entries overlap"),
        (patched(ofd, record + 20, "<L", len(JPEG + RANDOM) + 999), "its entries overlap"),
        (
            patched(ofd, record + 10, "<H", 12),
            "an entry uses a compression method other than deflate",
        ),
        (duplicate, "the name OFD.xml appears twice"),
        (zip_of(("Doc_0/OFD.xml", OFD_XML)), "OFD.xml is missing"),
        (make_ofd(root=b"<ofd:OFD xmlns:ofd='x'><unclosed>"), "OFD.xml cannot be read"),
        (make_ofd(root=b"<html><OFD/></html>"), "OFD.xml is not an OFD entry file"),
        (
            make_ofd(root=b'<!DOCTYPE OFD [<!ENTITY a "aaaa">]><OFD>&a;</OFD>'),
            "OFD.xml declares a DTD",
        ),
    ]


@pytest.mark.parametrize(("data", "problem"), damaged_packages())
def test_a_damaged_or_ambiguous_package_is_refused_naming_the_damage(
    citizen: Any, data: bytes, problem: str
) -> None:
    assert ofd_codes(citizen, data) == ["file.archive_invalid"]
    assert message(citizen, data, "a.ofd", accept=["ofd"]) == (
        f"The OFD file is damaged: {problem}."
    )


# ---------------------------------------------------------------------------- image bombs


def png_of(width: int, height: int, *, crc: int | None = None) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = png_chunk(b"IHDR", header)
    if crc is not None:
        chunk = chunk[:-4] + struct.pack(">I", crc)
    idat = png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk + idat + png_chunk(b"IEND", b"")


def test_a_png_of_100000_by_100000_pixels_is_refused(citizen: Any) -> None:
    data = png_of(100_000, 100_000)
    assert codes(citizen, data, "scan.png") == ["file.too_many_pixels"]
    assert message(citizen, data, "scan.png") == (
        "The image is 100000 × 100000 pixels, more than the limit of 50 megapixels."
    )


def test_a_jpeg_frame_of_65535_by_65535_is_refused(citizen: Any) -> None:
    data = JFIF + jpeg_frame(65535, 65535) + SCAN_AND_END
    assert codes(citizen, data, "scan.jpg") == ["file.too_many_pixels"]


def test_a_progressive_jpeg_past_a_large_exif_segment_is_measured_too(citizen: Any) -> None:
    exif = b"\xff\xe1" + struct.pack(">H", 20_002) + b"Exif\x00\x00" + b"\x00" * 19_994
    data = JFIF + exif + jpeg_frame(10_000, 6_000, marker=0xC2) + SCAN_AND_END
    assert codes(citizen, data, "scan.jpg") == ["file.too_many_pixels"]


def test_the_pixel_limit_is_a_setting_and_inclusive(citizen: Any, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "UPLOAD_MAX_IMAGE_PIXELS": 6}
    assert stored(citizen, png_of(3, 2), "a.png").size > 0
    assert stored(citizen, JFIF + jpeg_frame(2, 3) + SCAN_AND_END, "a.jpg").size > 0
    assert codes(citizen, png_of(7, 1), "b.png") == ["file.too_many_pixels"]
    assert codes(citizen, JFIF + jpeg_frame(1, 7) + SCAN_AND_END, "b.jpg") == [
        "file.too_many_pixels"
    ]


@pytest.mark.parametrize(
    "data",
    [
        png_of(10, 10, crc=0),  # the IHDR's checksum
        png_of(0, 10),
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"tEXt", b"a\x00b") + PNG[8:],  # IHDR not first
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00",  # truncated
        JFIF + SCAN_AND_END,  # no frame header before the scan
        JFIF + b"\xff\xd9",  # none at all
        JFIF + b"\xff\xe1\x00",  # truncated segment
        JFIF + b"\xff\xfe\x00\x01" + jpeg_frame(1, 1),  # a length below 2
        JFIF + jpeg_frame(0, 10) + SCAN_AND_END,  # height defined later (DNL)
        JFIF + b"\x00\x00" + jpeg_frame(1, 1),  # not a marker
        JFIF + b"\xff" * 200 + b"\xc0",  # endless fill bytes
        JFIF + b"\xff\xfe\x00\x02" * 2000 + jpeg_frame(1, 1),  # 2,000 empty comments
    ],
)
def test_a_damaged_image_header_is_refused(citizen: Any, data: bytes) -> None:
    name = "a.png" if data.startswith(b"\x89PNG") else "a.jpg"
    assert codes(citizen, data, name) == ["file.image_invalid"]


def test_the_damaged_image_message(citizen: Any) -> None:
    assert message(citizen, png_of(10, 10, crc=0), "a.png") == (
        "The image is damaged: its header cannot be read."
    )


# ---------------------------------------------------------------------------- polyglots


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (JPEG + zip_of(("Main.class", b"\xca\xfe\xba\xbe" + RANDOM)), "photo.jpg"),
        (PNG + zip_of(("evil.html", b"alert(document.cookie)")), "photo.png"),
        (PDF + zip_of(("a", b"b")), "a.pdf"),
        # The end record with a 2,000-byte comment: still read by every ZIP reader.
        (JPEG + zip_of(("a", b"b"))[:-2] + struct.pack("<H", 2000) + b"c" * 2000, "a.jpg"),
    ],
)
def test_a_zip_appended_to_another_kind_is_refused(citizen: Any, data: bytes, name: str) -> None:
    assert codes(citizen, data, name) == ["file.polyglot"]


def png_with_text_at(offset: int, text: bytes) -> bytes:
    """A valid PNG with a filler chunk placing ``text`` at ``offset``."""
    start = PNG[:33]
    filler = offset - len(start) - 8 - 2
    chunk = png_chunk(b"tEXt", b"c\x00" + b"." * filler + text)
    data = start + chunk + PNG[33:]
    assert data.index(text) == offset
    return data


@pytest.mark.parametrize(
    "data",
    [
        png_with_text_at(20_000, b"<script>alert(document.cookie)</script>"),
        png_with_text_at(65_536 - 3, b"<script src=//evil.example>"),  # across two chunks
        png_with_text_at(200_000, b"<SVG/onload=alert(1)>"),
        JFIF + b"\xff\xfe\x08\x02" + b"." * 1900 + b"<iframe src=x>" + b"." * 142 + JPEG[20:],
        png_with_text_at(30_000, b"<img src=x onerror=alert(document.domain)>"),
        png_with_text_at(65_536 - 20, b"<video><source onerror='alert(1)'>"),
        png_with_text_at(40_000, b"<DETAILS open ONTOGGLE = alert(1)>"),
        png_with_text_at(50_000, b"<meta http-equiv=refresh content='0;url=javascript:x'>"),
    ],
)
def test_web_markup_anywhere_in_an_image_is_refused(citizen: Any, data: bytes) -> None:
    name = "a.png" if data.startswith(b"\x89PNG") else "a.jpg"
    assert codes(citizen, data, name) == ["file.polyglot"]


def test_the_polyglot_message_names_what_is_hidden(citizen: Any) -> None:
    assert message(citizen, png_with_text_at(20_000, b"< Script >"), "a.png") == (
        "The image also holds web page markup (<script); it is refused."
    )
    assert message(citizen, png_with_text_at(20_000, b"<IMG src=x OnError=1>"), "a.png") == (
        "The image also holds web page markup (<img onerror); it is refused."
    )
    assert message(citizen, JPEG + zip_of(("a", b"b")), "a.jpg") == (
        "The file also holds a ZIP archive (a hidden second file); it is refused."
    )


@pytest.mark.parametrize(
    ("body", "feature"),
    [
        (b"<< /S /JavaScript /JS (app.alert(1)) >>", "/JavaScript"),
        (b"<< /Names << /JavaScript 9 0 R >> >>", "/JavaScript"),
        (b"<< /S /Launch /F (cmd.exe) >>", "/Launch"),
        (b"<< /Names << /EmbeddedFiles 9 0 R >> >>", "/EmbeddedFiles"),
        (b"<< /Type /EmbeddedFile /Length 0 >>", "/EmbeddedFile"),
        (b"<< /Type /RichMedia >>", "/RichMedia"),
        (b"<< /AcroForm << /XFA 12 0 R >> >>", "/XFA"),
        (b"<< /AcroForm << /XFA [(preamble) 12 0 R] >> >>", "/XFA"),
        (b"<< /AcroForm << /XFA %a comment\n 12 0 R >> >>", "/XFA"),
        (b"<< /AcroForm << /XFA" + b" " * 40 + b"12 0 R >> >>", "/XFA"),
        (b"<< /S /Rendition /JS (app.alert(1)) /R 9 0 R >>", "/Rendition"),
        (b"<< /S /J#61vaScript /JS (x) >>", "/JavaScript"),
        (b"<< /S/#4A#61#76#61#53#63#72#69#70#74>>", "/JavaScript"),
        (b"<< /S /JavaScript /J#53 (x) >>", "/JavaScript"),
        (b"<< /Type /Action /J#53 (x) >>", "/JS"),
    ],
)
def test_a_pdf_with_active_content_is_refused(citizen: Any, body: bytes, feature: str) -> None:
    data = make_pdf(comment=b"\n1 0 obj\n" + body + b"\nendobj")
    assert codes(citizen, data, "a.pdf") == ["file.pdf_active_content"]
    assert message(citizen, data, "a.pdf") == (
        f"The PDF file contains active content ({feature}): scripts, programs, embedded files "
        "and dynamic forms are not accepted. Save or print it as a plain PDF and upload that."
    )


def test_active_content_across_a_chunk_boundary_is_found(citizen: Any) -> None:
    start = make_pdf()[:20]
    padding = 65_536 - len(start) - 1 - 5
    data = make_pdf(comment=b"x" * padding + b" /S /JavaScript")
    assert data.index(b"/JavaScript") < 65_536 < data.index(b"/JavaScript") + 11
    assert codes(citizen, data, "a.pdf") == ["file.pdf_active_content"]


def raw_zip(*entries: tuple[str, bytes, bytes]) -> bytes:
    """A ZIP of deflated entries whose compressed bytes are given as they are (name, plain,
    compressed), for damage the ``zipfile`` writer never makes."""
    local, central = b"", b""
    for name, plain, compressed in entries:
        raw = name.encode()
        crc = zlib.crc32(plain)
        fields = (8, 0x4800, 0x5C25, crc, len(compressed), len(plain), len(raw))
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, 0, len(local)
        )
        central += raw
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *fields, 0) + raw + compressed
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(local), 0
    )
    return local + central + end


def deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def test_damaged_compressed_data_is_refused_not_a_server_error(citizen: Any) -> None:
    """Invalid deflate data (a reserved block type), and bytes hidden after the end of an
    entry's compressed stream — in the chunk where it ends, or alone in the next one."""
    content = b"<a/>" * 100
    honest = raw_zip(
        ("OFD.xml", OFD_XML, deflated(OFD_XML)), ("Doc_0/a.xml", content, deflated(content))
    )
    assert stored(citizen, honest, "a.ofd", accept=["ofd"]).size == len(honest)
    reserved = raw_zip(
        ("OFD.xml", OFD_XML, deflated(OFD_XML)), ("Doc_0/a.xml", content, b"\x07" + b"\x00" * 20)
    )
    near = raw_zip(
        ("OFD.xml", OFD_XML, deflated(OFD_XML)),
        ("Doc_0/a.xml", content, deflated(content) + b"hidden"),
    )
    # A stream of one stored block that ends exactly where the first 64 KiB chunk of the entry
    # ends: the hidden bytes come alone in the next chunk.
    block = b"<a/>" * 16_382 + b"<b>"
    assert len(block) == CHUNK_BYTES - 5
    stream = b"\x01" + struct.pack("<2H", len(block), len(block) ^ 0xFFFF) + block
    assert zlib.decompress(stream, -zlib.MAX_WBITS) == block
    ofd = ("OFD.xml", OFD_XML, deflated(OFD_XML))
    assert stored(citizen, raw_zip(ofd, ("Doc_0/b.xml", block, stream)), "b.ofd", accept=["ofd"])
    later = raw_zip(ofd, ("Doc_0/b.xml", block, stream + b"hidden"))
    for damaged in (reserved, near, later):
        assert message(citizen, damaged, "a.ofd", accept=["ofd"]) == (
            "The OFD file is damaged: an entry is damaged (its compressed data)."
        )
