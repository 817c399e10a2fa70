"""Guide versions: the time-limit rules (promised ≤ 50% of legal unless a waiver reason is
recorded; 即办件 promise 0; at most two visits), draft → in review → published → withdrawn,
published versions are immutable and a newer one supersedes them."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.catalog.models import HandlingItem, ItemVersion, VersionState
from govhall.catalog.services.versions import (
    item_version_create,
    item_version_new_draft,
    item_version_publish,
    item_version_return,
    item_version_save_draft,
    item_version_submit,
    item_version_withdraw,
)
from govhall.catalog.tests.conftest import guide
from govhall.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


def _codes(raised: Any) -> list[str]:
    return [error.code for error in raised.value.errors]


def test_promised_over_half_of_legal_is_refused(handling_item: HandlingItem) -> None:
    with pytest.raises(ValidationFailed) as raised:
        item_version_create(
            actor=None, handling_item=handling_item, guide=guide(promised_limit_days=11)
        )
    assert _codes(raised) == ["promised_limit_days.over_half"]
    assert ItemVersion.objects.count() == 0


def test_exactly_half_is_allowed_and_waiver_allows_more(handling_item: HandlingItem) -> None:
    assert (
        item_version_create(
            actor=None, handling_item=handling_item, guide=guide(promised_limit_days=10)
        ).number
        == 1
    )
    version = item_version_create(
        actor=None,
        handling_item=handling_item,
        guide=guide(promised_limit_days=15, promised_waiver_reason="需现场勘验且涉及多部门会签"),
    )
    assert version.number == 2


def test_promised_above_legal_is_refused_even_with_waiver(handling_item: HandlingItem) -> None:
    with pytest.raises(ValidationFailed) as raised:
        item_version_create(
            actor=None,
            handling_item=handling_item,
            guide=guide(promised_limit_days=21, promised_waiver_reason="x"),
        )
    assert _codes(raised) == ["promised_limit_days.exceeds_legal"]


def test_instant_items_promise_zero_and_visits_at_most_two(handling_item: HandlingItem) -> None:
    with pytest.raises(ValidationFailed) as raised:
        item_version_create(
            actor=None,
            handling_item=handling_item,
            guide=guide(case_kind="instant", promised_limit_days=1, visits=3),
        )
    assert _codes(raised) == ["promised_limit_days.instant", "visits.range"]
    version = item_version_create(
        actor=None,
        handling_item=handling_item,
        guide=guide(case_kind="instant", promised_limit_days=0),
    )
    assert version.promised_limit_display == "当场办结"


def test_lifecycle_and_immutability(handling_item: HandlingItem, publish: Any) -> None:
    first = publish(handling_item)
    assert first.state == VersionState.PUBLISHED and first.published_at is not None
    first.promised_limit_days = 5
    with pytest.raises(Conflict):
        item_version_save_draft(actor=None, version=first, changed=["promised_limit_days"])
    draft = item_version_new_draft(actor=None, handling_item=handling_item)
    assert (draft.number, draft.state, draft.materials.count()) == (2, VersionState.DRAFT, 2)
    with pytest.raises(Conflict):
        item_version_new_draft(actor=None, handling_item=handling_item)
    draft.promised_limit_days = 5
    item_version_save_draft(actor=None, version=draft, changed=["promised_limit_days"])
    item_version_submit(actor=None, version=draft)
    returned = item_version_return(actor=None, version=draft, note="请补充办理流程说明")
    assert (returned.state, returned.review_note) == (VersionState.DRAFT, "请补充办理流程说明")
    item_version_submit(actor=None, version=draft)
    item_version_publish(actor=None, version=draft)
    first.refresh_from_db()
    assert first.state == VersionState.SUPERSEDED
    assert first.promised_limit_days == 10
    withdrawn = item_version_withdraw(actor=None, version=draft, reason="事项已取消")
    assert withdrawn.state == VersionState.WITHDRAWN


def test_actions_out_of_order_conflict(handling_item: HandlingItem) -> None:
    version = item_version_create(actor=None, handling_item=handling_item, guide=guide())
    with pytest.raises(Conflict):
        item_version_publish(actor=None, version=version)
    with pytest.raises(ValidationFailed):
        item_version_withdraw(actor=None, version=version, reason="")
