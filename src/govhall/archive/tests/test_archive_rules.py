"""Classification and retention follow documented rules: the class is the item type and the
outcome; a grant of a licence, confirmation or adjudication is kept permanently, other grants
30 years, refusals and withdrawals 10 years, counted from the year after closing."""

from __future__ import annotations

import datetime

import pytest

from govhall.archive.rules import class_code, class_name, retain_until, retention_for


@pytest.mark.parametrize(
    ("item_type_code", "outcome", "code", "retention"),
    [
        ("01", "granted", "01-1", "permanent"),
        ("01", "denied", "01-2", "10y"),
        ("01", "refused", "01-3", "10y"),
        ("01", "withdrawn", "01-4", "10y"),
        ("07", "granted", "07-1", "permanent"),
        ("09", "granted", "09-1", "permanent"),
        ("05", "granted", "05-1", "30y"),
        ("21", "granted", "21-1", "30y"),
        ("05", "denied", "05-2", "10y"),
        ("21", "withdrawn", "21-4", "10y"),
    ],
)
def test_class_and_retention_per_item_type_and_outcome(
    item_type_code: str, outcome: str, code: str, retention: str
) -> None:
    assert class_code(item_type_code=item_type_code, outcome=outcome) == code
    assert retention_for(item_type_code=item_type_code, outcome=outcome) == retention


def test_class_names_read_type_then_outcome() -> None:
    assert [
        class_name(item_type_name="公共服务", outcome=outcome)
        for outcome in ("granted", "denied", "refused", "withdrawn")
    ] == ["公共服务·准予", "公共服务·不予批准", "公共服务·不予受理", "公共服务·撤回"]


@pytest.mark.parametrize(
    ("retention", "closed_on", "until"),
    [
        ("permanent", datetime.date(2026, 12, 31), None),
        ("30y", datetime.date(2026, 1, 1), datetime.date(2056, 12, 31)),
        ("10y", datetime.date(2026, 12, 31), datetime.date(2036, 12, 31)),
    ],
)
def test_fixed_periods_end_on_the_last_day_of_a_year(
    retention: str, closed_on: datetime.date, until: datetime.date | None
) -> None:
    assert retain_until(retention, closed_on=closed_on) == until
