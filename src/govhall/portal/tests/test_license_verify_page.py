"""The public verification page says genuine and valid only for a license it checked."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from govhall.licenses.services.lifecycle import license_change
from govhall.licenses.tests.test_issue_and_verify import _issue

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_verdict_of_a_license(
    food_license_type: Any, bureau: Any, seal: Any
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    license = _issue(food_license_type, bureau, issued_on=None)
    form = client.get("/licenses/verify/", {"identifier": f" {license.identifier} "})
    assert form.status_code == 302
    assert form["Location"] == f"/licenses/verify/{license.identifier}/"
    page = client.get(form["Location"]).content.decode()
    assert "Genuine and valid." in page
    assert "开********店" in page and "开阳县紫江小厨餐饮店" not in page
    assert f"/api/v1/licenses/verify/{license.identifier}" in page
    license_change(license=license, kind="revoke", reason="经营场所已变更。", actor=None)
    revoked = client.get(f"/licenses/verify/{license.identifier}/").content.decode()
    assert "Genuine, but not in force." in revoked and "The license has been revoked." in revoked
    forged = client.get("/licenses/verify/1.2.156.3005.2.ABC/").content.decode()
    assert "Not confirmed as genuine." in forged


def test_an_address_may_verify_so_many_licenses_per_window(
    food_license_type: Any, bureau: Any, seal: Any, settings: Any
) -> None:
    """LICENSE_VERIFY_MAX_PER_WINDOW verifications per address and window, then 429 with the
    time to come back and nothing of the license; another address and, after the window,
    the same address verify again."""
    settings.GOVHALL = {
        **settings.GOVHALL,
        "LICENSE_VERIFY_MAX_PER_WINDOW": 3,
        "LICENSE_VERIFY_WINDOW_SECONDS": 1,
    }
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    license = _issue(food_license_type, bureau, issued_on=None)
    page = f"/licenses/verify/{license.identifier}/"
    # The empty form and its redirect do not count; each verification does.
    assert client.get("/licenses/verify/").status_code == 200
    assert [client.get(page).status_code for _attempt in range(3)] == [200, 200, 200]
    limited = client.get(page)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "1"
    text = " ".join(limited.content.decode().split())
    assert "Too many look-ups from your network. Try again at " in text
    assert "(in about 1 minute)." in text
    assert "开********店" not in text and "Genuine" not in text
    assert client.get(page, REMOTE_ADDR="10.0.0.2").status_code == 200
    time.sleep(1.1)
    assert client.get(page).status_code == 200
