"""The public verification page says genuine and valid only for a license it checked."""

from __future__ import annotations

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
