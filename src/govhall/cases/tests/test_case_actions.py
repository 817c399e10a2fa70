"""Acting on a case: staff of the right department and region only, the state machine (409
for an action out of order), race safety, 补正 with its clock stop, and due dates in working
days across the 2026 National Day and Spring Festival holidays."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection, transaction

from govhall.cases.deadlines import due_dates
from govhall.cases.models import Case, CaseAction, ClockStop
from govhall.cases.services.actions import case_act
from govhall.cases.tests.conftest import new_case
from govhall.cases.transitions import state_after
from govhall.core.errors import Conflict, PermissionDenied, ValidationFailed
from govhall.core.models import AuditRecord

pytestmark = pytest.mark.django_db
D = datetime.date


def test_acceptance_on_a_holiday_counts_from_the_next_working_day(
    version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    case = new_case(version, zhang)
    with at(2026, 9, 25, 10, 0):
        accepted = case_act(case=case, action="accept", actor=clerk)
    # STANDARDS.md's example: received 09-25 (Mid-Autumn) → counts as 09-28 → day 20 is 10-30,
    # National Day skipped and the adjusted working Saturday 10-10 counted.
    assert (accepted.accepted_on, accepted.legal_due_on, accepted.promised_due_on) == (
        D(2026, 9, 28),
        D(2026, 10, 30),
        D(2026, 10, 16),
    )
    assert accepted.due_provisional is False
    assert (
        AuditRecord.objects.filter(action="cases.case.accept", object_id=case.number).count() == 1
    )


def test_due_dates_across_the_spring_festival() -> None:
    dates = due_dates(accepted_on=D(2026, 2, 13), legal_days=20, promised_days=10, stops=[])
    assert (dates.legal, dates.promised) == (D(2026, 3, 19), D(2026, 3, 5))
    in_holiday = due_dates(accepted_on=D(2026, 2, 16), legal_days=20, promised_days=10, stops=[])
    assert (in_holiday.legal, in_holiday.promised) == (D(2026, 3, 23), D(2026, 3, 9))


def test_a_clock_stop_moves_the_due_date() -> None:
    stopped = due_dates(
        accepted_on=D(2026, 9, 28),
        legal_days=20,
        promised_days=10,
        stops=[(D(2026, 10, 12), D(2026, 10, 16))],
    )
    assert (stopped.legal, stopped.promised) == (D(2026, 11, 6), D(2026, 10, 23))


def test_only_staff_of_the_right_department_act(
    version: Any, zhang: Any, clerk: Any, other_clerk: Any
) -> None:
    case = new_case(version, zhang)
    with pytest.raises(PermissionDenied):
        case_act(case=case, action="accept", actor=other_clerk)
    with pytest.raises(PermissionDenied):
        case_act(case=case, action="accept", actor=zhang.user)
    assert case_act(case=case, action="accept", actor=clerk).state == "accepted"


def test_two_clerks_accepting_one_succeeds_the_other_gets_a_conflict(
    version: Any, zhang: Any, clerk: Any
) -> None:
    case = new_case(version, zhang)
    stale = Case.objects.get(pk=case.pk)
    case_act(case=case, action="accept", actor=clerk)
    with pytest.raises(Conflict) as conflict:
        case_act(case=stale, action="accept", actor=clerk)
    assert str(conflict.value) == "办件当前状态为“已受理，审查中”，不能进行此操作。"
    assert CaseAction.objects.filter(case=case, action="accept").count() == 1


def test_supplement_stops_the_clock_and_the_full_lifecycle_replays(
    version: Any, zhang: Any, clerk: Any, at: Any
) -> None:
    case = new_case(version, zhang)
    with pytest.raises(ValidationFailed) as no_reasons:
        case_act(case=case, action="request_supplement", actor=clerk)
    assert [e.code for e in no_reasons.value.errors] == ["opinion.required"]
    with at(2026, 12, 1, 9):
        case_act(case=case, action="request_supplement", actor=clerk, opinion="缺少户口簿复印件。")
    stop = ClockStop.objects.get(case=case)
    assert (stop.kind, stop.started_on, stop.ended_on) == ("supplement", D(2026, 12, 1), None)
    with pytest.raises(PermissionDenied):
        case_act(case=case, action="supplement", actor=clerk)
    with at(2026, 12, 3, 15):
        case_act(case=case, action="supplement", actor=zhang.user)
    stop.refresh_from_db()
    assert stop.ended_on == D(2026, 12, 3)
    with at(2026, 12, 4, 9):
        case_act(case=case, action="accept", actor=clerk)
        with pytest.raises(Conflict):
            case_act(case=case, action="deliver", actor=clerk)
        # The standard process reviews before the decision.
        with pytest.raises(Conflict) as early:
            case_act(case=case, action="approve", actor=clerk, opinion="符合条件，准予。")
        assert "审查" in str(early.value.detail)
        case_act(case=case, action="review", actor=clerk, opinion="材料齐全，家庭收入低于标准。")
        case_act(case=case, action="approve", actor=clerk, opinion="符合条件，准予。")
        case_act(case=case, action="deliver", actor=clerk, data={"method": "window"})
        final = case_act(case=case, action="close", actor=clerk)
    assert final.state == "closed" and final.decided_at is not None
    log = list(final.actions.order_by("sequence").values_list("action", flat=True))
    assert log == [
        "submit",
        "request_supplement",
        "supplement",
        "accept",
        "review",
        "approve",
        "deliver",
        "close",
    ]
    assert state_after(log) == "closed"
    assert final.revision == 8
    assert final.current_steps == []
    steps = list(final.actions.order_by("sequence").values_list("data__step", flat=True))
    assert steps == [None, None, None, "accept", "review", "decide", "deliver", None]


def test_the_applicant_withdraws_with_a_reason(version: Any, zhang: Any, yang: Any) -> None:
    case = new_case(version, zhang)
    with pytest.raises(ValidationFailed):
        case_act(case=case, action="withdraw", actor=zhang.user)
    from govhall.core.errors import NotFound

    with pytest.raises(NotFound):
        case_act(case=case, action="withdraw", actor=yang.user, opinion="不办了")
    assert (
        case_act(case=case, action="withdraw", actor=zhang.user, opinion="不再申请").state
        == "withdrawn"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_action_lets_rows_that_refer_to_its_case_be_written(
    version: Any, zhang: Any, clerk: Any
) -> None:
    """PostgreSQL: an action locks its case FOR NO KEY UPDATE, so another transaction may write
    a row that refers to the case meanwhile (its foreign-key check takes FOR KEY SHARE). With
    FOR UPDATE, a notice being made (it holds the audit chain's head, then inserts its
    CaseNotice) and the next action on the same case (the case, then the audit head) deadlocked
    under load (the load test of issue 7: a submission failed with 500)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (its IMMEDIATE transactions queue instead)")
    # given an action in progress on the case: its transaction is still open
    case = new_case(version, zhang)
    acted, release = threading.Event(), threading.Event()

    def act() -> None:
        try:
            with transaction.atomic():
                case_act(case=case, action="accept", actor=clerk)
                acted.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=act)
    other.start()
    assert acted.wait(10)
    # when another transaction takes what a foreign key to the case takes
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute("SELECT 1 FROM cases_case WHERE id = %s FOR KEY SHARE", [case.pk])
            locked = cursor.fetchall()
    finally:
        release.set()
        other.join()
    # then it did not wait for the action
    assert locked == [(1,)]
    assert Case.objects.get(pk=case.pk).state == "accepted"
