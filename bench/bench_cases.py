"""Case lifecycles per second, with three material uploads each, in one or more processes.

Why: a province's halls and portal create and finish tens of thousands of cases a day, each
step an audited, race-safe write (row lock, action log row, audit record); the target of
issue 4 is 100 complete lifecycles per second on PostgreSQL on this 2-core machine.

One lifecycle is what a citizen and a clerk do, through the services:
``draft_open`` → three ``material_upload`` (a small PDF each: sniffed, SM3-hashed, stored
once in the archive, audited) → ``case_submit`` with the three uploads → accept → review
(when ``govhall.cases.transitions.TRANSITIONS`` has it) → approve → deliver → close. Every
second lifecycle uploads three new PDFs; the others upload the same three PDFs again, which
the archive de-duplicates (SM3), as it does for the forms every applicant downloads.

The database is the one ``DATABASE_URL`` names; unset, ``var/bench.sqlite3``. It is migrated;
100 synthetic items are added (``govhall demo-scale``) when no guide with three materials the
applicant supplies is published; the bench citizens (one per process) and one clerk (username
``bench-clerk``) are created on the first run. Uploaded files go to the file-system storage
under ``var/bench-data/media/`` (``GOVHALL_DATA_DIR``), never the development media.

``--processes N`` (default 1): after the one-process baseline, N worker processes (each its own
Django set-up and database connection, each its own citizen, the same clerk and item) run
lifecycles for the same wall time; the total, each process's figure and the ratio to the
baseline are printed. Each phase runs ``BENCH_CASES_SECONDS`` (default 30) seconds after
``WARMUP`` lifecycles per process, at most ``BENCH_LIFECYCLES`` (default 2,000) per process.

``--profile``: in this process, the SQL statements per step of one lifecycle
(``CaptureQueriesContext``), the mean time per step over ``PROFILE_LIFECYCLES`` lifecycles,
the same on PostgreSQL with ``synchronous_commit = off`` for this session only (a diagnostic:
how much of the time is waiting for the WAL flush of each commit) and the top 25 functions
of one lifecycle by cumulative time (cProfile). Run from the repository root:

    .venv/bin/python bench/bench_cases.py
    .venv/bin/python bench/bench_cases.py --processes 2
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench \
        .venv/bin/python bench/bench_cases.py --processes 2 --profile

This is not a test; it prints figures.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import multiprocessing
import os
import pstats
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import database_label, load_label, machine_label, percentile, setup_django

ROOT = Path(__file__).resolve().parents[1]
WARMUP = 5
MATERIALS = 3
PROFILE_LIFECYCLES = 30
TARGET_PER_SECOND = 100
#: How long workers may take to set up and warm up (and the parent waits for results).
BARRIER_SECONDS = 300
CLERK = "bench-clerk"
#: Invented, valid ID numbers outside the demo data: area 520113, born 1993-07-08 + k days.
ID_AREA = "520113"
STEPS = ("draft", "upload", "submit", "accept", "review", "approve", "deliver", "close")


def configure() -> None:
    """Uploads go to the bench's own data directory, not the development one."""
    os.environ.setdefault("GOVHALL_DATA_DIR", str(ROOT / "var" / "bench-data"))


