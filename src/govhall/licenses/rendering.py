"""A license as a PDF (证照文件): its face, the issuer's seal image and a QR code that opens the
public verification page — rendered on demand and kept per revision, never while issuing.

Issuing signs a catalogue record; it renders nothing, so a batch of grants or a legacy import
is not slowed by WeasyPrint (about a tenth of a second per page). The first download renders
the PDF and stores it through Django's default storage under a name made of the identifier,
the license's revision (bumped by every signed change, so a suspension, an endorsement or a
revocation shows on the next download), whether it had expired, and a fingerprint of the
public site address the QR code points to. Later downloads read the stored file.

The PDF is a human-readable rendering. What proves the license is the signed record behind
the QR code: the verification page checks the signature, the record and the status as they
are now, so a printed copy of a license revoked later still says "revoked" when scanned.
"""

from __future__ import annotations

import datetime

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from govhall.catalog.form_pages import Answer, answers_shown
from govhall.core.crypto import sm3_hex
from govhall.core.documents import html_to_pdf
from govhall.core.personal_data import decrypt
from govhall.licenses.models import (
    HolderCodeType,
    License,
    LicenseChange,
    LicenseChangeKind,
    LicenseLayout,
)
from govhall.licenses.seal_image import seal_image_svg

#: The watermark across a license that is not current.
WATERMARKS = {
    "suspended": "已暂停",
    "revoked": "已注销",
    "replaced": "已换发新版",
    "expired": "已过期",
}


def verification_url(license: License) -> str:
    """The absolute public address the QR code encodes (``SITE_URL`` + the verification page)."""
    path = reverse("portal:license_verify", args=[license.identifier])
    return str(settings.SITE_URL).rstrip("/") + path


def _expired(license: License, day: datetime.date) -> bool:
    return license.valid_until is not None and license.valid_until < day


def license_pdf_name(license: License, *, today: datetime.date | None = None) -> str:
    """Where the rendering of the license as it is now is kept (see the module doc)."""
    day = today or timezone.localdate()
    latest = (
        LicenseChange.objects.filter(license=license)
        .order_by("-sequence")
        .values_list("payload", flat=True)
        .first()
    )
    fingerprint = sm3_hex(
        "\n".join(
            (
                str(settings.SITE_URL),
                license.payload,
                latest or "",
                license.status,
                _layout(license),
            )
        ).encode()
    )[:16]
    expired = "-expired" if _expired(license, day) else ""
    return f"licenses/pdf/{license.identifier}/r{license.revision}{expired}-{fingerprint}.pdf"


def face_lines(license: License) -> list[Answer]:
    """The face fields in the order of the type's schema, choices shown by their labels."""
    return answers_shown(license.license_type.face_schema, license.face)


def holder_code_shown(license: License) -> str:
    """A credit code is public and printed whole; a resident's ID number is printed masked."""
    if license.holder_code_type == HolderCodeType.CREDIT_CODE:
        return decrypt(license.holder_code_encrypted)
    return license.holder_code_masked


def _qr_svg(url: str) -> SafeString:
    # Error correction M and a quiet zone of 4 modules: what phone scanners expect.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=3, border=4))  # noqa: S308


def _layout(license: License) -> str:
    layout = str(license.license_type.layout)
    return layout if layout in LicenseLayout.values else LicenseLayout.CERTIFICATE


def license_pdf_render(license: License, *, today: datetime.date | None = None) -> bytes:
    """Render the PDF of ``license`` as it is now (always in Chinese: an official document)."""
    day = today or timezone.localdate()
    status = "expired" if license.status == "valid" and _expired(license, day) else license.status
    seal = license.seal
    endorsements = LicenseChange.objects.filter(
        license=license, kind=LicenseChangeKind.ENDORSE
    ).order_by("sequence")
    url = verification_url(license)
    context = {
        "license": license,
        "type": license.license_type,
        "face": face_lines(license),
        "holder_code": holder_code_shown(license),
        "endorsements": list(endorsements),
        "watermark": WATERMARKS.get(str(status), ""),
        "seal_svg": mark_safe(  # noqa: S308 - drawn by govhall, every text escaped
            seal.image_svg
            or seal_image_svg(department_name=license.issuer.name, seal_name=seal.name)
        ),
        "qr_svg": _qr_svg(url),
        "verification_url": url,
    }
    with translation.override("zh-hans"):
        html = render_to_string(f"licenses/layouts/{_layout(license)}.html", context)
    return html_to_pdf(html)


def license_pdf(license: License, *, today: datetime.date | None = None) -> bytes:
    """The PDF of ``license``: the stored rendering of its current revision, made if missing."""
    name = license_pdf_name(license, today=today)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            kept: bytes = handle.read()
            return kept
    pdf = license_pdf_render(license, today=today)
    if not default_storage.exists(name):  # a parallel download may have stored it meanwhile
        default_storage.save(name, ContentFile(pdf))
    return pdf
