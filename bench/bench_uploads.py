"""Throughput of the one pass over an upload, before and after the hostile-upload checks.

Why: every upload is read once in 64 KiB chunks (``archive.scanning.scan_upload``) while its
SM3 digest, PDF page objects and now the polyglot patterns (markup in images, active PDF names)
are taken; the new patterns must not make a 20 MB scan noticeably slower. This is not a test; it
prints figures. Run from the repository root:

    .venv/bin/python bench/bench_uploads.py

"before" is the scan as it was (SM3, the page-object regex, the copy to the spool), rebuilt here
from the same pieces; "after" is ``scan_upload`` itself, then the checks of the kind
(``archive.inspection.content_inspect``). Both run on the same bytes, in the same process, in turns,
best of ``REPEATS``. The files: a 20 MB PDF of 20 pages of incompressible "scanned" image streams
(random bytes, like JPEG data), a 20 MB JPEG of the same, and a 20 MB OFD (ZIP) of 200 entries.
"""

from __future__ import annotations

import io
import random
import re
import tempfile
import time
import zipfile
from collections.abc import Callable

from common import load_label, machine_label, setup_django

SIZE = 20_000_000
REPEATS = 9
CHUNK = 64 * 1024
OLD_PAGE_OBJECT = re.compile(rb"/Type\s{0,64}/Page[^s]")


def scanned_pdf(size: int, pages: int = 20) -> bytes:
    """A PDF of ``pages`` pages, each drawing one incompressible image stream."""
    rng = random.Random(7)
    image_bytes = (size - 2_000) // pages
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []

    def add(body: bytes) -> int:
        offsets.append(len(out))
        out.extend(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")
        return len(offsets)

    add(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{3 + 2 * index} 0 R" for index in range(pages))
    add(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for index in range(pages):
        add(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 "
            + f"{4 + 2 * index} 0 R >> >> >>".encode()
        )
        data = rng.randbytes(image_bytes)
        add(
            f"<< /Type /XObject /Subtype /Image /Width 2480 /Height 3508 /BitsPerComponent 8 "
            f"/ColorSpace /DeviceGray /Filter /DCTDecode /Length {len(data)} >>\nstream\n".encode()
            + data
            + b"\nendstream"
        )
    xref = len(out)
    out.extend(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    out.extend(b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets))
    out.extend(
        f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def photo_jpeg(size: int) -> bytes:
    """A JPEG header (SOF0 4000 × 3000) and incompressible data without markers."""
    rng = random.Random(8)
    header = (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        b"\xff\xc0\x00\x0b\x08\x0b\xb8\x0f\xa0\x01\x01\x11\x00\xff\xda\x00\x08\x01\x01\x00\x00?\x00"
    )
    body = rng.randbytes(size - len(header) - 2).replace(b"\xff", b"\xfe")
    return header + body + b"\xff\xd9"


def ofd_package(size: int, entries: int = 200) -> bytes:
    """An OFD of ``entries`` stored page images and its entry file."""
    rng = random.Random(9)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "OFD.xml",
            '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"'
            ' Version="1.0" DocType="OFD"><ofd:DocBody/></ofd:OFD>',
        )
        for index in range(entries):
            package.writestr(
                f"Doc_0/Res/image_{index}.jpg",
                rng.randbytes(size // entries - 200),
                compress_type=zipfile.ZIP_STORED,
            )
    return buffer.getvalue()


def scan_before(data: bytes) -> int:
    """The scan as it was: SM3, page objects across chunks, the copy to a spool, head and tail."""
    from govhall.archive.scanning import Sm3Hasher

    hasher = Sm3Hasher()
    count, carry, resume = 0, b"", 0
    head, tail = b"", b""
    source = io.BytesIO(data)
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        while chunk := source.read(CHUNK):
            hasher.update(chunk)
            buffer = carry + chunk
            limit = len(buffer) - 128
            if limit > 0:
                for match in OLD_PAGE_OBJECT.finditer(buffer, resume):
                    if match.start() >= limit:
                        break
                    count += 1
                    resume = match.end()
                resume = max(0, resume - limit)
                carry = buffer[limit:]
            else:
                carry = buffer
            spool.write(chunk)
            if len(head) < 8192:
                head += chunk[: 8192 - len(head)]
            tail = (tail + chunk[-65536:])[-65536:]
        hasher.hexdigest()
    return count + len(list(OLD_PAGE_OBJECT.finditer(carry, resume)))


def scan_after(data: bytes) -> int:
    """``scan_upload`` and the checks of the sniffed kind, as ``stored_file_put`` runs them."""
    from django.core.files.base import ContentFile

    from govhall.archive.inspection import content_inspect
    from govhall.archive.scanning import scan_upload
    from govhall.archive.sniffing import sniff

    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        scan = scan_upload(ContentFile(data), spool, max_bytes=len(data))
        kind = sniff(scan.head, scan.tail).kind
        assert kind is not None
        content_inspect(kind, scan, spool)
    return scan.page_objects


def best_mb_per_second(runs: list[Callable[[bytes], int]], data: bytes) -> list[float]:
    """The best of ``REPEATS`` of each run, taken in turns so that a busy moment of the machine
    falls on both alike."""
    best = [float("inf")] * len(runs)
    for _ in range(REPEATS):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            run(data)
            best[index] = min(best[index], time.perf_counter() - started)
    return [len(data) / seconds / 1_000_000 for seconds in best]


def main() -> None:
    setup_django()
    print(machine_label())
    files = {
        "PDF": scanned_pdf(SIZE),
        "JPEG": photo_jpeg(SIZE),
        "OFD": ofd_package(SIZE),
    }
    for label, data in files.items():
        before, after = best_mb_per_second([scan_before, scan_after], data)
        print(
            f"{label} {len(data) / 1_000_000:.1f} MB: before {before:.0f} MB/s, "
            f"after {after:.0f} MB/s ({after / before:.0%})"
        )
    print(f"at the end: {load_label()}")


if __name__ == "__main__":
    main()
