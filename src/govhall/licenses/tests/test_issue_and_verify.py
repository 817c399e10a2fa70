"""Issuing a license signs its catalogue record with the issuer's seal; verification says
"genuine" only for what it checked, and "current" only for a valid, unexpired license."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from govhall.core import sm2
from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.models import AuditRecord, OutboxEvent
from govhall.core.personal_data import decrypt
from govhall.licenses.identifiers import identifier_build
from govhall.licenses.models import License, Seal
from govhall.licenses.payload import holder_commitment
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.services.lifecycle import license_change
from govhall.licenses.tests.conftest import FACE
from govhall.licenses.tests.openssl import openssl_verify
from govhall.licenses.verification import license_verify

pytestmark = pytest.mark.django_db
RESTAURANT = Holder("开阳县紫江小厨餐饮店", "92520121358806121M", "001")
DAY = datetime.date(2026, 11, 30)


def _issue(food_license_type: Any, bureau: Any, **changes: Any) -> License:
    arguments: dict[str, Any] = {
        "license_type": food_license_type,
        "issuer": bureau,
        "holder": RESTAURANT,
        "face": FACE,
        "actor": None,
        "item_name": "食品经营许可（新办）",
        "case_number": "5201212026113000001",
        "issued_on": DAY,
    }
    return license_issue(**(arguments | changes))


def test_an_issued_license_is_identified_signed_audited_and_announced(
    food_license_type: Any, bureau: Any, seal: Seal
) -> None:
    license = _issue(food_license_type, bureau)
    assert license.identifier.startswith(
        "1.2.156.3005.2.11100000000133946U001.11520121170512017U.202600000001.001."
    )
    assert (license.number, license.valid_from, license.valid_until) == (
        "202600000001",
        DAY,
        datetime.date(2031, 11, 29),
    )
    assert decrypt(license.holder_code_encrypted) == "92520121358806121M"
    assert license.holder_code_masked == "9252**********121M"
    record = json.loads(license.payload)
    assert record["holder"] == {
        "name": "开阳县紫江小厨餐饮店",
        "code_type": "001",
        "code_sm3": holder_commitment(license.identifier, "92520121358806121M"),
    }
    assert "92520121358806121M" not in license.payload
    assert record["validity"] == {"from": "2026-11-30", "until": "2031-11-29"}
    assert record["face"] == FACE
    assert sm2.verify(
        license.payload.encode(), bytes(license.signature), public_pem=seal.public_key_pem.encode()
    )
    assert AuditRecord.objects.filter(
        action="licenses.license.issue", object_id=license.identifier
    ).exists()
    event = OutboxEvent.objects.get(topic="licenses.license.issued")
    assert event.payload["identifier"] == license.identifier
    second = _issue(food_license_type, bureau)
    assert second.number == "202600000002"


def test_bad_input_is_refused_with_every_problem_and_nothing_written(
    food_license_type: Any, bureau: Any, seal: Seal
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _issue(
            food_license_type,
            bureau,
            holder=Holder("店", "92520121358806121X", "001"),
            face={"business_name": "x" * 101, "colour": "red", "business_kind": "hotel"},
        )
    assert sorted((e.field, e.code) for e in refused.value.errors) == [
        ("face.business_kind", "form.not_a_choice"),
        ("face.business_name", "form.too_long"),
        ("face.colour", "form.unknown_field"),
        ("holder_code", "credit_code.checksum"),
        ("holder_name", "holder_name.length"),
    ]
    assert License.objects.count() == 0


def test_a_seal_outside_its_validity_signs_nothing(
    food_license_type: Any, bureau: Any, seal: Seal
) -> None:
    with pytest.raises(Conflict, match="2031-01-02"):
        _issue(food_license_type, bureau, issued_on=datetime.date(2031, 1, 2))
    Seal.objects.filter(pk=seal.pk).update(revoked_on=datetime.date(2026, 6, 1))
    with pytest.raises(Conflict):
        _issue(food_license_type, bureau)
    assert License.objects.count() == 0


def test_a_genuine_current_license_and_openssl_agrees(
    food_license_type: Any, bureau: Any, seal: Seal, tmp_path: Path
) -> None:
    license = _issue(food_license_type, bureau)
    outcome = license_verify(license.identifier, today=DAY)
    assert (outcome.genuine, outcome.current, outcome.status, outcome.problems) == (
        True,
        True,
        "valid",
        [],
    )
    # anyone can check it with their own tools: payload, signature and the seal's public key
    printed = openssl_verify(
        tmp_path,
        message=license.payload.encode(),
        signature=bytes(license.signature),
        public_pem=seal.public_key_pem.encode(),
    )
    assert printed == "Verified OK\n"


def test_altered_records_and_payloads_are_not_genuine(
    food_license_type: Any, bureau: Any, seal: Seal
) -> None:
    license = _issue(food_license_type, bureau)
    License.objects.filter(pk=license.pk).update(valid_until=datetime.date(2099, 12, 31))
    altered_row = license_verify(license.identifier, today=DAY)
    assert (altered_row.genuine, altered_row.current) == (False, False)
    assert [p.code for p in altered_row.problems] == ["altered"]
    License.objects.filter(pk=license.pk).update(
        valid_until=license.valid_until,
        payload=license.payload.replace("紫江小厨", "紫江大厨"),
        holder_name="开阳县紫江大厨餐饮店",
    )
    forged = license_verify(license.identifier, today=DAY)
    assert [p.code for p in forged.problems] == ["signature", "altered"]
    assert forged.genuine is False


def test_status_validity_and_unknown_identifiers(
    food_license_type: Any, bureau: Any, seal: Seal
) -> None:
    license = _issue(food_license_type, bureau)
    expired = license_verify(license.identifier, today=datetime.date(2031, 11, 30))
    assert (expired.genuine, expired.current, expired.status) == (True, False, "expired")
    # a status written into the database without a signed change is caught
    License.objects.filter(pk=license.pk).update(status="revoked")
    forged_status = license_verify(license.identifier, today=DAY)
    assert (forged_status.genuine, [p.code for p in forged_status.problems]) == (False, ["status"])
    License.objects.filter(pk=license.pk).update(status="valid")
    license_change(license=license, kind="revoke", reason="以欺骗手段取得许可。", actor=None)
    revoked = license_verify(license.identifier, today=DAY)
    assert (revoked.genuine, revoked.current, revoked.status) == (True, False, "revoked")
    assert [p.code for p in revoked.problems] == ["revoked"]
    never_issued = identifier_build(
        type_code=food_license_type.type_code, issuer_code=bureau.credit_code, serial="202600000009"
    )
    unknown = license_verify(str(never_issued))
    assert (unknown.genuine, unknown.license, [p.code for p in unknown.problems]) == (
        False,
        None,
        ["unknown"],
    )
    malformed = license_verify("1.2.156.3005.2.x")
    assert [p.code for p in malformed.problems] == ["identifier"]
