"""Legacy stock import (存量入库): an issuer's register of existing licenses, .xlsx or .csv,
is checked whole before anything is written — one bad cell and nothing is imported, with the
report naming it — and then issued in batches, each all or nothing, signed by the issuer's
seal on the import day, resumable after the last committed batch without issuing a row twice.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.identifiers import build_credit_code
from govhall.core.models import AuditRecord, Department
from govhall.identity.models import User
from govhall.licenses.admin_imports import XLSX
from govhall.licenses.imports.template import license_import_template
from govhall.licenses.models import (
    License,
    LicenseImport,
    LicenseImportStatus,
    LicenseOrigin,
    LicenseType,
    Seal,
    TrustGrade,
)
from govhall.licenses.services import import_batches
from govhall.licenses.services.import_batches import license_import_process, license_import_run
from govhall.licenses.services.imports import license_import_create, license_import_resume
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.tests.conftest import FACE
from govhall.licenses.verification import license_verify

pytestmark = pytest.mark.django_db

HEADER = [
    "证照编号",
    "持证主体",
    "持证主体代码类型",
    "持证主体代码",
    "发证日期",
    "有效期起",
    "有效期至",
    "经营者名称",
    "经营场所",
    "主体业态",
]


def resident_id(birth: str, sequence: str) -> str:
    body = f"520121{birth}{sequence}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(organisation: str) -> str:
    return build_credit_code(area="520121", organisation=organisation, authority="9", kind="2")


def register_rows(count: int) -> list[list[Any]]:
    """``count`` licenses of the county's register: organizations and one person (个体)."""
    rows: list[list[Any]] = []
    for index in range(1, count + 1):
        code = (
            resident_id("19800101", f"{index:03d}")
            if index == 2
            else credit_code(f"{35880600 + index}")
        )
        rows.append(
            [
                f"JY15201210{index:06d}",
                f"开阳县紫江小厨餐饮店{index}号",
                "",
                code,
                datetime.date(2022, 3, index),
                "",
                datetime.date(2027, 3, index - 1) if index > 1 else "长期",
                f"开阳县紫江小厨餐饮店{index}号",
                f"开阳县城关镇紫江路 {index} 号",
                "餐饮服务经营者",
            ]
        )
    return rows


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], *, encoding: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(
            [
                value.strftime("%Y/%-m/%-d") if isinstance(value, datetime.date) else value
                for value in row
            ]
        )
    return text.getvalue().encode(encoding)


def create(
    food_license_type: LicenseType,
    bureau: Department,
    data: bytes,
    name: str = "存量证照.xlsx",
    batch_size: int = 2,
) -> LicenseImport:
    return license_import_create(
        file_name=name,
        data=data,
        license_type=food_license_type,
        issuer=bureau,
        actor=None,
        batch_size=batch_size,
    )