def id_number(k: int) -> str:
    from stdnum.cn import ric

    birth = datetime.date(1993, 7, 8) + datetime.timedelta(days=k)
    body = f"{ID_AREA}{birth:%Y%m%d}{772 + k:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_pdf(comment: bytes = b"") -> bytes:
    """A minimal valid one-page PDF (as ``archive/tests/conftest.py`` builds them)."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + (b"%" + comment + b"\n" if comment else b"")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    out += trailer.encode()
    return out


#: The same three files every second lifecycle (de-duplicated by the archive after the first).
SHARED_PDFS = [make_pdf(f"govhall bench shared material {k}".encode()) for k in range(MATERIALS)]


@dataclass(frozen=True, slots=True)
class Setup:
    """Primary keys only: they cross process boundaries."""

    version: int
    clerk: int
    persons: list[int]
    requirements: int  # materials the applicant supplies (all uploaded)


def prepare(persons_wanted: int) -> Setup:
    """The bench's published version, citizens and clerk (created once)."""
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db.models import Count, Q

    from govhall.catalog.models import CaseKind, ItemVersion, MaterialSource, VersionState
    from govhall.demo.scale import demo_scale
    from govhall.identity.models import User
    from govhall.identity.selectors import person_find_by_id_number
    from govhall.identity.services import person_register

    call_command("migrate", interactive=False, verbosity=0)
    applicant = Q(materials__source=MaterialSource.APPLICANT)
    candidates = (
        ItemVersion.objects.filter(
            state=VersionState.PUBLISHED,
            case_kind=CaseKind.PROMISED,
            handling_item__implementation__department__isnull=False,
        )
        .annotate(applicant_materials=Count("materials", filter=applicant))
        .filter(applicant_materials__gte=MATERIALS)
    )
    for _attempt in range(3):
        if candidates.exists():
            break
        print("adding 100 synthetic items ...", flush=True)
        demo_scale(items=100)
    # Exactly three applicant materials when there is such a version, else the fewest.
    version = candidates.order_by("applicant_materials", "id").first()
    if version is None:
        raise SystemExit("no published guide asks the applicant for three materials")
    implementation = version.handling_item.implementation
    persons = []
    for k in range(persons_wanted):
        person = person_find_by_id_number(id_number(k))
        if person is None:
            person = person_register(
                name=f"压测申请人{'甲乙丙丁戊己庚辛壬癸'[k % 10]}",
                id_number=id_number(k),
                mobile=f"{16_600_000_100 + k}",
                password="Bench-cases-2026",  # noqa: S106 - synthetic account
            )
        persons.append(person.pk)
    clerk, _created = User.objects.get_or_create(
        username=CLERK,
        defaults={
            "is_staff": True,
            "department": implementation.department,
            "region": implementation.region,
        },
    )
    clerk.department = implementation.department
    clerk.region = implementation.region
    clerk.save()
    clerk.user_permissions.add(Permission.objects.get(codename="process_case"))
    return Setup(version.pk, clerk.pk, persons, version.applicant_materials)


@dataclass(slots=True)
class Actors:
    version: Any
    requirements: list[Any]
    person: Any
    clerk: Any
    review: bool
    counter: int = 0


def actors(setup: Setup, slot: int) -> Actors:
    from govhall.cases.transitions import TRANSITIONS
    from govhall.catalog.models import ItemVersion, MaterialSource
    from govhall.identity.models import Person, User

    version = ItemVersion.objects.get(pk=setup.version)
    requirements = list(
        version.materials.filter(source=MaterialSource.APPLICANT).order_by("order", "id")
    )
    person = Person.objects.select_related("user").get(pk=setup.persons[slot])
    return Actors(
        version,
        requirements,
        person,
        User.objects.get(pk=setup.clerk),
        "review" in TRANSITIONS,
    )


Probe = Callable[[str], AbstractContextManager[Any]]


def _no_probe(_step: str) -> AbstractContextManager[Any]:
    return nullcontext()


