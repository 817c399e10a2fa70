"""A stored file goes to the browser as an attachment with its sniffed type, ``nosniff`` and a
``sandbox`` CSP, so uploaded bytes never run from our origin; Chinese names travel in
``filename*`` (RFC 6266)."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.archive.download import stored_file_response
from govhall.archive.models import StoredFile
from govhall.archive.services import stored_file_put
from govhall.archive.tests.conftest import JPEG, PDF, PNG, download_headers, upload

pytestmark = pytest.mark.django_db


def body(response: Any) -> bytes:
    content = b"".join(response.streaming_content)
    response.close()
    return content


def test_headers_are_exact(citizen: Any) -> None:
    stored = stored_file_put(actor=citizen, uploaded=upload(PDF), declared_name="a.pdf")

    response = stored_file_response(stored, download_name="营业执照 副本.pdf")

    assert dict(response.headers) == {
        "Content-Type": "application/pdf",
        "Content-Length": str(len(PDF)),
        "Content-Disposition": (
            "attachment; filename=\"file.pdf\"; filename*=UTF-8''"
            "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E5%89%AF%E6%9C%AC.pdf"
        ),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store",
    }
    assert body(response) == PDF


@pytest.mark.parametrize(
    ("download_name", "disposition"),
    [
        ("scan.jpeg", "attachment; filename=\"scan.jpeg\"; filename*=UTF-8''scan.jpeg"),
        ("photo", "attachment; filename=\"photo.jpg\"; filename*=UTF-8''photo.jpg"),
        ("page.html", "attachment; filename=\"page.html.jpg\"; filename*=UTF-8''page.html.jpg"),
        (
            '../"evil";.jpg',
            "attachment; filename=\"evil.jpg\"; filename*=UTF-8''_evil__.jpg",
        ),
        (
            "张三 身份证.JPG",
            'attachment; filename="file.jpg"; '
            "filename*=UTF-8''%E5%BC%A0%E4%B8%89%20%E8%BA%AB%E4%BB%BD%E8%AF%81.jpg",
        ),
    ],
)
def test_the_saved_name_keeps_the_stored_kinds_extension(
    citizen: Any, download_name: str, disposition: str
) -> None:
    stored = stored_file_put(actor=citizen, uploaded=upload(JPEG, "a.jpg"), declared_name="a.jpg")

    response = stored_file_response(stored, download_name=download_name)

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == disposition
    response.close()


def test_a_row_claiming_html_is_served_as_opaque_bytes(citizen: Any) -> None:
    stored = stored_file_put(actor=citizen, uploaded=upload(PDF), declared_name="a.pdf")
    StoredFile.objects.filter(pk=stored.pk).update(content_type="text/html")
    stored.refresh_from_db()

    response = stored_file_response(stored, download_name="a.pdf")

    assert response["Content-Type"] == "application/octet-stream"
    response.close()


@pytest.mark.parametrize(
    ("content_type", "extension"),
    [
        ("text/html", "pdf"),
        ("image/svg+xml", "png"),
        ("application/javascript", "jpg"),
        ("text/html; charset=utf-8", "jpg"),
        ("application/pdf", "html"),
        ("image/png", "pdf"),  # both servable, but not of one kind: the row was altered
        ("application/xhtml+xml", "svg"),
    ],
)
def test_a_tampered_row_never_chooses_the_type(
    citizen: Any, content_type: str, extension: str
) -> None:
    """The type comes from the kind (``FileKind`` → ``CONTENT_TYPES``), never from the row's
    strings; a row whose strings disagree goes out as opaque bytes under ``.bin``."""
    stored = stored_file_put(actor=citizen, uploaded=upload(PDF), declared_name="a.pdf")
    StoredFile.objects.filter(pk=stored.pk).update(content_type=content_type, extension=extension)
    stored.refresh_from_db()

    response = stored_file_response(stored, download_name="page.html")

    assert download_headers(response) == {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": (
            "attachment; filename=\"page.html.bin\"; filename*=UTF-8''page.html.bin"
        ),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
    }
    assert body(response) == PDF


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [(PDF, "a.pdf", "application/pdf"), (JPEG, "a.jpg", "image/jpeg"), (PNG, "a.png", "image/png")],
)
def test_each_kind_is_served_as_its_own_type(
    citizen: Any, data: bytes, name: str, content_type: str
) -> None:
    stored = stored_file_put(actor=citizen, uploaded=upload(data, name), declared_name=name)

    response = stored_file_response(stored, download_name=name)

    assert (response["Content-Type"], response["Content-Security-Policy"]) == (
        content_type,
        "sandbox",
    )
    assert response["Content-Disposition"].startswith("attachment;")
    response.close()
