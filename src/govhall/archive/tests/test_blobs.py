"""Blobs on a real file system: a concurrent put that wrote the hash name first keeps its copy,
and the duplicate the storage saved under another name is removed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.files.storage import default_storage

from govhall.archive.blobs import blob_ensure, blob_name
from govhall.archive.tests.conftest import PDF
from govhall.core.crypto import sm3_hex


def test_a_blob_written_concurrently_is_kept_once(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    sm3 = sm3_hex(PDF)
    (tmp_path / "blobs" / sm3[:2] / sm3[2:4]).mkdir(parents=True)
    (tmp_path / blob_name(sm3)).write_bytes(PDF)

    real_exists = default_storage.exists
    looked: list[str] = []

    def exists(name: str) -> bool:
        """The other put finished writing just after this one first looked."""
        looked.append(name)
        return len(looked) > 1 and real_exists(name)

    with mock.patch.object(default_storage, "exists", side_effect=exists):
        name = blob_ensure(sm3=sm3, size=len(PDF), content=io.BytesIO(PDF))

    assert name == blob_name(sm3)
    assert [path.name for path in (tmp_path / "blobs" / sm3[:2] / sm3[2:4]).iterdir()] == [sm3]
    assert (tmp_path / name).read_bytes() == PDF


def test_a_blob_is_written_under_its_hash_name(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    sm3 = sm3_hex(PDF)

    name = blob_ensure(sm3=sm3, size=len(PDF), content=io.BytesIO(PDF))

    assert name == f"blobs/{sm3[:2]}/{sm3[2:4]}/{sm3}"
    assert (tmp_path / name).read_bytes() == PDF
