"""Spreadsheet import at county-batch scale: 10,000 items from an .xlsx into an empty catalog.

Why: provinces hand over their catalog as a workbook, and ``govhall catalog-import`` (or the
admin's upload) must take a whole batch of 10,000 implementation items in one sitting, all
or nothing, through the catalog services (codes, search index, audit chain). The script
times, on a fresh database:

1. validation only: the same workbook with one error in the last items row; every row of
   every sheet is checked, ``ImportFailed`` carries exactly that one error, nothing is written;
2. the import into the empty catalog: base items, implementations, handling items and one
   published guide version per row (each with its materials and process steps);
3. the re-import of the same file, unchanged: every row compares equal, nothing is written.

Target: the import of 10,000 items in <= 60 s (>= 167 items/s).

The workbook is generated here in the ``catalog-export`` format (items, materials and
processes sheets plus the readme) with realistic rows: ``govhall demo-scale``'s vocabulary
and synthetic base codes over Guizhou's 88 counties, one synthetic county department each
(valid credit codes, created through the ORM first, as the import needs them to exist), 2-4
materials and 5 process steps per item.

The database is always a fresh one, never the development or search bench database:
``DATABASE_URL`` chooses the engine and server; SQLite uses ``var/bench-import.sqlite3``
(deleted, then migrated), PostgreSQL the database ``govhall_bench_import`` on that server
(dropped and created with ``UTF8``/``template0``, then migrated). Any other database name in
``DATABASE_URL`` is replaced by these. Run from the repository root:

    .venv/bin/python bench/bench_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_import \
        .venv/bin/python bench/bench_import.py

``BENCH_IMPORT_ITEMS`` (default 10,000) sets the number of items rows. This is not a test;
it prints figures.
"""

from __future__ import annotations

import os
import random
import sys
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from common import database_label, load_label, machine_label, setup_django

ROOT = Path(__file__).resolve().parents[1]
SQLITE_PATH = ROOT / "var" / "bench-import.sqlite3"
PG_DATABASE = "govhall_bench_import"
TARGET_SECONDS_PER_10K = 60.0
SEED = 20_261_128
#: Steps of every guide: what the export writes to the processes sheet.
PROCESS_STEPS = (
    ("申请", "申请人通过网上办事大厅或窗口提交申请材料"),
    ("受理", "窗口工作人员当场核验材料，材料齐全的出具受理通知书"),
    ("审查", "承办机构对申请材料进行审查，必要时现场核查"),
    ("决定", "作出准予或不予办理的决定"),
    ("送达", "通过电子证照或窗口领取送达办理结果"),
)


def bench_import_items() -> int:
    return int(os.environ.get("BENCH_IMPORT_ITEMS", "10000"))