def actions(license_import: LicenseImport) -> list[str]:
    return list(
        AuditRecord.objects.filter(object_id=str(license_import.uuid))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_a_good_xlsx_imports_every_row_signed_by_the_seal_and_verifiable(
    food_license_type: LicenseType,
    bureau: Department,
    seal: Seal,
    django_capture_on_commit_callbacks: Any,
) -> None:
    license_import = create(food_license_type, bureau, xlsx_bytes(register_rows(5)))
    stored = license_import.file.name
    assert default_storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        done = license_import_process(license_import=license_import)

    assert (done.status, done.total_rows, done.imported_rows, done.last_batch) == (
        LicenseImportStatus.DONE,
        5,
        5,
        3,
    )
    assert done.report == [] and done.finished_at is not None
    assert done.file.name == "" and not default_storage.exists(stored)
    assert actions(done) == [
        "licenses.import.create",
        "licenses.import.accept",
        "licenses.import.batch",
        "licenses.import.batch",
        "licenses.import.batch",
        "licenses.import.done",
    ]
    licenses = list(License.objects.order_by("number"))
    assert [license.number for license in licenses] == [
        f"JY15201210{index:06d}" for index in range(1, 6)
    ]
    today = timezone.localdate()
    first, second = licenses[0], licenses[1]
    assert (first.issued_on, first.valid_from, first.valid_until) == (
        datetime.date(2022, 3, 1),
        datetime.date(2022, 3, 1),
        None,
    )
    assert (second.holder_code_type, second.holder_code_masked) == (
        "111",
        "5201**********" + resident_id("19800101", "002")[-4:],
    )
    assert (second.valid_until, first.holder_code_type) == (datetime.date(2027, 3, 1), "001")
    assert first.face == {
        "business_name": "开阳县紫江小厨餐饮店1号",
        "premises": "开阳县城关镇紫江路 1 号",
        "business_kind": "catering",
    }
    for license in licenses:
        assert (license.origin, license.trust_grade, license.license_import_id) == (
            LicenseOrigin.IMPORT,
            TrustGrade.A,
            done.pk,
        )
        assert (license.signed_on, license.seal_id) == (today, seal.pk)
        verdict = license_verify(license.identifier)
        assert (verdict.genuine, verdict.current, verdict.problems) == (True, True, [])
    assert AuditRecord.objects.filter(action="licenses.license.issue").count() == 5


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-8-sig", "存量证照.csv"), ("utf-8", "stock.CSV"), ("gb18030", "导出.csv")],
)
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030_imports(
    food_license_type: LicenseType, bureau: Department, seal: Seal, encoding: str, name: str
) -> None:
    data = csv_bytes(register_rows(3), encoding=encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    done = license_import_process(
        license_import=create(food_license_type, bureau, data, name, batch_size=500)
    )
    assert (done.status, done.imported_rows, done.last_batch) == ("done", 3, 1)
    licenses = License.objects.order_by("number")
    assert [(lic.holder_name, lic.issued_on) for lic in licenses] == [
        ("开阳县紫江小厨餐饮店1号", datetime.date(2022, 3, 1)),
        ("开阳县紫江小厨餐饮店2号", datetime.date(2022, 3, 2)),
        ("开阳县紫江小厨餐饮店3号", datetime.date(2022, 3, 3)),
    ]
    assert all(license_verify(lic.identifier).genuine for lic in licenses)


def test_one_bad_row_imports_nothing_and_the_report_names_exactly_that_cell(
    food_license_type: LicenseType, bureau: Department, seal: Seal
) -> None:
    rows = register_rows(5)
    rows[2][3] = rows[1][3][:-1] + ("0" if rows[1][3][-1] != "0" else "1")  # row 4: check char
    rows[2][2] = "111"
    license_import = license_import_process(
        license_import=create(food_license_type, bureau, xlsx_bytes(rows))
    )
    assert (license_import.status, license_import.total_rows) == (LicenseImportStatus.REJECTED, 5)
    assert [
        {k: v for k, v in entry.items() if k != "message"} for entry in license_import.report
    ] == [{"row": 4, "column": "D", "field": "holder_code", "code": "id_number.checksum"}]
    assert license_import.report[0]["message"]
    assert (license_import.imported_rows, License.objects.count()) == (0, 0)
    assert actions(license_import) == ["licenses.import.create", "licenses.import.reject"]


def test_every_problem_of_every_row_is_reported_at_once(
    food_license_type: LicenseType, bureau: Department, seal: Seal
) -> None:
    rows = register_rows(4)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows[0][1] = "店"  # row 2: a name of one character
    rows[0][9] = "小吃店"  # row 2: not one of the choices
    rows[1][4] = tomorrow  # row 3: issued in the future
    rows[2][4] = "2022年13月1日"  # row 4: no such date
    rows[2][6] = datetime.date(2021, 1, 1)  # row 4: ends before it starts (valid_from unread)
    rows[3][3] = 520121198001010020  # row 5: a number cell, rounded by Excel
    rows[3][6] = ""  # row 5: the type's licenses expire: 有效期至 required
    license_import = license_import_process(
        license_import=create(food_license_type, bureau, xlsx_bytes(rows))
    )
    assert license_import.status == LicenseImportStatus.REJECTED
    assert [(e["row"], e["column"], e["field"], e["code"]) for e in license_import.report] == [
        (2, "B", "holder_name", "holder_name.length"),
        (2, "J", "face.business_kind", "form.not_a_choice"),
        (3, "E", "issued_on", "import.future"),
        (4, "E", "issued_on", "import.date"),
        (5, "D", "holder_code", "import.code_as_number"),
        (5, "G", "valid_until", "import.required"),
    ]
    assert License.objects.count() == 0


def test_numbers_repeated_in_the_file_or_already_in_the_library_are_refused(
    food_license_type: LicenseType, bureau: Department, seal: Seal
) -> None:
    license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=Holder("开阳县紫江小厨餐饮店", "92520121358806121M", "001"),
        face=FACE,
        actor=None,
        number="JY15201210000003",
    )
    rows = register_rows(4)
    rows[3][0] = "JY15201210000001"  # row 5 repeats row 2
    license_import = license_import_process(
        license_import=create(food_license_type, bureau, xlsx_bytes(rows))
    )
    assert license_import.status == LicenseImportStatus.REJECTED
    assert [(e["row"], e["column"], e["field"], e["code"]) for e in license_import.report] == [
        (4, "A", "number", "import.duplicate_in_library"),
        (5, "A", "number", "import.duplicate_in_file"),
    ]
    assert "2" in license_import.report[1]["message"]
    assert License.objects.count() == 1


