"""Hot endpoints issue a fixed number of queries, however many items and materials exist
(DESIGN.md: every query counts)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from govhall.catalog.services.items import handling_item_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_published(handling_item: Any, publish: Any) -> Any:
    publish(handling_item)
    change = handling_item_create(
        actor=None,
        implementation=handling_item.implementation,
        kind="change",
        name="最低生活保障变更",
    )
    publish(change)
    return handling_item.implementation


def test_search_list_queries(
    client: Any, two_published: Any, django_assert_num_queries: Any
) -> None:
    client.get("/api/v1/catalog/items", {"q": "低保"})
    with django_assert_num_queries(2):
        response = client.get("/api/v1/catalog/items", {"q": "低保"})
    assert response.json()["count"] == 1


def test_guide_detail_queries(
    client: Any, two_published: Any, django_assert_num_queries: Any
) -> None:
    url = f"/api/v1/catalog/items/{two_published.implementation_code}"
    client.get(url)
    cache.clear()
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.json()["handling_items"]) == 2
    with django_assert_num_queries(0):
        assert client.get(url).json() == response.json()


def test_guide_page_queries(
    client: Any, two_published: Any, django_assert_num_queries: Any
) -> None:
    url = f"/items/{two_published.implementation_code}/"
    client.get(url)
    cache.clear()
    with django_assert_num_queries(7):
        built = client.get(url)
    with django_assert_num_queries(0):
        cached = client.get(url)
    assert built.status_code == cached.status_code == 200
    assert built.content == cached.content
