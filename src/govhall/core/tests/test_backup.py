"""Backups (issue 7): ``govhall backup`` writes one consistent, SM4-encrypted, SM3-hashed file of
the database and the stored files; ``govhall restore`` brings it back into an empty
installation with the same rows in every table, the same cases, licences that still verify,
materials with the same bytes and digests, and the same audit chain. It refuses a missing or
wrong key, a file with any byte changed, an installation that is not empty and a different
migration state — and then nothing is written.

The "empty installation" is this very test database made what ``govhall migrate`` leaves in a
new one (every table emptied, the migrations' own rows put back, pytest-django's serialized
copy of the freshly migrated database) with an empty storage directory.
"""

from __future__ import annotations

import datetime
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import boto3
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from moto.server import ThreadedMotoServer

from govhall.archive.models import StoredFile
from govhall.archive.samples import make_pdf
from govhall.cases.models import Case
from govhall.cases.services.actions import case_act
from govhall.cases.services.drafts import draft_save, material_upload
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    clerk,
    handling_item,
    implementation,
    publish,
    version,
    yang,
    zhang,
)
from govhall.catalog.models import ItemVersion, MaterialRequirement
from govhall.conf.storage import default_storage_setting
from govhall.core.audit import audit_chain_verify, audit_record_create
from govhall.core.backup import (
    BackupError,
    BackupProblem,
    backup_restore,
    backup_verify,
    backup_write,
)
from govhall.core.backup import database as backup_database
from govhall.core.backup.database import backed_up_models, occupying_models, read_snapshot
from govhall.core.backup.sealing import SM4_CTR_HMAC_SM3, SM4_GCM, sm4_gcm_available
from govhall.core.crypto import sm3_hex
from govhall.core.identifiers import build_credit_code
from govhall.core.models import AuditHead, AuditRecord
from govhall.core.outbox import outbox_dispatch
from govhall.identity.models import Person, User
from govhall.licenses.models import License, LicenseType
from govhall.licenses.services.seals import seal_create
from govhall.licenses.verification import license_verify

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"
OTHER_KEY = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
MCA_CODE = build_credit_code(area="100000", organisation="00001302")
BLANK_FORM = "catalog/forms/最低生活保障申请表.pdf"


def _use_storage(settings: Any, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": FILE_SYSTEM, "OPTIONS": {"location": str(root)}},
    }


@pytest.fixture
def s3(settings: Any, monkeypatch: Any) -> Iterator[Any]:
    """moto's S3 server on loopback with an empty source and target bucket; ``use(bucket)``
    points the default storage at one through the installation's environment variables."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        for bucket in ("govhall-source", "govhall-target"):
            client.create_bucket(Bucket=bucket)

        def use(bucket: str) -> None:
            for name, value in {
                "GOVHALL_S3_BUCKET": bucket,
                "GOVHALL_S3_ENDPOINT_URL": endpoint,
                "GOVHALL_S3_REGION": "us-east-1",
                "GOVHALL_S3_ADDRESSING_STYLE": "path",
                "GOVHALL_S3_ACCESS_KEY_ID": "testing",
                "GOVHALL_S3_SECRET_ACCESS_KEY": "testing",
            }.items():
                monkeypatch.setenv(name, value)
            settings.STORAGES = {**settings.STORAGES, "default": default_storage_setting()}

        def keys(bucket: str) -> list[str]:
            listed = client.list_objects_v2(Bucket=bucket)
            return sorted(item["Key"] for item in listed.get("Contents", []))

        yield SimpleNamespace(use=use, keys=keys)
    finally:
        server.stop()


@pytest.fixture
def source_storage(request: Any, settings: Any, tmp_path: Path) -> None:
    """Where the platform keeps its files: a directory, or (indirect ``"s3"``) a bucket."""
    if getattr(request, "param", "files") == "s3":
        request.getfixturevalue("s3").use("govhall-source")
    else:
        _use_storage(settings, tmp_path / "source")


def _stored_names(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def _submit(item_version: ItemVersion, person: Person, key: str) -> Case:
    """Submit through the case services with materials of this case's own bytes."""
    user = person.user
    draft, _problems = draft_save(
        actor=user,
        version_uuid=item_version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        form_data={},
    )
    requirements = item_version.materials.filter(source="applicant", is_required=True)
    uploads = [
        material_upload(
            actor=user,
            draft=draft,
            requirement_uuid=requirement.uuid,
            uploaded=SimpleUploadedFile(
                "材料.pdf",
                make_pdf(comment=f"{key}-{index}".encode()),
                content_type="application/pdf",
            ),
        ).uuid
        for index, requirement in enumerate(requirements)
    ]
    case, _created = case_submit(
        actor=user,
        version_uuid=item_version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="web",
        form_data={},
        idempotency_key=key,
        materials=uploads,
    )
    return case