def test_an_import_that_fails_in_batch_2_resumes_after_batch_1_without_duplicates(
    food_license_type: LicenseType,
    bureau: Department,
    seal: Seal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    license_import = create(food_license_type, bureau, xlsx_bytes(register_rows(5)))
    calls = {"count": 0}
    real_issue = import_batches.license_issue

    def failing_issue(**arguments: Any) -> License:
        calls["count"] += 1
        if calls["count"] == 4:  # batch 2's second row: the database went away
            raise RuntimeError("server closed the connection unexpectedly")
        return real_issue(**arguments)

    monkeypatch.setattr(import_batches, "license_issue", failing_issue)
    failed = license_import_process(license_import=license_import)
    assert (failed.status, failed.last_batch, failed.imported_rows) == (
        LicenseImportStatus.FAILED,
        1,
        2,
    )
    assert failed.failure == "第 2 批第 5 行: RuntimeError"  # batch 2, row 5 (zh-Hans)
    assert sorted(License.objects.values_list("number", flat=True)) == [
        "JY15201210000001",
        "JY15201210000002",
    ]
    with pytest.raises(Conflict):
        license_import_run(license_import=failed)  # failed: resumed on purpose only

    monkeypatch.setattr(import_batches, "license_issue", real_issue)
    resumed = license_import_resume(license_import=failed, actor=None)
    done = license_import_process(license_import=resumed)
    assert (done.status, done.last_batch, done.imported_rows, done.failure) == ("done", 3, 5, "")
    assert sorted(License.objects.values_list("number", flat=True)) == [
        f"JY15201210{index:06d}" for index in range(1, 6)
    ]
    assert actions(done) == [
        "licenses.import.create",
        "licenses.import.accept",
        "licenses.import.batch",
        "licenses.import.fail",
        "licenses.import.resume",
        "licenses.import.batch",
        "licenses.import.batch",
        "licenses.import.done",
    ]


def test_a_killed_run_continues_after_its_last_committed_batch_and_skips_issued_rows(
    food_license_type: LicenseType, bureau: Department, seal: Seal
) -> None:
    """The progress row and the licenses commit together; a license of this import already
    in the library (a run racing this one) is skipped, never issued again."""
    license_import = create(food_license_type, bureau, xlsx_bytes(register_rows(5)))
    validated = import_batches.license_import_validate(license_import=license_import)
    import_batches._batch_commit(validated, 1, list(import_batches._rows(validated))[:2])
    # batch 2's first row was issued by another run whose progress is not seen yet
    third = list(import_batches._rows(validated))[2]
    license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=third.holder,
        face=third.face,
        actor=None,
        number=third.number,
        license_import=validated,
    )
    validated.refresh_from_db()
    assert (validated.status, validated.last_batch) == ("importing", 1)
    done = license_import_run(license_import=validated)
    assert (done.status, done.imported_rows) == ("done", 5)
    assert License.objects.count() == 5


