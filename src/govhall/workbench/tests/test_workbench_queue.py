"""The work queue: open cases of the clerk's bureau, most urgent first, with the number of
green, yellow and red cases on the deadline tabs, filters by deadline, assignment and state,
a coloured badge that also says its state in words, 20 cases a page and a bounded number of
queries whatever the page holds."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govhall.cases.services.actions import case_act
from govhall.cases.services.assignment import case_assign
from govhall.cases.tests.conftest import new_case
from govhall.workbench.tests.conftest import html

pytestmark = pytest.mark.django_db


def tab_counts(page: str) -> dict[str, int]:
    return {
        name: int(count)
        for name, count in re.findall(
            r'data-deadline="(\w+)"[^>]*>.*?<span class="queue-tab__count">(\d+)</span>', page
        )
    }


def listed(page: str) -> list[str]:
    return re.findall(r'<tr data-case="(\d+)">', page)


def badges(page: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<span class="deadline deadline--(\w+)"><span class="deadline__mark" '
        r'aria-hidden="true"></span>([^<]+)</span>',
        page,
    )


@pytest.fixture
def three_cases(version: Any, zhang: Any, yang: Any, clerk: Any, colleague: Any, at: Any) -> Any:
    """early: accepted 09-25 (due 10-16, warning from 10-14), claimed by the clerk;
    late: accepted 10-09 (due 10-22), claimed by the colleague; waiting: not accepted."""
    with at(2026, 9, 25, 10):
        early = case_act(case=new_case(version, zhang, "a"), action="accept", actor=clerk)
    with at(2026, 10, 9, 10):
        late = case_act(case=new_case(version, yang, "b"), action="accept", actor=clerk)
        waiting = new_case(version, zhang, "c")
    case_assign(case=early, actor=clerk, assignee=clerk, claim=True)
    case_assign(case=late, actor=colleague, assignee=colleague, claim=True)
    return early, late, waiting


def test_counts_order_and_badges(three_cases: Any, clerk: Any, signed_in: Any, at: Any) -> None:
    early, late, waiting = three_cases
    client = signed_in(clerk)
    with at(2026, 10, 15, 9):
        page = html(client.get("/workbench/cases/"))
    assert tab_counts(page) == {"all": 3, "green": 2, "yellow": 1, "red": 0}
    assert listed(page) == [early.number, late.number, waiting.number]
    assert badges(page) == [("yellow", "Due soon"), ("green", "On time"), ("green", "On time")]
    assert "2026-10-16" in page and "2026-10-22" in page
    assert "clerk.kaiyang" in page and "reviewer.kaiyang" in page
    assert page.count('<span class="step">审查</span>') == 2
    assert '<span class="step">受理</span>' in page
    assert "3 cases" in page

    with at(2026, 10, 19, 9):
        overdue = html(client.get("/workbench/cases/?deadline=red"))
    assert tab_counts(overdue) == {"all": 3, "green": 2, "yellow": 0, "red": 1}
    assert listed(overdue) == [early.number]
    assert badges(overdue) == [("red", "Overdue")]
    assert re.search(r'data-deadline="red" class="[^"]*" aria-current="page"', overdue)


def test_assignment_and_state_filters(
    three_cases: Any, clerk: Any, colleague: Any, signed_in: Any, at: Any
) -> None:
    early, late, waiting = three_cases
    client = signed_in(clerk)
    with at(2026, 10, 15, 9):
        assert listed(html(client.get("/workbench/cases/?assigned=me"))) == [early.number]
        assert listed(html(client.get("/workbench/cases/?assigned=unassigned"))) == [waiting.number]
        assert listed(html(client.get("/workbench/cases/?state=submitted"))) == [waiting.number]
        mine_yellow = html(client.get("/workbench/cases/?assigned=me&deadline=yellow"))
        assert listed(mine_yellow) == [early.number]
        # The deadline tabs keep the other filters.
        assert 'href="/workbench/cases/?deadline=red&amp;assigned=me"' in mine_yellow
        assert listed(html(signed_in(colleague).get("/workbench/cases/?assigned=me"))) == [
            late.number
        ]
        # Unknown filter values mean "all".
        assert listed(html(client.get("/workbench/cases/?assigned=x&state=y&deadline=z"))) == [
            early.number,
            late.number,
            waiting.number,
        ]


def test_twenty_a_page_in_a_bounded_number_of_queries(
    version: Any, zhang: Any, clerk: Any, signed_in: Any, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(clerk)
    first = new_case(version, zhang, "k0")
    with CaptureQueriesContext(connection) as one_case:
        assert listed(html(client.get("/workbench/cases/"))) == [first.number]
    for n in range(1, 21):
        new_case(version, zhang, f"k{n}")
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as full_page:
        page = html(client.get("/workbench/cases/"))
    assert len(listed(page)) == 20
    assert "21 cases" in page and "page 1 of 2" in page
    assert len(full_page) == len(one_case), [q["sql"][:90] for q in full_page]
    second = html(client.get("/workbench/cases/?page=2"))
    assert len(listed(second)) == 1
    assert 'href="/workbench/cases/" rel="prev"' in second
