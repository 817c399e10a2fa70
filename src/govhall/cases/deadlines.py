"""Due dates in working days (行政许可法 Art. 32, 42, 82; STANDARDS.md "Time limits").

Counting starts from the acceptance date (the first working day on or after it, when it was
not one); the start day is not counted; working days inside clock-stop intervals (补正,
special procedures, suspensions) are not counted. A due date in a year whose holiday schedule
is not published yet is provisional.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings

from govhall.cases.models import Case, ClockStop
from govhall.core.calendar import get_calendar


@dataclass(frozen=True, slots=True)
class DueDates:
    legal: datetime.date
    promised: datetime.date
    warn: datetime.date
    provisional: bool


def warning_share() -> float:
    """The share of the promised limit after which a case turns yellow (0 < share <= 1)."""
    share = float(settings.GOVHALL.get("DEADLINE_WARNING_SHARE", 0.8))
    return min(1.0, max(0.05, share))


def clock_stops(case: Case, *, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The case's stops as inclusive intervals; an open stop runs until ``today``."""
    return [
        (stop.started_on, stop.ended_on or today)
        for stop in ClockStop.objects.filter(case=case).order_by("started_on", "id")
    ]


def due_dates(
    *,
    accepted_on: datetime.date,
    legal_days: int,
    promised_days: int,
    stops: list[tuple[datetime.date, datetime.date]],
) -> DueDates:
    calendar = get_calendar()
    legal = calendar.add_working_days_result(accepted_on, legal_days, stops)
    promised = calendar.add_working_days_result(accepted_on, promised_days, stops)
    warn_days = math.ceil(promised_days * warning_share())
    warn = calendar.add_working_days_with_stops(accepted_on, warn_days, stops)
    return DueDates(
        legal.due_date, promised.due_date, warn, legal.provisional or promised.provisional
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """Working days used and left of a limit, as of ``today``."""

    due_on: datetime.date
    used: int
    left: int


def progress(
    *,
    accepted_on: datetime.date,
    due_on: datetime.date,
    stops: list[tuple[datetime.date, datetime.date]],
    today: datetime.date,
) -> Progress:
    calendar = get_calendar()
    used = max(0, calendar.working_days_between_with_stops(accepted_on, today, stops))
    total = calendar.working_days_between_with_stops(accepted_on, due_on, stops)
    return Progress(due_on=due_on, used=used, left=total - used)
