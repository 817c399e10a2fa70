"""Defence in depth behind the upload checks: a material whose stored row was altered to claim
a web type is still downloaded from the case page as opaque bytes, an attachment, ``nosniff``
and sandboxed — the type comes from the stored kind, never from the row's strings."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.archive.models import StoredFile
from govhall.archive.tests.conftest import download_headers
from govhall.cases.tests.conftest import new_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content_type", "extension"),
    [("text/html", "pdf"), ("image/svg+xml", "svg"), ("application/javascript", "pdf")],
)
def test_a_material_row_claiming_a_web_type_is_served_as_opaque_bytes(
    version: Any, zhang: Any, clerk: Any, signed_in: Any, content_type: str, extension: str
) -> None:
    case = new_case(version, zhang)
    upload = case.materials.get()
    StoredFile.objects.filter(pk=upload.stored_file_id).update(
        content_type=content_type, extension=extension
    )

    response = signed_in(clerk).get(f"/workbench/cases/{case.number}/materials/{upload.uuid}/")

    assert response.status_code == 200
    assert download_headers(response) == {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": (
            "attachment; filename=\"pdf.bin\"; filename*=UTF-8''%E6%9D%90%E6%96%99.pdf.bin"
        ),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
    }
    response.close()
