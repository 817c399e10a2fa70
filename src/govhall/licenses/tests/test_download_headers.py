"""A license's PDF is always ``application/pdf`` with ``nosniff`` whatever the license holds; the
wallet's download is an attachment in a ``sandbox``, the staff's view inline (PDF viewers do not
run in a sandbox) under the site's policy. The bytes are govhall's own rendering."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from govhall.licenses import download
from govhall.licenses.download import license_pdf_response


@pytest.fixture
def license_like(monkeypatch: Any) -> Any:
    monkeypatch.setattr(download, "license_pdf", lambda license: b"%PDF-1.7 rendered")
    return SimpleNamespace(
        license_type=SimpleNamespace(name="<script>食品经营许可证</script>"), number="JY1"
    )


def test_the_wallets_download_is_a_sandboxed_attachment(license_like: Any) -> None:
    response = license_pdf_response(license_like, as_attachment=True)

    assert dict(response.headers) == {
        "Content-Type": "application/pdf",
        "Content-Disposition": (
            "attachment; filename*=utf-8''%3Cscript%3E"
            "%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5%E8%AE%B8%E5%8F%AF%E8%AF%81"
            "%3C/script%3E-JY1.pdf"
        ),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
    }
    assert response.content == b"%PDF-1.7 rendered"


def test_the_staffs_view_is_inline_pdf_without_a_sandbox(license_like: Any) -> None:
    response = license_pdf_response(license_like, as_attachment=False)

    assert (response["Content-Type"], response["X-Content-Type-Options"]) == (
        "application/pdf",
        "nosniff",
    )
    assert response["Content-Disposition"].startswith("inline;")
    assert "Content-Security-Policy" not in response