def bench_database_url() -> str:
    """The fresh bench database on the engine and server ``DATABASE_URL`` names."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        return urlunsplit(parts._replace(path=f"/{PG_DATABASE}"))
    return f"sqlite:///{SQLITE_PATH}"


def recreate_database(url: str) -> None:
    """Delete (SQLite) or drop and create (PostgreSQL) the bench database, before Django."""
    if url.startswith("sqlite:"):
        SQLITE_PATH.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        # What `dropdb` and `createdb -E UTF8 -T template0` do.
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        connection.execute(f"CREATE DATABASE \"{PG_DATABASE}\" ENCODING 'UTF8' TEMPLATE template0")


# --- the workbook --------------------------------------------------------------------------


@dataclass(slots=True)
class Rows:
    items: list[dict[str, Any]]
    materials: list[dict[str, Any]]
    processes: list[dict[str, Any]]


def create_departments() -> list[Any]:
    """One synthetic department per county (88), valid credit codes, through the ORM.

    County ``i`` gets the department of sector ``i % 8`` of ``demo-scale``'s vocabulary, so the
    file spans every sector. Returns the departments in county order (regions selected).
    """
    from govhall.core.models import AuthorityNature, Department, Region, RegionLevel
    from govhall.demo.scale import (
        OFFICE_HOURS,
        PROVINCE_PREFIX,
        SECTORS,
        SYNTHETIC_DEPARTMENT_SUFFIX,
        synthetic_credit_code,
    )

    counties = list(
        Region.objects.filter(
            level=RegionLevel.COUNTY, code__startswith=PROVINCE_PREFIX, is_current=True
        )
        .select_related("parent")
        .order_by("code")
    )
    if not counties:
        raise SystemExit("no county-level regions: the migrations did not load Guizhou's regions")
    departments = []
    for index, county in enumerate(counties):
        sector_index = index % len(SECTORS)
        sector = SECTORS[sector_index]
        city = county.parent.name if county.parent else ""
        departments.append(
            Department(
                name=f"{county.name}{sector.department}{SYNTHETIC_DEPARTMENT_SUFFIX}",
                short_name=f"{county.name}{sector.short_name}",
                credit_code=synthetic_credit_code(county.short_code, index, sector_index),
                region=county,
                level=RegionLevel.COUNTY,
                nature=AuthorityNature.STATUTORY,
                hall_address=(
                    f"{city}{county.name}政务服务中心{sector_index + 1}楼{sector.short_name}窗口"
                ),
                office_hours=OFFICE_HOURS,
                phone=f"0851-8{index:03d}{sector_index:02d}10",
                supervision_phone="0851-12345",
            )
        )
    Department.objects.bulk_create(departments)
    by_code = {
        department.credit_code: department
        for department in Department.objects.select_related("region").filter(
            credit_code__in=[department.credit_code for department in departments]
        )
    }
    return [by_code[department.credit_code] for department in departments]


def build_rows(departments: list[Any], wanted: int) -> Rows:
    """``wanted`` items rows (fewer if the vocabulary runs out), with materials and processes.

    Counties take turns, each drawing the next base item of its sector in a seeded order, so
    every county gets about ``wanted / 88`` items and a base item recurs in about 11 counties.
    """
    from govhall.catalog.models import (
        CaseKind,
        DeliveryMethod,
        ItemList,
        MaterialForm,
        MaterialSource,
        OnlineHandling,
    )
    from govhall.core.models import AuthorityNature
    from govhall.demo.scale import (
        COMMON_MATERIALS,
        LEGAL_LIMITS,
        OFFICE_HOURS,
        SECTORS,
        SYNTHETIC_LEGAL_MARK,
        base_specs,
        handling_name,
    )

    rng = random.Random(SEED)  # reproducible synthetic rows, nothing secret
    specs_by_sector: dict[int, list[Any]] = {}
    for spec in base_specs():
        specs_by_sector.setdefault(spec.sector, []).append(spec)
    orders = []
    for index in range(len(departments)):
        specs = list(specs_by_sector[index % len(SECTORS)])
        rng.shuffle(specs)
        orders.append(specs)
    rows = Rows([], [], [])
    depth = 0
    while len(rows.items) < wanted and depth < max(len(order) for order in orders):
        for department, order in zip(departments, orders, strict=True):
            if len(rows.items) >= wanted:
                break
            if depth >= len(order):
                continue
            spec = order[depth]
            sector = SECTORS[spec.sector]
            key = {
                "base_code": spec.base_code,
                "department_credit_code": department.credit_code,
                "region_code": department.region.code,
                "handling_kind": spec.handling_kind,
            }
            instant = rng.random() < 0.2
            legal = rng.choice(LEGAL_LIMITS)
            online = rng.choice(
                (OnlineHandling.FULL, OnlineHandling.FULL, OnlineHandling.PREREVIEW)
            )
            rows.items.append(
                {
                    **key,
                    "name": spec.name,
                    "item_type": spec.item_type,
                    "item_list": (
                        ItemList.PUBLIC_SERVICE if spec.item_type == "21" else ItemList.POWER
                    ),
                    "domain": sector.domain,
                    "competent_department": sector.competent_department,
                    "authority_nature": AuthorityNature.STATUTORY,
                    "legal_basis": f"{SYNTHETIC_LEGAL_MARK}{sector.law}",
                    "service_objects": [
                        audience
                        for audience, serves in (
                            ("person", sector.for_persons),
                            ("organization", sector.for_organizations),
                        )
                        if serves
                    ],
                    "synonyms": list(spec.synonyms),
                    "level": department.level,
                    "handling_name": handling_name(spec),
                    "case_kind": CaseKind.INSTANT if instant else CaseKind.PROMISED,
                    "legal_limit_days": legal,
                    "promised_limit_days": 0 if instant else rng.randint(1, legal // 2),
                    "conditions": (
                        f"申请人符合{sector.law}规定的{spec.name}条件，申请材料齐全、符合法定形式。"
                    ),
                    "visits": 0 if online == OnlineHandling.FULL else 1,
                    "online_handling": online,
                    "fee_charged": False,
                    "result_name": spec.result_name,
                    "result_kind": spec.result_kind,
                    "delivery_methods": [DeliveryMethod.ELECTRONIC, DeliveryMethod.WINDOW],
                    "address": department.hall_address,
                    "office_hours": OFFICE_HOURS,
                    "consultation": f"咨询电话：{department.phone}",
                    "supervision": f"监督电话：{department.supervision_phone}",
                    "service_commitment": "一次告知、限时办结。",
                }
            )
            pool = [name for name in (*sector.materials, *COMMON_MATERIALS) if name != "申请表"]
            names = ["申请表", *rng.sample(pool, rng.randint(1, 3))]
            for order_number, name in enumerate(names, start=1):
                shared = name in {"营业执照", "居民身份证", "户口簿", "申请人身份证明"}
                rows.materials.append(
                    {
                        **key,
                        "order": order_number,
                        "name": name,
                        "form": MaterialForm.COPY if shared else MaterialForm.ORIGINAL,
                        "count": 1,
                        "paper_size": "A4",
                        "signature_required": order_number == 1,
                        "seal_required": False,
                        "source": (
                            MaterialSource.SHARED_DATA if shared else MaterialSource.APPLICANT
                        ),
                        "waivable_if_verified_online": shared,
                        "is_required": True,
                        "is_essential": True,
                    }
                )
            for order_number, (name, description) in enumerate(PROCESS_STEPS, start=1):
                rows.processes.append(
                    {**key, "order": order_number, "name": name, "description": description}
                )
        depth += 1
    return rows


def workbook_bytes(rows: Rows, *, broken_last_row: bool = False) -> bytes:
    """The rows in the ``catalog-export`` format (write-only, as the export writes it)."""
    from openpyxl import Workbook

    from govhall.catalog.spreadsheets.cells import write_value
    from govhall.catalog.spreadsheets.columns import (
        ITEMS,
        MATERIALS,
        PROCESSES,
        README_TITLE,
        readme_rows,
    )

    workbook = Workbook(write_only=True)
    for spec, values in (
        (ITEMS, rows.items),
        (MATERIALS, rows.materials),
        (PROCESSES, rows.processes),
    ):
        sheet = workbook.create_sheet(spec.title)
        sheet.append(spec.keys)
        last = len(values) - 1
        for index, row in enumerate(values):
            if broken_last_row and spec is ITEMS and index == last:
                row = {**row, "visits": 3}  # the one error: at most two visits (visits.range)
            sheet.append([write_value(column, row.get(column.key)) for column in spec.columns])
    readme = workbook.create_sheet(README_TITLE)
    for line in readme_rows():
        readme.append(line)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the runs ------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    from govhall.catalog.models import (
        BaseItem,
        HandlingItem,
        Implementation,
        ItemVersion,
        MaterialRequirement,
    )
    from govhall.core.models import AuditRecord

    return {
        model.__name__: model.objects.count()
        for model in (
            BaseItem,
            Implementation,
            HandlingItem,
            ItemVersion,
            MaterialRequirement,
            AuditRecord,
        )
    }


def rate(items: int, seconds: float) -> str:
    return f"{seconds:8.2f} s  {items / seconds:8,.0f} items/s"


def main() -> int:
    wanted = bench_import_items()
    url = bench_database_url()
    began = time.perf_counter()
    recreate_database(url)
    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command

    from govhall.catalog.models import Implementation, ItemVersion, VersionState
    from govhall.catalog.selectors import ItemFilters, implementation_search
    from govhall.catalog.spreadsheets import ImportFailed, catalog_import
    from govhall.catalog.spreadsheets.reading import read_workbook
    from govhall.catalog.spreadsheets.report import ErrorLog

    call_command("migrate", interactive=False, verbosity=0)
    setup_seconds = time.perf_counter() - began
    print(f"machine:  {machine_label()}")
    print(
        f"database: {database_label()} ({url.split('@')[-1]}), fresh; "
        f"migrated in {setup_seconds:.1f} s"
    )

    began = time.perf_counter()
    departments = create_departments()
    rows = build_rows(departments, wanted)
    items = len(rows.items)
    data = workbook_bytes(rows)
    broken = workbook_bytes(rows, broken_last_row=True)
    print(
        f"workbook: {items:,} items, {len(rows.materials):,} materials, "
        f"{len(rows.processes):,} process rows over {len(departments)} county departments; "
        f"{len(data) / 1e6:.1f} MB; generated in {time.perf_counter() - began:.1f} s"
    )
    if items < wanted:
        print(f"  (wanted {wanted:,}: the vocabulary holds only {items:,} pairs)")

    limits = settings.GOVHALL
    began = time.perf_counter()
    sheets = read_workbook(
        data, ErrorLog(), max_bytes=limits["IMPORT_MAX_BYTES"], max_rows=limits["IMPORT_MAX_ROWS"]
    )
    read_seconds = time.perf_counter() - began
    assert sheets is not None, "the generated workbook could not be read"

    before = counts()
    began = time.perf_counter()
    try:
        catalog_import(actor=None, data=broken)
    except ImportFailed as failure:
        errors = [(error.field, error.code) for error in failure.report.errors]
    else:
        raise SystemExit("the broken workbook was imported")
    validate_seconds = time.perf_counter() - began
    expected = [(f"items!X{items + 1}", "visits.range")]
    if errors != expected or counts() != before:
        raise SystemExit(f"validation-only run: expected {expected}, nothing written; got {errors}")

    began = time.perf_counter()
    report = catalog_import(actor=None, data=data)
    import_seconds = time.perf_counter() - began
    after = counts()
    published = ItemVersion.objects.filter(state=VersionState.PUBLISHED).count()
    if (
        report.created_versions != items
        or after["Implementation"] != items
        or published != items
        or Implementation.objects.filter(search_tokens="").exists()
    ):
        raise SystemExit(f"the import did not create {items} published items: {report}")
    found = implementation_search(ItemFilters(q="许可")).count()

    began = time.perf_counter()
    again = catalog_import(actor=None, data=data)
    reimport_seconds = time.perf_counter() - began
    if again.unchanged != items or again.created_versions or counts() != after:
        raise SystemExit(f"the re-import changed something: {again}")

    audit = after["AuditRecord"] - before["AuditRecord"]
    print(
        f"import created {report.created_base_items:,} base items, "
        f"{report.created_implementations:,} implementations, "
        f"{report.created_handling_items:,} handling items, {report.created_versions:,} "
        f"published versions, {after['MaterialRequirement']:,} materials, {audit:,} audit "
        f"records; search 许可 finds {found:,}"
    )
    print(f"reading the workbook alone       {read_seconds:8.2f} s")
    print(f"validation only (1 error, last)  {rate(items, validate_seconds)}")
    print(f"import into the empty catalog    {rate(items, import_seconds)}")
    print(f"re-import, unchanged             {rate(items, reimport_seconds)}")
    print(f"after the run: {load_label()}")
    target = TARGET_SECONDS_PER_10K * items / 10_000
    verdict = "met" if import_seconds <= target else "NOT met"
    print(f"target import of {items:,} items <= {target:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
