"""Verification re-reads every entry's bytes and recomputes every link: an intact archive is
reported intact, and every alteration — bytes changed or deleted in the storage, a row changed,
entries reordered or removed, a volume's description changed, volumes cut off — is reported with
its code; ``govhall archive-verify`` prints them and exits non-zero."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from govhall.archive.models import ArchiveEntry, ArchiveVolume
from govhall.archive.tests.volumes import archive
from govhall.archive.verification import ArchiveVerification, archive_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(department: Any) -> Any:
    return department("520121", "开阳县市场监督管理局")


@pytest.fixture
def volumes(bureau: Any) -> list[ArchiveVolume]:
    return [
        archive(bureau, "520121260316000001"),
        archive(bureau, "520121260316000002", outcome="withdrawn"),
    ]


def found(report: ArchiveVerification) -> list[tuple[str, str, int | None]]:
    return [(p.code, p.case_number, p.entry) for p in report.problems]


def entry(case_number: str, sequence: int) -> ArchiveEntry:
    return ArchiveEntry.objects.select_related("stored_file").get(
        volume__case_number=case_number, sequence=sequence
    )


def test_an_intact_archive_is_reported_intact_with_what_was_read(
    volumes: list[ArchiveVolume],
) -> None:
    report = archive_verify()

    total = sum(e.size for e in ArchiveEntry.objects.all())
    assert (report.intact, report.volumes, report.entries, report.bytes_read) == (
        True,
        2,
        8,
        total,
    )


def test_an_empty_archive_is_intact() -> None:
    assert (archive_verify().intact, archive_verify().volumes) == (True, 0)


def test_changed_bytes_in_the_storage_are_found(volumes: list[ArchiveVolume]) -> None:
    name = entry("520121260316000001", 2).stored_file.storage_name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"\x89PNG forged"))

    report = archive_verify()

    # The same PNG is entry 2 of both volumes (content-addressed): both are reported.
    assert found(report) == [
        ("file.changed", "520121260316000001", 2),
        ("file.changed", "520121260316000002", 2),
    ]


def test_a_deleted_file_is_found(volumes: list[ArchiveVolume]) -> None:
    default_storage.delete(entry("520121260316000002", 1).stored_file.storage_name)

    # The form record's bytes are entry 1 of both volumes (content-addressed).
    assert found(archive_verify()) == [
        ("file.missing", "520121260316000001", 1),
        ("file.missing", "520121260316000002", 1),
    ]


def test_a_file_that_cannot_be_read_is_not_intact(
    volumes: list[ArchiveVolume], monkeypatch: Any
) -> None:
    def broken(storage: Any, name: str, mode: str = "rb") -> Any:
        raise PermissionError(name)

    monkeypatch.setattr(InMemoryStorage, "open", broken)

    report = archive_verify()

    assert not report.intact
    assert {p.code for p in report.problems} == {"file.unreadable"}
    assert len(report.problems) == 8
    assert report.problems[0].message == "文件无法读取：PermissionError"


def test_a_changed_entry_row_is_found(volumes: list[ArchiveVolume]) -> None:
    ArchiveEntry.objects.filter(pk=entry("520121260316000001", 3).pk).update(title="户口簿")

    assert found(archive_verify()) == [("entry.altered", "520121260316000001", 3)]


def test_an_entry_pointed_at_other_bytes_is_found(volumes: list[ArchiveVolume]) -> None:
    other = entry("520121260316000001", 1).stored_file
    ArchiveEntry.objects.filter(pk=entry("520121260316000001", 3).pk).update(stored_file=other)

    assert found(archive_verify()) == [("file.changed", "520121260316000001", 3)]


def test_reordered_entries_are_found(volumes: list[ArchiveVolume]) -> None:
    second, third = entry("520121260316000001", 2), entry("520121260316000001", 3)
    ArchiveEntry.objects.filter(pk=second.pk).update(sequence=99)
    ArchiveEntry.objects.filter(pk=third.pk).update(sequence=2)
    ArchiveEntry.objects.filter(pk=second.pk).update(sequence=3)

    assert found(archive_verify()) == [
        ("entry.reordered", "520121260316000001", 2),
        ("entry.altered", "520121260316000001", 2),
        ("entry.reordered", "520121260316000001", 3),
        ("entry.altered", "520121260316000001", 3),
        ("entry.reordered", "520121260316000001", 4),
    ]


def test_a_removed_entry_is_found(volumes: list[ArchiveVolume]) -> None:
    ArchiveEntry.objects.filter(pk=entry("520121260316000001", 2).pk).delete()
    ArchiveEntry.objects.filter(pk=entry("520121260316000002", 4).pk).delete()

    assert found(archive_verify()) == [
        ("entry.missing", "520121260316000001", 2),
        ("entry.chain_broken", "520121260316000001", 3),
        ("volume.incomplete", "520121260316000001", None),
        ("volume.incomplete", "520121260316000002", None),
    ]


def test_a_changed_volume_description_is_found(volumes: list[ArchiveVolume]) -> None:
    ArchiveVolume.objects.filter(case_number="520121260316000001").update(retention="10y")

    assert found(archive_verify()) == [("volume.altered", "520121260316000001", None)]


def test_removed_volumes_are_found(volumes: list[ArchiveVolume], bureau: Any) -> None:
    archive(bureau, "520121260316000003")
    for number in ("520121260316000002", "520121260316000003"):
        ArchiveEntry.objects.filter(volume__case_number=number).delete()
        ArchiveVolume.objects.filter(case_number=number).delete()

    assert found(archive_verify()) == [("head.mismatch", "", None)]


def test_a_removed_volume_in_the_middle_breaks_the_chain(
    volumes: list[ArchiveVolume], bureau: Any
) -> None:
    archive(bureau, "520121260316000003")
    ArchiveEntry.objects.filter(volume__case_number="520121260316000002").delete()
    ArchiveVolume.objects.filter(case_number="520121260316000002").delete()

    assert found(archive_verify()) == [
        ("volume.missing", "520121260316000003", None),
        ("volume.chain_broken", "520121260316000003", None),
    ]


def test_a_volume_slipped_in_after_the_head_is_found(volumes: list[ArchiveVolume]) -> None:
    forged = ArchiveVolume.objects.get(case_number="520121260316000002")
    forged.pk = None
    forged.uuid = None  # type: ignore[assignment]
    ArchiveVolume.objects.bulk_create(
        [
            ArchiveVolume(
                **{
                    f.attname: getattr(forged, f.attname)
                    for f in ArchiveVolume._meta.concrete_fields
                    if f.attname not in {"id", "uuid"}
                }
                | {"sequence": 3, "case_number": "520121260316000009", "hash": "f" * 64}
            )
        ]
    )

    assert found(archive_verify()) == [("head.mismatch", "520121260316000009", None)]


def test_the_command_prints_a_summary_and_exits_zero_when_intact(
    volumes: list[ArchiveVolume],
) -> None:
    out = StringIO()
    call_command("archive_verify", stdout=out)

    total = sum(e.size for e in ArchiveEntry.objects.all())
    assert out.getvalue() == f"archive intact: 2 volumes, 8 entries, {total} bytes read\n"


def test_the_command_names_each_problem_and_exits_non_zero(
    volumes: list[ArchiveVolume],
) -> None:
    default_storage.delete(entry("520121260316000002", 3).stored_file.storage_name)
    ArchiveVolume.objects.filter(case_number="520121260316000001").update(item_name="改过的")
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("archive_verify", stderr=err)

    assert err.getvalue().splitlines() == [
        "volume.altered 520121260316000001: 案卷的描述与归档时不一致。",
        "file.missing 520121260316000001 #3: 存储中找不到该文件。",
        "file.missing 520121260316000002 #3: 存储中找不到该文件。",
    ]
    assert str(raised.value).startswith("archive is not intact: 3 problem(s); 2 volumes, 8 entries")
    assert raised.value.returncode == 1
