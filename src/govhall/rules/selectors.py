"""Reads of review rules."""

from __future__ import annotations

from django.conf import settings

from govhall.catalog.models import HandlingItem, ItemVersion
from govhall.rules.dmn import Table, table_load
from govhall.rules.models import ItemAutomation, RuleSet, RuleSetState


def published_rule_set(version: ItemVersion) -> RuleSet | None:
    """The revision new applications under ``version`` are decided by, if any."""
    return RuleSet.objects.filter(version=version, state=RuleSetState.PUBLISHED).first()


def rule_set_table(rule_set: RuleSet) -> Table:
    return table_load(rule_set.dmn)


def automation_of(item: HandlingItem) -> ItemAutomation:
    """The item's settings (unsaved defaults when none were ever changed)."""
    found = ItemAutomation.objects.filter(handling_item=item).first()
    if found is not None:
        return found
    default = settings.GOVHALL["RULES_SPOT_CHECK_PERCENT"]
    return ItemAutomation(handling_item=item, spot_check_percent=default)


def instant_approval_on(version: ItemVersion, rule_set: RuleSet | None) -> bool:
    """Whether applications under ``version`` are decided on submission now."""
    return (
        rule_set is not None
        and rule_set.instant_approval
        and not automation_of(version.handling_item).manual_only
    )
