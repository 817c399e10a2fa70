"""An upload that is empty, too large, of a type not accepted, not what its name says, a broken
PDF, a PDF with too many pages, or web content is refused with its ``file.*`` code, and nothing
is written: no row, no audit record, no blob."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from govhall.archive.blobs import blob_name
from govhall.archive.models import StoredFile
from govhall.archive.services import stored_file_put
from govhall.archive.tests.conftest import (
    EXE,
    GIF,
    JPEG,
    PDF,
    PNG,
    SVG,
    make_pdf,
    make_pdf_of_size,
    store_audits,
    upload,
)
from govhall.core.crypto import sm3_hex
from govhall.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def refusal(
    actor: Any, data: bytes, name: str, *, accept: list[str] | None = None, max_bytes: int | None
) -> list[dict[str, str]]:
    with pytest.raises(ValidationFailed) as raised:
        stored_file_put(
            actor=actor,
            uploaded=upload(data, name),
            declared_name=name,
            accept=accept,
            max_bytes=max_bytes,
        )
    assert StoredFile.objects.count() == 0
    assert store_audits() == []
    assert not default_storage.exists(blob_name(sm3_hex(data)))
    return [error.as_dict() for error in raised.value.errors]


def codes(actor: Any, data: bytes, name: str, **options: Any) -> list[str]:
    options.setdefault("max_bytes", None)
    return [error["code"] for error in refusal(actor, data, name, **options)]


POLYGLOT_SCRIPT = make_pdf(comment=b"<script>fetch('/api/me')</script>")
POLYGLOT_HTML = b"<html><body>" + PDF
POLYGLOT_UPPERCASE = make_pdf(comment=b"<SCRIPT src=//evil.example>")


@pytest.mark.parametrize(
    ("data", "name", "accept", "code"),
    [
        (b"", "a.pdf", None, "file.empty"),
        (GIF, "photo.gif", None, "file.type_not_allowed"),
        (EXE, "setup.exe", None, "file.type_not_allowed"),
        (b"just some text\n", "note.txt", None, "file.type_not_allowed"),
        (PNG, "photo.png", ["pdf"], "file.type_not_allowed"),
        (PNG, "x.pdf", None, "file.type_mismatch"),
        (EXE, "invoice.pdf", None, "file.type_mismatch"),
        (JPEG, "photo.png", None, "file.type_mismatch"),
        (PDF, "contract.doc", None, "file.type_mismatch"),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "cut.pdf", None, "file.pdf_invalid"),
        (PDF + b"\n" * 2000, "trailing.pdf", None, "file.pdf_invalid"),
        (POLYGLOT_SCRIPT, "a.pdf", None, "file.type_not_allowed"),
        (POLYGLOT_HTML, "a.pdf", None, "file.type_not_allowed"),
        (POLYGLOT_UPPERCASE, "a.pdf", None, "file.type_not_allowed"),
        (SVG, "a.png", None, "file.type_not_allowed"),
        (b"\xef\xbb\xbf  <!DOCTYPE html><p>hi", "a.html", None, "file.type_not_allowed"),
    ],
)
def test_refused_with_its_code(
    citizen: Any, data: bytes, name: str, accept: list[str] | None, code: str
) -> None:
    assert codes(citizen, data, name, accept=accept) == [code]


def test_the_refusal_names_the_field_and_explains_in_words(citizen: Any) -> None:
    with translation.override("en"):
        errors = refusal(citizen, PNG, "x.pdf", max_bytes=None)

    assert errors == [
        {
            "field": "file",
            "code": "file.type_mismatch",
            "message": "The content of the file is not what its name (.pdf) says.",
        }
    ]


def test_exactly_the_size_limit_is_accepted_one_byte_more_is_refused(citizen: Any) -> None:
    data = make_pdf_of_size(4096)

    assert codes(citizen, data, "a.pdf", max_bytes=4095) == ["file.too_large"]
    stored = stored_file_put(
        actor=citizen, uploaded=upload(data), declared_name="a.pdf", max_bytes=4096
    )
    assert stored.size == 4096


def test_the_size_limit_defaults_to_the_setting(citizen: Any, settings: Any) -> None:
    data = make_pdf_of_size(2048)
    settings.GOVHALL = {**settings.GOVHALL, "UPLOAD_MAX_BYTES": 2047}

    assert codes(citizen, data, "a.pdf") == ["file.too_large"]
    settings.GOVHALL = {**settings.GOVHALL, "UPLOAD_MAX_BYTES": 2048}
    assert stored_file_put(actor=citizen, uploaded=upload(data), declared_name="a.pdf").size == 2048


def test_the_default_size_limit_is_20_mib(settings: Any) -> None:
    assert settings.GOVHALL["UPLOAD_MAX_BYTES"] == 20 * 1024 * 1024
    assert settings.GOVHALL["UPLOAD_MAX_PDF_PAGES"] == 300


def test_a_pdf_over_the_page_limit_is_refused(citizen: Any, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "UPLOAD_MAX_PDF_PAGES": 2}

    assert codes(citizen, make_pdf(pages=3), "plan.pdf") == ["file.too_many_pages"]
