"""The license office: a license officer of the bureau enters a license made outside govhall
(signed, grade as chosen, in the holder's wallet), finds it, suspends, endorses and replaces
it through the page; other departments' licenses are not found; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission

from govhall.core.models import AuditRecord
from govhall.identity.models import User
from govhall.licenses.models import License, LicenseChange
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.tests.conftest import (  # noqa: F401 - fixtures
    FACE,
    bureau,
    food_license_type,
    seal,
)
from govhall.licenses.verification import license_verify
from govhall.workbench.tests.conftest import html, staff

pytestmark = pytest.mark.django_db
SHOP = "92520121358806121M"


def officer(username: str, department: Any, *, change: bool = True) -> User:
    user = staff(username, department)
    codenames = ["add_license", "view_license"] + (["change_license"] if change else [])
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="licenses", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)


def test_enter_find_and_change_a_license(
    food_license_type: Any,  # noqa: F811
    bureau: Any,  # noqa: F811
    seal: Any,  # noqa: F811
    signed_in: Any,
) -> None:
    client = signed_in(officer("licenses.amr", bureau))
    form = html(client.get(f"/workbench/licenses/new/?type={food_license_type.uuid}"))
    assert 'name="f_business_name"' in form and 'name="f_premises"' in form
    bad = client.post(
        "/workbench/licenses/new/",
        {
            "type": str(food_license_type.uuid),
            "holder_name": "开阳县紫江小厨餐饮店",
            "holder_code": SHOP[:-1] + "0",  # wrong check character
            "issued_on": "2024-05-06",
            "trust_grade": "B",
            "f_business_name": "开阳县紫江小厨餐饮店",
            "f_premises": "开阳县城关镇紫江路 88 号",
            "f_business_kind": "dancing",
        },
    )
    assert bad.status_code == 400
    assert License.objects.count() == 0
    page = html(bad)
    assert 'value="开阳县城关镇紫江路 88 号"' in page  # what was typed is kept
    good = client.post(
        "/workbench/licenses/new/",
        {
            "type": str(food_license_type.uuid),
            "holder_name": "开阳县紫江小厨餐饮店",
            "holder_code": SHOP,
            "number": "JY25201210012345",
            "issued_on": "2024-05-06",
            "trust_grade": "B",
            "f_business_name": "开阳县紫江小厨餐饮店",
            "f_premises": "开阳县城关镇紫江路 88 号",
            "f_business_kind": "catering",
        },
    )
    assert good.status_code == 302
    license = License.objects.get()
    assert (license.number, license.trust_grade, license.origin, str(license.issued_on)) == (
        "JY25201210012345",
        "B",
        "manual",
        "2024-05-06",
    )
    assert good["Location"] == f"/workbench/licenses/{license.identifier}/"
    assert license_verify(license.identifier).genuine is True
    listing = html(client.get("/workbench/licenses/?q=JY25201210012345"))
    assert license.identifier in listing
    assert client.get(f"/workbench/licenses/{license.identifier}/pdf/").status_code == 200
    assert client.get(f"/workbench/licenses/{license.identifier}/").status_code == 200
    reads = AuditRecord.objects.filter(action="licenses.license.read").order_by("id")
    assert [r.data["what"] for r in reads] == ["pdf", "record"]
    url = f"/workbench/licenses/{license.identifier}/"
    no_reason = client.post(url, {"do": "suspend", "reason": ""})
    assert no_reason.status_code == 400 and LicenseChange.objects.count() == 0
    assert client.post(url, {"do": "suspend", "reason": "责令停业整顿。"}).status_code == 302
    assert License.objects.get(pk=license.pk).status == "suspended"
    assert client.post(url, {"do": "reinstate", "reason": "整改完成。"}).status_code == 302
    endorsed = client.post(
        url, {"do": "endorse", "reason": "增加网络经营项目。", "until": "2030-12-31"}
    )
    assert endorsed.status_code == 302
    replaced = client.post(
        url,
        {
            "do": "replace",
            "reason": "经营场所变更。",
            "f_business_name": "开阳县紫江小厨餐饮店",
            "f_premises": "开阳县城关镇紫江路 90 号",
            "f_business_kind": "catering",
        },
    )
    assert replaced.status_code == 302
    new = License.objects.get(replaces=license)
    assert replaced["Location"] == f"/workbench/licenses/{new.identifier}/"
    assert new.face["premises"] == "开阳县城关镇紫江路 90 号"
    assert [c.kind for c in LicenseChange.objects.filter(license=license)] == [
        "suspend",
        "reinstate",
        "endorse",
        "replace",
    ]
    changes = AuditRecord.objects.filter(action__startswith="licenses.license.").exclude(
        action="licenses.license.read"
    )
    assert changes.count() == 6  # issue, suspend, reinstate, endorse, replace, issue v2


def test_other_departments_and_read_only_officers(
    food_license_type: Any,  # noqa: F811
    bureau: Any,  # noqa: F811
    seal: Any,  # noqa: F811
    signed_in: Any,
    clerk: User,
) -> None:
    license = license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=Holder("开阳县紫江小厨餐饮店", SHOP, "001"),
        face=FACE,
        actor=None,
    )
    url = f"/workbench/licenses/{license.identifier}/"
    elsewhere = signed_in(officer("licenses.mca", clerk.department))
    assert elsewhere.get(url).status_code == 404
    assert signed_in(clerk).get(url).status_code == 403  # a case clerk is no license officer
    reader = signed_in(officer("licenses.reader", bureau, change=False))
    page = html(reader.get(url))
    assert "Suspend" not in page
    assert reader.post(url, {"do": "revoke", "reason": "注销。"}).status_code == 403
    assert License.objects.get(pk=license.pk).status == "valid"


def test_a_taken_number_is_refused_at_its_field(
    food_license_type: Any,  # noqa: F811
    bureau: Any,  # noqa: F811
    seal: Any,  # noqa: F811
    signed_in: Any,
) -> None:
    license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=Holder("开阳县紫江小厨餐饮店", SHOP, "001"),
        face=FACE,
        actor=None,
        number="JY25201210012345",
    )
    client = signed_in(officer("licenses.amr", bureau))
    taken = client.post(
        "/workbench/licenses/new/",
        {
            "type": str(food_license_type.uuid),
            "holder_name": "开阳县紫江小厨餐饮店",
            "holder_code": SHOP,
            "number": "JY25201210012345",
            "issued_on": "2024-05-06",
            "trust_grade": "A",
            "f_business_kind": "catering",
        },
    )
    assert taken.status_code == 400
    assert "already in the library" in html(taken)
    assert License.objects.count() == 1


def test_a_double_click_issues_one_license(
    food_license_type: Any,  # noqa: F811
    bureau: Any,  # noqa: F811
    seal: Any,  # noqa: F811
    signed_in: Any,
) -> None:
    client = signed_in(officer("licenses.amr", bureau))
    page = {
        "type": str(food_license_type.uuid),
        "holder_name": "开阳县紫江小厨餐饮店",
        "holder_code": SHOP,
        "issued_on": "2024-05-06",
        "trust_grade": "A",
        "f_business_kind": "catering",
        "idempotency_key": "5f0c4d8e9a7b4c1e8d2f3a6b7c8d9e0f",
    }
    bad = client.post("/workbench/licenses/new/", page | {"holder_code": SHOP[:-1] + "0"})
    assert bad.status_code == 400  # refused: the same key may be posted again, corrected
    first = client.post("/workbench/licenses/new/", page)
    again = client.post("/workbench/licenses/new/", page)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert License.objects.count() == 1
