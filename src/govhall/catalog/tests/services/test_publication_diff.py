"""A publication freezes the published versions; the diff between two publications lists
added, removed and changed items field by field, and exports as rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from govhall.catalog.selectors import publication_diff
from govhall.catalog.services.items import handling_item_create
from govhall.catalog.services.publications import publication_create
from govhall.catalog.services.versions import (
    item_version_new_draft,
    item_version_publish,
    item_version_save_draft,
    item_version_submit,
)
from govhall.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_diff_between_june_and_december(handling_item: Any, publish: Any) -> None:
    publish(handling_item)
    june = publication_create(
        actor=None, title="2026年6月集中公布", kind="june", published_on=datetime.date(2026, 6, 30)
    )
    assert june.entries.count() == 1
    draft = item_version_new_draft(actor=None, handling_item=handling_item)
    draft.promised_limit_days = 5
    item_version_save_draft(actor=None, version=draft, changed=["promised_limit_days"])
    item_version_submit(actor=None, version=draft)
    item_version_publish(actor=None, version=draft)
    extra = handling_item_create(
        actor=None,
        implementation=handling_item.implementation,
        kind="change",
        name="最低生活保障变更",
    )
    publish(extra)
    december = publication_create(
        actor=None,
        title="2026年12月集中公布",
        kind="december",
        published_on=datetime.date(2026, 12, 1),
    )
    diff = publication_diff(june, december)
    assert [row["handling_code"] for row in diff.added] == [extra.handling_code]
    assert diff.removed == []
    assert diff.changed == [
        {
            "handling_code": handling_item.handling_code,
            "name": "最低生活保障申请",
            "fields": {"promised_limit_days": (10, 5), "version": (1, 2)},
        }
    ]
    assert diff.rows() == [
        ("added", extra.handling_code, "最低生活保障变更", "", "v1"),
        (
            "changed",
            handling_item.handling_code,
            "最低生活保障申请",
            "promised_limit_days",
            "10 → 5",
        ),
        ("changed", handling_item.handling_code, "最低生活保障申请", "version", "1 → 2"),
    ]


def test_june_release_must_be_in_june() -> None:
    with pytest.raises(ValidationFailed) as raised:
        publication_create(
            actor=None, title="x", kind="june", published_on=datetime.date(2026, 7, 1)
        )
    assert [e.code for e in raised.value.errors] == ["published_on.june"]
