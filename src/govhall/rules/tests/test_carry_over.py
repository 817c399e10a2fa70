"""A new item version keeps the review rules of the version it supersedes, when they still fit."""

from __future__ import annotations

from typing import Any

import pytest

from govhall.catalog.models import ItemVersion
from govhall.catalog.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    handling_item,
    implementation,
    publish,
)
from govhall.core.models import AuditRecord
from govhall.rules.builder import SimpleInput, SimpleRule, SimpleTable, dmn_from_simple
from govhall.rules.models import RuleSet
from govhall.rules.services import rule_set_publish, rule_set_save

pytestmark = pytest.mark.django_db


def _table(*inputs: SimpleInput) -> str:
    rules = [SimpleRule([">= 80"] + [""] * (len(inputs) - 1), "approve", "年满80周岁", "年龄")]
    return dmn_from_simple(
        SimpleTable("old_age", "高龄补贴审查标准", "COLLECT", list(inputs), rules)
    )


def _published_with_rules(version: ItemVersion, dmn: str) -> RuleSet:
    draft = rule_set_save(version=version, dmn=dmn, actor=None, instant_approval=True)
    return rule_set_publish(rule_set=draft, actor=None)


def test_the_published_rules_carry_over_to_the_next_version(
    handling_item: Any,  # noqa: F811
    publish: Any,  # noqa: F811
) -> None:
    first = publish(handling_item)
    source = _published_with_rules(first, _table(SimpleInput("age", "年龄", "integer")))
    second = publish(handling_item)
    copied = RuleSet.objects.get(version=second)
    assert (copied.revision, copied.state, copied.dmn, copied.instant_approval) == (
        1,
        "published",
        source.dmn,
        True,
    )
    assert AuditRecord.objects.filter(action="rules.rule_set.carry_over").count() == 1


def test_rules_that_no_longer_fit_are_not_carried_over(
    handling_item: Any,  # noqa: F811
    publish: Any,  # noqa: F811
) -> None:
    first = publish(handling_item)
    ItemVersion.objects.filter(pk=first.pk).update(
        application_form={
            "fields": [{"name": "household_size", "type": "integer", "label": "人口"}]
        }
    )
    first.refresh_from_db()
    _published_with_rules(
        first,
        _table(
            SimpleInput("age", "年龄", "integer"),
            SimpleInput("form_household_size", "人口", "integer"),
        ),
    )
    second = publish(handling_item)  # its form has no household_size
    assert not RuleSet.objects.filter(version=second).exists()
    record = AuditRecord.objects.get(action="rules.rule_set.not_carried_over")
    assert record.data["version"] == str(second.uuid)
    assert len(record.data["problems"]) == 1
