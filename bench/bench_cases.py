"""Case lifecycles per second: submit → accept → approve → deliver → close through the services.

Why: a province's halls and portal create and finish tens of thousands of cases a day, each
action an audited, race-safe write (row lock, action log row, audit record); the target of
issue 4 is 100 complete lifecycles per second on PostgreSQL on this 2-core machine. This
increment's cases have no material uploads yet: the figure is the case core (5 actions, 5
audit records, due dates on acceptance).

The database is the one ``DATABASE_URL`` names; unset, ``var/bench.sqlite3``. It is migrated;
100 synthetic items are added (``govhall demo-scale``) when no guide is published; one bench
citizen and one clerk (username ``bench-clerk``) are created on the first run.
``BENCH_LIFECYCLES`` (default 300) lifecycles are run, at most ``BENCH_CASES_SECONDS`` (default
120) seconds. Run from the repository root:

    .venv/bin/python bench/bench_cases.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench \
        .venv/bin/python bench/bench_cases.py

This is not a test; it prints figures.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

from common import database_label, load_label, machine_label, percentile, setup_django

WARMUP = 10
#: An invented, valid ID number outside the demo data.
BENCH_ID_NUMBER = "52011319930708772X"


def prepare() -> tuple[Any, Any, Any]:
    """The bench's published version, citizen and clerk (created once)."""
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    from govhall.catalog.models import ItemVersion, VersionState
    from govhall.demo.scale import demo_scale
    from govhall.identity.models import User
    from govhall.identity.selectors import person_find_by_id_number
    from govhall.identity.services import person_register

    call_command("migrate", interactive=False, verbosity=0)
    versions = ItemVersion.objects.filter(
        state=VersionState.PUBLISHED, handling_item__implementation__department__isnull=False
    )
    if not versions.exists():
        print("adding 100 synthetic items ...", flush=True)
        demo_scale(items=100)
    version = versions.select_related("handling_item__implementation").order_by("id").first()
    assert version is not None
    person = person_find_by_id_number(BENCH_ID_NUMBER)
    if person is None:
        person = person_register(
            name="压测申请人",
            id_number=BENCH_ID_NUMBER,
            mobile="16600000002",
            password="Bench-cases-2026",  # noqa: S106 - synthetic account
        )
    implementation = version.handling_item.implementation
    clerk, _created = User.objects.get_or_create(
        username="bench-clerk",
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
    return version, person, User.objects.get(pk=clerk.pk)


def lifecycle(version: Any, person: Any, clerk: Any) -> None:
    from govhall.cases.services.actions import case_act
    from govhall.cases.services.submission import case_submit

    case, _ = case_submit(
        actor=person.user,
        version_uuid=version.uuid,
        principal_type="person",
        principal_uuid=person.uuid,
        channel="web",
        form_data={"说明": "压测"},
        idempotency_key=str(uuid.uuid4()),
    )
    case_act(case=case, action="accept", actor=clerk)
    case_act(case=case, action="approve", actor=clerk, opinion="符合条件，准予。")
    case_act(case=case, action="deliver", actor=clerk)
    case_act(case=case, action="close", actor=clerk)


def main() -> None:
    url = setup_django()
    print(f"bench_cases on {database_label()} ({url.split('@')[-1]}); {machine_label()}")
    version, person, clerk = prepare()
    wanted = int(os.environ.get("BENCH_LIFECYCLES", "300"))
    budget = float(os.environ.get("BENCH_CASES_SECONDS", "120"))
    for _ in range(WARMUP):
        lifecycle(version, person, clerk)
    timings = []
    began = time.perf_counter()
    while len(timings) < wanted and time.perf_counter() - began < budget:
        start = time.perf_counter()
        lifecycle(version, person, clerk)
        timings.append((time.perf_counter() - start) * 1000)
    elapsed = time.perf_counter() - began
    print(
        f"{len(timings)} lifecycles (submit → accept → approve → deliver → close, one process): "
        f"{len(timings) / elapsed:.1f}/s; per lifecycle p50 {percentile(timings, 50):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms; target ≥ 100/s on PostgreSQL"
    )
    print(f"after the run: {load_label()}")


if __name__ == "__main__":
    main()
