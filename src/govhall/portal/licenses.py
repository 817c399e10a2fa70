"""My licenses (我的证照): the wallet of the signed-in person and of the organizations they
represent — each with its state, its PDF, a link to its public verification, and the use
authorisations (用证授权) its holder gave to departments."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from govhall.cases.models.case import OPEN_CASE_STATES
from govhall.cases.selectors import my_cases
from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.models import Department
from govhall.identity.models import Person, User
from govhall.identity.selectors import person_for_user
from govhall.licenses.download import license_pdf_response
from govhall.licenses.models import License, LicenseShare
from govhall.licenses.selectors import license_shares, wallet, wallet_license
from govhall.licenses.services.shares import MAX_DAYS, license_share, license_share_withdraw
from govhall.portal.account.forms import errors_to_form

PAGE = 100


def _person(request: HttpRequest) -> Person:
    person = person_for_user(request.user)
    if person is None:
        raise Http404(_("This account has no person profile."))
    return person


def _license(request: HttpRequest, identifier: str) -> License:
    person = _person(request)
    if not person.identity_verified:
        raise PermissionDenied(_("Verify your identity (real-name level L2) to use your licenses."))
    license = wallet_license(person, identifier)
    if license is None:
        raise Http404(_("No such license in your wallet."))
    return license


@login_required
@require_safe
def my_licenses(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    if not person.identity_verified:
        return render(request, "portal/my_licenses.html", {"rows": [], "unverified": True})
    today = timezone.localdate()
    now = timezone.now()
    licenses = list(wallet(person)[:PAGE])
    shares: dict[int, list[LicenseShare]] = {}
    for share in LicenseShare.objects.filter(
        license__in=licenses, valid_until__gt=now, revoked_at__isnull=True
    ).select_related("department"):
        shares.setdefault(share.license_id, []).append(share)
    rows = [
        {
            "license": license,
            "expired": license.valid_until is not None and license.valid_until < today,
            "shares": shares.get(license.pk, []),
        }
        for license in licenses
    ]
    return render(request, "portal/my_licenses.html", {"rows": rows})


@login_required
@require_safe
def my_license_pdf(request: HttpRequest, identifier: str) -> HttpResponse:
    """The holder's download of their license as a PDF (rendered once per revision)."""
    license = _license(request, identifier)
    return license_pdf_response(license, as_attachment=True)


class ShareForm(forms.Form):
    case = forms.ChoiceField(
        label=gettext_lazy("For my case"),
        required=False,
        help_text=gettext_lazy("The case's department may then read the license for it."),
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Or a department"),
        queryset=Department.objects.select_related("region").order_by("region__code", "name"),
        required=False,
    )
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=200, required=False)
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), initial=30, min_value=1, max_value=MAX_DAYS
    )

    def __init__(self, *args: Any, cases: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case_field = self.fields["case"]
        assert isinstance(case_field, forms.ChoiceField)
        case_field.choices = [("", "—"), *cases]


@login_required
@require_http_methods(["GET", "POST"])
def my_license_share(request: HttpRequest, identifier: str) -> HttpResponse:
    """Authorise a department to read the license, for one of the holder's open cases or for a
    stated purpose, for a number of days."""
    license = _license(request, identifier)
    assert isinstance(request.user, User)
    now = timezone.now()
    open_cases = {
        case.number: case
        for case in my_cases(request.user)
        .filter(state__in=OPEN_CASE_STATES)
        .select_related("department")[:50]
    }
    form = ShareForm(
        request.POST or None,
        cases=[(n, f"{n} · {c.department.name}") for n, c in open_cases.items()],
    )
    if request.method == "POST" and form.is_valid():
        case = open_cases.get(form.cleaned_data["case"] or "")
        department = case.department if case is not None else form.cleaned_data["department"]
        purpose = form.cleaned_data["purpose"] or (
            _("Case %(number)s") % {"number": case.number} if case is not None else ""
        )
        try:
            license_share(
                license=license,
                department=department,
                purpose=purpose,
                days=form.cleaned_data["days"],
                actor=request.user,
                case_number=case.number if case is not None else "",
            )
        except ValidationFailed as error:
            errors_to_form(form, error, aliases={})
        except Conflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(department)s may now read this license.") % {"department": department},
            )
            return redirect("portal:my_licenses")
    return render(
        request,
        "portal/my_license_share.html",
        {
            "license": license,
            "form": form,
            "shares": [
                {"share": share, "active": share.revoked_at is None and share.valid_until > now}
                for share in license_shares(license)
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def my_license_share_withdraw(
    request: HttpRequest, identifier: str, share_uuid: uuid.UUID
) -> HttpResponse:
    license = _license(request, identifier)
    share = get_object_or_404(LicenseShare, uuid=share_uuid, license=license)
    assert isinstance(request.user, User)
    license_share_withdraw(share=share, actor=request.user)
    messages.success(request, _("The authorisation was withdrawn."))
    return redirect("portal:my_license_share", identifier)
