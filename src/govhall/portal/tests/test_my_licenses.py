"""My licenses: a person sees their own licenses and those of the organizations they
represent, newest first, and nobody else's."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from govhall.core.models import Region
from govhall.core.personal_data import blind_index, encrypt
from govhall.identity.models import Organization
from govhall.identity.services import person_register
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.tests.conftest import FACE, verified

pytestmark = pytest.mark.django_db
PASSWORD = "Kaiyang-2026-secure"


def verified_register(**fields: Any) -> Any:
    return verified(person_register(**fields))


def test_the_wallet_lists_own_and_represented_licenses(
    food_license_type: Any, bureau: Any, seal: Any
) -> None:
    chen = verified_register(
        name="陈志强", id_number="520102198505215178", mobile="13908511234", password=PASSWORD
    )
    yang = verified_register(
        name="杨丽", id_number="520102199002086284", mobile="13908512345", password=PASSWORD
    )
    shop = Organization.objects.create(
        name="开阳县城关镇陈记布依农家菜馆",
        credit_code="92520121358806121M",
        org_type="individual_business",
        region=Region.objects.get(code="520121000000"),
        legal_representative=chen,
        legal_representative_name="陈志强",
        legal_representative_id_encrypted=encrypt("520102198505215178"),
        legal_representative_id_index=blind_index("520102198505215178", kind="id_number"),
        legal_representative_id_masked="5201**********5178",
    )

    def issue(holder: Holder, day: datetime.date) -> Any:
        return license_issue(
            license_type=food_license_type,
            issuer=bureau,
            holder=holder,
            face=FACE,
            actor=None,
            issued_on=day,
        )

    own = issue(Holder("陈志强", "520102198505215178", "111"), datetime.date(2026, 3, 2))
    shops = issue(Holder(shop.name, shop.credit_code, "001"), datetime.date(2026, 6, 1))
    issue(Holder("杨丽", "520102199002086284", "111"), datetime.date(2026, 7, 1))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/my/licenses/").status_code == 302
    client.force_login(chen.user)
    page = client.get("/my/licenses/").content.decode()
    assert page.index(shops.identifier) < page.index(own.identifier)  # newest first
    assert "杨丽" not in page
    client.force_login(yang.user)
    page = client.get("/my/licenses/").content.decode()
    assert own.identifier not in page and shops.identifier not in page
    assert page.count("/licenses/verify/1.2.156.3005.2.") == 1


def test_an_unverified_account_sees_no_wallet(
    food_license_type: Any, bureau: Any, seal: Any
) -> None:
    """Anyone can register with someone else's ID number: until the identity is verified
    (L2) the wallet shows nothing and no license opens."""
    impostor = person_register(
        name="陈志强", id_number="520102198505215178", mobile="13908519999", password=PASSWORD
    )
    license = license_issue(
        license_type=food_license_type,
        issuer=bureau,
        holder=Holder("陈志强", "520102198505215178", "111"),
        face=FACE,
        actor=None,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(impostor.user)
    page = client.get("/my/licenses/").content.decode()
    assert "only once your identity is verified" in page and license.number not in page
    assert client.get(f"/my/licenses/{license.identifier}/pdf/").status_code == 403
    assert client.get(f"/my/licenses/{license.identifier}/share/").status_code == 403
