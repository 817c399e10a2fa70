"""Guide pages are cached whole per language and catalog revision: a publication or a
withdrawal shows at once, and the two languages never share a cached page."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.catalog.services.versions import (
    item_version_new_draft,
    item_version_publish,
    item_version_save_draft,
    item_version_submit,
    item_version_withdraw,
)

pytestmark = pytest.mark.django_db


def test_publication_and_withdrawal_refresh_the_cached_page(
    client: Any, published_guide: Any
) -> None:
    implementation = published_guide.implementation
    url = f"/items/{implementation.implementation_code}/"
    assert client.get(url).status_code == 200
    handling = implementation.handling_items.order_by("handling_code").first()
    draft = item_version_new_draft(actor=None, handling_item=handling)
    draft.conditions = "修订后的受理条件：申请人须为本县常住户籍居民。"
    item_version_save_draft(actor=None, version=draft, changed=["conditions"])
    item_version_submit(actor=None, version=draft)
    item_version_publish(actor=None, version=draft)
    assert "修订后的受理条件" in client.get(url).content.decode()
    for item in implementation.handling_items.all():
        for version in item.versions.filter(state="published"):
            item_version_withdraw(actor=None, version=version, reason="事项取消")
    assert client.get(url).status_code == 404


def test_languages_are_cached_apart(client: Any, published_guide: Any) -> None:
    url = f"/items/{published_guide.implementation.implementation_code}/"
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in chinese
    assert 'lang="en"' in english
