"""The clerk's work queue and the supervisor's overdue list with 1,000,000 cases.

Why: a province's halls finish tens of thousands of cases a day; after two years the case
table holds about a million rows, of which ~15% are still open. Issue 4's target: the work
queue page and the overdue query each answer with p95 <= 50 ms at 1M cases.

The data is generated here, straight into a dedicated database (never the development or the
search bench database): SQLite ``var/bench_cases.sqlite3``, PostgreSQL ``govhall_bench_cases``
on the server ``DATABASE_URL`` names (created when missing; any other database name in
``DATABASE_URL`` is replaced). Once, through the ORM and the services: the migrations,
``SYNTHETIC_ITEMS`` items from ``govhall demo-scale``, one department with its published
versions in each of 20 counties spread over the province, a pool of 20 citizens
(``person_register``) and one clerk of the busiest department. Then the cases table is topped
up to ``BENCH_CASES_TARGET`` (default 1,000,000) rows in batches of 5,000, one transaction each
(resumable: a later run counts the cases and adds only what is missing). Generated cases are
history, not measured writes: no action log rows and no audit records are written for them,
and their numbers use sequences from 50001 so they never meet a counter's real numbers.

Distribution: departments weighted 1/sqrt(rank) (the busiest, an urban district, gets ~13.5% of
the cases); 85% finished (closed 75%, delivered 5%, withdrawn 5%) received over the last two
years; 15% open (submitted 3%, supplement requested 1.5%, accepted 9%, approved 1.5%), nine in
ten of them received in the last six weeks, the rest stuck since up to two years (overdue).
Due dates come from ``govhall.cases.deadlines.due_dates`` on the version's limits, so
warn_on <= promised_due_on <= legal_due_on as the services write them.

Then, on a warm connection, ``BENCH_QUEUE_REPETITIONS`` (default 200) timed repetitions of each
(at most ``BENCH_QUEUE_SECONDS``, default 60, per measurement; ``0`` repetitions prints the
plans only), p50/p95/p99 in ms:

1. the clerk's work queue, page 1: ``work_queue(user)`` with
   ``select_related("version__handling_item")``, its ``count()`` and 20 rows — what
   ``GET /api/v1/cases/?view=queue`` runs;
2. ``queue_counts(user)`` (green / yellow / red);
3. the overdue list across the province: ``cases.selectors.overdue_cases`` for a province-wide
   supervisor (open cases past their legal due date, count and the 20 most overdue);
4. ``GET /api/v1/cases/?view=queue`` and ``GET /api/v1/cases/queue/counts`` through Django's
   test client (session of the clerk): view, auth and serialization included.

and, as diagnostics, the same overdue query with the open states bound as parameters (what
the selectors did before ``state__literal_in``), and the department's own open cases without
``work_queue``'s joint-review branch (``… OR id IN (cases the department takes part in)``).

Each statement is explained once as it was sent, bound parameters included (PostgreSQL
``EXPLAIN (ANALYZE, BUFFERS)``, SQLite ``EXPLAIN QUERY PLAN``). The partial indexes over open
cases (``cases_queue_open``, ``cases_overdue_open``) are part of the schema (``cases.0009``).
Run from the repository root:

    .venv/bin/python bench/bench_case_queue.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_cases \
        .venv/bin/python bench/bench_case_queue.py
    BENCH_CASES_TARGET=50000 .venv/bin/python bench/bench_case_queue.py   # a quick look
    .venv/bin/python bench/bench_case_queue.py --generate-only           # data, no timings

On PostgreSQL ``BENCH_CASES_INSERT`` chooses how rows are written: ``bulk`` (``bulk_create``),
``copy`` (``COPY ... FROM STDIN`` through psycopg) or ``auto`` (default: one batch of each is
timed, the faster one writes the rest). This is not a test; it prints figures.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from common import database_label, load_label, machine_label, percentile, setup_django

ROOT = Path(__file__).resolve().parents[1]
SQLITE_PATH = ROOT / "var" / "bench_cases.sqlite3"
PG_DATABASE = "govhall_bench_cases"
SEED = 20_261_128
BATCH = 5_000
SYNTHETIC_ITEMS = 3_000
COUNTIES = 20
VERSIONS_PER_DEPARTMENT = 5
PERSONS = 20
SEQUENCE_FIRST = 50_001
HISTORY_DAYS = 730
PAGE_SIZE = 20
WARMUP = 10
TARGET_MS = 50.0
BULK_CACHE_KIB = 512 * 1024
CLERK = "bench-queue-clerk"
#: Invented, valid ID numbers: area 520103 (云岩区), born 1980-01-01 + k days, sequence 7xx.
ID_AREA = "520103"
FINISHED = (("closed", 75.0), ("delivered", 5.0), ("withdrawn", 5.0))
OPEN = (("submitted", 3.0), ("supplement_requested", 1.5), ("accepted", 9.0), ("approved", 1.5))
CHANNELS = ("web", "web", "web", "mobile", "mobile", "window", "kiosk")


def bench_target() -> int:
    return int(os.environ.get("BENCH_CASES_TARGET", "1000000"))


def bench_database_url() -> str:
    """The bench database on the engine and server ``DATABASE_URL`` names."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        return urlunsplit(parts._replace(path=f"/{PG_DATABASE}"))
    return f"sqlite:///{SQLITE_PATH}"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when missing (``createdb -E UTF8 -T template0``)."""
    if url.startswith("sqlite:"):
        SQLITE_PATH.parent.mkdir(exist_ok=True)
        return
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]
        ).fetchone()
        if found is None:
            print(f"creating PostgreSQL database {PG_DATABASE}", flush=True)
            connection.execute(
                f"CREATE DATABASE \"{PG_DATABASE}\" ENCODING 'UTF8' TEMPLATE template0"
            )


# --- the data ------------------------------------------------------------------------------


@dataclass(slots=True)
class Desk:
    """One accepting department, its county and the published versions cases are made for."""

    department: Any
    region: Any
    versions: list[Any]


@dataclass(slots=True)
class Pool:
    desks: list[Desk]
    cumulative_weights: list[float]
    persons: list[Any]
    clerk: Any
    # (county code, yyyymmdd) -> last sequence given to a generated case
    counters: dict[tuple[str, str], int] = field(default_factory=dict)


def id_number(k: int) -> str:
    from stdnum.cn import ric

    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=37 * k)
    body = f"{ID_AREA}{birth:%Y%m%d}{700 + k:03d}"
    return body + ric.calc_check_digit(body + "0")


def prepare() -> Pool:
    """Migrate; items, departments, citizens and the clerk (created once, reused after)."""
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    from govhall.catalog.models import ItemVersion, VersionState
    from govhall.core.models import Region, RegionLevel
    from govhall.demo.scale import PROVINCE_PREFIX, demo_scale
    from govhall.identity.models import User
    from govhall.identity.selectors import person_find_by_id_number
    from govhall.identity.services import person_register

    call_command("migrate", interactive=False, verbosity=0)
    published = ItemVersion.objects.filter(
        state=VersionState.PUBLISHED, handling_item__implementation__department__isnull=False
    )
    if published.count() < SYNTHETIC_ITEMS:
        began = time.perf_counter()
        print(f"adding {SYNTHETIC_ITEMS:,} synthetic items (demo-scale) ...", flush=True)
        demo_scale(items=SYNTHETIC_ITEMS - published.count())
        print(f"  done in {time.perf_counter() - began:.0f} s", flush=True)
    counties = list(
        Region.objects.filter(
            level=RegionLevel.COUNTY, code__startswith=PROVINCE_PREFIX, is_current=True
        ).order_by("code")
    )
    # Every 4th county: urban districts of Guiyang first, then the other prefectures.
    chosen = counties[:: max(1, len(counties) // COUNTIES)][:COUNTIES]
    by_department: dict[int, list[Any]] = {}
    for version in (
        published.filter(handling_item__implementation__region__in=chosen)
        .select_related(
            "handling_item__implementation__department", "handling_item__implementation__region"
        )
        .order_by("id")
    ):
        by_department.setdefault(version.handling_item.implementation.department_id, []).append(
            version
        )
    desks = []
    for county in chosen:
        candidates = [
            versions
            for versions in by_department.values()
            if versions[0].handling_item.implementation.region_id == county.pk
        ]
        if not candidates:
            continue
        versions = max(candidates, key=lambda v: (len(v), -v[0].pk))[:VERSIONS_PER_DEPARTMENT]
        implementation = versions[0].handling_item.implementation
        desks.append(Desk(implementation.department, implementation.region, versions))
    weights = [1 / math.sqrt(rank + 1) for rank in range(len(desks))]
    cumulative = [sum(weights[: index + 1]) for index in range(len(weights))]
    persons = []
    for k in range(PERSONS):
        person = person_find_by_id_number(id_number(k))
        if person is None:
            person = person_register(
                name=f"压测居民{'甲乙丙丁戊己庚辛壬癸'[k % 10]}{'东南西北'[k // 10 % 4]}",
                id_number=id_number(k),
                mobile=f"{16_600_010_000 + k}",
                password="Bench-queue-2026",  # noqa: S106 - synthetic account
            )
        persons.append(person)
    busiest = desks[0]
    clerk, _created = User.objects.get_or_create(
        username=CLERK,
        defaults={"is_staff": True, "department": busiest.department, "region": busiest.region},
    )
    clerk.user_permissions.add(Permission.objects.get(codename="process_case"))
    return Pool(desks, cumulative, persons, User.objects.get(pk=clerk.pk))


def _pick(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * sum(weight for _state, weight in choices)
    for state, weight in choices:
        roll -= weight
        if roll < 0:
            return state
    return choices[-1][0]


def make_case(rng: random.Random, index: int, pool: Pool, today: datetime.date) -> Any:
    """One generated case, consistent as the services would have left it."""
    from django.utils import timezone

    from govhall.cases.deadlines import due_dates
    from govhall.cases.models import Case
    from govhall.core.calendar import get_calendar

    calendar = get_calendar()
    desk = rng.choices(pool.desks, cum_weights=pool.cumulative_weights)[0]
    version = rng.choice(desk.versions)
    person = rng.choice(pool.persons)
    open_share = sum(weight for _s, weight in OPEN)
    if rng.random() * 100 < open_share:
        state = _pick(rng, OPEN)
        accepted = state in {"accepted", "approved"}
        # Nine in ten open cases are recent; the rest have been stuck for up to two years.
        days_ago = rng.randint(3, 42) if rng.random() < 0.9 else rng.randint(43, HISTORY_DAYS)
        if not accepted:
            days_ago = min(days_ago, rng.randint(0, 10)) if rng.random() < 0.9 else days_ago
    else:
        state = _pick(rng, FINISHED)
        accepted = state != "withdrawn" or rng.random() < 0.5
        days_ago = rng.randint(3, HISTORY_DAYS)
    day = today - datetime.timedelta(days=days_ago)
    received_at = datetime.datetime.combine(
        day, datetime.time(8, 30), tzinfo=timezone.get_current_timezone()
    ) + datetime.timedelta(seconds=rng.randint(0, 9 * 3600))
    received_on = calendar.effective_date(day)
    accepted_on = legal = promised = warn = decided_at = None
    if accepted:
        accepted_on = min(calendar.add_working_days(received_on, rng.choice((0, 0, 1, 2))), today)
        accepted_on = max(accepted_on, received_on)
        dates = due_dates(
            accepted_on=accepted_on,
            legal_days=version.legal_limit_days,
            promised_days=version.promised_limit_days,
            stops=[],
        )
        legal, promised, warn = dates.legal, dates.promised, dates.warn
        if state in {"approved", "delivered", "closed"}:
            decided_on = min(
                calendar.add_working_days(accepted_on, rng.randint(0, version.legal_limit_days)),
                today,
            )
            decided_at = datetime.datetime.combine(
                decided_on, datetime.time(10), tzinfo=timezone.get_current_timezone()
            )
    code = desk.region.code[:6]
    bucket = (code, f"{received_at.astimezone(timezone.get_current_timezone()):%Y%m%d}")
    sequence = pool.counters.get(bucket, SEQUENCE_FIRST - 1) + 1
    pool.counters[bucket] = sequence
    revision = {"submitted": 1, "supplement_requested": 2, "accepted": 2, "approved": 3}
    return Case(
        number=f"{bucket[0]}{bucket[1]}{sequence:05d}",
        version=version,
        department=desk.department,
        region=desk.region,
        applicant_person=person,
        applicant_name=person.name,
        submitted_by_id=person.user_id,
        basis="self",
        channel=rng.choice(CHANNELS),
        form_data={"说明": "压测生成的历史办件", "联系电话": "166****0000"},
        state=state,
        received_at=received_at,
        received_on=received_on,
        accepted_on=accepted_on,
        legal_due_on=legal,
        promised_due_on=promised,
        warn_on=warn,
        decided_at=decided_at,
        idempotency_key=f"bench-gen-{index}",
        request_fingerprint="0" * 64,
        revision=revision.get(state, 5 if state != "withdrawn" else 3),
        created_at=received_at,
        updated_at=decided_at or received_at,
    )


def _load_counters(pool: Pool) -> None:
    """The last generated sequence per county and day (for a resumed run)."""
    from govhall.cases.models import Case

    numbers = Case.objects.filter(idempotency_key__startswith="bench-gen-").values_list(
        "number", flat=True
    )
    for number in numbers.iterator(chunk_size=20_000):
        bucket = (number[:6], number[6:14])
        sequence = int(number[14:])
        if sequence > pool.counters.get(bucket, 0):
            pool.counters[bucket] = sequence


def insert_bulk(cases: list[Any]) -> None:
    from django.db import transaction

    from govhall.cases.models import Case

    with transaction.atomic():
        Case.objects.bulk_create(cases)


def insert_copy(cases: list[Any]) -> None:
    """``COPY cases_case (...) FROM STDIN``: the values Django would bind, row by row."""
    from django.db import connection, transaction

    from govhall.cases.models import Case

    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(Case._meta.db_table)
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for case in cases:
            copy.write_row(
                [f.get_db_prep_save(getattr(case, f.attname), connection) for f in fields]
            )


def top_up(pool: Pool, target: int) -> None:
    """Add generated cases until the table holds ``target`` rows (resumable)."""
    from django.db import connection
    from django.utils import timezone

    from govhall.cases.models import Case

    present = Case.objects.count()
    if present >= target:
        print(f"{present:,} cases present (target {target:,}): nothing to add", flush=True)
        return
    print(f"{present:,} cases present; adding {target - present:,} ...", flush=True)
    if present:
        _load_counters(pool)
    today = timezone.localdate()
    if connection.vendor == "sqlite":
        # A bulk load's page cache: the default 2 MB thrashes on the random UUID index. Set
        # back to the project's default before anything is measured.
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    method = os.environ.get("BENCH_CASES_INSERT", "auto")
    inserts: dict[str, Callable[[list[Any]], None]] = {"bulk": insert_bulk}
    if connection.vendor == "postgresql":
        inserts["copy"] = insert_copy
    trial = list(inserts) if method == "auto" else [method]
    rates: dict[str, list[float]] = {}
    began = time.perf_counter()
    build_seconds = 0.0
    announced = False
    for start in range(present, target, BATCH):
        stop = min(start + BATCH, target)
        rng = random.Random(SEED * 1_000_003 + start)
        built = time.perf_counter()
        cases = [make_case(rng, index, pool, today) for index in range(start, stop)]
        written = time.perf_counter()
        build_seconds += written - built
        name = trial.pop(0) if trial else max(rates, key=lambda n: sum(rates[n]) / len(rates[n]))
        inserts[name](cases)
        rates.setdefault(name, []).append(len(cases) / (time.perf_counter() - written))
        if not trial and not announced:
            announced = True
            print(
                "  write rate of one batch of 5,000 (building the objects excluded): "
                + ", ".join(f"{n} {r[0]:,.0f} rows/s" for n, r in rates.items()),
                flush=True,
            )
        if (stop - present) % 100_000 < BATCH or stop == target:
            elapsed = time.perf_counter() - began
            print(
                f"  {stop:,} cases, {elapsed:.0f} s ({(stop - present) / elapsed:,.0f} rows/s; "
                f"building objects {build_seconds:.0f} s)",
                flush=True,
            )
    for name, values in rates.items():
        print(
            f"  {name}: {len(values)} batches, mean write rate {sum(values) / len(values):,.0f} "
            "rows/s (building excluded)"
        )
    analyze_began = time.perf_counter()
    with connection.cursor() as cursor:
        # What an operator (or PostgreSQL's autovacuum, within minutes) does after a bulk
        # load: planner statistics, and on PostgreSQL the visibility map index-only scans use.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"generated {target - present:,} cases in {time.perf_counter() - began:.0f} s "
        f"(ANALYZE {time.perf_counter() - analyze_began:.1f} s)",
        flush=True,
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -2000")


# --- the measurements ----------------------------------------------------------------------


def overdue_cases(today: datetime.date, *, literal: bool = False) -> Any:
    """What a selector ``cases_overdue(user, today)`` would return province-wide: open cases
    past their legal due date, the most overdue first."""
    return open_cases(literal=literal).filter(legal_due_on__lt=today).order_by("legal_due_on", "id")


def queue_page(clerk: Any) -> tuple[int, list[Any]]:
    """Exactly what ``list_cases(view="queue")`` asks of the database for page 1."""
    from govhall.cases.selectors import work_queue

    queryset = work_queue(clerk, state="", deadline="").select_related("version__handling_item")
    return queryset.count(), list(queryset[:PAGE_SIZE])


def open_cases(*, literal: bool = False) -> Any:
    """Open cases; ``literal`` writes the states into the SQL (``state__literal_in``, what the
    selectors do) instead of binding them: SQLite matches a partial index ``WHERE state IN
    ('…')`` only against literals; PostgreSQL's client-side binding sends literals anyway."""
    from govhall.cases.models import Case
    from govhall.cases.selectors import OPEN_STATES

    if literal:
        return Case.objects.filter(state__literal_in=OPEN_STATES)
    return Case.objects.filter(state__in=OPEN_STATES)


