"""Small well-formed files for tests and demo data: real enough for the archive's checks (a PDF
with a catalog, a page tree, page objects, a cross-reference table and ``%%EOF``; an OFD package
with its entry file, a document and a page)."""

from __future__ import annotations

import io
import zipfile

OFD_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD">'
    b"<ofd:DocBody><ofd:DocInfo><ofd:DocID>0c8e1f3a</ofd:DocID></ofd:DocInfo>"
    b"<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
)
_OFD_DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData>'
    b"<ofd:MaxUnitID>2</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
    b"</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>"
    b'<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>'
)
_OFD_PAGE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content/></ofd:Page>'
)


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


def make_ofd(
    *extra: tuple[str, bytes], root: bytes = OFD_XML, method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """A minimal OFD (GB/T 33190) of one empty A4 page; ``extra`` entries are added after it."""
    entries = [
        ("OFD.xml", root),
        ("Doc_0/Document.xml", _OFD_DOCUMENT),
        ("Doc_0/Pages/Page_0/Content.xml", _OFD_PAGE),
        *extra,
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as package:
        for name, data in entries:
            # A fixed time: the same call gives the same bytes.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 5, 9, 0, 0))
            package.writestr(info, data, compress_type=method)
    return buffer.getvalue()


__all__ = ["OFD_XML", "make_ofd", "make_pdf"]