def lifecycle(ctx: Actors, probe: Probe = _no_probe) -> None:
    """One application from the first upload to the closed case."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govhall.cases.services.actions import case_act
    from govhall.cases.services.drafts import draft_open, material_upload
    from govhall.cases.services.submission import case_submit

    ctx.counter += 1
    fresh = ctx.counter % 2 == 0
    user, person = ctx.person.user, ctx.person
    with probe("draft"):
        draft = draft_open(
            actor=user,
            version_uuid=ctx.version.uuid,
            principal_type="person",
            principal_uuid=person.uuid,
        )
    uploads = []
    for index, requirement in enumerate(ctx.requirements):
        content = (
            make_pdf(f"{os.getpid()}-{time.time_ns()}-{index}".encode())
            if fresh
            else SHARED_PDFS[index % MATERIALS]
        )
        with probe("upload"):
            uploads.append(
                material_upload(
                    actor=user,
                    draft=draft,
                    requirement_uuid=requirement.uuid,
                    uploaded=SimpleUploadedFile(
                        f"材料{index + 1}.pdf", content, content_type="application/pdf"
                    ),
                )
            )
    with probe("submit"):
        case, _created = case_submit(
            actor=user,
            version_uuid=ctx.version.uuid,
            principal_type="person",
            principal_uuid=person.uuid,
            channel="web",
            form_data={},
            idempotency_key=str(uuid.uuid4()),
            materials=[upload.uuid for upload in uploads],
        )
    with probe("accept"):
        case = case_act(case=case, action="accept", actor=ctx.clerk)
    if ctx.review:
        with probe("review"):
            case = case_act(case=case, action="review", actor=ctx.clerk, opinion="材料齐全，同意。")
    with probe("approve"):
        case = case_act(case=case, action="approve", actor=ctx.clerk, opinion="符合条件，准予。")
    with probe("deliver"):
        case = case_act(case=case, action="deliver", actor=ctx.clerk, data={"method": "electronic"})
    with probe("close"):
        case_act(case=case, action="close", actor=ctx.clerk)


# --- processes -----------------------------------------------------------------------------


def worker(
    url: str, setup: Setup, slot: int, seconds: float, cap: int, barrier: Any, results: Any
) -> None:
    """One process: its own Django and connection; warm up, wait for the others, then run."""
    configure()
    setup_django(url)
    try:
        ctx = actors(setup, slot)
        for _ in range(WARMUP):
            lifecycle(ctx)
    except BaseException:
        barrier.abort()  # the parent and the other workers stop at once
        raise
    barrier.wait(timeout=BARRIER_SECONDS)
    timings: list[float] = []
    began = time.perf_counter()
    while len(timings) < cap and time.perf_counter() - began < seconds:
        start = time.perf_counter()
        lifecycle(ctx)
        timings.append((time.perf_counter() - start) * 1000)
    results.put((slot, len(timings), time.perf_counter() - began, timings))


def run_phase(url: str, setup: Setup, processes: int, seconds: float, cap: int) -> float:
    """``processes`` workers for the same wall time; prints and returns lifecycles/s."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    results = context.Queue()
    workers = [
        context.Process(target=worker, args=(url, setup, slot, seconds, cap, barrier, results))
        for slot in range(processes)
    ]
    for process in workers:
        process.start()
    barrier.wait(timeout=BARRIER_SECONDS)
    began = time.perf_counter()
    rows = [results.get(timeout=seconds + BARRIER_SECONDS) for _ in workers]
    wall = time.perf_counter() - began
    for process in workers:
        process.join(timeout=60)
    total = sum(count for _slot, count, _elapsed, _timings in rows)
    every = [t for *_rest, timings in rows for t in timings]
    rate = total / wall
    print(
        f"{processes} process(es): {total} lifecycles in {wall:.1f} s = {rate:.1f}/s; per "
        f"lifecycle p50 {percentile(every, 50):.1f} ms, p95 {percentile(every, 95):.1f} ms",
        flush=True,
    )
    if processes > 1:
        for slot, count, elapsed, timings in sorted(rows):
            print(
                f"  process {slot}: {count} lifecycles, {count / elapsed:.1f}/s, "
                f"p50 {percentile(timings, 50):.1f} ms, p95 {percentile(timings, 95):.1f} ms"
            )
    return rate


# --- profile -------------------------------------------------------------------------------


