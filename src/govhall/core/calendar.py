"""The working-day calendar as the platform uses it: seeded table, admin loads, cached engine.

The engine (``workdays.engine``) is pure arithmetic; this module keeps its data in the
``CalendarYear``/``CalendarDay`` tables so administrators can load the State Council's schedule
for a new year without a release, and hands every caller one cached engine built from them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from govhall.core.audit import audit_record_create
from govhall.core.errors import ErrorCollector
from govhall.core.models import CalendarDay, CalendarSource, CalendarYear, DayKind
from govhall.core.outbox import event_publish
from govhall.core.workdays.engine import WorkdayCalendar
from govhall.core.workdays.sources import calendar_from_chinesecalendar, chinesecalendar_years
from govhall.core.workdays.statutory import statutory_holidays

#: How long a process trusts its cached engine before checking the table's version again.
CACHE_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class ScheduleDay:
    date: date
    kind: str
    name: str


def calendar_bounds() -> tuple[int, int]:
    conf = settings.GOVHALL
    return int(conf["CALENDAR_FIRST_YEAR"]), int(conf["CALENDAR_LAST_YEAR"])


def calendar_seed(*, first_year: int | None = None, last_year: int | None = None) -> int:
    """Fill every missing year: official from chinesecalendar, else statutory (provisional).

    Years already in the table are left alone, so an administrator's load is never
    overwritten by a re-seed. Returns the number of years added.
    """
    default_first, default_last = calendar_bounds()
    first = first_year or default_first
    last = last_year or default_last
    seed = calendar_from_chinesecalendar(first, last)
    official = set(chinesecalendar_years())
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    added = 0
    with transaction.atomic():
        for year in range(first, last + 1):
            if year in existing:
                continue
            is_official = year in official
            calendar_year = CalendarYear.objects.create(
                year=year,
                is_official=is_official,
                source=CalendarSource.CHINESECALENDAR if is_official else CalendarSource.STATUTORY,
            )
            days = [
                CalendarDay(
                    calendar_year=calendar_year,
                    date=day,
                    kind=DayKind.HOLIDAY,
                    name=seed.names.get(day, ""),
                )
                for day in sorted(seed.non_working)
                if day.year == year
            ]
            days += [
                CalendarDay(
                    calendar_year=calendar_year,
                    date=day,
                    kind=DayKind.ADJUSTED_WORKING,
                    name=seed.names.get(day, ""),
                )
                for day in sorted(seed.adjusted_working)
                if day.year == year
            ]
            CalendarDay.objects.bulk_create(days)
            added += 1
        if added:
            audit_record_create(
                actor=None,
                action="core.calendar.seed",
                object_type="calendar",
                object_id=f"{first}-{last}",
                data={"years_added": added},
            )
    calendar_cache_clear()
    return added


def parse_schedule(text: str, *, year: int) -> list[ScheduleDay]:
    """Parse ``YYYY-MM-DD,holiday|adjusted_working,名称`` lines, collecting every error."""
    errors = ErrorCollector()
    days: list[ScheduleDay] = []
    seen: set[date] = set()
    kinds = {DayKind.HOLIDAY.value, DayKind.ADJUSTED_WORKING.value, "休", "班"}
    for number, line in enumerate(text.splitlines(), start=1):
        row = line.strip().lstrip("\ufeff")
        if not row or row.startswith("#") or row.lower().startswith("date"):
            continue
        parts = [part.strip() for part in row.split(",")]
        field = f"line {number}"
        if len(parts) < 2:
            errors.add(field, "schedule.format", _("Expected: date,kind,name"))
            continue
        try:
            day = date.fromisoformat(parts[0])
        except ValueError:
            errors.add(field, "schedule.date", _("Not a date in YYYY-MM-DD form."))
            continue
        kind = {"休": DayKind.HOLIDAY.value, "班": DayKind.ADJUSTED_WORKING.value}.get(
            parts[1], parts[1]
        )
        if parts[1] not in kinds:
            errors.add(field, "schedule.kind", _("Kind must be holiday or adjusted_working."))
            continue
        if day.year != year:
            errors.add(field, "schedule.year", _("The date lies outside the year being loaded."))
            continue
        if day in seen:
            errors.add(field, "schedule.duplicate", _("The date appears twice."))
            continue
        if kind == DayKind.ADJUSTED_WORKING and day.weekday() < 5:
            errors.add(
                field, "schedule.weekday", _("An adjusted working day must be a weekend day.")
            )
            continue
        seen.add(day)
        days.append(ScheduleDay(day, kind, parts[2] if len(parts) > 2 else ""))
    missing = set(statutory_holidays(year)) - {d.date for d in days if d.kind == DayKind.HOLIDAY}
    for day in sorted(missing):
        errors.add(
            "schedule",
            "schedule.statutory_missing",
            _("The statutory holiday %(date)s is missing from the schedule.") % {"date": day},
        )
    errors.raise_if_any()
    return days


def calendar_year_load(
    *,
    year: int,
    days: Iterable[ScheduleDay],
    document: str,
    actor: Any,
    source: str = CalendarSource.ADMIN,
) -> CalendarYear:
    """Replace a year's days with the State Council schedule and mark the year official."""
    first, last = calendar_bounds()
    errors = ErrorCollector()
    if not first <= year <= last:
        errors.add("year", "year.out_of_range", _("The year lies outside the calendar's range."))
    errors.raise_if_any()
    day_list = list(days)
    with transaction.atomic():
        calendar_year, _created = CalendarYear.objects.select_for_update(no_key=True).get_or_create(
            year=year, defaults={"source": source}
        )
        calendar_year.days.all().delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, date=d.date, kind=d.kind, name=d.name)
            for d in day_list
        )
        calendar_year.is_official = True
        calendar_year.source = source
        calendar_year.document = document
        calendar_year.loaded_by = actor if getattr(actor, "is_authenticated", False) else None
        calendar_year.save()
        audit_record_create(
            actor=actor,
            action="core.calendar.load_year",
            object_type="calendar_year",
            object_id=str(year),
            data={"document": document, "days": [[str(d.date), d.kind, d.name] for d in day_list]},
        )
        # Provisional due dates in this year are recomputed by their owners (cases).
        event_publish(topic="core.calendar.year_loaded", payload={"year": year})
    calendar_cache_clear()
    return calendar_year