@pytest.fixture
def platform(
    source_storage: None,
    tmp_path: Path,
    version: ItemVersion,  # noqa: F811
    zhang: Person,  # noqa: F811
    yang: Person,  # noqa: F811
    clerk: User,  # noqa: F811
) -> dict[str, Any]:
    """A running platform: a granted case whose licence was issued and SM2-signed, a case
    waiting in the queue, uploaded materials, a blank form in the catalog, the audit chain."""
    today = timezone.localdate()
    department = version.handling_item.implementation.department
    seal_create(
        department=department,
        name="开阳县民政局行政审批专用章",
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=3000),
        actor=None,
    )
    certificate = LicenseType.objects.create(
        name="最低生活保障金领取证",
        type_code=f"{MCA_CODE}012",
        defining_authority="中华人民共和国民政部",
        face_schema={
            "fields": [{"name": "household_size", "type": "integer", "label": "保障人口", "min": 1}]
        },
        validity_years=1,
        holder_kind="person",
    )
    certificate.items.add(version.handling_item.implementation.base_item)
    granted = _submit(version, zhang, "zhang")
    Case.objects.filter(pk=granted.pk).update(form_data={"household_size": 3})
    granted.refresh_from_db()
    granted = case_act(case=granted, action="accept", actor=clerk)
    granted = case_act(case=granted, action="review", actor=clerk, opinion="经入户调查，情况属实。")
    granted = case_act(case=granted, action="approve", actor=clerk, opinion="符合条件。")
    outbox_dispatch()
    waiting = _submit(version, yang, "yang")
    # Fixture shortcut: a catalog's blank form (a FileField) written as the admin would.
    name = default_storage.save(BLANK_FORM, ContentFile(make_pdf(comment=b"blank form")))
    MaterialRequirement.objects.filter(version=version).update(blank_form=name)
    return {"granted": granted, "waiting": waiting, "source": tmp_path / "source"}