def profile(setup: Setup) -> None:
    """Statements and time per step, the WAL-flush share (PostgreSQL) and a cProfile."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ctx = actors(setup, 0)
    for _ in range(WARMUP):
        lifecycle(ctx)
    statements: dict[str, list[int]] = defaultdict(list)
    savepoints: dict[str, int] = defaultdict(int)

    @contextmanager
    def counting(step: str) -> Iterator[None]:
        with CaptureQueriesContext(connection) as captured:
            yield
        statements[step].append(len(captured.captured_queries))
        savepoints[step] += sum(
            1 for q in captured.captured_queries if q["sql"].startswith("SAVEPOINT")
        )

    # Two lifecycles: one with new files, one with files already stored.
    lifecycle(ctx, counting)
    lifecycle(ctx, counting)
    total = sum(sum(v) for v in statements.values()) / 2
    print(
        f"\nSQL statements per step (mean of a new-files and a known-files lifecycle; {total:.0f}"
        " per lifecycle):"
    )
    for step in STEPS:
        if step in statements:
            counts = statements[step]
            print(
                f"  {step:8} {len(counts) // 2} call(s), {sum(counts) / 2:.0f} statements, "
                f"{savepoints[step] / 2:.0f} savepoints"
            )

    def per_step(label: str) -> None:
        spent: dict[str, float] = defaultdict(float)
        cpu: dict[str, float] = defaultdict(float)

        @contextmanager
        def timing(step: str) -> Iterator[None]:
            start, start_cpu = time.perf_counter(), time.process_time()
            yield
            spent[step] += (time.perf_counter() - start) * 1000
            cpu[step] += (time.process_time() - start_cpu) * 1000

        began = time.perf_counter()
        for _ in range(PROFILE_LIFECYCLES):
            lifecycle(ctx, timing)
        elapsed = time.perf_counter() - began
        print(
            f"\nmean ms per step over {PROFILE_LIFECYCLES} lifecycles, {label}: "
            f"{PROFILE_LIFECYCLES / elapsed:.1f} lifecycles/s (wall ms; of which this "
            "process's CPU ms — the rest is the database server, locks and the disk)"
        )
        for step in STEPS:
            if step in spent:
                print(
                    f"  {step:8} {spent[step] / PROFILE_LIFECYCLES:6.1f} ms "
                    f"(CPU {cpu[step] / PROFILE_LIFECYCLES:5.1f} ms)"
                )
        print(
            f"  {'total':8} {sum(spent.values()) / PROFILE_LIFECYCLES:6.1f} ms "
            f"(CPU {sum(cpu.values()) / PROFILE_LIFECYCLES:5.1f} ms)"
        )

    per_step("as configured")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        per_step("synchronous_commit = off (this session only; a diagnostic)")
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = on")
    profiler = cProfile.Profile()
    profiler.enable()
    lifecycle(ctx)
    lifecycle(ctx)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(25)
    out.write("\nthe same, govhall's own functions and SpiffWorkflow only:\n")
    stats.print_stats(r"src/govhall/|SpiffWorkflow", 25)
    print(
        "\ncProfile of two lifecycles (one with new files, one with known files), top 25 by "
        "cumulative time:"
    )
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    configure()
    url = setup_django()
    print(f"bench_cases on {database_label()} ({url.split('@')[-1]}); {machine_label()}")
    setup = prepare(max(1, args.processes))
    from govhall.cases.transitions import TRANSITIONS

    steps = ["accept", *(["review"] if "review" in TRANSITIONS else []), "approve", "deliver"]
    print(
        f"lifecycle: draft → {setup.requirements} uploads → submit → {' → '.join(steps)} → close "
        f"(review {'taken' if 'review' in TRANSITIONS else 'not in TRANSITIONS: skipped'})",
        flush=True,
    )
    seconds = float(os.environ.get("BENCH_CASES_SECONDS", "30"))
    cap = int(os.environ.get("BENCH_LIFECYCLES", "2000"))
    from django.db import connections

    connections.close_all()
    baseline = run_phase(url, setup, 1, seconds, cap)
    if args.processes > 1:
        rate = run_phase(url, setup, args.processes, seconds, cap)
        print(f"ratio {args.processes} processes / 1 process: {rate / baseline:.2f}")
        baseline = max(baseline, rate)
    verdict = "met" if baseline >= TARGET_PER_SECOND else "not met"
    print(f"target ≥ {TARGET_PER_SECOND}/s on PostgreSQL: {verdict} (best {baseline:.1f}/s)")
    if args.profile:
        profile(setup)
    print(f"after the run: {load_label()}")


if __name__ == "__main__":
    main()