def own_department_page(clerk: Any, *, literal: bool = False) -> tuple[int, list[Any]]:
    """A diagnostic: ``work_queue`` without its joint-review branch (``… OR id IN (cases the
    clerk's department takes part in)``), i.e. only the department's own open cases, in the
    same order: what the queue costs when each branch can use its own index."""
    from django.db.models import F

    from govhall.core.scoping import StaffScope

    queryset = (
        StaffScope.for_user(clerk)
        .filter(open_cases(literal=literal), department="department")
        .order_by(F("promised_due_on").asc(nulls_last=True), "received_at", "id")
        .select_related("version__handling_item")
    )
    return queryset.count(), list(queryset[:PAGE_SIZE])


def overdue_page(*, literal: bool = False) -> tuple[int, list[Any]]:
    """The overdue query written by hand, province-wide (bound states unless ``literal``)."""
    from django.utils import timezone

    queryset = overdue_cases(timezone.localdate(), literal=literal).select_related(
        "department", "region", "version__handling_item"
    )
    return queryset.count(), list(queryset[:PAGE_SIZE])


def supervisor() -> Any:
    """A province-wide supervisor (no department, no region: the whole province)."""
    from govhall.identity.models import User

    user, _created = User.objects.get_or_create(
        username="bench-supervisor", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def overdue_selector_page(user: Any) -> tuple[int, list[Any]]:
    """Exactly what the supervisor's overdue list asks: ``cases.selectors.overdue_cases``."""
    from govhall.cases.selectors import overdue_cases as selector

    queryset = selector(user).select_related("department", "region", "version__handling_item")
    return queryset.count(), list(queryset[:PAGE_SIZE])


def timed(label: str, call: Callable[[], Any], repetitions: int, budget: float) -> list[float]:
    for _ in range(WARMUP):
        call()
    timings: list[float] = []
    began = time.perf_counter()
    while len(timings) < repetitions and time.perf_counter() - began < budget:
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    p95 = percentile(timings, 95)
    verdict = "met" if p95 <= TARGET_MS else "NOT met"
    print(
        f"{label}: {len(timings)} runs, p50 {percentile(timings, 50):.2f} ms, "
        f"p95 {p95:.2f} ms, p99 {percentile(timings, 99):.2f} ms "
        f"(target p95 <= {TARGET_MS:.0f} ms: {verdict})",
        flush=True,
    )
    return timings


def explain(label: str, call: Callable[[], Any]) -> None:
    """Run ``call`` once, recording each statement with its parameters, then explain each
    as it was sent: with bound parameters, which matters (SQLite cannot match a bound
    ``state IN (?, …)`` against a partial index's ``WHERE state IN ('…')``)."""
    from django.db import connection

    sent: list[tuple[str, Any]] = []

    def recording(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(recording):
        call()
    print(f"\n--- plans: {label} ({len(sent)} statements)")
    for sql, params in sent:
        shown = f"{sql[:500]}{' …' if len(sql) > 500 else ''}"
        print(f"SQL: {shown}\n     params {str(params)[:300]}")
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        prefix = (
            "EXPLAIN (ANALYZE, BUFFERS)"
            if connection.vendor == "postgresql"
            else "EXPLAIN QUERY PLAN"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"{prefix} {sql}", params)
            for row in cursor.fetchall():
                print("   ", " | ".join(str(v) for v in row))
    print()


def api_client(clerk: Any) -> Any:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(clerk)
    return client


def api_get(client: Any, path: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(path)
        assert response.status_code == 200, (response.status_code, response.content[:300])
        return response

    return call


def describe(pool: Pool) -> None:
    from django.db.models import Count
    from django.utils import timezone

    from govhall.cases.models import Case
    from govhall.cases.selectors import OPEN_STATES, queue_counts

    today = timezone.localdate()
    states = dict(Case.objects.values_list("state").annotate(n=Count("id")).order_by())
    total = sum(states.values())
    opened = sum(states.get(s, 0) for s in OPEN_STATES)
    print(
        f"{total:,} cases: open {opened:,} ({100 * opened / max(total, 1):.1f}%), "
        + ", ".join(f"{s} {n:,}" for s, n in sorted(states.items(), key=lambda kv: -kv[1]))
    )
    print(
        f"overdue (open, past the legal due date) province-wide: "
        f"{overdue_cases(today).count():,}; departments {len(pool.desks)} in "
        f"{len({d.region.pk for d in pool.desks})} counties"
    )
    print(
        f"clerk {CLERK}: {pool.desks[0].department.name} ({pool.desks[0].region.name}); "
        f"queue {queue_counts(pool.clerk)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--generate-only", action="store_true", help="data, no timings")
    args = parser.parse_args()
    ensure_database(bench_database_url())
    url = setup_django(bench_database_url())
    print(f"bench_case_queue on {database_label()} ({url.split('@')[-1]}); {machine_label()}")
    pool = prepare()
    top_up(pool, bench_target())
    describe(pool)
    if args.generate_only:
        return

    from govhall.cases.selectors import queue_counts

    clerk = pool.clerk
    boss = supervisor()
    client = api_client(clerk)
    measurements: list[tuple[str, Callable[[], Any]]] = [
        ("work queue page 1 (count + 20 rows)", lambda: queue_page(clerk)),
        ("queue_counts (green/yellow/red)", lambda: queue_counts(clerk)),
        (
            "overdue_cases selector, province-wide (count + 20 most overdue)",
            lambda: overdue_selector_page(boss),
        ),
        ("diagnostic: overdue with bound states (count + 20)", overdue_page),
        ("GET /api/v1/cases/?view=queue", api_get(client, "/api/v1/cases/?view=queue")),
        ("GET /api/v1/cases/queue/counts", api_get(client, "/api/v1/cases/queue/counts")),
        (
            "diagnostic: own department only, literal states (count + 20 rows)",
            lambda: own_department_page(clerk, literal=True),
        ),
    ]
    measure(measurements, "schema as migrated")
    print(f"after the run: {load_label()}")


def measure(measurements: list[tuple[str, Callable[[], Any]]], label: str) -> None:
    repetitions = int(os.environ.get("BENCH_QUEUE_REPETITIONS", "200"))
    budget = float(os.environ.get("BENCH_QUEUE_SECONDS", "60"))
    print(f"\n===== {label}")
    for name, call in measurements:
        explain(name, call)
    if repetitions <= 0:
        return
    print(f"timings, {label} ({repetitions} runs each, warm connection, {WARMUP} warm-up runs):")
    for name, call in measurements:
        timed(name, call, repetitions, budget)


if __name__ == "__main__":
    main()
