"""No API input may contain a null character: a path parameter, a query parameter or a body
field (also inside a list) with one is refused with 422 and ``<field>.null_character``, and
nothing is written. Found by the schema fuzz test on PostgreSQL, which cannot compare or store
text with a null character: every such request answered 500 there."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govhall.cases.tests.conftest import zhang  # noqa: F401 - fixture
from govhall.identity.models import Person, PersonalAccessToken

pytestmark = pytest.mark.django_db


def codes(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_in_a_path_parameter(client: Client) -> None:
    assert codes(client.get("/api/v1/catalog/items/11520121%00")) == [
        ("implementation_code", "implementation_code.null_character")
    ]
    assert codes(client.get("/api/v1/licenses/seals/ab%00cd.pem")) == [
        ("key_sm3", "key_sm3.null_character")
    ]


def test_in_a_query_parameter(client: Client) -> None:
    response = client.get("/api/v1/catalog/items", {"department": "\x00", "theme": "低保\x00"})
    assert codes(response) == [
        ("department", "department.null_character"),
        ("theme", "theme.null_character"),
    ]


def test_in_a_body_field_and_a_list(client: Client, zhang: Person) -> None:  # noqa: F811
    client.force_login(zhang.user)
    named = client.post(
        "/api/v1/identity/tokens", {"name": "脚本\x00"}, content_type="application/json"
    )
    assert codes(named) == [("name", "name.null_character")]
    assert not PersonalAccessToken.objects.exists()
    listed = client.post(
        "/api/v1/cases/bulk",
        {"numbers": ["5201212026113000001", "5201212026113000002\x00"], "action": "claim"},
        content_type="application/json",
    )
    assert codes(listed) == [("numbers.1", "numbers.1.null_character")]


def test_registering_with_one_creates_nobody(client: Client) -> None:
    response = client.post(
        "/api/v1/identity/register",
        {
            "name": "王\x00芳",
            "id_number": "11010519491231002X",
            "mobile": "13985019999",
            "password": "Kaiyang-2026-secure",
        },
        content_type="application/json",
    )
    assert codes(response) == [("name", "name.null_character")]
    assert not Person.objects.exists()
    # Django's own translation of its message (forms refuse null characters the same way).
    assert response.json()["errors"][0]["message"] == "不允许包含空字符。"
