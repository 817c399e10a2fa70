"""Account pages: one sign-in page for the portal, the workbench and single sign-on.

Views are thin: they collect form input, call an identity service, and show its field errors
on the form. No page needs JavaScript (passkeys add a button where the browser supports them).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govhall.core.errors import (
    DomainError,
    PermissionDenied,
    TooManyAttempts,
    ValidationFailed,
    error_text,
)
from govhall.core.security_headers import csp_allow_form_targets
from govhall.identity.acting import principals_for
from govhall.identity.models import (
    Mandate,
    MandateKind,
    Organization,
    PersonalAccessToken,
    SignInMethod,
    SmsPurpose,
    User,
)
from govhall.identity.oidc.return_origins import oidc_return_origins
from govhall.identity.selectors import (
    account_overview,
    passkeys_for_user,
    person_find_by_id_number,
    person_for_user,
)
from govhall.identity.services import person_register
from govhall.identity.services.assurance import person_verify_with_population_source
from govhall.identity.services.mandates import MandateInput, mandate_grant, mandate_revoke
from govhall.identity.services.organizations import organization_register
from govhall.identity.services.second_factor import (
    STEP_ENROL,
    STEP_PASSKEY,
    pending_error,
    pending_sign_in_read,
    second_factor_check,
    session_confined,
)
from govhall.identity.services.sign_in import (
    ClientContext,
    person_verify_mobile,
    session_sign_in,
    session_sign_in_first_factor,
    sign_in_with_password,
    sign_in_with_sms_code,
    sms_code_send,
)
from govhall.identity.services.tokens import token_create, token_revoke
from govhall.portal.account.forms import (
    MandateForm,
    MobileCodeForm,
    OrganizationRegisterForm,
    PasswordSignInForm,
    RegisterForm,
    SmsSignInForm,
    TokenForm,
    errors_to_form,
)

ME = "me"


def _user(request: HttpRequest) -> User:
    """The signed-in account (the views below are all behind ``login_required``)."""
    assert isinstance(request.user, User)
    return request.user


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: a local ``next`` only (no open redirect)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("portal:account")


def _after_first_factor(request: HttpRequest, user: User, method: str, next_url: str) -> str:
    """Sign in after a right password or SMS code, or send staff under the second-factor
    policy on to their passkey (or, without one, to adding one); ``next`` goes along."""
    step = session_sign_in_first_factor(request, user, method=method, next_url=next_url)
    if step == STEP_PASSKEY:
        return reverse("portal:sign_in_passkey")
    if step == STEP_ENROL:
        return reverse("portal:passkey_enrol") + "?" + urlencode({"next": next_url})
    return next_url


def _refusal_message(error: DomainError) -> str:
    if isinstance(error, TooManyAttempts):
        minutes = max(1, round(error.retry_after / 60))
        return _("%(message)s (about %(minutes)d min)") % {
            "message": error.errors[0].message,
            "minutes": minutes,
        }
    return error_text(error)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Password, SMS code or passkey; the same page serves the workbench and OIDC sign-ins."""
    next_url = _next_url(request)
    password_form = PasswordSignInForm(prefix="pw")
    sms_form = SmsSignInForm(prefix="sms")
    method = request.POST.get("method", "")
    context = ClientContext.from_request(request)
    retry_after = 0  # seconds, when a limit refused the attempt (429)
    if method == "password":
        password_form = PasswordSignInForm(request.POST, prefix="pw")
        if password_form.is_valid():
            try:
                user = sign_in_with_password(
                    identifier=password_form.cleaned_data["identifier"],
                    password=password_form.cleaned_data["password"],
                    context=context,
                )
            except DomainError as error:
                password_form.add_error(None, _refusal_message(error))
                retry_after = error.retry_after if isinstance(error, TooManyAttempts) else 0
            else:
                return HttpResponseRedirect(
                    _after_first_factor(request, user, SignInMethod.PASSWORD, next_url)
                )
    elif method in {"sms_send", "sms"}:
        sms_form = SmsSignInForm(request.POST, prefix="sms")
        # Asking for a code needs only the number.
        sms_form.fields["code"].required = method == "sms"
        if sms_form.is_valid():
            mobile = sms_form.cleaned_data["mobile"]
            try:
                if method == "sms_send":
                    sms_code_send(mobile=mobile, purpose=SmsPurpose.SIGN_IN, context=context)
                    messages.info(request, _("If the number has an account, a code is on its way."))
                else:
                    user = sign_in_with_sms_code(
                        mobile=mobile, code=sms_form.cleaned_data["code"], context=context
                    )
                    return HttpResponseRedirect(
                        _after_first_factor(request, user, SignInMethod.SMS_CODE, next_url)
                    )
            except DomainError as error:
                sms_form.add_error(None, _refusal_message(error))
                retry_after = error.retry_after if isinstance(error, TooManyAttempts) else 0
    status = 200
    if any(form.errors for form in (password_form, sms_form)):
        status = 429 if retry_after else 400
    response = render(
        request,
        "portal/account/sign_in.html",
        {
            "password_form": password_form,
            "sms_form": sms_form,
            "next": next_url,
            "sms_tab": method in {"sms_send", "sms"},
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    # Signing in on the way to a system ends there: the page's forms may lead to it.
    csp_allow_form_targets(response, oidc_return_origins(next_url))
    return response


@require_http_methods(["GET"])
def sign_in_passkey(request: HttpRequest) -> HttpResponse:
    """The second step of a staff sign-in: confirm with one of the account's own passkeys.
    Without a pending sign-in (none, or older than 5 minutes) back to the sign-in page."""
    pending, problem = pending_sign_in_read(request.session)
    if pending is None or problem:
        messages.error(request, str(pending_error(problem).message))
        target = reverse("portal:sign_in")
        if pending is not None:
            target += "?" + urlencode({"next": pending.next_url})
        return redirect(target)
    return render(
        request,
        "portal/account/sign_in_passkey.html",
        {"pending_user": pending.user, "next": pending.next_url},
    )


@login_required
@require_http_methods(["GET"])
def passkey_enrol(request: HttpRequest) -> HttpResponse:
    """Add a passkey. Staff without one under the second-factor policy are confined to this
    page after their first factor; adding one lets them go on to ``next``."""
    user = _user(request)
    return render(
        request,
        "portal/account/passkey_enrol.html",
        {
            "passkeys": passkeys_for_user(user),
            "confined": session_confined(request.session),
            "next": _next_url(request),
        },
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_register(**form.cleaned_data)
        except ValidationFailed as error:
            errors_to_form(form, error, aliases={})
        else:
            session_sign_in(request, person.user)
            messages.success(
                request, _("Your account is ready. Verify your mobile number and identity below.")
            )
            return redirect("portal:account")
    return render(
        request, "portal/account/register.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Everything the person may see about their own account."""
    overview = account_overview(request.user)
    return render(
        request,
        "portal/account/account.html",
        {
            "overview": overview,
            "principals": principals_for(request.user),
            "mobile_form": MobileCodeForm(),
            "organization_form": OrganizationRegisterForm(),
            "token_form": TokenForm(),
            "new_token": request.session.pop("new_token", None),
        },
    )


def _person_or_404(request: HttpRequest) -> Any:
    person = person_for_user(request.user)
    if person is None:
        messages.error(request, _("This account has no person profile."))
    return person


@login_required
@require_POST
def verify_mobile(request: HttpRequest) -> HttpResponse:
    """L1: send a code to the person's own number, then confirm it."""
    person = _person_or_404(request)
    if person is not None:
        context = ClientContext.from_request(request)
        try:
            if request.POST.get("action") == "send":
                person_verify_mobile(person=person, code=None, context=context)
                messages.info(
                    request, _("A code was sent to %(mobile)s.") % {"mobile": person.mobile_masked}
                )
            else:
                form = MobileCodeForm(request.POST)
                code = form.data.get("code", "")
                person_verify_mobile(person=person, code=str(code), context=context)
                messages.success(request, _("Your mobile number is verified (level 1)."))
        except DomainError as error:
            messages.error(request, _refusal_message(error))
    return redirect("portal:account")


@login_required
@require_POST
def verify_population(request: HttpRequest) -> HttpResponse:
    """L2: check the name and ID number against the population source."""
    person = _person_or_404(request)
    if person is not None:
        try:
            person_verify_with_population_source(person=person, actor=_user(request))
            messages.success(request, _("Your identity is verified (level 2)."))
        except DomainError as error:
            messages.error(request, _refusal_message(error))
    return redirect("portal:account")


@login_required
@require_POST
def organization_add(request: HttpRequest) -> HttpResponse:
    form = OrganizationRegisterForm(request.POST)
    if form.is_valid():
        try:
            organization = organization_register(
                credit_code=form.cleaned_data["credit_code"], actor=_user(request)
            )
            messages.success(
                request, _("%(name)s is registered; you act for it.") % {"name": organization.name}
            )
        except DomainError as error:
            messages.error(request, _refusal_message(error))
    else:
        messages.error(request, _("Enter the credit code."))
    return redirect("portal:account")


def _principal_choices(request: HttpRequest) -> list[tuple[str, str]]:
    person = person_for_user(request.user)
    choices = [(ME, _("Myself (%(name)s)") % {"name": person.name if person else ""})]
    for organization in Organization.objects.filter(legal_representative=person).order_by("name"):
        choices.append((str(organization.uuid), organization.name))
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def mandate_new(request: HttpRequest) -> HttpResponse:
    """Give someone a mandate: an agent for my organization, or a family member for me."""
    person = person_for_user(request.user)
    if person is None:
        messages.error(request, _("This account has no person profile."))
        return redirect("portal:account")
    form = MandateForm(request.POST or None)
    form.fields["principal"].choices = _principal_choices(request)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agent = person_find_by_id_number(data["agent_id_number"])
        if agent is None or "".join(agent.name.split()) != "".join(data["agent_name"].split()):
            form.add_error(
                "agent_id_number",
                _("No registered person has this name and ID number; they must register first."),
            )
        else:
            organization = None
            if data["principal"] != ME:
                organization = Organization.objects.filter(uuid=data["principal"]).first()
            try:
                mandate_grant(
                    data=MandateInput(
                        kind=data["kind"],
                        agent=agent,
                        principal_person=None if organization else person,
                        principal_organization=organization,
                        valid_until=data["valid_until"],
                        item_codes=data["item_codes"].split(),
                        consent_text=data["consent_text"],
                    ),
                    actor=_user(request),
                )
            except ValidationFailed as error:
                errors_to_form(form, error, aliases={"agent": "agent_id_number"})
            except DomainError as error:
                form.add_error(None, _refusal_message(error))
            else:
                messages.success(request, _("The mandate is in force."))
                return redirect("portal:account")
    return render(
        request,
        "portal/account/mandate_new.html",
        {"form": form, "kinds": MandateKind},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def mandate_revoke_view(request: HttpRequest, mandate_uuid: str) -> HttpResponse:
    mandate = get_object_or_404(Mandate, uuid=mandate_uuid)
    try:
        mandate_revoke(
            mandate=mandate,
            actor=_user(request),
            reason=request.POST.get("reason", "") or _("Revoked by the user"),
        )
        messages.success(request, _("The mandate is revoked."))
    except DomainError as error:
        # Someone else's mandate looks the same as a missing one.
        if isinstance(error, PermissionDenied):
            raise Http404 from error
        messages.error(request, _refusal_message(error))
    return redirect("portal:account")


@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        user = _user(request)
        try:
            second_factor_check(request.session, user)
            _token, clear = token_create(
                user=user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                actor=_user(request),
            )
            # Shown once, on the next page load, then gone from the session.
            request.session["new_token"] = clear
        except DomainError as error:
            messages.error(request, _refusal_message(error))
    else:
        messages.error(request, _("Name the token and choose 1 to 366 days."))
    return redirect(reverse("portal:account") + "#tokens")


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_uuid: str) -> HttpResponse:
    token = get_object_or_404(PersonalAccessToken, uuid=token_uuid, user_id=_user(request).pk)
    try:
        token_revoke(token=token, actor=_user(request))
        messages.success(request, _("The token is revoked."))
    except DomainError as error:
        messages.error(request, _refusal_message(error))
    return redirect(reverse("portal:account") + "#tokens")
