"""Search latency at province scale: p50/p95/p99 of a catalog search as the API runs it.

Why: the search box is the portal's front door and the API's busiest endpoint, and a
province's catalog holds about 100,000 implementation items. Each measured call does what
``GET /api/v1/catalog/items?q=...`` does: build ``implementation_search(ItemFilters(q=...))``,
fetch the first page of 20 (plus one row to know whether there is a next page) and count
the matches when there is more than one page. Target: p95 <= 20 ms.

The database is the one ``DATABASE_URL`` names; unset, it is ``var/bench.sqlite3`` (never the
development database). The script migrates it and, if it holds fewer than ``BENCH_ITEMS``
(default 100,000) implementation items, adds synthetic ones with ``govhall demo-scale``'s
generator. Run from the repository root:

    .venv/bin/python bench/bench_search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench \
        .venv/bin/python bench/bench_search.py

This is not a test; it prints figures.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any

from common import database_label, load_label, machine_label, percentile, setup_django

PAGE_SIZE = 20
WARMUP_ROUNDS = 2
MEASURED_ROUNDS = 8
TARGET_P95_MS = 20.0
SEED = 20_260_925

#: What people type: well-known items, abbreviations, phrases, the generator's vocabulary,
#: broad words that match tens of thousands of rows, and words that match nothing (which
#: take the substring fallback path).
QUERIES: tuple[str, ...] = (
    "低保",
    "社保卡",
    "食品经营许可",
    "营业执照",
    "高龄补贴",
    "公租房",
    "户口迁移",
    "教师资格",
    "医师执业",
    "建筑业企业资质",
    "结婚登记",
    "出生登记",
    "失业金",
    "养老机构",
    "道路运输许可",
    "民办学校",
    "劳务派遣",
    "诊所备案",
    "特种设备使用登记",
    "出租汽车经营",
    "幼儿园",
    "居住证",
    "物业服务",
    "危险货物运输",
    "托育机构",
    "我要开餐馆",
    "办理身份证",
    "许可",
    "补贴",
    "护照",
)


def bench_items() -> int:
    return int(os.environ.get("BENCH_ITEMS", "100000"))


def ensure_items(wanted: int) -> int:
    """Migrate, then top the catalog up to ``wanted`` implementation items; returns the count."""
    from django.core.management import call_command

    from govhall.catalog.models import Implementation
    from govhall.demo.scale import demo_scale

    call_command("migrate", interactive=False, verbosity=0)
    present = Implementation.objects.count()
    if present < wanted:
        print(f"database holds {present:,} items; generating {wanted - present:,} ...", flush=True)
        report = demo_scale(items=wanted - present, progress=lambda line: print(line, flush=True))
        print(f"generated {report.implementations:,} items in {report.seconds:.1f} s", flush=True)
    return Implementation.objects.count()


def search_like_the_api(query: str) -> tuple[int, list[dict[str, Any]]]:
    """One search exactly as ``catalog.api.item_list`` runs it for page 1."""
    from govhall.catalog.selectors import ItemFilters, implementation_search

    results = implementation_search(ItemFilters(q=query))
    rows = list(results[: PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    count = results.count() if has_next else len(rows)
    summaries = [
        {
            "implementation_code": row.implementation_code,
            "name": row.name,
            "item_type": row.item_type.name,
            "department": row.department.name,
            "region_name": row.region.name,
        }
        for row in rows
    ]
    return count, summaries


@dataclass(slots=True)
class QueryStats:
    query: str
    matches: int
    timings_ms: list[float]


def run(queries: tuple[str, ...] = QUERIES) -> dict[str, QueryStats]:
    """Warm up, then time MEASURED_ROUNDS passes over every query in a shuffled order."""
    rng = random.Random(SEED)
    stats = {query: QueryStats(query, 0, []) for query in queries}
    for _round in range(WARMUP_ROUNDS):
        for query in queries:
            stats[query].matches = search_like_the_api(query)[0]
    order = list(queries)
    for _round in range(MEASURED_ROUNDS):
        rng.shuffle(order)
        for query in order:
            began = time.perf_counter()
            search_like_the_api(query)
            stats[query].timings_ms.append((time.perf_counter() - began) * 1000)
    return stats


def main() -> int:
    url = setup_django()
    wanted = bench_items()
    began = time.perf_counter()
    total = ensure_items(wanted)
    setup_seconds = time.perf_counter() - began
    print(f"machine:  {machine_label()}")
    print(f"database: {database_label()} ({url.split('@')[-1]})")
    print(
        f"catalog:  {total:,} implementation items "
        f"(wanted {wanted:,}; set-up {setup_seconds:.1f} s)"
    )
    stats = run()
    measured = [ms for s in stats.values() for ms in s.timings_ms]
    print(
        f"{len(QUERIES)} queries, {WARMUP_ROUNDS} warm-up rounds, "
        f"{len(measured)} measured searches (page of {PAGE_SIZE} + count)"
    )
    print(f"{'query':<16}{'matches':>9}{'median ms':>11}{'max ms':>9}")
    for s in sorted(stats.values(), key=lambda s: -statistics.median(s.timings_ms)):
        label = s.query + "\u3000" * max(0, 8 - len(s.query))
        print(
            f"{label:<16}{s.matches:>9,}{statistics.median(s.timings_ms):>11.2f}"
            f"{max(s.timings_ms):>9.2f}"
        )
    p50, p95, p99 = (percentile(measured, pct) for pct in (50, 95, 99))
    print(f"latency ms: p50 {p50:.2f}  p95 {p95:.2f}  p99 {p99:.2f}  max {max(measured):.2f}")
    print(f"after the run: {load_label()}")
    verdict = "met" if p95 <= TARGET_P95_MS else "NOT met"
    print(f"target p95 <= {TARGET_P95_MS:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
