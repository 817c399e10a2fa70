"""The public catalog API: search with filters (paginated, stable order) and the full guide
by implementation code; unknown regions and codes are clear 422/404 problems."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(handling_item: Any, publish: Any) -> Any:
    publish(handling_item)
    return handling_item.implementation


def test_search_by_abbreviation_finds_the_item(client: Any, published: Any) -> None:
    response = client.get("/api/v1/catalog/items", {"q": "低保"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    assert body["items"][0]["implementation_code"] == published.implementation_code
    assert body["items"][0]["name"] == "最低生活保障申请"
    assert body["items"][0]["region_name"] == "开阳县"


def test_filters(client: Any, published: Any) -> None:
    assert client.get("/api/v1/catalog/items", {"region": "520121"}).json()["count"] == 1
    assert client.get("/api/v1/catalog/items", {"region": "520102"}).json()["count"] == 0
    assert client.get("/api/v1/catalog/items", {"type": "05"}).json()["count"] == 1
    assert client.get("/api/v1/catalog/items", {"type": "01"}).json()["count"] == 0
    assert client.get("/api/v1/catalog/items", {"q": "护照"}).json()["count"] == 0


def test_unknown_region_is_422(client: Any, published: Any) -> None:
    response = client.get("/api/v1/catalog/items", {"region": "990100"})
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("region", "region.unknown")
    ]
    response = client.get("/api/v1/catalog/items", {"region": "52a"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("region", "region.format")
    ]


def test_guide_detail(client: Any, published: Any) -> None:
    response = client.get(f"/api/v1/catalog/items/{published.implementation_code}")
    assert response.status_code == 200
    body = response.json()
    assert body["base_code"] == "000520010000"
    assert body["department"]["name"] == "开阳县民政局"
    guide = body["handling_items"][0]["guide"]
    assert (guide["legal_limit_days"], guide["promised_limit_days"], guide["version"]) == (
        20,
        10,
        1,
    )
    assert [m["name"] for m in guide["materials"]] == ["最低生活保障申请书", "居民身份证"]
    assert guide["materials"][1]["waivable_if_verified_online"] is True


def test_unknown_code_is_404(client: Any, published: Any) -> None:
    response = client.get("/api/v1/catalog/items/0000")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_openapi_document_lists_the_endpoints(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths) >= {
        "/api/v1/calendar/working-days/add",
        "/api/v1/catalog/items",
        "/api/v1/catalog/items/{implementation_code}",
    }


def test_the_documented_guide_steps_are_the_returned_ones(client: Any, published: Any) -> None:
    """The guide's process steps were documented as a case's current steps (spec_id, role,
    department): two schemas named StepOut, and the OpenAPI document kept only one."""
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    process = schemas["GuideOut"]["properties"]["process"]["items"]["$ref"].rsplit("/", 1)[1]
    assert set(schemas[process]["properties"]) == {"name", "description"}
    current_steps = schemas["CaseOut"]["properties"]["current_steps"]["items"]["$ref"]
    assert current_steps == "#/components/schemas/StepOut"
    assert set(schemas["StepOut"]["properties"]) == {"spec_id", "name", "role", "department"}
    guide = client.get(f"/api/v1/catalog/items/{published.implementation_code}").json()
    assert guide["handling_items"][0]["guide"]["process"] == [
        {"name": "申请", "description": ""},
        {"name": "受理", "description": ""},
    ]
