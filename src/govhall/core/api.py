"""Kernel endpoints: the working-day calendar."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from govhall.core.calendar import get_calendar
from govhall.core.errors import FieldError, ValidationFailed
from govhall.core.workdays.engine import CalendarRangeError

router = Router(tags=["calendar"])


class AddWorkingDaysQuery(Schema):
    start: date
    days: int


class AddWorkingDaysOut(Schema):
    start: date
    days: int
    due_date: date
    provisional: bool


@router.get(
    "/working-days/add",
    response=AddWorkingDaysOut,
    summary="Add working days to a date",
    description=(
        "Public. Counts N working days after `start` by the statutory convention: the start "
        "day is not counted and a start on a non-working day moves to the next working day. "
        "`provisional` is true when the State Council schedule for a year in the period is "
        "not loaded yet (only statutory holidays are known)."
    ),
    auth=None,
)
def add_working_days(request: HttpRequest, query: Query[AddWorkingDaysQuery]) -> AddWorkingDaysOut:
    if query.days < 0 or query.days > 3650:
        raise ValidationFailed(
            [FieldError("days", "days.range", _("Days must be between 0 and 3650."))]
        )
    try:
        result = get_calendar().add_working_days_result(query.start, query.days)
    except CalendarRangeError as error:
        raise ValidationFailed(
            [
                FieldError(
                    "start",
                    "start.out_of_range",
                    _("The working-day calendar covers %(first)s to %(last)s.")
                    % {"first": error.first_day, "last": error.last_day},
                )
            ]
        ) from error
    return AddWorkingDaysOut(
        start=query.start, days=query.days, due_date=result.due_date, provisional=result.provisional
    )