def _table_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order, as the database returns it."""

    def plain(value: Any) -> Any:
        return bytes(value) if isinstance(value, memoryview) else value

    return {
        model._meta.label_lower: [
            tuple(plain(value) for value in row)
            for row in model._base_manager.order_by("pk").values_list()
        ]
        for model in backed_up_models("default")
    }


def _platform_state() -> dict[str, Any]:
    head = AuditHead.objects.get(pk=1)
    return {
        "cases": list(Case.objects.order_by("number").values_list("number", "state")),
        "licenses": list(License.objects.values_list("identifier", "holder_name", "face")),
        "files": {
            stored.sm3: default_storage.open(stored.storage_name, "rb").read()
            for stored in StoredFile.objects.all()
        },
        "blank_form": default_storage.open(BLANK_FORM, "rb").read(),
        "audit_head": (head.last_sequence, head.last_hash),
        "audit_records": AuditRecord.objects.count(),
    }


def _empty_database() -> None:
    """This database as ``govhall migrate`` leaves a new installation."""
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connection.creation.deserialize_db_from_string(
        connection._test_serialized_contents  # type: ignore[attr-defined]
    )
    ContentType.objects.clear_cache()
    assert occupying_models("default") == []


def _empty_installation(settings: Any, storage_root: Path) -> None:
    """A new installation: the freshly migrated database and an empty storage directory."""
    _empty_database()
    _use_storage(settings, storage_root)
    assert _stored_names(storage_root) == []


def _assert_nothing_written(storage_root: Path) -> None:
    assert occupying_models("default") == []
    assert AuditRecord.objects.count() == 0
    assert _stored_names(storage_root) == []


def _backup(tmp_path: Path, **options: Any) -> Path:
    path = tmp_path / "platform.ghbak"
    backup_write(destination=path, **options)
    return path


def test_restore_brings_back_the_same_platform_into_an_empty_installation(
    platform: dict[str, Any], settings: Any, tmp_path: Path, capsys: Any
) -> None:
    # given a running platform, and what it holds at the moment of the backup
    rows = _table_rows()
    state = _platform_state()
    assert [state_ for _number, state_ in state["cases"]] == ["approved", "submitted"]
    assert len(state["files"]) == 4  # two materials of each case, each its own bytes
    assert [license_verify(i).current for i, *_rest in state["licenses"]] == [True]
    # when it is backed up by the command …
    call_command("backup", str(tmp_path / "platform.ghbak"))
    written = capsys.readouterr()
    assert "backup written:" in written.out
    assert "INSECURE_DEVELOPMENT_BACKUP_KEY" in written.err
    assert AuditRecord.objects.filter(action="core.backup.create").count() == 1
    # … and restored into an empty installation with an empty storage
    _empty_installation(settings, tmp_path / "target")
    call_command("restore", str(tmp_path / "platform.ghbak"))
    output = capsys.readouterr().out
    # then every table holds exactly the rows it held at the backup's snapshot
    restored_rows = _table_rows()
    assert restored_rows.keys() == rows.keys()
    assert {label: len(r) for label, r in restored_rows.items()} == {
        label: len(r) for label, r in rows.items()
    }
    assert [label for label in rows if restored_rows[label] != rows[label]] == []
    # and the platform is the same: cases, files (bytes and digests), licences, audit chain
    assert _platform_state() == state
    for stored in StoredFile.objects.all():
        assert sm3_hex(state["files"][stored.sm3]) == stored.sm3
        assert (tmp_path / "target" / stored.storage_name).read_bytes() == (
            platform["source"] / stored.storage_name
        ).read_bytes()
    for license in License.objects.all():
        verification = license_verify(license.identifier)
        assert (verification.genuine, verification.current) == (True, True)
    assert list(audit_chain_verify()) == []
    # the backup's own audit record came after its snapshot: the chain ends where it did
    assert AuditRecord.objects.filter(action="core.backup.create").count() == 0
    sequence, head_hash = state["audit_head"]
    assert f"audit chain intact: {state['audit_records']:,} records, head #{sequence} " in output
    assert head_hash in output
    assert "5 files written to the storage" in output  # and the blank form
    assert _stored_names(tmp_path / "target") == _stored_names(platform["source"])


@pytest.mark.parametrize("source_storage", ["s3"], indirect=True)
def test_files_in_s3_compatible_storage_are_backed_up_and_restored(
    platform: dict[str, Any], s3: Any, tmp_path: Path
) -> None:
    state = _platform_state()
    path = _backup(tmp_path)
    _empty_database()
    s3.use("govhall-target")
    assert s3.keys("govhall-target") == []
    summary = backup_restore(source=path)
    assert (summary.files_written, summary.chain_problems) == (5, [])
    assert _platform_state() == state
    assert s3.keys("govhall-target") == s3.keys("govhall-source")
    assert len(s3.keys("govhall-target")) == 5


def test_the_restored_platform_goes_on_working(
    platform: dict[str, Any],
    settings: Any,
    tmp_path: Path,
    version: ItemVersion,  # noqa: F811
) -> None:
    """Keys, sequences and counters continue after the restored rows (PostgreSQL's sequences
    are moved past them), and new audit records extend the restored chain."""
    path = _backup(tmp_path)
    _empty_installation(settings, tmp_path / "target")
    summary = backup_restore(source=path)
    assert summary.chain_problems == []
    person = Person.objects.get(name="张建国")
    case = _submit(version, person, "after-restore")
    assert case.number > platform["waiting"].number
    audit_record_create(actor=None, action="test.after", object_type="thing", object_id="1")
    assert list(audit_chain_verify()) == []


def test_sm4_gcm_is_used_where_openssl_offers_it(platform: dict[str, Any], tmp_path: Path) -> None:
    assert sm4_gcm_available() is True
    contents = backup_verify(source=_backup(tmp_path))
    assert contents.cipher == SM4_GCM
    assert contents.manifest["format_version"] == 1
    assert contents.manifest["database_vendor"] == connection.vendor
    leaves = MigrationLoader(connection).graph.leaf_nodes()
    assert contents.manifest["migrations"]["core"] == [n for app, n in leaves if app == "core"]
    assert contents.counts()["cases.case"] == 2
    assert (contents.files, contents.rows) == (5, sum(contents.counts().values()))


def test_the_ctr_and_hmac_sm3_fallback_round_trips_and_detects_a_change(
    platform: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    path = _backup(tmp_path, cipher=SM4_CTR_HMAC_SM3)
    assert backup_verify(source=path).cipher == SM4_CTR_HMAC_SM3
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed = tmp_path / "changed.ghbak"
    changed.write_bytes(bytes(data))
    with pytest.raises(BackupError) as refused:
        backup_verify(source=changed)
    assert refused.value.code == BackupProblem.TAMPERED
    _empty_installation(settings, tmp_path / "target")
    assert backup_restore(source=path).contents.counts()["cases.case"] == 2


def test_a_wrong_key_is_refused_and_nothing_is_written(
    platform: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    path = _backup(tmp_path)
    _empty_installation(settings, tmp_path / "target")
    settings.GOVHALL = {**settings.GOVHALL, "BACKUP_KEY": OTHER_KEY}
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))
    assert "GOVHALL_BACKUP_KEY" in str(refused.value)
    assert "[backup.wrong_key]" in str(refused.value)
    _assert_nothing_written(tmp_path / "target")


def test_any_changed_byte_is_refused_and_nothing_is_written(
    platform: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    path = _backup(tmp_path)
    original = path.read_bytes()
    header_end = 20 + int.from_bytes(original[16:20], "big")
    _empty_installation(settings, tmp_path / "target")
    body = random.Random(7).sample(range(header_end, len(original)), 40)
    for position in [*range(header_end), *body, len(original) - 1]:
        changed = bytearray(original)
        changed[position] ^= 0x01
        path.write_bytes(bytes(changed))
        with pytest.raises(BackupError) as refused:
            backup_restore(source=path)
        if position >= header_end:
            assert refused.value.code == BackupProblem.TAMPERED, position
        else:  # the header: not a backup, an unknown format, "wrong key" or a broken seal
            assert refused.value.code in {
                BackupProblem.NOT_A_BACKUP,
                BackupProblem.UNSUPPORTED,
                BackupProblem.WRONG_KEY,
                BackupProblem.TAMPERED,
            }, position
    for damaged in (original[:-1], original[: len(original) // 2], original + b"\x00"):
        path.write_bytes(damaged)
        with pytest.raises(BackupError) as refused:
            backup_restore(source=path)
        assert refused.value.code == BackupProblem.TAMPERED
    _assert_nothing_written(tmp_path / "target")
    path.write_bytes(original)
    assert backup_restore(source=path).chain_problems == []


def test_an_installation_that_is_not_empty_is_refused_and_keeps_its_data(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    path = _backup(tmp_path)
    rows = _table_rows()
    files = _stored_names(platform["source"])
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))
    assert "[backup.not_empty]" in str(refused.value)
    assert _table_rows() == rows
    assert _stored_names(platform["source"]) == files


def test_without_a_key_neither_backup_nor_restore_runs(
    platform: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    path = _backup(tmp_path)
    settings.GOVHALL = {**settings.GOVHALL, "BACKUP_KEY": ""}
    with pytest.raises(CommandError) as refused:
        call_command("backup", str(tmp_path / "other.ghbak"))
    assert "GOVHALL_BACKUP_KEY" in str(refused.value)
    assert "[backup.key_missing]" in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["platform.ghbak"]
    _empty_installation(settings, tmp_path / "target")
    with pytest.raises(BackupError) as missing:
        backup_restore(source=path)
    assert missing.value.code == BackupProblem.KEY_MISSING
    settings.GOVHALL = {**settings.GOVHALL, "BACKUP_KEY": "not-hexadecimal"}
    with pytest.raises(BackupError) as invalid:
        backup_restore(source=path)
    assert invalid.value.code == BackupProblem.KEY_INVALID
    _assert_nothing_written(tmp_path / "target")


def test_a_backup_of_another_migration_state_is_refused_naming_the_app(
    platform: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    real = backup_database.migration_state

    def later(using: str | None) -> dict[str, list[str]]:
        return {**real(using), "cases": ["9999_from_the_future"]}

    with mock.patch.object(backup_database, "migration_state", later):
        path = _backup(tmp_path)
    _empty_installation(settings, tmp_path / "target")
    with pytest.raises(BackupError) as refused:
        backup_restore(source=path)
    assert refused.value.code == BackupProblem.MIGRATIONS_DIFFER
    assert "cases (9999_from_the_future → " in str(refused.value)
    _assert_nothing_written(tmp_path / "target")


def test_a_stored_file_that_differs_from_its_digest_stops_the_backup(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    stored = StoredFile.objects.order_by("pk").first()
    assert stored is not None
    (platform["source"] / stored.storage_name).write_bytes(make_pdf(comment=b"altered"))
    with pytest.raises(BackupError) as refused:
        backup_write(destination=tmp_path / "platform.ghbak")
    assert refused.value.code == BackupProblem.FILE_CHANGED
    assert stored.storage_name in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == []


def test_a_backup_never_overwrites_a_file(platform: dict[str, Any], tmp_path: Path) -> None:
    path = _backup(tmp_path)
    before = path.read_bytes()
    with pytest.raises(BackupError) as refused:
        backup_write(destination=path)
    assert refused.value.code == BackupProblem.DESTINATION_EXISTS
    assert path.read_bytes() == before
    named = backup_write(destination=tmp_path)  # a directory: a dated name inside it
    assert named.path.parent == tmp_path and named.path.name.startswith("govhall-")


def test_restore_check_verifies_without_writing(
    platform: dict[str, Any], settings: Any, tmp_path: Path, capsys: Any
) -> None:
    path = _backup(tmp_path)
    _empty_installation(settings, tmp_path / "target")
    call_command("restore", str(path), "--check")
    assert "backup intact: " in capsys.readouterr().out
    _assert_nothing_written(tmp_path / "target")


def test_the_database_is_read_in_one_snapshot_that_does_not_stop_writers() -> None:
    """PostgreSQL: REPEATABLE READ, READ ONLY; SQLite: a deferred transaction (in WAL mode a
    snapshot that lets writers go on), while the settings' IMMEDIATE mode stays for writes."""
    audit_record_create(actor=None, action="test.before", object_type="thing", object_id="1")
    with CaptureQueriesContext(connection) as queries, read_snapshot("default"):
        seen = AuditRecord.objects.count()
        if connection.vendor == "postgresql":
            # a write committed by another connection meanwhile is not in the snapshot
            def write() -> None:
                audit_record_create(
                    actor=None, action="test.during", object_type="thing", object_id="2"
                )
                connections.close_all()

            writer = threading.Thread(target=write)
            writer.start()
            writer.join()
            assert AuditRecord.objects.count() == seen == 1
    statements = [query["sql"] for query in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert statements[:2] == [
            "BEGIN",
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        ]
        assert AuditRecord.objects.count() == 2
    else:
        assert statements[0] == "BEGIN DEFERRED"
        assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]
