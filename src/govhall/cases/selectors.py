"""Case reads: one case with its timeline, clock stops and the working days used and left."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from govhall.cases.deadlines import Progress, clock_stops, progress
from govhall.cases.models import Case, CaseAction, ClockStop
from govhall.cases.services.actions import applicant_acting, staff_may_process
from govhall.core.errors import DomainError
from govhall.identity.models import User


@dataclass(frozen=True, slots=True)
class CaseDetail:
    case: Case
    actions: list[CaseAction]
    stops: list[ClockStop]
    legal: Progress | None
    promised: Progress | None


def case_visible_to(user: User, case: Case) -> bool:
    """The applicant's side (with a mandate for this item) and the staff who process it."""
    if user.is_superuser or staff_may_process(user, case):
        return True
    try:
        applicant_acting(user, case)
    except DomainError:
        return False
    return True


def case_for_number(number: str) -> Case | None:
    return (
        Case.objects.select_related(
            "version__handling_item__implementation",
            "department",
            "region",
            "applicant_person",
            "applicant_organization",
        )
        .filter(number=number)
        .first()
    )


def case_detail(case: Case, *, today: datetime.date | None = None) -> CaseDetail:
    day = today or timezone.localdate()
    stops = clock_stops(case, today=day)
    legal = promised = None
    if case.accepted_on is not None and case.legal_due_on and case.promised_due_on:
        legal = progress(
            accepted_on=case.accepted_on, due_on=case.legal_due_on, stops=stops, today=day
        )
        promised = progress(
            accepted_on=case.accepted_on, due_on=case.promised_due_on, stops=stops, today=day
        )
    return CaseDetail(
        case=case,
        actions=list(case.actions.order_by("sequence")),
        stops=list(ClockStop.objects.filter(case=case).order_by("started_on", "id")),
        legal=legal,
        promised=promised,
    )
