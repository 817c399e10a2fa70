"""Use authorisations end to end: the holder shares a license with a department for one of
their cases; that department's staff read it (each reading audited); another department's
staff cannot; after withdrawal nobody can. The holder downloads the PDF; nobody else can."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govhall.core.identifiers import build_credit_code
from govhall.core.models import AuditRecord, Department
from govhall.identity.models import Organization
from govhall.identity.services import person_register
from govhall.licenses.models import LicenseShare
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.tests.conftest import (  # noqa: F401 - fixtures
    FACE,
    bureau,
    food_license_type,
    seal,
    verified,
)
from govhall.licenses.tests.test_issue_and_verify import DAY
from govhall.workbench.tests.conftest import html, staff

pytestmark = pytest.mark.django_db
PASSWORD = "Kaiyang-2026-secure"
SHOP_CODE = "92520121358806121M"


@pytest.fixture
def holder_and_license(
    food_license_type: Any,  # noqa: F811
    bureau: Any,  # noqa: F811
    seal: Any,  # noqa: F811
) -> tuple[Any, Any]:
    chen = verified(
        person_register(
            name="陈志强", id_number="520102198505215178", mobile="13908511234", password=PASSWORD
        )
    )
    Organization.objects.create(
        name="开阳县城关镇陈记布依农家菜馆",
        credit_code=SHOP_CODE,
        org_type="individual_business",
        region=bureau.region,
        legal_representative=chen,
        legal_representative_name="陈志强",
    )
    license = license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=Holder("开阳县城关镇陈记布依农家菜馆", SHOP_CODE, "001"),
        face=FACE,
        actor=None,
        issued_on=DAY,
    )
    return chen, license


def test_share_read_withdraw(
    holder_and_license: Any,
    bureau: Department,  # noqa: F811
    signed_in: Any,
) -> None:
    chen, license = holder_and_license
    health = Department.objects.create(
        name="开阳县卫生健康局",
        credit_code=build_credit_code(area="520121", organisation="01528361"),
        region=bureau.region,
        level="county",
    )
    reader = staff("clerk.health", health)
    outsider = staff("clerk.amr", bureau)
    holder = Client(HTTP_ACCEPT_LANGUAGE="en")
    holder.force_login(chen.user)
    share_url = f"/my/licenses/{license.identifier}/share/"

    refused = holder.post(share_url, {"department": health.pk, "purpose": "", "days": 0})
    assert refused.status_code == 400
    assert LicenseShare.objects.count() == 0
    assert "Ensure this value is greater than or equal to 1." in html(refused)

    no_purpose = holder.post(share_url, {"department": health.pk, "purpose": "", "days": 30})
    assert no_purpose.status_code == 400
    assert "2 to 200 characters." in html(no_purpose)

    done = holder.post(
        share_url, {"department": health.pk, "purpose": "餐饮服务食品安全检查", "days": 30}
    )
    assert done.status_code == 302
    share = LicenseShare.objects.get()
    assert (share.department, share.purpose, share.granted_by) == (
        health,
        "餐饮服务食品安全检查",
        chen.user,
    )

    listing = html(signed_in(reader).get("/workbench/licenses/shared/"))
    assert license.number in listing and "餐饮服务食品安全检查" in listing
    assert license.number not in html(signed_in(outsider).get("/workbench/licenses/shared/"))
    detail = signed_in(reader).get(f"/workbench/licenses/shared/{share.uuid}/")
    assert detail.status_code == 200
    assert "开阳县城关镇紫江路 88 号" in html(detail)
    assert "Genuine and current" in html(detail)
    pdf = signed_in(reader).get(f"/workbench/licenses/shared/{share.uuid}/pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert signed_in(outsider).get(f"/workbench/licenses/shared/{share.uuid}/").status_code == 404
    reads = AuditRecord.objects.filter(action="licenses.license.read_shared").order_by("id")
    assert [(r.actor_id, r.data["what"]) for r in reads] == [
        (reader.pk, "record"),
        (reader.pk, "pdf"),
    ]

    withdraw = holder.post(f"{share_url}{share.uuid}/withdraw/")
    assert withdraw.status_code == 302
    assert signed_in(reader).get(f"/workbench/licenses/shared/{share.uuid}/").status_code == 404
    assert AuditRecord.objects.filter(action="licenses.license.share_withdraw").count() == 1


def test_only_the_holder_downloads_the_pdf(holder_and_license: Any) -> None:
    chen, license = holder_and_license
    yang = verified(
        person_register(
            name="杨丽", id_number="520102199002086284", mobile="13908512345", password=PASSWORD
        )
    )
    url = f"/my/licenses/{license.identifier}/pdf/"
    assert Client().get(url).status_code == 302
    holder = Client()
    holder.force_login(chen.user)
    response = holder.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    other = Client()
    other.force_login(yang.user)
    assert other.get(url).status_code == 404
    assert other.get(f"/my/licenses/{license.identifier}/share/").status_code == 404
