"""Storing a material: the bytes are checked, named by their SM3 digest, written once to the
default storage, recorded in one row and audited in the same transaction."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from govhall.archive.blobs import blob_name
from govhall.archive.models import StoredFile
from govhall.archive.selectors import stored_file_for_sm3, stored_file_open
from govhall.archive.services import stored_file_put
from govhall.archive.tests.conftest import JPEG, PDF, PNG, make_pdf, store_audits, upload
from govhall.core.crypto import sm3_hex

pytestmark = pytest.mark.django_db


def test_pdf_is_stored_under_its_digest_with_one_audit_record(citizen: Any) -> None:
    sm3 = sm3_hex(PDF)

    stored = stored_file_put(actor=citizen, uploaded=upload(PDF), declared_name="营业执照.pdf")

    assert (stored.sm3, stored.size, stored.content_type, stored.extension) == (
        sm3,
        len(PDF),
        "application/pdf",
        "pdf",
    )
    assert stored.storage_name == f"blobs/{sm3[:2]}/{sm3[2:4]}/{sm3}"
    assert stored.page_count == 1
    assert stored.first_stored_by == citizen
    with default_storage.open(stored.storage_name, "rb") as blob:
        assert blob.read() == PDF
    [audit] = store_audits()
    assert (audit.actor, audit.object_type, audit.object_id) == (citizen, "stored_file", sm3)
    assert audit.data == {"size": len(PDF), "content_type": "application/pdf"}


@pytest.mark.parametrize(
    ("data", "name", "content_type", "extension"),
    [
        (JPEG, "身份证正面.jpg", "image/jpeg", "jpg"),
        (JPEG, "scan.JPEG", "image/jpeg", "jpg"),
        (PNG, "户口簿.png", "image/png", "png"),
        (PDF, "C:\\fakepath\\合同.PDF", "application/pdf", "pdf"),
        (PNG, "no-extension", "image/png", "png"),
    ],
)
def test_accepted_kinds_get_their_sniffed_type(
    citizen: Any, data: bytes, name: str, content_type: str, extension: str
) -> None:
    stored = stored_file_put(actor=citizen, uploaded=upload(data, name), declared_name=name)

    assert (stored.content_type, stored.extension, stored.size) == (
        content_type,
        extension,
        len(data),
    )
    assert stored.page_count is None or extension == "pdf"


def test_same_bytes_twice_are_one_row_one_blob_and_one_store_record(
    citizen: Any, clerk: Any
) -> None:
    first = stored_file_put(actor=citizen, uploaded=upload(PNG, "a.png"), declared_name="a.png")
    second = stored_file_put(actor=clerk, uploaded=upload(PNG, "b.png"), declared_name="b.png")

    assert second.pk == first.pk
    assert StoredFile.objects.count() == 1
    assert StoredFile.objects.get().first_stored_by == citizen
    directory = first.storage_name.rsplit("/", 1)[0]
    assert default_storage.listdir(directory) == ([], [first.sm3])
    # the second put wrote nothing: its caller's own record names the digest it used
    assert [audit.actor for audit in store_audits()] == [citizen]


def test_a_lost_insert_race_rereads_the_winners_row(citizen: Any, clerk: Any) -> None:
    """Two puts that both found no row: the unique digest lets one insert, the other re-reads."""
    winner = stored_file_put(actor=citizen, uploaded=upload(PDF), declared_name="a.pdf")

    with mock.patch("govhall.archive.services.files.stored_file_for_sm3", return_value=None):
        loser = stored_file_put(actor=clerk, uploaded=upload(PDF), declared_name="b.pdf")

    assert loser.pk == winner.pk
    assert StoredFile.objects.count() == 1
    assert [audit.actor for audit in store_audits()] == [citizen]


def test_a_failed_database_write_leaves_the_blob_unreferenced_and_a_retry_reuses_it(
    citizen: Any,
) -> None:
    sm3 = sm3_hex(PDF)
    with (
        mock.patch(
            "govhall.archive.services.files.audit_record_create", side_effect=RuntimeError("db")
        ),
        pytest.raises(RuntimeError),
    ):
        stored_file_put(actor=citizen, uploaded=upload(PDF), declared_name="a.pdf")
    assert StoredFile.objects.count() == 0
    assert default_storage.exists(blob_name(sm3))

    with mock.patch.object(default_storage, "save", wraps=default_storage.save) as save:
        stored = stored_file_put(actor=citizen, uploaded=upload(PDF), declared_name="a.pdf")

    assert save.call_count == 0
    assert stored.storage_name == blob_name(sm3)
    assert default_storage.listdir(f"blobs/{sm3[:2]}/{sm3[2:4]}") == ([], [sm3])
    assert [audit.object_id for audit in store_audits()] == [sm3]


def test_a_truncated_blob_left_by_a_crash_is_rewritten(citizen: Any) -> None:
    sm3 = sm3_hex(PDF)
    default_storage.save(blob_name(sm3), ContentFile(PDF[:10]))

    stored = stored_file_put(actor=citizen, uploaded=upload(PDF), declared_name="a.pdf")

    with stored_file_open(stored) as blob:
        assert blob.read() == PDF
    assert default_storage.listdir(f"blobs/{sm3[:2]}/{sm3[2:4]}") == ([], [sm3])


def test_the_system_may_store_files_without_a_person(db: Any) -> None:
    stored = stored_file_put(actor=None, uploaded=upload(PNG, "a.png"), declared_name="a.png")

    assert stored.first_stored_by is None
    [audit] = store_audits()
    assert (audit.actor, audit.actor_label) == (None, "system")


def test_pages_are_estimated_from_page_objects_up_to_the_limit(citizen: Any, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "UPLOAD_MAX_PDF_PAGES": 3}
    data = make_pdf(pages=3)

    stored = stored_file_put(actor=citizen, uploaded=upload(data), declared_name="plan.pdf")

    assert stored.page_count == 3


def test_a_file_may_be_read_back_by_its_digest(citizen: Any) -> None:
    stored = stored_file_put(actor=citizen, uploaded=upload(JPEG, "a.jpg"), declared_name="a.jpg")

    assert stored_file_for_sm3(stored.sm3.upper()) == stored
    assert stored_file_for_sm3("0" * 64) is None
    with stored_file_open(stored) as blob:
        assert blob.read() == JPEG


def test_a_plain_django_file_is_read_in_chunks(citizen: Any) -> None:
    data = make_pdf(comment=b"y" * 300_000)

    stored = stored_file_put(
        actor=citizen, uploaded=ContentFile(data, name="big.pdf"), declared_name="big.pdf"
    )

    assert (stored.sm3, stored.size, stored.page_count) == (sm3_hex(data), len(data), 1)


def test_an_unknown_accepted_kind_is_a_programming_error(citizen: Any) -> None:
    with pytest.raises(ValueError, match="accept must list"):
        stored_file_put(
            actor=citizen, uploaded=upload(PDF), declared_name="a.pdf", accept=["pdf", "docx"]
        )
