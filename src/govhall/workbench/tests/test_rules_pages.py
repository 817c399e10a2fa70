"""Review rules and spot checks in the workbench.

A review-rule officer of the bureau sees the bureau's items with their rule revisions, writes
a simple table in a form (saved as a draft whose DMN is exactly what the builder writes; a bad
cell is refused at save time and nothing is stored), tries it on sample inputs, replays past
cases against a draft, publishes it, and switches an item to manual review (then a submission
is not decided). A supervisor agrees or disagrees with sampled automatic decisions (a
disagreement needs the reasons). The case page explains the automatic decision. Staff without
the right get 403; another department's rules are not found (404).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from govhall.cases.models import AutomaticDecision, Case, SpotCheck
from govhall.cases.services.submission import case_submit
from govhall.cases.tests.conftest import PASSWORD, uploads_for
from govhall.catalog.models import ItemVersion
from govhall.core.models import AuditRecord
from govhall.identity.models import Person, User
from govhall.identity.roles import role_group
from govhall.identity.services import person_register
from govhall.rules.builder import SimpleInput, SimpleRule, SimpleTable, dmn_from_simple
from govhall.rules.models import ItemAutomation, RuleSet
from govhall.rules.selectors import automation_of
from govhall.rules.services import automation_set, rule_set_publish, rule_set_save
from govhall.workbench.tests.conftest import html

pytestmark = pytest.mark.django_db

AGE = SimpleInput("age", "年龄（周岁）", "integer")
COUNTY = SimpleInput("residence_county", "户籍地（县级代码）", "string")
HOUSEHOLD = SimpleInput("form_household_size", "家庭人口", "integer")


def old_age(threshold: int = 80) -> SimpleTable:
    return SimpleTable(
        "old_age_allowance",
        "高龄补贴审查标准",
        "COLLECT",
        [AGE, COUNTY, HOUSEHOLD],
        [
            SimpleRule([f">= {threshold}", '"520121"', ""], "approve", "符合条件", "资格标准"),
            SimpleRule([f"< {threshold}", "", ""], "refuse", f"未满{threshold}周岁", "年龄标准"),
            SimpleRule(["", '!= "520121"', ""], "refuse", "不具有本县户籍", "户籍标准"),
            SimpleRule(["", "", "> 6"], "manual", "家庭人口较多，需人工核实", "人口核实"),
        ],
    )


def with_role(username: str, department: Any, role: str) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        is_staff=True,
        department=department,
        region=department.region,
    )
    user.groups.add(role_group(role))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def officer(version: ItemVersion) -> User:
    """The bureau's review-rule officer (审批规则管理员)."""
    return with_role(
        "rules.kaiyang", version.handling_item.implementation.department, "rules_officer"
    )


@pytest.fixture
def other_officer(version: ItemVersion, department: Any) -> User:
    return with_role("rules.xifeng", department("520122", "息烽县民政局"), "rules_officer")


@pytest.fixture
def supervisor(version: ItemVersion) -> User:
    return with_role(
        "supervisor.kaiyang", version.handling_item.implementation.department, "supervisor"
    )


@pytest.fixture
def client_for() -> Any:
    def make(user: User) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return make


def draft_of(version: ItemVersion, table: SimpleTable | None = None, **options: Any) -> RuleSet:
    return rule_set_save(
        version=version,
        dmn=dmn_from_simple(table or old_age()),
        actor=None,
        instant_approval=options.get("instant", True),
    )


def published(version: ItemVersion, *, instant: bool = True) -> RuleSet:
    return rule_set_publish(rule_set=draft_of(version, instant=instant), actor=None)


def person(name: str, id_number: str, mobile: str) -> Person:
    return person_register(name=name, id_number=id_number, mobile=mobile, password=PASSWORD)


def submit(version: ItemVersion, applicant: Person, *, size: int = 2) -> Case:
    case, _created = case_submit(
        actor=applicant.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=applicant.uuid,
        channel="web",
        form_data={"household_size": size, "monthly_income": "800.00"},
        idempotency_key=f"rules-{applicant.uuid}",
        materials=uploads_for(version, applicant.user),
    )
    return case


