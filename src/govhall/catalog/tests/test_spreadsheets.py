"""Catalog spreadsheets: the catalog exports to .xlsx (items, materials, processes, readme) and
imports from the same format; an import checks every row first, reports each error by sheet,
row, column and stable code, and writes nothing unless the whole file is valid."""

from __future__ import annotations

import zipfile
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from govhall.catalog.models import (
    BaseItem,
    HandlingItem,
    Implementation,
    ItemVersion,
    MaterialRequirement,
    VersionState,
)
from govhall.catalog.services.versions import ProcedureInput
from govhall.catalog.spreadsheets import (
    ImportFailed,
    ImportReport,
    catalog_export,
    catalog_import,
    import_report_xlsx,
)
from govhall.catalog.spreadsheets.columns import ITEMS, MATERIALS, PROCESSES
from govhall.core.errors import FieldError
from govhall.core.models import AuditRecord, Department

pytestmark = pytest.mark.django_db

NEW_BASE_CODE = "520500101000"


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (BaseItem, Implementation, HandlingItem, ItemVersion, AuditRecord)
    }


def _sheet_rows(data: bytes, title: str) -> list[tuple[Any, ...]]:
    workbook = load_workbook(BytesIO(data), read_only=True)
    rows = list(workbook[title].iter_rows(values_only=True))
    workbook.close()
    return rows