def test_a_file_that_is_not_what_its_name_says_is_refused_on_the_file_field(
    food_license_type: LicenseType, bureau: Department, seal: Seal
) -> None:
    cases = [
        ("存量证照.xlsx", csv_bytes(register_rows(2), encoding="utf-8"), "import.file"),
        ("存量证照.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "import.file"),
        ("存量证照.csv", xlsx_bytes(register_rows(2)), "import.file"),
        ("存量证照.xls", b"\xd0\xcf\x11\xe0", "import.extension"),
    ]
    for name, data, code in cases:
        with pytest.raises(ValidationFailed) as refused:
            create(food_license_type, bureau, data, name)
        assert [(e.field, e.code) for e in refused.value.errors] == [("file", code)], name
    assert LicenseImport.objects.count() == 0


def test_size_row_and_header_limits(
    food_license_type: LicenseType, bureau: Department, seal: Seal, settings: Any
) -> None:
    settings.GOVHALL = settings.GOVHALL | {"IMPORT_MAX_BYTES": 2_000, "IMPORT_MAX_ROWS": 3}
    with pytest.raises(ValidationFailed) as too_large:
        create(food_license_type, bureau, b"a," * 1_001, "stock.csv")
    assert [e.code for e in too_large.value.errors] == ["import.too_large"]

    too_many = license_import_process(
        license_import=create(
            food_license_type, bureau, csv_bytes(register_rows(4), encoding="utf-8"), "s.csv"
        )
    )
    assert [(e["field"], e["code"]) for e in too_many.report] == [("file", "import.too_many_rows")]

    settings.GOVHALL = settings.GOVHALL | {"IMPORT_MAX_BYTES": 20_000}
    header = ["证照编号", "持证主体", "持证主体代码", "发证日期", "有效期至", "颜色", "经营者名称*"]
    broken = license_import_process(
        license_import=create(food_license_type, bureau, xlsx_bytes([], header), "h.xlsx")
    )
    assert [(e["row"], e["column"], e["field"], e["code"]) for e in broken.report] == [
        (1, "F", "颜色", "import.column_unknown"),
    ]
    assert broken.status == LicenseImportStatus.REJECTED


def test_an_issuer_without_a_valid_seal_cannot_start_an_import(
    food_license_type: LicenseType, bureau: Department
) -> None:
    with pytest.raises(Conflict):
        create(food_license_type, bureau, xlsx_bytes(register_rows(1)))
    assert LicenseImport.objects.count() == 0


def test_the_template_has_the_types_columns_and_reads_back(
    food_license_type: LicenseType, bureau: Department, seal: Seal
) -> None:
    workbook = load_workbook(io.BytesIO(license_import_template(food_license_type)))
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert header == [
        "证照编号*",
        "持证主体*",
        "持证主体代码类型",
        "持证主体代码*",
        "发证日期*",
        "有效期起",
        "有效期至",
        "经营者名称",
        "经营场所",
        "主体业态",
    ]
    assert workbook.sheetnames == ["证照", "填写说明"]
    sheet = workbook.worksheets[0]
    for column, value in enumerate(register_rows(1)[0], start=1):
        sheet.cell(row=2, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    done = license_import_process(
        license_import=create(food_license_type, bureau, buffer.getvalue(), "模板.xlsx")
    )
    assert (done.status, done.imported_rows) == ("done", 1)


def test_the_command_prints_progress_and_resumes(
    food_license_type: LicenseType,
    bureau: Department,
    seal: Seal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "存量证照.xlsx"
    path.write_bytes(xlsx_bytes(register_rows(3)))
    arguments = ["--type", food_license_type.type_code, "--issuer", bureau.credit_code]
    call_command("licenses_import", str(path), *arguments, "--batch-size", "2")
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == [
        "batch 1/2: 2/3 rows",
        "batch 2/2: 3/3 rows",
        "done: 3 licenses imported",
    ]
    license_import = LicenseImport.objects.get()
    call_command("licenses_import", "--resume", str(license_import.uuid))
    assert "done: 3 licenses imported" in capsys.readouterr().out

    rows = register_rows(2)
    rows[0][0] = rows[1][0] = "JY15201210099999"
    path.write_bytes(xlsx_bytes(rows))
    report = tmp_path / "report.xlsx"
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("licenses_import", str(path), *arguments, "--report", str(report))
    downloaded = list(load_workbook(report).worksheets[0].iter_rows(values_only=True))
    assert downloaded[1][:5] == ("licenses", 3, "A", "number", "import.duplicate_in_file")


def staff_client(client: Client, department: Department) -> Client:
    user = User.objects.create_user(
        username=f"staff-{department.pk}",
        password=None,
        is_staff=True,
        department=department,
        region=department.region,
    )
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_licenseimport", "view_licenseimport"])
    )
    client.force_login(user)
    return client


def staff_user(department: Department) -> User:
    return User.objects.get(username=f"staff-{department.pk}")


def upload(client: Client, license_type: LicenseType, issuer: Department, data: bytes) -> Any:
    return client.post(
        "/admin/licenses/licenseimport/add/",
        {
            "license_type": license_type.pk,
            "issuer": issuer.pk,
            "batch_size": "2",
            "upload": SimpleUploadedFile("存量证照.xlsx", data),
        },
    )


def test_staff_upload_in_the_admin_and_follow_status_progress_and_problems(
    client: Client,
    food_license_type: LicenseType,
    bureau: Department,
    seal: Seal,
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff = staff_client(client, bureau)
    page = staff.get("/admin/licenses/licenseimport/add/").content.decode()
    template = f"/admin/licenses/licenseimport/template/{food_license_type.uuid}/"
    assert template in page
    assert staff.get(template)["Content-Type"] == XLSX

    refused = upload(staff, food_license_type, bureau, b"PK not really a workbook")
    assert refused.status_code == 200
    assert list(refused.context["adminform"].form.errors) == ["upload"]

    with django_capture_on_commit_callbacks(execute=True):  # the task runs after the commit
        uploaded = upload(staff, food_license_type, bureau, xlsx_bytes(register_rows(3)))
    assert uploaded.status_code == 302
    done = LicenseImport.objects.get()
    assert (done.status, done.imported_rows, done.created_by) == ("done", 3, staff_user(bureau))
    page = staff.get(f"/admin/licenses/licenseimport/{done.pk}/change/").content.decode()
    assert "已导入 3 / 3 行（100%），第 2 / 2 批" in page

    rows = register_rows(2)
    for index, row in enumerate(rows):
        row[0] = f"JY15201210{90 + index:06d}"  # not yet in the library
    valid = resident_id("19800101", "003")
    rows[1][3] = valid[:-1] + ("1" if valid[-1] != "1" else "2")  # a wrong check character
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff, food_license_type, bureau, xlsx_bytes(rows))
    rejected = LicenseImport.objects.get(status=LicenseImportStatus.REJECTED)
    page = staff.get(f"/admin/licenses/licenseimport/{rejected.pk}/change/").content.decode()
    assert "<td>3</td><td>D</td><td>holder_code</td><td><code>id_number.checksum</code>" in page
    report = staff.get(f"/admin/licenses/licenseimport/{rejected.pk}/report/")
    rows_out = list(
        load_workbook(io.BytesIO(report.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows_out[1][:5] == ("licenses", 3, "D", "holder_code", "id_number.checksum")


def test_staff_of_another_department_neither_see_nor_upload_for_it(
    client: Client, food_license_type: LicenseType, bureau: Department, seal: Seal
) -> None:
    license_import = create(food_license_type, bureau, xlsx_bytes(register_rows(1)))
    other = Department.objects.create(
        name="开阳县民政局",
        credit_code=build_credit_code(area="520121", organisation="17051202"),
        region=bureau.region,
        level="county",
    )
    staff = staff_client(client, other)
    assert staff.get("/admin/licenses/licenseimport/").context["cl"].result_count == 0
    assert (
        staff.get(f"/admin/licenses/licenseimport/{license_import.pk}/change/").status_code == 302
    )
    assert (
        staff.get(f"/admin/licenses/licenseimport/{license_import.pk}/report/").status_code == 403
    )
    refused = upload(staff, food_license_type, bureau, xlsx_bytes(register_rows(1)))
    assert list(refused.context["adminform"].form.errors) == ["issuer"]
    assert LicenseImport.objects.count() == 1
