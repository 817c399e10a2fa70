"""Legacy stock import (存量入库): rows per second checked, and imported (issued and signed).

Why: a county bureau hands over its whole register of existing licenses at once — thousands
of rows — and ``govhall licenses-import`` (or the admin's upload) must check every row before
writing anything, then issue each license through ``license_issue`` (identifier, signed
record, encrypted holder code, audit record, outbox event) in batches of 500, each batch one
transaction with the import's progress. The script times, for ``BENCH_LICENSE_IMPORT_ROWS``
(default 5,000) generated rows:

1. validation of the .xlsx (streamed in openpyxl's read-only mode) and of the same rows as a
   GB18030 .csv: every row through ``license_checked``, dates, duplicates in the file and in
   the library;
2. the import of the .xlsx: create (SM3, storage), validate, then the batches; rows/s of
   the batches alone and of the whole;
3. a check that 100 of the imported licenses verify as genuine.

The database is ``DATABASE_URL`` (unset: ``var/bench.sqlite3``), migrated; the bench department,
seal and license type are ``bench_licenses.py``'s (created once), and each run's license
numbers are new, so runs add to the library. Run from the repository root:

    .venv/bin/python bench/bench_license_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench \\
        .venv/bin/python bench/bench_license_import.py

This is not a test; it prints figures.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import random
import time
from typing import Any

from bench_licenses import prepare
from common import database_label, load_label, machine_label, setup_django

SEED = 20_261_128
HEADER = ["证照编号", "持证主体", "持证主体代码", "发证日期", "有效期至", "经营者名称", "经营场所"]


def build_rows(count: int) -> list[list[Any]]:
    """``count`` register rows: a third persons (resident IDs), the rest organizations."""
    from stdnum.cn import ric

    from govhall.core.identifiers import build_credit_code

    generator = random.Random(SEED)
    run = time.strftime("%y%m%d%H%M%S")
    rows: list[list[Any]] = []
    for index in range(count):
        if index % 3 == 0:
            body = f"520121{1960 + index % 40}{1 + index % 12:02d}{1 + index % 28:02d}"
            body += f"{generator.randrange(1000):03d}"
            code = body + ric.calc_check_digit(body + "0")
            name = f"陈{'志强明华丽'[index % 5]}{index}"
        else:
            code = build_credit_code(
                area="520121", organisation=f"{generator.randrange(10**8):08d}", authority="9"
            )
            name = f"开阳县城关镇第{index}号农家菜馆"
        issued = datetime.date(2019, 1, 1) + datetime.timedelta(days=index % 2000)
        rows.append(
            [
                f"JY{run}{index:07d}",
                name,
                code,
                issued,
                issued + datetime.timedelta(days=5 * 365),
                name,
                f"开阳县城关镇紫江路 {index % 300 + 1} 号",
            ]
        )
    return rows


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("证照")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(
        [v.isoformat() if isinstance(v, datetime.date) else v for v in row] for row in rows
    )
    return text.getvalue().encode("gb18030")


def line(label: str, rows: int, seconds: float) -> None:
    print(f"{label:<48} {seconds:8.2f} s  {rows / seconds:8,.0f} rows/s", flush=True)


def main() -> None:
    count = int(os.environ.get("BENCH_LICENSE_IMPORT_ROWS", "5000"))
    setup_django()
    print(f"bench_license_import on {database_label()}; {machine_label()}")
    from django.conf import settings
    from django.utils import timezone

    from govhall.licenses.imports.validation import stock_validate
    from govhall.licenses.models import License
    from govhall.licenses.services.import_batches import license_import_run
    from govhall.licenses.services.imports import license_import_create, license_import_validate
    from govhall.licenses.verification import license_verify

    department, license_type = prepare()
    rows = build_rows(count)
    xlsx, gb_csv = xlsx_bytes(rows), csv_bytes(rows)
    print(
        f"{count:,} rows: .xlsx {len(xlsx) / 1e6:.2f} MB, GB18030 .csv {len(gb_csv) / 1e6:.2f} MB"
    )
    max_rows = settings.GOVHALL["IMPORT_MAX_ROWS"]
    for name, data in (("register.xlsx", xlsx), ("register.csv", gb_csv)):
        began = time.perf_counter()
        validation = stock_validate(
            license_type=license_type,
            file_name=name,
            data=data,
            max_rows=max_rows,
            today=timezone.localdate(),
        )
        assert validation.total_rows == count and not validation.errors, validation.errors[:3]
        line(f"validation of {name}", count, time.perf_counter() - began)

    began = time.perf_counter()
    license_import = license_import_create(
        file_name="register.xlsx",
        data=xlsx,
        license_type=license_type,
        issuer=department,
        actor=None,
        batch_size=500,
    )
    license_import = license_import_validate(license_import=license_import)
    batches_began = time.perf_counter()
    license_import = license_import_run(license_import=license_import)
    ended = time.perf_counter()
    assert license_import.status == "done", license_import.failure
    assert license_import.imported_rows == count
    line("import: batches of 500 (issue, sign, audit)", count, ended - batches_began)
    line("import: create + validate + batches", count, ended - began)
    sample = License.objects.filter(license_import=license_import).order_by("?")[:100]
    genuine = sum(license_verify(license.identifier).genuine for license in sample)
    print(f"verified genuine: {genuine} of {len(sample)} sampled; after the run: {load_label()}")


if __name__ == "__main__":
    main()