def table_form(name: str = "高龄补贴审查标准", **fields: str) -> dict[str, str]:
    """The editor's fields for :func:`old_age` typed in the form: three input columns and a
    blank fifth column, six rows of which the third and the sixth are left empty."""
    posted = {
        "do": "save",
        "idempotency_key": "editor-1",
        "name": name,
        "hit_policy": "COLLECT",
        "instant_approval": "on",
        "note": "首版",
        "columns": "4",
        "rows": "6",
        "input_0": "age",
        "input_1": "residence_county",
        "input_2": "form_household_size",
        "input_3": "",
    }
    rows = [
        (">= 80", '"520121"', "", "approve", "符合条件", "资格标准"),
        ("< 80", "", "", "refuse", "未满80周岁", "年龄标准"),
        None,
        ("", '!= "520121"', "", "refuse", "不具有本县户籍", "户籍标准"),
        ("", "", "> 6", "manual", "家庭人口较多，需人工核实", "人口核实"),
        None,
    ]
    for n, row in enumerate(rows, start=1):
        if row is None:
            continue
        for c, cell in enumerate(row[:3]):
            posted[f"cell_{n}_{c}"] = cell
        posted[f"outcome_{n}"], posted[f"reason_{n}"], posted[f"description_{n}"] = row[3:]
    posted.update(fields)
    return posted


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def element(page: str, element_id: str) -> str:
    """The inside of the element with ``element_id`` (one not nested in its own kind)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found is not None, element_id
    return found.group(2)


# --- Who may open the pages -----------------------------------------------------------------


def _urls(version: ItemVersion, rule_set: RuleSet) -> list[str]:
    return [
        "/workbench/rules/",
        f"/workbench/rules/{rule_set.uuid}/",
        f"/workbench/rules/{rule_set.uuid}/edit/",
        f"/workbench/rules/{rule_set.uuid}/dmn/",
        f"/workbench/rules/new/{version.uuid}/",
    ]


def test_every_page_renders_for_the_bureaus_rules_officer(
    version: Any, officer: User, client_for: Any
) -> None:
    draft = draft_of(version)
    client = client_for(officer)
    for url in _urls(version, draft):
        assert client.get(url).status_code == 200, url
    overview = html(client.get("/workbench/rules/"))
    assert 'href="/workbench/rules/"' in overview  # the nav link
    assert 'href="/workbench/spot-checks/"' not in overview  # not a supervisor
    assert f'href="/workbench/rules/{draft.uuid}/">r1</a>' in overview
    assert version.handling_item.handling_code in overview
    page = html(client.get(f"/workbench/rules/{draft.uuid}/"))
    head = text(element(page, "decision-table"))
    assert "年龄（周岁） age verified identity · integer" in head
    assert "户籍地（县级代码） residence_county population database (人口库) · string" in head
    assert "家庭人口 form_household_size application form · integer" in head
    assert "1 资格标准 &gt;= 80 &quot;520121&quot; - Approve 符合条件" in head
    download = client.get(f"/workbench/rules/{draft.uuid}/dmn/")
    assert download.content.decode() == draft.dmn
    assert download["Content-Disposition"] == (
        f'attachment; filename="{version.handling_item.handling_code}-v{version.number}-r1.dmn"'
    )
    assert download["X-Content-Type-Options"] == "nosniff"


def test_anonymous_visitors_are_sent_to_sign_in(version: Any) -> None:
    draft = draft_of(version)
    client = Client()
    for url in [*_urls(version, draft), "/workbench/spot-checks/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/account/sign-in/?next={url}"


def test_staff_without_the_right_get_403(
    version: Any, clerk: User, officer: User, zhang: Person, client_for: Any
) -> None:
    draft = draft_of(version)
    client = client_for(clerk)  # processes cases; no rules.manage_rules
    for url in _urls(version, draft):
        response = client.get(url)
        assert response.status_code == 403, url
    code = version.handling_item.handling_code
    automation = client.post(
        f"/workbench/rules/items/{code}/automation/", {"do": "manual", "reason": "x"}
    )
    assert automation.status_code == 403
    assert client.post(f"/workbench/rules/{draft.uuid}/", {"do": "publish"}).status_code == 403
    assert "Review rules" not in html(client.get("/workbench/cases/"))
    for user in (clerk, officer, zhang.user):  # no cases.check_decisions
        assert client_for(user).get("/workbench/spot-checks/").status_code == 403
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert automation_of(version.handling_item).pk is None


def test_another_departments_rules_are_not_found(
    version: Any, other_officer: User, client_for: Any
) -> None:
    draft = draft_of(version)
    client = client_for(other_officer)
    for url in _urls(version, draft)[1:]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/workbench/rules/{draft.uuid}/", {"do": "publish"}).status_code == 404
    for identifier in (version.handling_item.handling_code, str(version.handling_item.uuid)):
        response = client.post(
            f"/workbench/rules/items/{identifier}/automation/", {"do": "manual", "reason": "x"}
        )
        assert response.status_code == 404
    overview = html(client.get("/workbench/rules/"))
    assert version.handling_item.handling_code not in overview
    assert "Your department has no item with a published guide." in overview
    draft.refresh_from_db()
    assert draft.state == "draft"


# --- Writing, trying, replaying and publishing ----------------------------------------------


def test_saving_a_simple_table_creates_a_draft_with_its_dmn(
    version: Any, officer: User, client_for: Any
) -> None:
    client = client_for(officer)
    url = f"/workbench/rules/new/{version.uuid}/"
    form = html(client.get(url))
    assert '<option value="age">Age (full years) · age · integer</option>' in form
    assert (
        '<option value="form_household_size">家庭人口 · form_household_size · integer</option>'
    ) in form
    # More room: the blank rows go to the end, as many blank rows and inputs again.
    more = client.post(url, table_form(do="more"))
    assert more.status_code == 200
    assert RuleSet.objects.count() == 0
    assert len(re.findall(r'<select id="id_input_\d+"', html(more))) == 7
    assert len(re.findall(r'<tr data-row="\d+">', html(more))) == 10
    assert 'name="reason_3" value="不具有本县户籍"' in html(more)
    response = client.post(url, table_form())
    draft = RuleSet.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workbench/rules/{draft.uuid}/"
    expected = old_age()
    expected.decision_id = f"rules_{version.handling_item.handling_code}"
    assert draft.dmn == dmn_from_simple(expected)
    assert (draft.revision, draft.state, draft.instant_approval, draft.note) == (
        1,
        "draft",
        True,
        "首版",
    )
    assert (draft.name, draft.input_names, draft.created_by) == (
        "高龄补贴审查标准",
        ["age", "form_household_size", "residence_county"],
        officer,
    )
    assert '<inputEntry id="rule_1_in_1"><text>&gt;= 80</text></inputEntry>' in draft.dmn
    assert '<text>"不具有本县户籍"</text>' in draft.dmn
    assert AuditRecord.objects.filter(
        action="rules.rule_set.save", object_id=str(draft.uuid), actor=officer
    ).exists()
    # The same page posted again (a double click) saves nothing more.
    again = client.post(url, table_form())
    assert again["Location"] == f"/workbench/rules/{draft.uuid}/"
    assert RuleSet.objects.count() == 1


def test_a_bad_cell_shows_the_error_and_saves_nothing(
    version: Any, officer: User, client_for: Any
) -> None:
    client = client_for(officer)
    url = f"/workbench/rules/new/{version.uuid}/"
    response = client.post(url, table_form(cell_2_0=">= salary", cell_4_1='__import__("os")'))
    assert response.status_code == 400
    assert RuleSet.objects.count() == 0
    page = html(response)
    assert [text(m) for m in re.findall(r"<li>(.*?)</li>", element(page, "dmn-errors"))] == [
        "Rule 2: &gt;= salary reads salary, which is not an input of the table.",
        "Rule 3: __import__(&quot;os&quot;) is not a safe expression (Call).",
    ]
    # What was typed is kept, the empty third row dropped: form row 3 is rule 3.
    assert 'name="cell_2_0" value="&gt;= salary"' in page
    assert 'name="cell_3_1" value="__import__(&quot;os&quot;)"' in page
    missing = client.post(url, table_form(outcome_2="", days_1="five"))
    assert missing.status_code == 400
    assert RuleSet.objects.count() == 0
    page = html(missing)
    assert '<p class="field__error" id="error_outcome_2">Choose an outcome.</p>' in page
    assert (
        '<p class="field__error" id="error_days_1">Rule 1: enter a whole number of working'
        " days.</p>"
    ) in page
    column = client.post(url, table_form(input_0=""))
    assert '<p class="field__error" id="error_input_0">Choose the input of this column.</p>' in (
        html(column)
    )
    assert RuleSet.objects.count() == 0


def test_a_draft_is_changed_in_place_and_a_published_one_copied(
    version: Any, officer: User, client_for: Any
) -> None:
    draft = draft_of(version)
    client = client_for(officer)
    form = html(client.get(f"/workbench/rules/{draft.uuid}/edit/"))
    assert 'name="cell_2_0" value="&lt; 80"' in form
    assert 'name="reason_4" value="家庭人口较多，需人工核实"' in form
    response = client.post(
        f"/workbench/rules/{draft.uuid}/edit/", table_form(cell_1_0=">= 75", cell_2_0="< 75")
    )
    assert response.status_code == 302
    assert RuleSet.objects.count() == 1
    draft.refresh_from_db()
    assert (draft.revision, draft.state) == (1, "draft")
    assert "<text>&gt;= 75</text>" in draft.dmn
    rule_set_publish(rule_set=draft, actor=None)
    copy = client.get(f"/workbench/rules/{draft.uuid}/edit/")
    assert copy.status_code == 302
    assert copy["Location"] == f"/workbench/rules/new/{version.uuid}/?from={draft.uuid}"
    assert 'name="cell_1_0" value="&gt;= 75"' in html(client.get(copy["Location"]))


def test_a_table_with_expression_inputs_is_replaced_by_upload(
    version: Any, officer: User, client_for: Any
) -> None:
    dmn = dmn_from_simple(old_age()).replace(
        '<inputExpression id="input_expression_1" typeRef="integer"><text>age</text>',
        '<inputExpression id="input_expression_1" typeRef="integer"><text>age + 1</text>',
    )
    draft = rule_set_save(version=version, dmn=dmn, actor=None, instant_approval=False)
    client = client_for(officer)
    page = html(client.get(f"/workbench/rules/{draft.uuid}/edit/"))
    assert 'id="form-table"' not in page
    assert 'id="expression-inputs"' in page and 'id="form-upload"' in page
    bad = client.post(
        f"/workbench/rules/{draft.uuid}/edit/",
        {"do": "upload", "dmn_file": _file("<definitions/>")},
    )
    assert bad.status_code == 400
    assert "The file is not a DMN 1.1, 1.2 or 1.3 decision model (definitions)." in html(bad)
    draft.refresh_from_db()
    assert draft.dmn == dmn
    good = client.post(
        f"/workbench/rules/{draft.uuid}/edit/",
        {"do": "upload", "dmn_file": _file(dmn_from_simple(old_age(75))), "note": "改为75周岁"},
    )
    assert good.status_code == 302
    draft.refresh_from_db()
    assert (draft.dmn, draft.note, draft.revision) == (
        dmn_from_simple(old_age(75)),
        "改为75周岁",
        1,
    )


def _file(content: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("rules.dmn", content.encode(), content_type="application/xml")


def test_the_sample_test_shows_the_exact_outcome(
    version: Any, officer: User, client_for: Any
) -> None:
    draft = draft_of(version)
    client = client_for(officer)
    url = f"/workbench/rules/{draft.uuid}/"
    response = client.post(
        url,
        {
            "do": "try",
            "input_age": "79",
            "input_residence_county": "520121",
            "input_form_household_size": "2",
        },
    )
    assert response.status_code == 200
    page = html(response)
    assert '<span data-outcome="refuse">Refuse</span>' in page
    assert text(element(page, "trial-reasons")) == "未满80周岁"
    verdicts = re.findall(r'data-row="(\d)" data-matched="(\w+)">(.*?)</tr>', page, re.S)
    cells = {
        row: [*re.findall(r"verdict--(met|failed|any)", body), matched]
        for row, matched, body in verdicts
    }
    assert cells == {
        "1": ["failed", "met", "any", "no"],
        "2": ["met", "any", "any", "yes"],
        "3": ["any", "failed", "any", "no"],
        "4": ["any", "any", "failed", "no"],
    }
    unknown = html(client.post(url, {"do": "try", "input_age": "82"}))
    assert '<span data-outcome="manual">Manual review</span>' in unknown
    bad = client.post(url, {"do": "try", "input_age": "eighty", "input_form_household_size": "x"})
    assert bad.status_code == 400
    page = html(bad)
    assert '<p class="field__error" id="error_input_age">Enter a whole number.</p>' in page
    assert (
        '<p class="field__error" id="error_input_form_household_size">Enter a whole number.</p>'
        in page
    )
    assert 'name="input_age" value="eighty"' in page
    assert 'id="trial-result"' not in page


def test_publishing_a_draft(version: Any, officer: User, client_for: Any) -> None:
    first = published(version)
    draft = draft_of(version, old_age(75))
    client = client_for(officer)
    response = client.post(f"/workbench/rules/{draft.uuid}/", {"do": "publish"})
    assert response.status_code == 302
    draft.refresh_from_db()
    first.refresh_from_db()
    assert (draft.state, draft.published_by, first.state) == ("published", officer, "superseded")
    record = AuditRecord.objects.get(action="rules.rule_set.publish", object_id=str(draft.uuid))
    assert record.data["supersedes"] == [str(first.uuid)]
    assert "Revision 2 is published" in html(client.get(response["Location"]))
    again = client.post(f"/workbench/rules/{draft.uuid}/", {"do": "publish"})
    assert again.status_code == 409
    assert "Only a draft can be published." in html(again)


def test_the_impact_report_replays_past_cases(
    version: Any, officer: User, zhang: Person, yang: Person, client_for: Any, at: Any
) -> None:
    published(version, instant=False)
    wang = person("王德明", "522522194611293154", "13985013456")  # 79 until 2026-11-29
    liu = person("刘桂兰", "522522195207184065", "13985014567")  # 73
    with at(2026, 6, 1, 10):
        for applicant in (zhang, wang, liu, yang):
            submit(version, applicant)
    draft = draft_of(version, old_age(75))
    client = client_for(officer)
    with at(2026, 6, 2, 10):
        page = html(client.get(f"/workbench/rules/{draft.uuid}/?impact=1"))
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', element(page, "impact-counts")))
    assert counts == {
        "cases": "4",
        "changed": "1",
        "approve": "2",
        "refuse": "2",
        "manual": "0",
        "pending": "0",
    }
    rows = re.findall(r"<tr( class=\"is-changed\")?><td><a [^>]*>([^<]+)</a>", page)
    changed = [number for marker, number in rows if marker]
    assert changed == [AutomaticDecision.objects.get(case__applicant_name="王德明").case.number]
    assert len(rows) == 4
    # Published revisions are not replayed here: the report is a draft's.
    first = RuleSet.objects.get(state="published")
    assert 'id="impact"' not in html(client.get(f"/workbench/rules/{first.uuid}/?impact=1"))


def test_switching_to_manual_then_a_submission_is_not_decided(
    version: Any, officer: User, zhang: Person, client_for: Any
) -> None:
    published(version)
    client = client_for(officer)
    url = f"/workbench/rules/items/{version.handling_item.handling_code}/automation/"
    refused = client.post(url, {"do": "manual", "reason": "  "})
    assert refused.status_code == 400
    assert (
        '<p class="field__error" id="error_reason_'
        f'{version.handling_item.handling_code}">State the reasons.</p>'
    ) in html(refused)
    assert not ItemAutomation.objects.exists()
    switched = client.post(url, {"do": "manual", "reason": "规则复核期间暂停秒批"})
    assert switched.status_code == 302
    assert switched["Location"] == f"/workbench/rules/#item-{version.handling_item.handling_code}"
    setting = ItemAutomation.objects.get()
    assert (setting.manual_only, setting.reason, setting.changed_by) == (
        True,
        "规则复核期间暂停秒批",
        officer,
    )
    overview = html(client.get("/workbench/rules/"))
    assert "Off: manual review only" in overview and "规则复核期间暂停秒批" in overview
    case = submit(version, zhang)
    decision = AutomaticDecision.objects.get(case=case)
    assert (case.state, decision.outcome, decision.decided) == ("submitted", "approve", False)
    assert list(case.actions.values_list("action", flat=True)) == ["submit"]
    assert client.post(url, {"do": "automatic"}).status_code == 302
    assert ItemAutomation.objects.get().manual_only is False


def test_the_spot_check_rate(version: Any, officer: User, client_for: Any) -> None:
    client = client_for(officer)
    url = f"/workbench/rules/items/{version.handling_item.uuid}/automation/"
    for value, message in (
        ("ten", "Enter a whole number of percent."),
        ("150", "Between 0 and 100 percent."),
    ):
        response = client.post(url, {"do": "rate", "spot_check_percent": value})
        assert response.status_code == 400
        assert message in html(response)
        assert f'name="spot_check_percent" value="{value}"' in html(response)
    assert not ItemAutomation.objects.exists()
    assert client.post(url, {"do": "rate", "spot_check_percent": "25"}).status_code == 302
    assert ItemAutomation.objects.get().spot_check_percent == 25


def test_the_overview_counts_automatic_decisions(
    version: Any, officer: User, zhang: Person, yang: Person, client_for: Any
) -> None:
    published(version)
    submit(version, zhang)
    submit(version, yang)
    overview = html(client_for(officer).get("/workbench/rules/"))
    counts = re.findall(r'<li data-outcome="(\w+)">[^<]*<strong>(\d+)</strong>', overview)
    assert counts == [("approve", "1"), ("refuse", "1"), ("manual", "0"), ("pending", "0")]


# --- Spot checks and the case page ----------------------------------------------------------


def test_spot_checks_agree_and_disagree(
    version: Any,
    supervisor: User,
    zhang: Person,
    yang: Person,
    department: Any,
    client_for: Any,
) -> None:
    published(version)
    automation_set(item=version.handling_item, actor=None, spot_check_percent=100)
    approved, refused = submit(version, zhang), submit(version, yang)
    check_of = {c.decision.case_id: c for c in SpotCheck.objects.select_related("decision")}
    client = client_for(supervisor)
    page = html(client.get("/workbench/spot-checks/"))
    assert 'href="/workbench/spot-checks/"' in page  # the nav link
    assert dict(re.findall(r'data-count="(\w+)">(\d+)<', page)) == {
        "all": "2",
        "pending": "2",
        "agreed": "0",
        "disagreed": "0",
    }
    assert f'href="/workbench/cases/{approved.number}/"' in page
    assert "The application meets every review standard and was approved automatically." in page
    refused_check = check_of[refused.pk]
    blank = client.post(
        "/workbench/spot-checks/",
        {"check": str(refused_check.uuid), "do": "disagree", "opinion": " "},
    )
    assert blank.status_code == 400
    assert (
        f'<p class="field__error" id="error_opinion_{refused_check.uuid}">State the reasons.</p>'
    ) in html(blank)
    assert set(SpotCheck.objects.values_list("state", flat=True)) == {"pending"}
    agreed = client.post(
        "/workbench/spot-checks/", {"check": str(check_of[approved.pk].uuid), "do": "agree"}
    )
    assert agreed.status_code == 302
    disagreed = client.post(
        "/workbench/spot-checks/?state=pending",
        {"check": str(refused_check.uuid), "do": "disagree", "opinion": "户籍信息有误，应人工核实"},
    )
    assert disagreed["Location"] == "/workbench/spot-checks/?state=pending"
    states = {
        c.decision.case_id: (c.state, c.opinion, c.checked_by)
        for c in SpotCheck.objects.select_related("decision")
    }
    assert states == {
        approved.pk: ("agreed", "", supervisor),
        refused.pk: ("disagreed", "户籍信息有误，应人工核实", supervisor),
    }
    listed = re.findall(
        r'<h2 id="h-check-\d+" class="h-small"><a class="code" href="/workbench/cases/(\d+)/"',
        html(client.get("/workbench/spot-checks/?state=agreed")),
    )
    assert listed == [approved.number]
    twice = client.post(
        "/workbench/spot-checks/", {"check": str(check_of[approved.pk].uuid), "do": "agree"}
    )
    assert twice.status_code == 409
    assert "This decision has already been checked." in html(twice)
    elsewhere = with_role("supervisor.xifeng", department("520122", "息烽县民政局"), "supervisor")
    other = client_for(elsewhere)
    assert approved.number not in html(other.get("/workbench/spot-checks/"))
    response = other.post(
        "/workbench/spot-checks/", {"check": str(refused_check.uuid), "do": "agree"}
    )
    assert response.status_code == 404


def test_the_case_page_explains_the_automatic_decision(
    version: Any, clerk: User, zhang: Person, yang: Person, client_for: Any
) -> None:
    before = submit(version, yang)  # no rules yet: no block
    rule_set = published(version)
    automation_set(item=version.handling_item, actor=None, spot_check_percent=100)
    case = submit(version, zhang)
    client = client_for(clerk)
    assert 'id="automatic-review"' not in html(client.get(f"/workbench/cases/{before.number}/"))
    page = html(client.get(f"/workbench/cases/{case.number}/"))
    block = text(element(page, "automatic-review"))
    assert "Automatic review" in block
    assert "Outcome Approved automatically" in block
    assert "The rules decided this case (instant approval)." in block
    assert f"{rule_set.name} · revision 1" in block
    assert "Spot check Waiting for a check" in block
    assert "✓ applies 资格标准" in block and "✗ does not apply 年龄标准" in block
    assert "Age (full years) : 82 · verified identity · " in block
    assert "Registered residence (county) : 520121 · population database (人口库) · " in block
