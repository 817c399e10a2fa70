"""The canonical, signed form of a license's catalogue record (GB/T 36903 elements).

The exact bytes signed are sorted-key JSON without spaces, UTF-8, non-ASCII kept: anyone can
rebuild them from the published record and check the signature with the seal's public key
(``openssl dgst -sm3 -sigopt distid:1234567812345678 -verify seal.pem -signature sig payload``).
The holder's code (an ID number or credit code) is not in it: ``holder_code_sm3`` is SM3 over
``<identifier>|<code>``, which whoever knows the code can check and nobody can reverse.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from govhall.core.crypto import sm3_hex
from govhall.core.personal_data import decrypt
from govhall.licenses.models import License

LONG_TERM = "长期"


def holder_commitment(identifier: str, holder_code: str) -> str:
    return sm3_hex(f"{identifier}|{holder_code}".encode())


def payload_build(
    *,
    identifier: str,
    type_name: str,
    type_code: str,
    defining_authority: str,
    number: str,
    version: int,
    issuer_name: str,
    issuer_code: str,
    issued_on: datetime.date,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    area_code: str,
    holder_name: str,
    holder_code_type: str,
    holder_code: str,
    item_name: str,
    item_code: str,
    face: dict[str, Any],
    seal_key_sm3: str,
    signed_on: datetime.date | None = None,
) -> str:
    record: dict[str, Any] = {
        "identifier": identifier,
        "name": type_name,
        "type_code": type_code,
        "defining_authority": defining_authority,
        "number": number,
        "version": f"{version:03d}",
        "issuer": {"name": issuer_name, "credit_code": issuer_code},
        "issued_on": issued_on.isoformat(),
        "validity": {
            "from": valid_from.isoformat(),
            "until": valid_until.isoformat() if valid_until else LONG_TERM,
        },
        "area_code": area_code,
        "holder": {
            "name": holder_name,
            "code_type": holder_code_type,
            "code_sm3": holder_commitment(identifier, holder_code),
        },
        "item": {"name": item_name, "code": item_code},
        "face": face,
        "seal_key_sm3": seal_key_sm3,
    }
    if signed_on is not None:
        # Legacy stock signed on import, years after its issue (only then: records signed on
        # their issue day keep the shape they were signed in).
        record["signed_on"] = signed_on.isoformat()
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def license_payload(license: License, *, holder_code: str | None = None) -> str:
    """The payload of a license record (the one to sign, or to compare with the signed one);
    the holder's code is decrypted from the record unless given."""
    return payload_build(
        identifier=license.identifier,
        type_name=license.license_type.name,
        type_code=license.license_type.type_code,
        defining_authority=license.license_type.defining_authority,
        number=license.number,
        version=license.version,
        issuer_name=license.issuer.name,
        issuer_code=license.issuer.credit_code,
        issued_on=license.issued_on,
        valid_from=license.valid_from,
        valid_until=license.valid_until,
        area_code=license.area_code,
        holder_name=license.holder_name,
        holder_code_type=license.holder_code_type,
        holder_code=holder_code
        if holder_code is not None
        else decrypt(license.holder_code_encrypted),
        item_name=license.item_name,
        item_code=license.item_code,
        face=license.face,
        seal_key_sm3=license.seal.key_sm3,
        signed_on=license.signed_on,
    )
