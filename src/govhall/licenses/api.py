"""Public license verification and the seals' public keys (电子证照核验)."""

from __future__ import annotations

import base64
import datetime

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from govhall.core.errors import FieldError, NotFound, TooManyAttempts
from govhall.core.personal_data import mask_name
from govhall.core.problems import problems
from govhall.core.rate_limits import LICENSE_VERIFY, public_lookup_count
from govhall.licenses.models import Seal
from govhall.licenses.verification import license_verify

router = Router(tags=["licenses"])


class ProblemOut(Schema):
    code: str
    message: str


class SealOut(Schema):
    name: str
    department: str
    key_sm3: str
    valid_from: datetime.date
    valid_until: datetime.date
    public_key_url: str


class LicenseSummary(Schema):
    name: str
    number: str
    issuer: str
    issued_on: datetime.date
    valid_from: datetime.date
    valid_until: datetime.date | None
    holder: str


class VerificationOut(Schema):
    identifier: str
    genuine: bool
    current: bool
    status: str
    problems: list[ProblemOut]
    license: LicenseSummary | None
    payload: str | None
    signature: str | None  # base64 of the DER signature
    signature_algorithm: str
    seal: SealOut | None


@router.get(
    "/verify/{identifier}",
    response=VerificationOut,
    auth=None,
    url_name="license_verify",
    openapi_extra=problems(429),
    summary="Verify a license (核验)",
    description=(
        "Public. genuine: the identifier's check character, the SM2 signature of the signed "
        "payload by the seal's public key, the stored record against the payload and the "
        "seal's validity on the issue date all hold; current: genuine, not suspended, revoked "
        "or replaced, and within its validity. problems lists what failed. The payload (the "
        "exact bytes signed, UTF-8), the base64 signature and the seal's public key URL let "
        "anyone verify with their own tools: openssl dgst -sm3 -sigopt "
        "distid:1234567812345678 -verify seal.pem -signature sig payload. The holder's name is "
        "masked; their code appears only as a salted SM3 commitment. Each address may verify "
        "LICENSE_VERIFY_MAX_PER_WINDOW times per LICENSE_VERIFY_WINDOW_SECONDS (shared with "
        "the portal's verification page); beyond that 429 rate_limited with Retry-After."
    ),
)
def verify(request: HttpRequest, identifier: str) -> VerificationOut:
    verdict = public_lookup_count(request, LICENSE_VERIFY)
    if not verdict.allowed:
        raise TooManyAttempts(
            [
                FieldError(
                    "identifier",
                    "rate_limited",
                    _("Too many verifications from this address; try again later."),
                )
            ],
            retry_after=verdict.retry_after,
        )
    outcome = license_verify(identifier)
    license = outcome.license
    seal = license.seal if license is not None else None
    return VerificationOut(
        identifier=outcome.identifier,
        genuine=outcome.genuine,
        current=outcome.current,
        status=outcome.status,
        problems=[ProblemOut(code=p.code, message=p.message) for p in outcome.problems],
        license=None
        if license is None
        else LicenseSummary(
            name=license.license_type.name,
            number=license.number,
            issuer=license.issuer.name,
            issued_on=license.issued_on,
            valid_from=license.valid_from,
            valid_until=license.valid_until,
            holder=mask_name(license.holder_name),
        ),
        payload=license.payload if license is not None else None,
        signature=base64.b64encode(bytes(license.signature)).decode() if license else None,
        signature_algorithm="SM2-with-SM3 (GB/T 32918, ID 1234567812345678), DER",
        seal=None if seal is None else _seal_out(request, seal),
    )


def _seal_out(request: HttpRequest, seal: Seal) -> SealOut:
    return SealOut(
        name=seal.name,
        department=seal.department.name,
        key_sm3=seal.key_sm3,
        valid_from=seal.valid_from,
        valid_until=seal.valid_until,
        public_key_url=request.build_absolute_uri(
            reverse("api-v1:license_seal_public_key", args=[seal.key_sm3])
        ),
    )


@router.get(
    "/seals/{key_sm3}.pem",
    auth=None,
    url_name="license_seal_public_key",
    summary="A seal's public key (PEM)",
    description=(
        "Public. The SM2 public key of an electronic seal, by the SM3 fingerprint of its PEM "
        "text (stable: old seals stay published after rotation so their licenses stay "
        "verifiable). 404 for an unknown fingerprint."
    ),
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The public key, PEM",
                "content": {"application/x-pem-file": {"schema": {"type": "string"}}},
            },
            **problems(404)["responses"],
        }
    },
)
def seal_public_key(request: HttpRequest, key_sm3: str) -> HttpResponse:
    seal = Seal.objects.filter(key_sm3=key_sm3.lower()).first()
    if seal is None:
        raise NotFound(_("No seal has this fingerprint."))
    response = HttpResponse(seal.public_key_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'inline; filename="{seal.key_sm3}.pem"'
    response["Cache-Control"] = "public, max-age=86400"
    return response
