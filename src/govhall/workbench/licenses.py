"""Licenses shared with the staff member's department (用证授权): the list of what holders
currently let the department read, and each license's record and PDF — every opening audited
by ``licenses.services.shares.shared_license_read``. Without an active authorisation a license
is not shown here at all, whichever identifier is typed."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from govhall.licenses.download import license_pdf_response
from govhall.licenses.models import LicenseShare
from govhall.licenses.rendering import face_lines, holder_code_shown
from govhall.licenses.selectors import active_shares
from govhall.licenses.services.shares import shared_license_read
from govhall.licenses.verification import license_verify
from govhall.workbench.access import staff_user, workbench_page


def _share(request: HttpRequest, share_uuid: uuid.UUID) -> LicenseShare:
    user = staff_user(request)
    share = (
        active_shares(user.department_id).filter(uuid=share_uuid).first()
        if user.department_id is not None
        else None
    )
    if share is None:
        raise Http404(_("No active authorisation for your department."))
    return share


@workbench_page
@require_safe
def shared_licenses(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    shares = list(active_shares(user.department_id)[:200]) if user.department_id else []
    return render(
        request, "workbench/shared_licenses.html", {"shares": shares, "nav": "shared_licenses"}
    )


@workbench_page
@require_safe
def shared_license(request: HttpRequest, share_uuid: uuid.UUID) -> HttpResponse:
    share = _share(request, share_uuid)
    license = shared_license_read(share=share, actor=request.user, what="record")
    return render(
        request,
        "workbench/shared_license.html",
        {
            "share": share,
            "license": license,
            "face": face_lines(license),
            "holder_code": holder_code_shown(license),
            "outcome": license_verify(license.identifier),
            "nav": "shared_licenses",
        },
    )


@workbench_page
@require_safe
def shared_license_pdf(request: HttpRequest, share_uuid: uuid.UUID) -> HttpResponse:
    share = _share(request, share_uuid)
    license = shared_license_read(share=share, actor=request.user, what="pdf")
    return license_pdf_response(license, as_attachment=False)
