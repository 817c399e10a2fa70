"""Creating electronic seals and choosing the one that signs."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext

from govhall.core import sm2
from govhall.core.audit import audit_record_create
from govhall.core.crypto import sm3_hex
from govhall.core.errors import Conflict, FieldError, ValidationFailed
from govhall.core.models import Department
from govhall.core.transactions import service_atomic
from govhall.licenses.models import Seal
from govhall.licenses.seal_image import seal_image_svg
from govhall.licenses.signers import SignerUnavailable, configured_signer_name, signer

MAX_VALIDITY_YEARS = 10


def seal_problems(
    *, name: str, valid_from: datetime.date, valid_until: datetime.date
) -> list[FieldError]:
    """What is wrong with a new seal's name and validity (every problem at once)."""
    problems: list[FieldError] = []
    if not 2 <= len(" ".join(name.split())) <= 100:
        problems.append(FieldError("name", "name.length", gettext("2 to 100 characters.")))
    if valid_until < valid_from:
        problems.append(
            FieldError("valid_until", "valid_until.order", gettext("Ends before it starts."))
        )
    elif (valid_until - valid_from).days > MAX_VALIDITY_YEARS * 366:
        problems.append(
            FieldError("valid_until", "valid_until.too_long", gettext("At most ten years."))
        )
    return problems


def seal_create(
    *,
    department: Department,
    name: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> Seal:
    """A new seal with a fresh SM2 key pair (the private key stored encrypted)."""
    name = " ".join(name.split())
    problems = seal_problems(name=name, valid_from=valid_from, valid_until=valid_until)
    if problems:
        raise ValidationFailed(problems)
    signer_name = configured_signer_name()
    keys = signer(signer_name).generate(label=f"{department.credit_code} {name}")
    with service_atomic():
        seal = Seal.objects.create(
            department=department,
            name=name,
            private_key_pem=keys.private_pem.decode(),
            public_key_pem=keys.public_pem.decode(),
            key_sm3=sm3_hex(keys.public_pem),
            signer=signer_name,
            key_reference=keys.reference,
            valid_from=valid_from,
            valid_until=valid_until,
            image_svg=seal_image_svg(department_name=department.name, seal_name=name),
        )
        audit_record_create(
            actor=actor,
            action="licenses.seal.create",
            object_type="seal",
            object_id=str(seal.uuid),
            data={
                "department": department.credit_code,
                "name": name,
                "key_sm3": seal.key_sm3,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat(),
                "signer": signer_name,
            },
        )
    return seal


def seal_for_signing(department: Department, on: datetime.date) -> Seal:
    """The department's newest seal valid on ``on``; ``Conflict`` when it has none (a seal used
    outside its validity never signs)."""
    seal = (
        Seal.objects.filter(
            department=department, valid_from__lte=on, valid_until__gte=on, revoked_on__isnull=True
        )
        .order_by("-valid_from", "-id")
        .first()
    )
    if seal is None:
        raise Conflict(
            gettext("%(department)s has no electronic seal valid on %(day)s.")
            % {"department": department.name, "day": on.isoformat()}
        )
    return seal


def seal_sign(seal: Seal, message: bytes) -> bytes:
    """The seal's SM2-with-SM3 signature of ``message``, made by whoever holds its key. A
    signature from outside (a device or server) is checked against the seal's public key
    before it is used (``SignerUnavailable`` otherwise); the database signer's key and public
    key were made together, and checking would halve the signing rate."""
    signature = signer(seal.signer).sign(seal, message)
    if seal.signer == "database":
        return signature
    try:
        good = sm2.verify(message, signature, public_pem=seal.public_key_pem.encode())
    except sm2.SM2Error:
        good = False
    if not good:
        raise SignerUnavailable(
            gettext("The signature made for seal %(seal)s does not verify.") % {"seal": seal.name}
        )
    return signature