def _workbook(
    items: list[dict[str, Any]],
    materials: list[dict[str, Any]] | None = None,
    processes: list[dict[str, Any]] | None = None,
) -> bytes:
    """A workbook with the full headers; rows give values by key, missing keys stay blank."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec, rows in ((ITEMS, items), (MATERIALS, materials), (PROCESSES, processes)):
        sheet = workbook.create_sheet(spec.title)
        sheet.append(spec.keys)
        for row in rows or []:
            sheet.append([row.get(key) for key in spec.keys])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _item(department: Department, **overrides: Any) -> dict[str, Any]:
    row = {
        "base_code": NEW_BASE_CODE,
        "name": "临时救助申请",
        "item_type": "05",
        "item_list": "power",
        "domain": "village",
        "competent_department": "民政部",
        "authority_nature": "statutory",
        "legal_basis": "《社会救助暂行办法》第四十七条",
        "service_objects": "person",
        "synonyms": "临时救助|急难救助",
        "department_credit_code": department.credit_code,
        "level": "county",
        "region_code": department.region.code,
        "handling_kind": "new",
        "handling_name": "临时救助申请",
        "case_kind": "promised",
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "conditions": "因意外事件导致基本生活暂时出现严重困难的家庭。",
        "online_handling": "full",
        "visits": 1,
        "delivery_methods": "window,electronic",
    }
    row.update(overrides)
    return row


def _key(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("base_code", "department_credit_code", "region_code", "handling_kind")
    return {key: row[key] for key in keys}


def _material(item: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    row = {**_key(item), "order": 1, "name": "临时救助申请书", "form": "original", "count": 1}
    row.update({"source": "applicant", **overrides})
    return row


def _failure(data: bytes, **options: Any) -> list[tuple[str, str]]:
    with pytest.raises(ImportFailed) as raised:
        catalog_import(actor=None, data=data, **options)
    return [(error.field, error.code) for error in raised.value.errors]


@pytest.fixture
def county(department: Any) -> Department:
    return department("520121", "开阳县民政局")  # type: ignore[no-any-return]


def test_export_writes_the_sheets_and_reimporting_it_changes_nothing(
    handling_item: HandlingItem, publish: Any
) -> None:
    formula = '=HYPERLINK("http://example.com")'
    publish(
        handling_item,
        special_procedures=[ProcedureInput(name="入户调查", days=5)],
        consultation=formula,
    )
    implementation = handling_item.implementation
    data = catalog_export()

    workbook = load_workbook(BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["事项 items", "材料 materials", "流程 processes", "说明 readme"]
    workbook.close()
    items = _sheet_rows(data, "事项 items")
    assert list(items[0]) == ITEMS.keys
    row = dict(zip(ITEMS.keys, items[1], strict=False))  # trailing blanks are not stored
    assert len(items) == 2
    assert row["base_code"] == "000520010000"
    assert row["item_type"] == "05"
    assert row["service_objects"] == "person"
    assert row["synonyms"] == "低保"
    assert row["department_credit_code"] == implementation.department.credit_code
    assert row["region_code"] == "520121000000"
    assert row["level"] == "county"
    assert row["handling_kind"] == "new"
    assert row["legal_limit_days"] == 20
    assert row["promised_limit_days"] == 10
    assert row["fee_charged"] is False
    assert row["consultation"] == formula  # stored as text, never as a formula
    materials = _sheet_rows(data, "材料 materials")
    assert [(r[4], r[5], r[7], r[12]) for r in materials[1:]] == [
        (1, "最低生活保障申请书", "original", "applicant"),
        (2, "居民身份证", "copy", "shared_data"),
    ]
    processes = _sheet_rows(data, "流程 processes")
    assert [r[4:] for r in processes[1:]] == [(1, "申请"), (2, "受理")]  # blank descriptions

    before = _counts()
    report = catalog_import(actor=None, data=data)
    assert report == ImportReport(
        created_base_items=0, created_implementations=0, created_versions=0, unchanged=1, rows=1
    )
    assert _counts() == before


def test_export_is_limited_to_a_region(handling_item: HandlingItem, publish: Any) -> None:
    publish(handling_item)
    assert len(_sheet_rows(catalog_export(region_prefix="5201"), "事项 items")) == 2
    assert _sheet_rows(catalog_export(region_prefix="5202"), "事项 items") == [tuple(ITEMS.keys)]


def test_a_handmade_workbook_creates_items_with_exact_values(county: Department) -> None:
    new = _item(county, legal_limit_days="20", promised_limit_days=10.0, fee_charged="否")
    change = _item(county, handling_kind="change", handling_name="临时救助变更", visits=0)
    data = _workbook(
        [new, change],
        materials=[
            _material(
                new,
                order=2,
                name="居民身份证",
                form="copy",
                source="shared_data",
                waivable_if_verified_online="是",
                is_essential=False,
            ),
            _material(new, order=1),
            _material(change),
        ],
        processes=[
            {**_key(new), "order": 2, "name": "审批"},
            {**_key(new), "order": 1, "name": "申请", "description": "线上或窗口提交"},
        ],
    )
    audit_before = AuditRecord.objects.count()

    report = catalog_import(actor=None, data=data)

    assert report == ImportReport(
        created_base_items=1,
        created_implementations=1,
        created_versions=2,
        unchanged=0,
        rows=2,
        created_handling_items=2,
    )
    base = BaseItem.objects.get(base_code=NEW_BASE_CODE)
    assert (base.name, base.item_type.code, base.for_persons, base.for_organizations) == (
        "临时救助申请",
        "05",
        True,
        False,
    )
    assert base.synonym_list == ["临时救助", "急难救助"]
    implementation = Implementation.objects.get(base_item=base)
    assert implementation.implementation_code == f"{county.credit_code}4{NEW_BASE_CODE}"
    assert implementation.level == "county"
    handling = {item.kind: item for item in implementation.handling_items.all()}
    assert handling["new"].handling_code == f"{implementation.implementation_code}01"
    assert handling["change"].handling_code == f"{implementation.implementation_code}02"
    version = ItemVersion.objects.get(handling_item=handling["new"])
    assert version.state == VersionState.PUBLISHED
    assert (version.legal_limit_days, version.promised_limit_days, version.visits) == (20, 10, 1)
    assert version.delivery_methods == ["window", "electronic"]
    assert version.process_steps == [
        {"name": "申请", "description": "线上或窗口提交"},
        {"name": "审批", "description": ""},
    ]
    materials = list(version.materials.order_by("order"))
    assert [(m.order, m.name, m.form, m.source) for m in materials] == [
        (1, "临时救助申请书", "original", "applicant"),
        (2, "居民身份证", "copy", "shared_data"),
    ]
    assert (materials[1].waivable_if_verified_online, materials[1].is_essential) == (True, False)
    # base + implementation + 2 × (handling item, version, submit, publish)
    assert AuditRecord.objects.count() - audit_before == 10


def test_a_legacy_licence_code_is_mapped(county: Department) -> None:
    row = _item(county, base_code="XK01234005", item_type="01")
    report = catalog_import(actor=None, data=_workbook([row], [_material(row)]))
    assert report.created_base_items == 1
    assert BaseItem.objects.filter(base_code="520101234005").exists()


def test_a_changed_row_publishes_a_new_version_keeping_what_the_sheet_lacks(
    handling_item: HandlingItem, publish: Any
) -> None:
    first = publish(handling_item, special_procedures=[ProcedureInput(name="入户调查", days=5)])
    workbook = load_workbook(BytesIO(catalog_export()))
    sheet = workbook["事项 items"]
    sheet.cell(row=2, column=ITEMS.keys.index("promised_limit_days") + 1, value=8)
    buffer = BytesIO()
    workbook.save(buffer)

    report = catalog_import(actor=None, data=buffer.getvalue())

    assert (report.created_versions, report.unchanged, report.created_base_items) == (1, 0, 0)
    first.refresh_from_db()
    assert first.state == VersionState.SUPERSEDED
    second = handling_item.versions.get(state=VersionState.PUBLISHED)
    assert (second.number, second.promised_limit_days) == (2, 8)
    assert [p.name for p in second.special_procedures.all()] == ["入户调查"]
    assert MaterialRequirement.objects.filter(version=second).count() == 2


def test_a_draft_import_twice_creates_one_draft(county: Department) -> None:
    row = _item(county)
    data = _workbook([row], [_material(row)])
    assert catalog_import(actor=None, data=data, publish=False).created_versions == 1
    again = catalog_import(actor=None, data=data, publish=False)
    assert (again.created_versions, again.unchanged) == (0, 1)
    assert list(ItemVersion.objects.values_list("state", flat=True)) == [VersionState.DRAFT]


def test_a_broken_spreadsheet_reports_every_error_and_writes_nothing(
    base_item: BaseItem, county: Department
) -> None:
    rows = [
        _item(county, base_code="529900100000", item_type="99"),  # row 2
        _item(county, base_code="12345", handling_kind="change"),  # row 3
        _item(county, department_credit_code="91520000MA6DKXXX0X", handling_kind="renew"),
        _item(county, base_code="520500102000", region_code="520199000000"),  # row 5
        _item(county, base_code="520500103000", level="prefecture"),  # row 6
        _item(county, base_code="520500104000", legal_limit_days="二十"),  # row 7
        _item(county, base_code="520500105000", visits=3),  # row 8
        _item(county, base_code="520500106000", promised_limit_days=15),  # row 9
        _item(county, base_code="520500107000", conditions=None),  # row 10
        _item(  # row 11: the stored base item has another name
            county,
            base_code=base_item.base_code,
            name="低保申请",
            legal_basis=base_item.legal_basis,
        ),
    ]
    materials = [_material(row) for row in rows]
    materials.insert(1, _material(_item(county, base_code="520500199000")))  # row 3
    materials[0]["count"] = "两份"  # row 2
    before = _counts()

    with pytest.raises(ImportFailed) as raised:
        catalog_import(actor=None, data=_workbook(rows, materials))

    report = raised.value.report
    assert [(e.sheet, e.row, e.column, e.code) for e in report.errors] == [
        ("items", 2, "C", "item_type.unknown"),
        ("items", 3, "A", "base_code.format"),
        ("items", 4, "K", "department.unknown"),
        ("items", 5, "M", "region.unknown"),
        ("items", 6, "L", "region.level"),
        ("items", 7, "Q", "import.integer"),
        ("items", 8, "X", "visits.range"),
        ("items", 9, "T", "promised_limit_days.over_half"),
        ("items", 10, "W", "import.required"),
        ("items", 11, "B", "import.uniform_element"),
        ("materials", 2, "I", "import.integer"),
        ("materials", 3, "A", "import.unknown_item"),
    ]
    assert raised.value.errors[0].field == "items!C2"
    assert _counts() == before

    downloaded = _sheet_rows(import_report_xlsx(report.errors), "errors")
    assert downloaded[0] == ("sheet", "row", "column", "key", "code", "message")
    assert downloaded[1][:5] == ("items", 2, "C", "item_type", "item_type.unknown")
    assert len(downloaded) == 13


def test_promised_over_half_of_legal_needs_a_reason(county: Department) -> None:
    row = _item(county, legal_limit_days=20, promised_limit_days=11)
    assert _failure(_workbook([row], [_material(row)])) == [
        ("items!T2", "promised_limit_days.over_half")
    ]
    row["promised_waiver_reason"] = "需现场勘验"
    assert catalog_import(actor=None, data=_workbook([row], [_material(row)])).created_versions == 1


def test_an_unknown_region_is_refused(county: Department) -> None:
    row = _item(county, region_code="520121999999")
    assert _failure(_workbook([row], [_material(row)])) == [("items!M2", "region.unknown")]


def test_a_material_row_for_a_missing_item_is_refused(county: Department) -> None:
    row = _item(county)
    stray = _material(_item(county, handling_kind="cancel"), name="注销申请书")
    assert _failure(_workbook([row], [_material(row), stray])) == [
        ("materials!A3", "import.unknown_item")
    ]


def test_publishing_needs_a_material_and_duplicate_rows_are_refused(county: Department) -> None:
    row = _item(county)
    assert _failure(_workbook([row, dict(row)])) == [
        ("items!A2", "import.materials_required"),
        ("items!A3", "import.duplicate_row"),
        ("items!A3", "import.materials_required"),
    ]


def test_headers_are_checked(county: Department) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "事项 items"
    sheet.append([key for key in ITEMS.keys if key != "conditions"] + ["colour"])
    buffer = BytesIO()
    workbook.save(buffer)
    assert _failure(buffer.getvalue()) == [
        ("items!1", "import.column_missing"),
        ("items!AJ1", "import.column_unknown"),
    ]


def test_files_that_are_not_workbooks_or_too_big_are_refused(settings: Any) -> None:
    assert _failure(b"base_code,name\n") == [("file", "import.file")]
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "not a workbook")
    assert _failure(archive.getvalue()) == [("file", "import.file")]
    data = _workbook([{"base_code": "x"}] * 3)
    settings.GOVHALL = {**settings.GOVHALL, "IMPORT_MAX_ROWS": 2}
    assert _failure(data) == [("file", "import.too_many_rows")]
    settings.GOVHALL = {**settings.GOVHALL, "IMPORT_MAX_BYTES": len(data) - 1}
    assert _failure(data) == [("file", "import.too_large")]


def test_commands_export_and_import(
    handling_item: HandlingItem, publish: Any, county: Department, tmp_path: Path
) -> None:
    publish(handling_item)
    out = tmp_path / "catalog.xlsx"
    call_command("catalog_export", str(out), "--region", "520121")
    assert len(_sheet_rows(out.read_bytes(), "事项 items")) == 2
    stdout = StringIO()
    call_command("catalog_import", str(out), stdout=stdout)
    assert "unchanged: 1" in stdout.getvalue()

    broken = tmp_path / "broken.xlsx"
    row = _item(county, visits=3)
    broken.write_bytes(_workbook([row], [_material(row)]))
    report = tmp_path / "report.xlsx"
    with pytest.raises(CommandError, match="1 error"):
        call_command("catalog_import", str(broken), "--report", str(report), stderr=StringIO())
    assert _sheet_rows(report.read_bytes(), "errors")[1][:5] == (
        "items",
        2,
        "X",
        "visits",
        "visits.range",
    )


def _validation_queries(county: Department, rows: int) -> int:
    items = [
        _item(
            county, base_code=f"5205{n:05d}000", visits=3
        )  # every row invalid: nothing is written
        for n in range(rows)
    ]
    data = _workbook(items, [_material(item) for item in items])
    with CaptureQueriesContext(connection) as queries, pytest.raises(ImportFailed):
        catalog_import(actor=None, data=data)
    return len(queries)


def test_validation_does_not_query_per_row(county: Department) -> None:
    assert _validation_queries(county, 3) == _validation_queries(county, 60)


def test_a_blank_optional_sheet_counts_as_absent_and_the_report_reads_field_errors(
    county: Department,
) -> None:
    row = _item(county)
    workbook = load_workbook(BytesIO(_workbook([row], [_material(row)])))
    del workbook["流程 processes"]
    workbook.create_sheet("流程 processes")  # no header, no rows
    buffer = BytesIO()
    workbook.save(buffer)
    assert catalog_import(actor=None, data=buffer.getvalue()).created_versions == 1

    errors = [
        FieldError("items!AB7", "fee_standard.required", "x"),
        FieldError("file", "import.file", "y"),
    ]
    rows = _sheet_rows(import_report_xlsx(errors), "errors")
    assert rows[1:] == [
        ("items", 7, "AB", None, "fee_standard.required", "x"),
        (None, None, None, "file", "import.file", "y"),
    ]
