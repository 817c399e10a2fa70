"""Materials are downloaded from the case page as attachments that a browser never runs
(``nosniff``, a sandbox CSP, no caching); an upload of another case is not found through
this case, and staff who cannot see the case get 404."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.archive.samples import make_pdf
from govhall.cases.tests.conftest import new_case
from govhall.workbench.tests.conftest import html

pytestmark = pytest.mark.django_db


def test_the_case_page_links_each_material_and_the_download_is_an_attachment(
    version: Any, zhang: Any, clerk: Any, signed_in: Any
) -> None:
    case = new_case(version, zhang)
    upload = case.materials.get()
    url = f"/workbench/cases/{case.number}/materials/{upload.uuid}/"
    client = signed_in(clerk)
    page = html(client.get(f"/workbench/cases/{case.number}/"))
    assert f'<a href="{url}" download>材料.pdf</a>' in page
    assert "最低生活保障申请书" in page and "application/pdf" in page

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"file.pdf\"; filename*=UTF-8''%E6%9D%90%E6%96%99.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == make_pdf()  # type: ignore[attr-defined]


def test_another_cases_upload_and_another_county_are_404(
    version: Any, zhang: Any, yang: Any, clerk: Any, other_clerk: Any, signed_in: Any
) -> None:
    mine, theirs = new_case(version, zhang), new_case(version, yang)
    foreign = theirs.materials.get()
    client = signed_in(clerk)
    assert client.get(f"/workbench/cases/{mine.number}/materials/{foreign.uuid}/").status_code == (
        404
    )
    assert client.get(
        f"/workbench/cases/{theirs.number}/materials/{foreign.uuid}/"
    ).status_code == (200)
    url = f"/workbench/cases/{mine.number}/materials/{mine.materials.get().uuid}/"
    assert signed_in(other_clerk).get(url).status_code == 404
    assert client.post(url).status_code == 405
