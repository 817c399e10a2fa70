"""Benchmark of the working-day engine against a naive day-by-day loop.

Why: overdue scans and work-queue pages compute thousands of deadlines per request, so
the engine must stay O(1) per call (target: >= 500,000 ``add_working_days`` calls/s).
This is not a test; it prints figures. Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/bench_workdays.py

The naive baseline runs in the same process on the same inputs (fewer calls, since it is
slow) and its results are compared with the engine's before any timing is reported.
"""

from __future__ import annotations

import platform
import random
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from govhall.core.workdays.engine import WorkdayCalendar
from govhall.core.workdays.sources import CalendarSeed, calendar_from_chinesecalendar

FIRST_YEAR, LAST_YEAR = 2004, 2035
FAST_CALLS = 200_000
NAIVE_CALLS = 5_000
REPEATS = 5
TARGET_ADD_PER_SECOND = 500_000
ONE_DAY = timedelta(days=1)

Stops = list[tuple[date, date]]
Case = tuple[date, date, int, Stops]


class NaiveCalendar:
    """The obvious implementation: walk one day at a time, checking each day."""

    def __init__(self, seed: CalendarSeed) -> None:
        self.non_working = seed.non_working
        self.adjusted_working = seed.adjusted_working

    def is_working(self, day: date) -> bool:
        if day in self.adjusted_working:
            return True
        return day.weekday() < 5 and day not in self.non_working

    def effective(self, day: date) -> date:
        while not self.is_working(day):
            day += ONE_DAY
        return day

    def counts(self, day: date, stops: Stops) -> bool:
        return self.is_working(day) and not any(s <= day <= e for s, e in stops)

    def add(self, start: date, n: int, stops: Stops) -> date:
        day = self.effective(start)
        while n > 0:
            day += ONE_DAY
            if self.counts(day, stops):
                n -= 1
        return day

    def between(self, a: date, b: date, stops: Stops) -> int:
        if b < a:
            return -self.between(b, a, stops)
        day, total = self.effective(a) + ONE_DAY, 0
        while day <= b:
            total += self.counts(day, stops)
            day += ONE_DAY
        return total


def make_cases(count: int, rng: random.Random) -> list[Case]:
    """Random starts in 2004..2033, counts 0..300, ends within a year, 0-3 stops."""
    first = date(FIRST_YEAR, 1, 1).toordinal()
    last = date(LAST_YEAR - 2, 12, 31).toordinal()
    cases: list[Case] = []
    for _ in range(count):
        start = date.fromordinal(rng.randint(first, last))
        end = start + timedelta(days=rng.randint(0, 365))
        stops: Stops = []
        for _ in range(rng.randint(0, 3)):
            stop_start = start + timedelta(days=rng.randint(-20, 200))
            stops.append((stop_start, stop_start + timedelta(days=rng.randint(0, 30))))
        cases.append((start, end, rng.randint(0, 300), stops))
    return cases


def best_rate(run: Callable[[], None], calls: int) -> float:
    """Calls per second of the best of REPEATS runs (least disturbed by the machine)."""
    best = float("inf")
    for _ in range(REPEATS):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return calls / best


def fast_runners(cal: WorkdayCalendar, cases: Sequence[Case]) -> dict[str, Callable[[], None]]:
    add = cal.add_working_days
    between = cal.working_days_between
    add_stops = cal.add_working_days_with_stops

    def run_add() -> None:
        for start, _end, n, _stops in cases:
            add(start, n)

    def run_between() -> None:
        for start, end, _n, _stops in cases:
            between(start, end)

    def run_add_stops() -> None:
        for start, _end, n, stops in cases:
            add_stops(start, n, stops)

    return {"add": run_add, "between": run_between, "add+stops": run_add_stops}


def naive_runners(naive: NaiveCalendar, cases: Sequence[Case]) -> dict[str, Callable[[], None]]:
    def run_add() -> None:
        for start, _end, n, _stops in cases:
            naive.add(start, n, [])

    def run_between() -> None:
        for start, end, _n, _stops in cases:
            naive.between(start, end, [])

    def run_add_stops() -> None:
        for start, _end, n, stops in cases:
            naive.add(start, n, stops)

    return {"add": run_add, "between": run_between, "add+stops": run_add_stops}


def check_agreement(cal: WorkdayCalendar, naive: NaiveCalendar, cases: Sequence[Case]) -> None:
    """Refuse to report speed for wrong answers."""
    for start, end, n, stops in cases:
        assert cal.add_working_days(start, n) == naive.add(start, n, [])
        assert cal.working_days_between(start, end) == naive.between(start, end, [])
        assert cal.add_working_days_with_stops(start, n, stops) == naive.add(start, n, stops)


def main() -> None:
    rng = random.Random(20260925)
    began = time.perf_counter()
    seed = calendar_from_chinesecalendar(FIRST_YEAR, LAST_YEAR)
    cal = seed.to_calendar()
    build_ms = (time.perf_counter() - began) * 1000
    naive = NaiveCalendar(seed)
    cases = make_cases(FAST_CALLS, rng)
    naive_cases = cases[:NAIVE_CALLS]
    check_agreement(cal, naive, naive_cases)

    print(f"Python {platform.python_version()} on {platform.machine()}")
    print(f"calendar {FIRST_YEAR}..{LAST_YEAR}: built in {build_ms:.1f} ms ({cal!r:.60}...)")
    print(f"engine: {FAST_CALLS:,} calls per run; naive: {NAIVE_CALLS:,}; best of {REPEATS}")
    print(f"{'function':<12}{'engine calls/s':>18}{'naive calls/s':>18}{'speed-up':>12}")
    fast = fast_runners(cal, cases)
    slow = naive_runners(naive, naive_cases)
    rates: dict[str, float] = {}
    for name, run in fast.items():
        rates[name] = best_rate(run, len(cases))
        naive_rate = best_rate(slow[name], len(naive_cases))
        ratio = rates[name] / naive_rate
        print(f"{name:<12}{rates[name]:>18,.0f}{naive_rate:>18,.0f}{ratio:>11,.0f}x")
    verdict = "met" if rates["add"] >= TARGET_ADD_PER_SECOND else "NOT met"
    print(f"add_working_days target {TARGET_ADD_PER_SECOND:,} calls/s: {verdict}")


if __name__ == "__main__":
    main()
