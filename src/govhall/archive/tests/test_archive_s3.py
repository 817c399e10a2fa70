"""S3-compatible storage is a settings-only switch (``GOVHALL_S3_*``): against moto's S3 server,
materials are stored once per content, a volume is archived, verified intact, and bytes changed
in the bucket are found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from govhall.archive.services import EntryInput
from govhall.archive.tests.conftest import PDF, PNG
from govhall.archive.tests.volumes import archive, store
from govhall.archive.verification import archive_verify
from govhall.conf.storage import default_storage_setting

BUCKET = "govhall-archive"
KEYS = {"GOVHALL_S3_ACCESS_KEY_ID": "testing", "GOVHALL_S3_SECRET_ACCESS_KEY": "testing"}


def test_without_a_bucket_files_stay_on_the_file_system(monkeypatch: Any) -> None:
    monkeypatch.delenv("GOVHALL_S3_BUCKET", raising=False)

    assert default_storage_setting() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_switches_to_s3_with_the_options_given(monkeypatch: Any) -> None:
    for name, value in {
        "GOVHALL_S3_BUCKET": BUCKET,
        "GOVHALL_S3_ENDPOINT_URL": "https://oss.example.gov.cn",
        "GOVHALL_S3_REGION": "cn-guiyang",
        "GOVHALL_S3_PREFIX": "kaiyang",
        **KEYS,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GOVHALL_S3_ADDRESSING_STYLE", raising=False)

    assert default_storage_setting() == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "default_acl": None,
            "querystring_auth": True,
            "location": "kaiyang",
            "endpoint_url": "https://oss.example.gov.cn",
            "region_name": "cn-guiyang",
            "access_key": "testing",
            "secret_key": "testing",
        },
    }


@pytest.fixture
def s3(settings: Any, monkeypatch: Any) -> Iterator[Any]:
    """moto's S3 server on loopback, an empty bucket, and the default storage pointed at it
    through the same environment variables an installation sets."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        for name, value in {
            "GOVHALL_S3_BUCKET": BUCKET,
            "GOVHALL_S3_ENDPOINT_URL": endpoint,
            "GOVHALL_S3_REGION": "us-east-1",
            "GOVHALL_S3_ADDRESSING_STYLE": "path",
            **KEYS,
        }.items():
            monkeypatch.setenv(name, value)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": default_storage_setting()}
        yield client
    finally:
        server.stop()


def keys(client: Any) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.mark.django_db
def test_materials_are_stored_once_archived_and_verified_in_s3(s3: Any, department: Any) -> None:
    first = store(PNG, "户口簿.png")
    again = store(PNG, "copy.png")
    assert again.pk == first.pk
    assert keys(s3) == [first.storage_name]

    entries_bytes = store(PDF, "申请书.pdf")
    volume = archive(
        department("520121", "开阳县民政局"),
        entries=[
            EntryInput("material", "户口簿", first),
            EntryInput("material", "申请书", entries_bytes),
        ],
    )
    assert keys(s3) == sorted([first.storage_name, entries_bytes.storage_name])

    report = archive_verify()
    assert (report.intact, report.volumes, report.entries, report.bytes_read) == (
        True,
        1,
        2,
        len(PNG) + len(PDF),
    )

    s3.put_object(Bucket=BUCKET, Key=entries_bytes.storage_name, Body=PDF + b"%tampered\n")
    s3.delete_object(Bucket=BUCKET, Key=first.storage_name)
    assert [(p.code, p.case_number, p.entry) for p in archive_verify().problems] == [
        ("file.missing", volume.case_number, 1),
        ("file.changed", volume.case_number, 2),
    ]
