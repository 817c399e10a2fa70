"""The license wallet at 1M licenses, license PDF rendering, and archive upload throughput.

Why: issue 5 asks for the wallet listing (居民/法人证照目录) at p95 ≤ 50 ms with 1,000,000
licenses in the library, and for the PDF render time and the archive's upload throughput with
de-duplication to be known.

1. Fill the library to ``BENCH_WALLET_LICENSES`` (default 1,000,000) rows: one license issued
   through the service, then copies bulk-inserted with their own identifiers, numbers and
   holders (five licenses per holder on average, a payload of the real size). The copies are
   not signed one by one — the wallet reads columns, never checks signatures — which is what
   makes filling a million rows take minutes instead of an hour. Rows already there are kept.
2. Wallet: ``licenses.selectors.wallet_for_indexes`` for ``BENCH_WALLET_QUERIES`` (default
   2,000) random holders, the first 100 rows materialised with their type and issuer — p50,
   p95, p99 in ms.
3. PDF: ``license_pdf_render`` (WeasyPrint, fonts embedded, seal, QR) 10 times — mean and
   max; then ``license_pdf`` reading the kept rendering from the default storage — p95.
4. Archive: ``stored_file_put`` of ``BENCH_ARCHIVE_FILES`` (default 200) distinct 256 KB PDFs,
   then the same files again (all de-duplicated) — MB/s and files/s each.

    .venv/bin/python bench/bench_wallet.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench \\
        .venv/bin/python bench/bench_wallet.py

This is not a test; it prints figures.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

from common import database_label, machine_label, percentile, setup_django

BATCH = 5_000
PER_HOLDER = 5


def fill(template: Any, target: int) -> float:
    """Bulk-insert copies of ``template`` until the library holds ``target`` licenses."""
    from django.db import transaction

    from govhall.licenses.models import License

    present = License.objects.count()
    if present >= target:
        return 0.0
    began = time.perf_counter()
    fields = {
        f.attname: getattr(template, f.attname)
        for f in License._meta.concrete_fields
        if f.attname not in {"id", "uuid", "identifier", "number", "holder_code_index"}
    }
    rng = random.Random(present)
    holders = max(1, target // PER_HOLDER)
    index = present
    while index < target:
        rows = []
        for offset in range(min(BATCH, target - index)):
            serial = index + offset
            row = License(**fields)
            row.identifier = f"{template.identifier}.b{serial}"
            row.number = f"B{serial:010d}"
            row.holder_code_index = f"{rng.randrange(holders):064x}"
            rows.append(row)
        with transaction.atomic():
            License.objects.bulk_create(rows)
        index += len(rows)
        if index % 100_000 < BATCH:
            print(f"  {index:,} licenses ({time.perf_counter() - began:.0f} s)", flush=True)
    return time.perf_counter() - began


def main() -> None:
    setup_django()
    from bench_licenses import FACE, prepare
    from django.core.files.base import ContentFile
    from django.db import connection

    from govhall.archive.samples import make_pdf
    from govhall.archive.services.files import stored_file_put
    from govhall.core.statistics import sqlite_statistics_refresh
    from govhall.licenses.models import License
    from govhall.licenses.rendering import license_pdf, license_pdf_render
    from govhall.licenses.selectors import wallet_for_indexes
    from govhall.licenses.services.issuance import Holder, license_issue

    print(f"# bench_wallet — {database_label()}; {machine_label()}")
    target = int(os.environ.get("BENCH_WALLET_LICENSES", "1000000"))
    department, license_type = prepare()
    template = License.objects.filter(license_type=license_type, version=1).first()
    if template is None:
        template = license_issue(
            license_type=license_type,
            issuer=department,
            holder=Holder("开阳县城关镇陈记布依农家菜馆", "92520121358806121M", "001"),
            face=FACE,
            actor=None,
        )
    seconds = fill(template, target)
    if seconds:
        if not sqlite_statistics_refresh():
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE licenses_license")
        print(f"filled to {target:,} licenses in {seconds:.0f} s")
    total = License.objects.count()
    holders = max(1, total // PER_HOLDER)
    rng = random.Random(7)
    queries = int(os.environ.get("BENCH_WALLET_QUERIES", "2000"))
    timings = []
    found = 0
    for _ in range(queries):
        index = f"{rng.randrange(holders):064x}"
        began = time.perf_counter()
        rows = list(wallet_for_indexes([index])[:100])
        timings.append((time.perf_counter() - began) * 1000)
        found += len(rows)
    print(
        f"wallet at {total:,} licenses, {queries} holders ({found / queries:.1f} licenses each): "
        f"p50 {percentile(timings, 50):.2f} ms, p95 {percentile(timings, 95):.2f} ms, "
        f"p99 {percentile(timings, 99):.2f} ms (target p95 ≤ 50 ms)"
    )

    renders = []
    for _ in range(10):
        began = time.perf_counter()
        pdf = license_pdf_render(template)
        renders.append((time.perf_counter() - began) * 1000)
    print(
        f"PDF render: mean {sum(renders) / len(renders):.0f} ms, max {max(renders):.0f} ms "
        f"({len(pdf) / 1024:.0f} KB, fonts embedded)"
    )
    license_pdf(template)  # kept now
    reads = []
    for _ in range(200):
        began = time.perf_counter()
        license_pdf(template)
        reads.append((time.perf_counter() - began) * 1000)
    print(f"PDF kept rendering read: p95 {percentile(reads, 95):.2f} ms")

    files = int(os.environ.get("BENCH_ARCHIVE_FILES", "200"))
    nonce = os.urandom(8).hex()
    blobs = [
        make_pdf(comment=(f"{nonce}-{n}-".encode() * 20_000)[: 256 * 1024]) for n in range(files)
    ]
    megabytes = sum(len(b) for b in blobs) / 1024 / 1024
    for label in ("new files", "the same files again (de-duplicated)"):
        began = time.perf_counter()
        for number, blob in enumerate(blobs):
            stored_file_put(
                actor=None,
                uploaded=ContentFile(blob, name=f"{number}.pdf"),
                declared_name=f"{number}.pdf",
            )
        elapsed = time.perf_counter() - began
        print(
            f"archive upload, {label}: {files} × {len(blobs[0]) / 1024:.0f} KB in "
            f"{elapsed:.2f} s = {megabytes / elapsed:.1f} MB/s, {files / elapsed:.0f} files/s"
        )


if __name__ == "__main__":
    main()
