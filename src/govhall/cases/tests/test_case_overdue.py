"""The supervisor's overdue list: open cases past their legal due date, most overdue first,
within the supervisor's scope."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from govhall.cases.selectors import overdue_cases
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
