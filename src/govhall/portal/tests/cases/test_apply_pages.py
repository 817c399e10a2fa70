"""Applying in the portal: the form of the guide version, kept as a draft on every change,
materials uploaded one by one, one case per submitted page, my cases, withdrawing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govhall.archive.tests.conftest import make_pdf
from govhall.cases.models import ApplicationDraft, Case, MaterialUpload
from govhall.catalog.models import MaterialRequirement

pytestmark = pytest.mark.django_db


def _url(version: Any, tail: str = "") -> str:
    return f"/apply/{version.uuid}/{tail}"


def test_signing_in_is_required(client: Client, version: Any) -> None:
    response = client.get(_url(version))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=/apply/")


def test_the_form_is_rendered_from_the_version(client: Client, version: Any, zhang: Any) -> None:
    client.force_login(zhang.user)
    page = client.get(_url(version)).content.decode()
    assert 'name="f_household_size"' in page and 'name="f_monthly_income"' in page
    assert "最低生活保障申请书" in page
    # A material obtained through data sharing is not asked for.
    assert page.count('type="file"') == 1
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', page)


def test_typing_keeps_a_draft_and_shows_problems(client: Client, version: Any, zhang: Any) -> None:
    client.force_login(zhang.user)
    fragment = client.post(
        _url(version, "fields/"),
        {"f_household_size": "30", "f_monthly_income": ""},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER_NAME="f_household_size",
    )
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html
    assert 'aria-invalid="true"' in html and "30" in html
    assert ApplicationDraft.objects.get().form_data == {
        "household_size": "30",
        "monthly_income": "",
    }
    # Coming back later shows what was typed.
    assert 'value="30"' in client.get(_url(version)).content.decode()


def test_submit_with_material_then_withdraw(client: Client, version: Any, zhang: Any) -> None:
    client.force_login(zhang.user)
    requirement = MaterialRequirement.objects.get(version=version, name="最低生活保障申请书")
    missing = client.post(
        _url(version),
        {"do": "submit", "f_household_size": "3", "idempotency_key": "page-1"},
    )
    assert missing.status_code == 400
    assert re.search(r'class="field__error">[^<]*最低生活保障申请书', missing.content.decode())
    assert Case.objects.count() == 0
    uploaded = client.post(
        _url(version),
        {
            "do": f"upload:{requirement.uuid}",
            "f_household_size": "3",
            f"file_{requirement.uuid}": SimpleUploadedFile(
                "申请书.pdf", make_pdf(), content_type="application/pdf"
            ),
        },
    )
    assert uploaded.status_code == 302 and uploaded["Location"].endswith("#materials")
    assert MaterialUpload.objects.get().file_name == "申请书.pdf"
    submitted = client.post(
        _url(version),
        {"do": "submit", "f_household_size": "3", "idempotency_key": "page-1"},
    )
    assert submitted.status_code == 302
    case = Case.objects.get()
    assert submitted["Location"] == f"/my/cases/{case.number}/"
    assert case.form_data == {"household_size": 3}
    # The same page submitted twice (a double click) yields the same case.
    again = client.post(
        _url(version), {"do": "submit", "f_household_size": "3", "idempotency_key": "page-1"}
    )
    assert again["Location"] == submitted["Location"] and Case.objects.count() == 1
    listing = client.get("/my/cases/").content.decode()
    assert case.number in listing
    page = client.get(f"/my/cases/{case.number}/").content.decode()
    assert "申请书.pdf" in page
    no_reason = client.post(f"/my/cases/{case.number}/", {"do": "withdraw", "opinion": ""})
    assert no_reason.status_code == 400
    withdrawn = client.post(f"/my/cases/{case.number}/", {"do": "withdraw", "opinion": "重复申请"})
    assert withdrawn.status_code == 302
    assert Case.objects.get().state == "withdrawn"


def test_a_disguised_upload_is_refused_with_a_message(
    client: Client,
    version: Any,
    zhang: Any,
) -> None:
    client.force_login(zhang.user)
    requirement = MaterialRequirement.objects.get(version=version, name="最低生活保障申请书")
    response = client.post(
        _url(version),
        {
            "do": f"upload:{requirement.uuid}",
            "f_household_size": "2",
            f"file_{requirement.uuid}": SimpleUploadedFile("a.pdf", b"GIF89a" + b"0" * 64),
        },
    )
    assert response.status_code == 400
    assert MaterialUpload.objects.count() == 0
    # The problem is shown at the material, and what was typed is kept in the draft.
    assert re.search(
        r'<strong>最低生活保障申请书</strong>\s*<p class="field__error">', response.content.decode()
    )
    assert ApplicationDraft.objects.get().form_data == {"household_size": "2"}
    removed = client.post(_url(version), {"do": "remove:not-a-uuid"})
    assert removed.status_code == 400


def test_someone_elses_case_is_not_found(
    client: Client, version: Any, zhang: Any, yang: Any
) -> None:
    from govhall.cases.tests.conftest import new_case

    case = new_case(version, zhang)
    client.force_login(yang.user)
    assert client.get(f"/my/cases/{case.number}/").status_code == 404
    assert case.number not in client.get("/my/cases/").content.decode()


def test_supplement_through_the_case_page_and_notices(
    client: Client, version: Any, zhang: Any, yang: Any, clerk: Any
) -> None:
    from govhall.cases.services.actions import case_act
    from govhall.cases.tests.conftest import new_case
    from govhall.core.outbox import outbox_dispatch

    case = new_case(version, zhang)
    case_act(case=case, action="request_supplement", actor=clerk, opinion="请补充：户口簿复印件。")
    outbox_dispatch()
    client.force_login(zhang.user)
    url = f"/my/cases/{case.number}/"
    page = client.get(url).content.decode()
    requirement = MaterialRequirement.objects.get(version=version, name="最低生活保障申请书")
    assert f'value="supply:{requirement.uuid}"' in page
    notice = case.notices.get()
    assert f"/my/cases/{case.number}/notices/{notice.uuid}/" in page
    download = client.get(f"/my/cases/{case.number}/notices/{notice.uuid}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    supplied = client.post(
        url,
        {
            "do": f"supply:{requirement.uuid}",
            "file": SimpleUploadedFile("户口簿.pdf", make_pdf(), content_type="application/pdf"),
        },
    )
    assert supplied.status_code == 302
    assert case.materials.filter(file_name="户口簿.pdf").count() == 1
    sent = client.post(url, {"do": "resend"})
    assert sent.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "submitted"
    client.force_login(yang.user)
    assert client.get(f"/my/cases/{case.number}/notices/{notice.uuid}/").status_code == 404


def test_pre_review_from_the_apply_page_to_the_passed_notice(
    client: Client, version: Any, zhang: Any, clerk: Any
) -> None:
    from govhall.cases.services.actions import case_act
    from govhall.catalog.models import ItemVersion

    client.force_login(zhang.user)
    assert 'value="submit_pre_review"' not in client.get(_url(version)).content.decode()
    ItemVersion.objects.filter(pk=version.pk).update(visits=1)  # the item needs one visit
    page = client.get(_url(version)).content.decode()
    assert 'value="submit_pre_review"' in page and "预审" in page
    requirement = MaterialRequirement.objects.get(version=version, name="最低生活保障申请书")
    client.post(
        _url(version),
        {
            "do": f"upload:{requirement.uuid}",
            "f_household_size": "3",
            f"file_{requirement.uuid}": SimpleUploadedFile(
                "申请书.pdf", make_pdf(), content_type="application/pdf"
            ),
        },
    )
    sent = client.post(
        _url(version),
        {"do": "submit_pre_review", "f_household_size": "3", "idempotency_key": "page-pre"},
    )
    case = Case.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/my/cases/{case.number}/"
    assert case.state == "pre_review"
    url = f"/my/cases/{case.number}/"
    case_act(case=case, action="return_pre_review", actor=clerk, opinion="申请书未签字。")
    page = client.get(url).content.decode()
    assert "申请书未签字。" in page
    assert 'name="do" value="resend"' in page and f'value="supply:{requirement.uuid}"' in page
    assert client.post(url, {"do": "resend"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "pre_review"
    case_act(case=case, action="pass_pre_review", actor=clerk)
    page = client.get(url).content.decode()
    assert "预审通过" in page and "notice--success" in page
    assert 'name="do" value="resend"' not in page


def test_a_license_from_the_wallet_instead_of_an_upload(
    client: Client, version: Any, zhang: Any
) -> None:
    from govhall.cases.tests.test_case_reuse import CERTIFICATE, license_in_wallet

    license = license_in_wallet(version, zhang)
    requirement = MaterialRequirement.objects.get(version=version, name=CERTIFICATE)
    client.force_login(zhang.user)
    page = client.get(_url(version)).content.decode()
    button = f'value="license:{requirement.uuid}:{license.identifier}"'
    assert button in page
    used = client.post(
        _url(version),
        {"do": f"license:{requirement.uuid}:{license.identifier}", "f_household_size": "3"},
    )
    assert used.status_code == 302 and used["Location"].endswith("#materials")
    upload = MaterialUpload.objects.get()
    assert (upload.source, upload.trust_grade) == ("license", "A")
    page = client.get(_url(version)).content.decode()
    assert button not in page  # used already: no longer offered
    assert f"{CERTIFICATE}-{license.number}.pdf" in page
    forged = client.post(
        _url(version),
        {"do": f"license:{requirement.uuid}:1.2.156.3005.2.x", "f_household_size": "3"},
    )
    assert forged.status_code == 400
    assert MaterialUpload.objects.count() == 1
