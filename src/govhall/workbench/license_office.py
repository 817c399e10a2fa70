"""The license office (证照管理): staff of an issuing department list the licenses their
department issued, enter a license made outside govhall (手工发证), and change one — suspend,
reinstate, revoke, endorse (加注) or issue a new version (换发). Thin views over
``licenses.services``; every change is signed by the department's seal and audited there.

Who: staff with ``licenses.add_license`` (entering) or ``licenses.change_license`` (changing)
— the 证照管理员 role — and only for licenses whose issuer is their own department (a
province-wide administrator sees all in their scope).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from govhall.catalog.application_forms import form_schema_parse
from govhall.catalog.form_pages import form_rows, form_values_posted
from govhall.core.errors import DomainError, FieldError, ValidationFailed
from govhall.core.models import Department
from govhall.core.scoping import StaffScope
from govhall.identity.models import User
from govhall.licenses.download import license_pdf_response
from govhall.licenses.models import (
    HolderCodeType,
    License,
    LicenseChange,
    LicenseOrigin,
    LicenseType,
    TrustGrade,
)
from govhall.licenses.rendering import face_lines, holder_code_shown
from govhall.licenses.services.issuance import Holder, license_issue
from govhall.licenses.services.lifecycle import CHANGES, license_change
from govhall.licenses.services.replacement import license_replace
from govhall.licenses.services.shares import license_read
from govhall.licenses.verification import license_verify
from govhall.workbench.access import staff_page, staff_user

ISSUE = "licenses.add_license"
CHANGE = "licenses.change_license"
PAGE_SIZE = 50
#: What the double-click guard holds while a license is being issued (then its identifier).
PENDING = "pending"
#: The changes offered on a license's page (a replacement has its own form).
STATUS_CHANGES = ("suspend", "reinstate", "revoke", "endorse")


def _issued_here(user: User) -> QuerySet[License]:
    return StaffScope.for_user(user).filter(
        License.objects.select_related("license_type", "issuer"),
        region="issuer__region",
        department="issuer",
    )


def _license(request: HttpRequest, identifier: str) -> License:
    license = (
        _issued_here(staff_user(request))
        .select_related("seal")
        .filter(identifier=identifier)
        .first()
    )
    if license is None:
        raise Http404(_("No license of your department has this identifier."))
    return license


def _face_errors(errors: list[FieldError]) -> list[FieldError]:
    """Face problems keyed as the shared form template expects (``form_data.<field>``)."""
    return [
        FieldError(e.field.replace("face.", "form_data.", 1), e.code, e.message)
        if e.field.startswith("face.")
        else e
        for e in errors
    ]


@staff_page(ISSUE)
@require_safe
def license_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    licenses = _issued_here(staff_user(request)).order_by("-issued_on", "-id")
    if query:
        licenses = licenses.filter(
            Q(number=query) | Q(identifier=query) | Q(holder_name__startswith=query)
        )
    page = Paginator(licenses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workbench/licenses.html",
        {"page": page, "query": query, "nav": "licenses"},
    )


def _issuer(user: User) -> Department | None:
    return user.department if user.department_id is not None else None


@staff_page(ISSUE)
@require_http_methods(["GET", "POST"])
def license_new(request: HttpRequest) -> HttpResponse:
    """Enter a license the department made outside govhall: choose its type, then its
    holder, number, dates and face; it is signed by the department's seal like any other."""
    user = staff_user(request)
    issuer = _issuer(user)
    types = list(LicenseType.objects.order_by("name"))
    chosen = next(
        (t for t in types if str(t.uuid) == (request.POST.get("type") or request.GET.get("type"))),
        None,
    )
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    posted = {key: request.POST.get(key, "").strip() for key in ("holder_name", "holder_code")}
    posted["issued_on"] = request.POST.get("issued_on", timezone.localdate().isoformat())
    posted["number"] = request.POST.get("number", "").strip()
    posted["trust_grade"] = request.POST.get("trust_grade", TrustGrade.A)
    posted["idempotency_key"] = request.POST.get("idempotency_key") or uuid.uuid4().hex
    claim = f"workbench:license_new:{user.pk}:{posted['idempotency_key']}"
    claimed = False
    if chosen is not None:
        schema = form_schema_parse(chosen.face_schema, prefix="face_schema")
        values = form_values_posted(schema, request.POST)
    if request.method == "POST" and chosen is not None and not cache.add(claim, PENDING, 3600):
        # The same page posted again (a double click): one license, shown once it exists.
        issued = cache.get(claim)
        if issued and issued != PENDING:
            return HttpResponseRedirect(reverse("workbench:license", args=[issued]))
        errors.append(
            FieldError("issuer", "issuer.pending", _("This license is being issued; wait."))
        )
    elif request.method == "POST" and chosen is not None:
        claimed = True
        if issuer is None:
            errors.append(
                FieldError("issuer", "issuer.none", _("Your account belongs to no department."))
            )
        try:
            issued_on = datetime.date.fromisoformat(posted["issued_on"])
        except ValueError:
            errors.append(FieldError("issued_on", "issued_on.format", _("Enter a date.")))
            issued_on = None
        if issued_on is not None and issued_on > timezone.localdate():
            errors.append(
                FieldError("issued_on", "issued_on.future", _("Must not be in the future."))
            )
        grade = posted["trust_grade"]
        if grade not in (TrustGrade.A, TrustGrade.B):
            errors.append(FieldError("trust_grade", "trust_grade.choice", _("Choose A or B.")))
        if not errors and issuer is not None and issued_on is not None:
            code_type = (
                HolderCodeType.CREDIT_CODE
                if chosen.holder_kind == "organization"
                else HolderCodeType.RESIDENT_ID
            )
            try:
                license = license_issue(
                    license_type=chosen,
                    issuer=issuer,
                    holder=Holder(posted["holder_name"], posted["holder_code"], code_type),
                    face=values,
                    actor=user,
                    number=posted["number"],
                    issued_on=issued_on,
                    signed_on=timezone.localdate(),
                    origin=LicenseOrigin.MANUAL,
                    trust_grade=grade,
                )
            except ValidationFailed as error:
                errors = error.errors
            except DomainError as error:  # no seal valid today, the signing device down
                errors = [FieldError("issuer", "issuer.seal", str(error.detail))]
            except IntegrityError:  # the same number entered twice at the same moment
                errors = [
                    FieldError(
                        "number",
                        "number.duplicate",
                        _("A license of this type with this number is already in the library."),
                    )
                ]
            else:
                cache.set(claim, license.identifier, 3600)
                messages.success(request, _("The license was issued and signed."))
                return HttpResponseRedirect(reverse("workbench:license", args=[license.identifier]))
    if errors and claimed:
        cache.delete(claim)  # nothing was issued: the corrected page may be posted again
    rows = (
        form_rows(
            form_schema_parse(chosen.face_schema, prefix="face_schema"),
            values,
            _face_errors(errors),
        )
        if chosen is not None
        else []
    )
    return render(
        request,
        "workbench/license_new.html",
        {
            "types": types,
            "chosen": chosen,
            "rows": rows,
            "posted": posted,
            "errors": {e.field: str(e.message) for e in errors},
            "issuer": issuer,
            "nav": "licenses",
        },
        status=400 if errors else 200,
    )


