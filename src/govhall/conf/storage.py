"""Where files go (``STORAGES["default"]``): the file system, or S3-compatible object storage.

The embedded default keeps blobs under ``MEDIA_ROOT``. Setting ``GOVHALL_S3_BUCKET`` switches to
django-storages' ``S3Storage`` — any S3-compatible service (a cloud's object storage, MinIO,
Ceph RGW) — with only settings changing (DESIGN.md, runtime profiles). Credentials come only
from the environment; left unset, boto3 looks for its own (instance role, ``~/.aws``).
"""

from __future__ import annotations

from typing import Any

from govhall.conf.env import env

FILE_SYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"


def default_storage_setting() -> dict[str, Any]:
    """The ``default`` entry of ``STORAGES``, read from the environment (docs/archive.md)."""
    bucket = env("GOVHALL_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": FILE_SYSTEM_BACKEND}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Objects are private; files leave only through the services' download responses.
        "default_acl": None,
        "querystring_auth": True,
        "location": env("GOVHALL_S3_PREFIX", ""),
    }
    optional = {
        "endpoint_url": "GOVHALL_S3_ENDPOINT_URL",
        "region_name": "GOVHALL_S3_REGION",
        "access_key": "GOVHALL_S3_ACCESS_KEY_ID",
        "secret_key": "GOVHALL_S3_SECRET_ACCESS_KEY",
        # "path" for services that have no per-bucket host names (MinIO on one host, moto).
        "addressing_style": "GOVHALL_S3_ADDRESSING_STYLE",
    }
    for option, name in optional.items():
        value = env(name, "")
        if value:
            options[option] = value
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
