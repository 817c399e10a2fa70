"""The public verification API gives what anyone needs to verify a license themself."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from govhall.core.personal_data import mask_name
from govhall.licenses.models import Seal
from govhall.licenses.tests.openssl import openssl_verify
from govhall.licenses.tests.test_issue_and_verify import DAY, _issue

pytestmark = pytest.mark.django_db


def test_verification_answer_and_the_published_key_verify_with_openssl(
    client: Client, food_license_type: Any, bureau: Any, seal: Seal, tmp_path: Path
) -> None:
    license = _issue(food_license_type, bureau)
    moment = datetime.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        answer = client.get(f"/api/v1/licenses/verify/{license.identifier}").json()
    assert (answer["genuine"], answer["current"], answer["status"], answer["problems"]) == (
        True,
        True,
        "valid",
        [],
    )
    assert answer["license"] == {
        "name": "食品经营许可证",
        "number": "202600000001",
        "issuer": "开阳县市场监督管理局",
        "issued_on": DAY.isoformat(),
        "valid_from": DAY.isoformat(),
        "valid_until": "2031-11-29",
        "holder": "开********店",
    }
    assert answer["payload"] == license.payload
    key_url = answer["seal"]["public_key_url"]
    assert key_url == f"http://testserver/api/v1/licenses/seals/{seal.key_sm3}.pem"
    published = client.get(key_url.removeprefix("http://testserver"))
    assert published["Content-Type"] == "application/x-pem-file"
    printed = openssl_verify(
        tmp_path,
        message=answer["payload"].encode(),
        signature=base64.b64decode(answer["signature"]),
        public_pem=published.content,
    )
    assert printed == "Verified OK\n"
    assert client.get(f"/api/v1/licenses/seals/{'0' * 64}.pem").status_code == 404


def test_anything_that_is_not_a_license_is_answered_not_genuine(client: Client) -> None:
    answer = client.get("/api/v1/licenses/verify/not-an-identifier").json()
    assert (answer["genuine"], answer["current"], answer["license"], answer["payload"]) == (
        False,
        False,
        None,
        None,
    )
    assert [p["code"] for p in answer["problems"]] == ["identifier"]


def test_names_are_masked_for_the_public() -> None:
    assert [mask_name(n) for n in ("张建国", "陈强", "张", "开阳县紫江小厨餐饮店")] == [
        "张*国",
        "陈*",
        "张",
        "开********店",
    ]


def test_the_api_shares_the_pages_budget_per_address_and_answers_429(
    food_license_type: Any, bureau: Any, seal: Seal, settings: Any
) -> None:
    """LICENSE_VERIFY_MAX_PER_WINDOW verifications per address and window, counted across the
    API and the portal page; the refusal is a problem document with Retry-After, without the
    license; another address still verifies."""
    settings.GOVHALL = {
        **settings.GOVHALL,
        "LICENSE_VERIFY_MAX_PER_WINDOW": 3,
        "LICENSE_VERIFY_WINDOW_SECONDS": 600,
    }
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    license = _issue(food_license_type, bureau)
    api = f"/api/v1/licenses/verify/{license.identifier}"
    assert client.get(f"/licenses/verify/{license.identifier}/").status_code == 200
    assert [client.get(api).status_code for _attempt in range(2)] == [200, 200]
    limited = client.get(api)
    assert (limited.status_code, limited["Content-Type"]) == (429, "application/problem+json")
    assert 590 <= int(limited["Retry-After"]) <= 600
    body = limited.json()
    assert body["errors"] == [
        {
            "field": "identifier",
            "code": "rate_limited",
            "message": "Too many verifications from this address; try again later.",
        }
    ]
    assert license.number not in limited.content.decode()
    assert client.get(f"/licenses/verify/{license.identifier}/").status_code == 429
    assert client.get(api, REMOTE_ADDR="10.0.0.2").json()["genuine"] is True
