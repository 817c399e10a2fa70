"""Small well-formed files for tests and demo data: real enough for the archive's checks (a PDF
with a catalog, a page tree, page objects, a cross-reference table and ``%%EOF``)."""

from __future__ import annotations


def make_pdf(*, pages: int = 1, comment: bytes = b"") -> bytes:
    """A minimal valid PDF with ``pages`` empty A4 pages; ``comment`` goes on line two."""
    kids = " ".join(f"{3 + index} 0 R" for index in range(pages))
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages,
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + (b"%" + comment + b"\n" if comment else b"")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


__all__ = ["make_pdf"]
