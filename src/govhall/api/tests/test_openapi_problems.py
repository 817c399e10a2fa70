"""The OpenAPI document names every status code an operation answers with, and the content
type of each: the schema fuzz test found it listed only the successes, so a client could not
know that a case action answers 403, 404 or 409, all as ``application/problem+json``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govhall.api.urls import api

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def operation(method: str, path: str) -> dict[str, Any]:
    return api.get_openapi_schema()["paths"][path][method]  # type: ignore[no-any-return]


def declared(method: str, path: str) -> list[int]:
    return sorted(int(status) for status in operation(method, path)["responses"])


def test_every_error_is_a_problem_document() -> None:
    schema = api.get_openapi_schema()
    assert schema["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "detail",
        "errors",
    ]
    for methods in schema["paths"].values():
        for details in methods.values():
            for status, response in details["responses"].items():
                if int(status) >= 400:
                    assert response["content"] == PROBLEM, (status, details["operationId"])


def test_what_every_operation_of_a_kind_answers() -> None:
    """401 when signed in only; 403 when a session must send its CSRF token (not for GET);
    400 for an unparsable body; 422 for invalid input; 503 for every one (the database or its
    storage unavailable)."""
    assert declared("get", "/api/v1/catalog/items") == [200, 422, 503]
    assert declared("get", "/api/v1/identity/me/sign-ins") == [200, 401, 503]
    assert declared("post", "/api/v1/identity/tokens") == [201, 400, 401, 403, 422, 503]
    assert declared("post", "/api/v1/identity/register") == [201, 400, 422, 503]


def test_every_operation_declares_503() -> None:
    for methods in api.get_openapi_schema()["paths"].values():
        for details in methods.values():
            assert "503" in {str(status) for status in details["responses"]}, details["operationId"]


def test_what_an_operation_declares_itself() -> None:
    assert declared("get", "/api/v1/cases/{number}") == [200, 401, 404, 422, 503]
    assert declared("post", "/api/v1/cases/{number}/actions/accept") == [
        200,
        400,
        401,
        403,
        404,
        409,
        422,
        503,
    ]
    assert declared("post", "/api/v1/identity/passkeys/sign-in/verify") == [
        200,
        400,
        401,
        403,
        422,
        429,
        503,
    ]
    assert declared("post", "/api/v1/identity/me/verify/population") == [
        200,
        401,
        403,
        404,
        422,
        503,
    ]
    pem = operation("get", "/api/v1/licenses/seals/{key_sm3}.pem")["responses"][200]
    assert pem["content"] == {"application/x-pem-file": {"schema": {"type": "string"}}}


@pytest.mark.django_db
def test_the_served_document_is_the_same(client: Client) -> None:
    served = client.get("/api/v1/openapi.json").json()
    assert sorted(served["paths"]["/api/v1/cases/{number}"]["get"]["responses"]) == [
        "200",
        "401",
        "404",
        "422",
        "503",
    ]
