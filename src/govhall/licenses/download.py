"""A license's PDF as an HTTP response: one place for the wallet's download and the staff's
views (the holder under an authorisation, the issuing department)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from govhall.licenses.models import License
from govhall.licenses.rendering import license_pdf


def license_pdf_response(license: License, *, as_attachment: bool) -> HttpResponse:
    """The kept (or freshly rendered) PDF, named ``<type>-<number>.pdf`` (UTF-8 names encoded
    per RFC 6266), never cached by a shared cache: it carries personal data."""
    response = HttpResponse(license_pdf(license), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=as_attachment, filename=f"{license.license_type.name}-{license.number}.pdf"
    ) or ("attachment" if as_attachment else "inline")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if as_attachment:
        # Saved, never shown: nothing of it may run from our origin even if opened in the tab.
        # Shown inline (the staff's view) it keeps the site's policy: our own rendering, and
        # ``sandbox`` stops the browsers' PDF viewers (Chrome and Safari show a blank page).
        response["Content-Security-Policy"] = "sandbox"
    return response
