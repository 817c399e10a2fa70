"""Chinese search: segmented tokens find two-character words (低保) and synonyms (社保卡 for
社会保障卡); the SQLite FTS triggers survive migrations that rebuild the table."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.catalog.search_index import missing_triggers
from govhall.catalog.selectors import ItemFilters, implementation_search
from govhall.catalog.services.items import (
    BaseItemInput,
    base_item_create,
    handling_item_create,
    implementation_create,
)
from govhall.catalog.tests.conftest import guide
from govhall.core.search import index_tokens, query_tokens

pytestmark = pytest.mark.django_db


def test_tokens() -> None:
    assert query_tokens("我要办低保") == ["低保"]
    assert query_tokens("社保卡") == ["社保卡"]
    assert "社会保障" in index_tokens("社会保障卡申领").split()


def test_fts_triggers_are_present_after_migrations() -> None:
    assert missing_triggers() == []


def _social_security_card(department: Any, region: Any) -> Any:
    base = base_item_create(
        actor=None,
        data=BaseItemInput(
            base_code="002100456000",
            name="社会保障卡申领",
            item_type_code="21",
            item_list="public_service",
            competent_department="人力资源和社会保障部",
            authority_nature="statutory",
            legal_basis="《中华人民共和国社会保险法》第五十八条",
            for_persons=True,
            synonyms=["社保卡"],
        ),
    )
    implementation = implementation_create(
        actor=None,
        base_item=base,
        department=department("520121", "开阳县人力资源和社会保障局"),
        region=region("520121"),
        level="county",
    )
    return implementation, handling_item_create(
        actor=None, implementation=implementation, kind="new", name="社会保障卡申领"
    )


def test_synonym_and_two_character_words(
    department: Any, region: Any, publish: Any, handling_item: Any
) -> None:
    _implementation, card = _social_security_card(department, region)
    publish(card)
    publish(handling_item)
    found = [i.name for i in implementation_search(ItemFilters(q="社保卡"))]
    assert found == ["社会保障卡申领"]
    assert [i.name for i in implementation_search(ItemFilters(q="低保"))] == ["最低生活保障申请"]
    assert [i.name for i in implementation_search(ItemFilters(q="社会保障卡"))] == [
        "社会保障卡申领"
    ]
    assert [i.name for i in implementation_search(ItemFilters(q="户口迁移"))] == []
    audience = implementation_search(ItemFilters(audience="organization"))
    assert list(audience) == []


def test_unpublished_items_are_not_found(department: Any, region: Any) -> None:
    _implementation, card = _social_security_card(department, region)
    from govhall.catalog.services.versions import item_version_create

    item_version_create(actor=None, handling_item=card, guide=guide())
    assert list(implementation_search(ItemFilters(q="社保卡"))) == []
