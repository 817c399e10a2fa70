"""Blobs in the default storage, named by their SM3 digest: ``blobs/ab/cd/<sm3>``.

The blob is written before its row. A failure after the write leaves an unreferenced blob under
its final name, which the next put of the same bytes checks and reuses.
"""

from __future__ import annotations

from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage

from govhall.archive.scanning import CHUNK_BYTES, Sm3Hasher

PREFIX = "blobs"


def blob_name(sm3: str) -> str:
    """Two directory levels of 256 each keep directories small on a file system."""
    return f"{PREFIX}/{sm3[:2]}/{sm3[2:4]}/{sm3}"


def blob_ensure(*, sm3: str, size: int, content: IO[bytes]) -> str:
    """Make the storage hold exactly these bytes under ``blob_name(sm3)``; return the name.

    A blob already there is reused only when its size and digest match (a write interrupted
    by a crash leaves a truncated file under the final name of the file-system storage).
    """
    name = blob_name(sm3)
    if default_storage.exists(name):
        if _blob_matches(name, sm3=sm3, size=size):
            return name
        default_storage.delete(name)
    saved = default_storage.save(name, File(content, name=name))
    if saved != name:
        # A concurrent put of the same bytes wrote the name first: keep that copy only.
        default_storage.delete(saved)
    return name


def _blob_matches(name: str, *, sm3: str, size: int) -> bool:
    if default_storage.size(name) != size:
        return False
    hasher = Sm3Hasher()
    with default_storage.open(name, "rb") as stored:
        while chunk := stored.read(CHUNK_BYTES):
            hasher.update(chunk)
    return hasher.hexdigest() == sm3