class _EngineCache:
    """One engine per process, rebuilt when the table's version changes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.engine: WorkdayCalendar | None = None
        self.version: tuple[object, int] | None = None
        self.checked_at = 0.0


_cache = _EngineCache()


def calendar_cache_clear() -> None:
    with _cache.lock:
        _cache.engine = None
        _cache.version = None
        _cache.checked_at = 0.0


def _table_version() -> tuple[object, int]:
    return (
        CalendarYear.objects.aggregate(version=Max("updated_at"))["version"],
        CalendarDay.objects.count(),
    )


def get_calendar() -> WorkdayCalendar:
    """The engine for the configured years, built from the table (seeding it if empty)."""
    now = time.monotonic()
    engine = _cache.engine
    if engine is not None and now - _cache.checked_at < CACHE_SECONDS:
        return engine
    version = _table_version()
    with _cache.lock:
        if _cache.engine is not None and _cache.version == version:
            _cache.checked_at = now
            return _cache.engine
    if version[0] is None:
        calendar_seed()
        version = _table_version()
    engine = _build_engine()
    with _cache.lock:
        _cache.engine = engine
        _cache.version = version
        _cache.checked_at = now
    return engine


def _build_engine() -> WorkdayCalendar:
    first, last = calendar_bounds()
    rows = CalendarDay.objects.values_list("date", "kind")
    non_working = [day for day, kind in rows if kind == DayKind.HOLIDAY]
    adjusted = [day for day, kind in rows if kind == DayKind.ADJUSTED_WORKING]
    official = CalendarYear.objects.filter(is_official=True).values_list("year", flat=True)
    return WorkdayCalendar(
        first, last, non_working=non_working, adjusted_working=adjusted, official_years=official
    )
