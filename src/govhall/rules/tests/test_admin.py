"""Review rules in the admin: a review-rule officer uploads a DMN file for an item version of
their department (checked before anything is kept: a bad file is a form error and nothing is
saved), replaces a draft's file, publishes drafts with an action; published revisions are
read-only; another department's rules are not listed. An item's switch back to manual review
needs a reason and is saved through ``automation_set`` (audited)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govhall.catalog.models import ItemVersion
from govhall.catalog.tests.conftest import (  # noqa: F401 - fixtures
    base_item,
    handling_item,
    implementation,
    publish,
)
from govhall.core.models import AuditRecord
from govhall.identity.models import User
from govhall.identity.roles import role_group
from govhall.rules.builder import SimpleInput, SimpleRule, SimpleTable, dmn_from_simple
from govhall.rules.models import ItemAutomation, RuleSet
from govhall.rules.services import rule_set_publish, rule_set_save

pytestmark = pytest.mark.django_db
ADD = "/admin/rules/ruleset/add/"
CHANGES = "/admin/rules/ruleset/"


def table(threshold: int = 80, cell: str = '"520121"') -> str:
    return dmn_from_simple(
        SimpleTable(
            "old_age_allowance",
            "高龄补贴审查标准",
            "COLLECT",
            [
                SimpleInput("age", "年龄（周岁）", "integer"),
                SimpleInput("residence_county", "户籍地（县级代码）", "string"),
            ],
            [
                SimpleRule([f">= {threshold}", cell], "approve", "符合条件", "资格标准"),
                SimpleRule([f"< {threshold}", ""], "refuse", f"未满{threshold}周岁", "年龄标准"),
            ],
        )
    )


def dmn_file(content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("rules.dmn", content.encode(), content_type="application/xml")


@pytest.fixture
def version(handling_item: Any, publish: Any) -> ItemVersion:  # noqa: F811
    published: ItemVersion = publish(handling_item)
    return published


def staff_with_role(username: str, department: Any, role: str) -> User:
    user = User.objects.create_user(
        username=username, is_staff=True, department=department, region=department.region
    )
    user.groups.add(role_group(role))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def officer(version: ItemVersion) -> User:
    return staff_with_role(
        "rules.kaiyang", version.handling_item.implementation.department, "rules_officer"
    )


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_an_uploaded_file_is_saved_as_a_draft(version: Any, officer: User) -> None:
    client = signed_in(officer)
    assert client.get(ADD).status_code == 200
    response = client.post(
        ADD,
        {
            "version": version.pk,
            "dmn_file": dmn_file(table()),
            "instant_approval": "on",
            "note": "首版",
        },
    )
    assert response.status_code == 302
    draft = RuleSet.objects.get()
    assert (draft.revision, draft.state, draft.dmn, draft.instant_approval, draft.note) == (
        1,
        "draft",
        table(),
        True,
        "首版",
    )
    assert (draft.name, draft.input_names, draft.created_by) == (
        "高龄补贴审查标准",
        ["age", "residence_county"],
        officer,
    )
    assert AuditRecord.objects.filter(
        action="rules.rule_set.save", object_id=str(draft.uuid), actor=officer
    ).exists()


def test_a_bad_file_is_a_form_error_and_nothing_is_saved(version: Any, officer: User) -> None:
    client = signed_in(officer)
    for content, message in (
        (table(cell="salary > 1"), "Rule 1: salary &gt; 1 reads salary"),
        ("<definitions/>", "The file is not a DMN 1.1, 1.2 or 1.3 decision model"),
    ):
        response = client.post(ADD, {"version": version.pk, "dmn_file": dmn_file(content)})
        assert response.status_code == 200
        assert message in response.content.decode()
    without = client.post(ADD, {"version": version.pk})
    assert without.status_code == 200
    assert "This field is required." in without.content.decode()
    assert RuleSet.objects.count() == 0


def test_a_drafts_file_is_replaced_and_published_by_the_action(version: Any, officer: User) -> None:
    first = rule_set_publish(
        rule_set=rule_set_save(version=version, dmn=table(), actor=None, instant_approval=True),
        actor=None,
    )
    draft = rule_set_save(version=version, dmn=table(85), actor=None, instant_approval=True)
    client = signed_in(officer)
    change = f"{CHANGES}{draft.pk}/change/"
    refused = client.post(change, {"dmn_file": dmn_file(table(cell="__import__('os')"))})
    assert refused.status_code == 200
    assert "is not a safe expression (Call)" in refused.content.decode()
    kept = client.post(change, {"instant_approval": "", "note": "只预审"})
    assert kept.status_code == 302
    draft.refresh_from_db()
    assert (draft.dmn, draft.instant_approval, draft.note) == (table(85), False, "只预审")
    replaced = client.post(change, {"dmn_file": dmn_file(table(75)), "instant_approval": "on"})
    assert replaced.status_code == 302
    draft.refresh_from_db()
    assert (draft.revision, draft.dmn, draft.instant_approval) == (2, table(75), True)
    response = client.post(CHANGES, {"action": "publish", "_selected_action": [draft.pk, first.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    first.refresh_from_db()
    assert (draft.state, draft.published_by, first.state) == ("published", officer, "superseded")
    page = client.get(CHANGES).content.decode()
    assert "1 revision(s) published." in page
    assert "Only a draft can be published." in page


def test_published_rules_are_read_only(version: Any, officer: User) -> None:
    published = rule_set_publish(
        rule_set=rule_set_save(version=version, dmn=table(), actor=None, instant_approval=True),
        actor=None,
    )
    client = signed_in(officer)
    page = client.get(f"{CHANGES}{published.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert 'name="dmn_file"' not in page.content.decode()
    response = client.post(f"{CHANGES}{published.pk}/change/", {"dmn_file": dmn_file(table(75))})
    assert response.status_code == 403
    published.refresh_from_db()
    assert (published.dmn, published.state) == (table(), "published")


def test_another_departments_rules_are_not_listed(version: Any, department: Any) -> None:
    draft = rule_set_save(version=version, dmn=table(), actor=None, instant_approval=False)
    other = staff_with_role("rules.xifeng", department("520122", "息烽县民政局"), "rules_officer")
    client = signed_in(other)
    assert "高龄补贴审查标准" not in client.get(CHANGES).content.decode()
    assert client.get(f"{CHANGES}{draft.pk}/change/").status_code == 302  # "does not exist"
    refused = client.post(ADD, {"version": version.pk, "dmn_file": dmn_file(table())})
    assert refused.status_code == 200
    assert "Select a valid choice." in refused.content.decode()
    assert RuleSet.objects.count() == 1


def test_the_switch_to_manual_review_needs_a_reason(version: Any, officer: User) -> None:
    client = signed_in(officer)
    add = "/admin/rules/itemautomation/add/"
    item = version.handling_item
    refused = client.post(
        add, {"handling_item": item.pk, "manual_only": "on", "spot_check_percent": "10"}
    )
    assert refused.status_code == 200
    assert "State the reasons." in refused.content.decode()
    assert not ItemAutomation.objects.exists()
    too_many = client.post(
        add,
        {"handling_item": item.pk, "manual_only": "", "spot_check_percent": "101"},
    )
    assert too_many.status_code == 200
    assert not ItemAutomation.objects.exists()
    saved = client.post(
        add,
        {
            "handling_item": item.pk,
            "manual_only": "on",
            "reason": "规则复核期间暂停秒批",
            "spot_check_percent": "20",
        },
    )
    assert saved.status_code == 302
    setting = ItemAutomation.objects.get()
    assert (setting.manual_only, setting.reason, setting.spot_check_percent) == (
        True,
        "规则复核期间暂停秒批",
        20,
    )
    assert setting.changed_by == officer
    record = AuditRecord.objects.get(action="rules.automation.set", object_id=item.handling_code)
    assert (record.data["manual_only"], record.data["spot_check_percent"]) == (True, 20)
    back = client.post(
        f"/admin/rules/itemautomation/{setting.pk}/change/",
        {"manual_only": "", "reason": "", "spot_check_percent": "20"},
    )
    assert back.status_code == 302
    setting.refresh_from_db()
    assert setting.manual_only is False
    assert AuditRecord.objects.filter(action="rules.automation.set").count() == 2