@staff_page(ISSUE)
@require_http_methods(["GET", "POST"])
def license_page(request: HttpRequest, identifier: str) -> HttpResponse:
    """One license of the department: record, signed changes, verification, and the forms that
    change it (for holders of ``licenses.change_license``)."""
    license = _license(request, identifier)
    user = staff_user(request)
    errors: list[FieldError] = []
    action = request.POST.get("do", "")
    face_values: dict[str, Any] = dict(license.face)
    schema = form_schema_parse(license.license_type.face_schema, prefix="face_schema")
    if request.method == "POST":
        if not user.has_perm(CHANGE):
            return render(request, "workbench/forbidden.html", status=403)
        reason = request.POST.get("reason", "")
        try:
            if action in STATUS_CHANGES:
                until_text = request.POST.get("until", "").strip()
                try:
                    until = datetime.date.fromisoformat(until_text) if until_text else None
                except ValueError as error:
                    raise ValidationFailed(
                        [FieldError("until", "until.format", _("Enter a date."))]
                    ) from error
                changed = license_change(
                    license=license, kind=action, reason=reason, actor=user, until=until
                )
            elif action == "replace":
                face_values = form_values_posted(schema, request.POST)
                changed = license_replace(
                    license=license, face=face_values, reason=reason, actor=user
                )
            else:
                raise ValidationFailed([FieldError("do", "do.unknown", _("Unknown action."))])
        except ValidationFailed as error:
            errors = error.errors
        except DomainError as error:  # the status forbids it, no seal, the device down
            errors = [FieldError("do", "do.conflict", str(error.detail))]
        else:
            messages.success(request, _("The change was signed and recorded."))
            return HttpResponseRedirect(reverse("workbench:license", args=[changed.identifier]))
    if request.method == "GET":
        license_read(license=license, actor=user, what="record")
    allowed = {kind for kind, (sources, _target) in CHANGES.items() if license.status in sources}
    return render(
        request,
        "workbench/license.html",
        {
            "license": license,
            "face": face_lines(license),
            "holder_code": holder_code_shown(license),
            "changes": LicenseChange.objects.filter(license=license).order_by("sequence"),
            "outcome": license_verify(license.identifier),
            "allowed": allowed,
            "may_change": user.has_perm(CHANGE),
            "action": action,
            "errors": {e.field: str(e.message) for e in errors},
            "face_rows": form_rows(schema, face_values, _face_errors(errors)),
            "replaced_by": License.objects.filter(replaces=license).first(),
            "nav": "licenses",
        },
        status=400 if errors else 200,
    )


@staff_page(ISSUE)
@require_safe
def license_file(request: HttpRequest, identifier: str) -> HttpResponse:
    license = license_read(
        license=_license(request, identifier), actor=staff_user(request), what="pdf"
    )
    return license_pdf_response(license, as_attachment=False)
