"""The supervisor's overdue list: open cases past their legal due date, most overdue first,
within the supervisor's scope."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection

from govhall.cases.models import Case
from govhall.cases.selectors import OPEN_STATES, overdue_cases, work_queue
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import new_case

pytestmark = pytest.mark.django_db


def test_overdue_cases_in_scope(
    version: Any, zhang: Any, clerk: Any, other_clerk: Any, at: Any
) -> None:
    with at(2026, 11, 2, 9):
        early = case_act(case=new_case(version, zhang, key="a"), action="accept", actor=clerk)
    with at(2026, 11, 9, 9):
        later = case_act(case=new_case(version, zhang, key="b"), action="accept", actor=clerk)
        new_case(version, zhang, key="c")  # not accepted: no legal due date yet
    assert (early.legal_due_on, later.legal_due_on) == (
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 7),
    )
    assert list(overdue_cases(clerk, today=datetime.date(2026, 11, 30))) == []
    assert list(overdue_cases(clerk, today=datetime.date(2026, 12, 1))) == [early]
    assert list(overdue_cases(clerk, today=datetime.date(2026, 12, 8))) == [early, later]
    assert list(overdue_cases(other_clerk, today=datetime.date(2026, 12, 8))) == []
    assert list(overdue_cases(zhang.user, today=datetime.date(2026, 12, 8))) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's partial-index matching")
@pytest.mark.parametrize("index", ["cases_overdue_open", "cases_queue_open"])
def test_the_open_case_lists_write_the_same_state_terms_as_the_partial_indexes(
    index: str, clerk: Any
) -> None:
    """SQLite uses a partial index only for a query whose ``WHERE`` holds the index's own terms;
    a bound ``state IN (?, ?, …)`` never does. ``literal_in`` writes the open states exactly as
    the index's definition does, in the same order."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [index])
        (definition,) = cursor.fetchone()
    terms = re.search(r'WHERE "state" IN (\([^)]*\))', definition)
    assert terms is not None
    assert (
        terms.group(1) == "('submitted', 'supplement_requested', 'accepted', 'suspended', "
        "'special_procedure', 'approved', 'pre_review', 'pre_review_returned', 'pre_reviewed')"
    )
    day = datetime.date(2026, 12, 8)
    for queryset in (overdue_cases(clerk, today=day), work_queue(clerk)):
        assert f'"cases_case"."state" IN {terms.group(1)}' in str(queryset.query)
    bound = Case.objects.filter(state__in=OPEN_STATES)
    assert terms.group(1) not in str(bound.query.sql_with_params()[0])


def test_literal_in_takes_only_code_constants() -> None:
    with pytest.raises(ValueError, match="code constants"):
        list(Case.objects.filter(state__literal_in=["accepted", "x') OR 1=1 --"]))
    with pytest.raises(ValueError, match="code constants"):
        list(Case.objects.filter(state__literal_in=[]))
