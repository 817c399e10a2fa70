"""Window intake in the workbench: ID number and item, then the form and the scanned materials
on one page; the case is made through the same service as online (channel ``window``, the
clerk as submitter, the applicant as applicant) and opens in the workbench."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.archive.tests.conftest import make_pdf
from govhall.cases.models import ApplicationDraft, Case
from govhall.workbench.tests.conftest import html

pytestmark = pytest.mark.django_db
START = "/workbench/window/"


def _apply_url(version: Any, person: Any) -> str:
    return f"{START}{version.uuid}/{person.uuid}/"


def test_the_start_page_checks_the_id_number_and_the_item(
    signed_in: Any, clerk: Any, other_clerk: Any, version: Any, zhang: Any
) -> None:
    client = signed_in(clerk)
    page = html(client.get(START))
    assert f'value="{version.uuid}"' in page
    # a clerk of another county is not offered this county's items
    assert f'value="{version.uuid}"' not in html(signed_in(other_clerk).get(START))
    wrong = client.get(START, {"id_number": "522522194403151232", "version": str(version.uuid)})
    assert wrong.status_code == 400
    assert "The check character of the ID number is wrong." in html(wrong)
    unknown = client.get(START, {"id_number": "520102199002086284", "version": str(version.uuid)})
    assert unknown.status_code == 400
    assert "register the applicant below" in html(unknown)
    assert 'action="/workbench/window/register/"' in html(unknown)
    no_item = client.get(START, {"id_number": "522522194403151231", "version": ""})
    assert "Choose an item this window takes." in html(no_item)
    found = client.get(START, {"id_number": "522522194403151231", "version": str(version.uuid)})
    assert found.status_code == 302
    assert found["Location"] == _apply_url(version, zhang)


def test_the_clerk_takes_the_application_with_its_scans(
    signed_in: Any, clerk: Any, version: Any, zhang: Any
) -> None:
    client = signed_in(clerk)
    url = _apply_url(version, zhang)
    page = html(client.get(url))
    assert "张建国" in page and zhang.id_number_masked in page
    assert 'name="f_household_size"' in page
    requirement = version.materials.get(name="最低生活保障申请书")
    # a disguised file is refused at its material; what was typed is kept
    refused = client.post(
        url,
        {
            "idempotency_key": "win-1",
            "f_household_size": "3",
            f"file_{requirement.uuid}": SimpleUploadedFile(
                "申请书.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf"
            ),
        },
    )
    assert refused.status_code == 400
    assert "最低生活保障申请书:" in html(refused)
    assert Case.objects.count() == 0
    assert ApplicationDraft.objects.get(owner=clerk).form_data == {"household_size": "3"}
    taken = client.post(
        url,
        {
            "idempotency_key": "win-2",
            "f_household_size": "3",
            f"file_{requirement.uuid}": SimpleUploadedFile(
                "申请书.pdf", make_pdf(), content_type="application/pdf"
            ),
        },
    )
    case = Case.objects.get()
    assert taken.status_code == 302 and taken["Location"] == f"/workbench/cases/{case.number}/"
    assert (case.channel, case.basis, case.submitted_by, case.applicant_person) == (
        "window",
        "window",
        clerk,
        zhang,
    )
    assert case.form_data == {"household_size": 3}
    assert list(case.materials.values_list("file_name", flat=True)) == ["申请书.pdf"]
    # the page sent twice (a double click) opens the same case
    again = client.post(url, {"idempotency_key": "win-2", "f_household_size": "3"})
    assert again["Location"] == taken["Location"]
    assert Case.objects.count() == 1


def test_a_clerk_of_another_county_may_not_take_the_item(
    signed_in: Any, other_clerk: Any, version: Any, zhang: Any
) -> None:
    response = signed_in(other_clerk).get(_apply_url(version, zhang))
    assert response.status_code == 403


def test_the_applicant_cannot_open_the_window_pages(
    signed_in: Any, version: Any, zhang: Any
) -> None:
    assert signed_in(zhang.user).get(START).status_code == 403
    assert signed_in(zhang.user).get(_apply_url(version, zhang)).status_code == 403


def test_a_walk_in_without_an_account_is_registered_at_the_window(
    signed_in: Any, clerk: Any, version: Any
) -> None:
    from govhall.core.models import AuditRecord
    from govhall.identity.models import Person

    client = signed_in(clerk)
    register = "/workbench/window/register/"
    bad = client.post(
        register,
        {
            "id_number": "520102199002086284",
            "version": str(version.uuid),
            "name": "杨",
            "mobile": "1390851",
        },
    )
    assert bad.status_code == 400
    page = html(bad)
    assert "A name has 2 to 50 characters." in page and 'value="杨"' in page
    assert Person.objects.filter(name="杨丽").count() == 0
    done = client.post(
        register,
        {
            "id_number": "520102199002086284",
            "version": str(version.uuid),
            "name": "杨丽",
            "mobile": "13908512345",
        },
    )
    person = Person.objects.get(name="杨丽")
    assert done.status_code == 302 and done["Location"] == _apply_url(version, person)
    assert person.user.has_usable_password() is False  # signs in with an SMS code
    record = AuditRecord.objects.get(action="identity.person.register")
    assert (record.actor_id, record.data["with_password"]) == (clerk.pk, False)
    again = client.post(
        register,
        {"id_number": "520102199002086284", "version": "", "name": "杨丽", "mobile": "13908512346"},
    )
    assert again.status_code == 400  # the ID number is taken now
    assert Person.objects.filter(name="杨丽").count() == 1
