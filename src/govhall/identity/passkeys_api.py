"""Passkey endpoints under /api/v1/identity/passkeys/: add, list, rename and remove one's own
passkeys (browser session), sign in with one (anyone), and confirm a pending staff sign-in with
one (the second factor, :mod:`govhall.identity.services.second_factor`).

Thin on purpose: the ceremonies, limits, attempt records and audit live in
:mod:`govhall.identity.services.passkeys`. Every endpoint checks Django's CSRF token (the
``X-CSRFToken`` header): the signed-in ones through ``django_auth``, the sign-in ones
explicitly, so another site cannot make a visitor's browser start or finish a ceremony.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from ninja.utils import check_csrf

from govhall.core.problems import problems
from govhall.identity.models import Passkey, User
from govhall.identity.selectors import passkeys_for_user
from govhall.identity.services.passkeys import (
    passkey_delete,
    passkey_register,
    passkey_registration_options,
    passkey_rename,
    passkey_second_factor,
    passkey_second_factor_options,
    passkey_sign_in,
    passkey_sign_in_options,
)
from govhall.identity.services.second_factor import (
    FACTOR_USER_VERIFICATION,
    second_factor_required,
)
from govhall.identity.services.sign_in import ClientContext, session_sign_in

router = Router(tags=["passkeys"])

SIGNED_IN = (
    "A signed-in account (session cookie and the X-CSRFToken header; access tokens are not "
    "accepted, so a leaked token cannot add a passkey). "
)
ANYONE = "Anyone, without signing in (the X-CSRFToken header is required). "
PENDING = (
    "Anyone whose session holds a pending staff sign-in (a right password or SMS code of a "
    "staff account under the second-factor policy, less than 5 minutes ago; the X-CSRFToken "
    "header is required). "
)


class RegisterVerifyIn(Schema):
    credential: dict[str, Any]
    name: str = ""


class SignInOptionsIn(Schema):
    identifier: str = ""


class SignInVerifyIn(Schema):
    credential: dict[str, Any]
    next: str = ""


class SecondFactorIn(Schema):
    credential: dict[str, Any]


class RenameIn(Schema):
    name: str


class RedirectOut(Schema):
    redirect: str


class PasskeyOut(Schema):
    uuid: uuid.UUID
    name: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    transports: list[str]


def _passkey_out(passkey: Passkey) -> PasskeyOut:
    return PasskeyOut(
        uuid=passkey.uuid,
        name=passkey.name,
        created_at=passkey.created_at,
        last_used_at=passkey.last_used_at,
        transports=[str(t) for t in passkey.transports],
    )


def _user(request: HttpRequest) -> User:
    """The session's account; ``django_auth`` has already refused anonymous callers."""
    assert isinstance(request.user, User)
    return request.user


def _csrf(request: HttpRequest) -> None:
    """The anonymous endpoints have no ``django_auth`` to check the token, so check it here."""
    if check_csrf(request) is not None:
        raise HttpError(403, _("The security token of the page is missing or wrong; reload it."))


def _safe_next(request: HttpRequest, target: str) -> str:
    """Only a path on this site (or an allowed host) may be the redirect after signing in."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@router.post(
    "/register/options",
    response=dict[str, Any],
    auth=django_auth,
    url_name="passkeys_register_options",
    summary="Options for adding a passkey",
    description=SIGNED_IN + "Returns PublicKeyCredentialCreationOptions (base64url fields) for "
    "navigator.credentials.create(); the challenge is kept in the session for 5 minutes.",
)
def register_options(request: HttpRequest) -> dict[str, Any]:
    return passkey_registration_options(user=_user(request), session=request.session)


@router.post(
    "/register/verify",
    response={201: PasskeyOut},
    auth=django_auth,
    url_name="passkeys_register_verify",
    summary="Add a passkey",
    description=SIGNED_IN
    + "Body: the credential from navigator.credentials.create() (JSON form) and an optional "
    "name. 201 with the new passkey; 422 codes: passkey.challenge_missing, "
    "passkey.challenge_expired, passkey.verification_failed, passkey.already_registered, "
    "passkey.name_length.",
)
def register_verify(request: HttpRequest, payload: RegisterVerifyIn) -> Status[PasskeyOut]:
    passkey = passkey_register(
        user=_user(request),
        session=request.session,
        credential=payload.credential,
        name=payload.name,
    )
    return Status(201, _passkey_out(passkey))


@router.post(
    "/sign-in/options",
    response=dict[str, Any],
    auth=None,
    url_name="passkeys_sign_in_options",
    summary="Options for signing in with a passkey",
    openapi_extra=problems(403, 429),
    description=ANYONE
    + "Returns PublicKeyCredentialRequestOptions for navigator.credentials.get(). Without an "
    "identifier no credential is named (the browser offers its passkeys for this site); with "
    "an ID number, mobile number or user name, that account's passkeys are listed (a made-up "
    "one when there are none, so the answer does not reveal accounts). 429 when locked out.",
)
def sign_in_options(request: HttpRequest, payload: SignInOptionsIn) -> dict[str, Any]:
    _csrf(request)
    return passkey_sign_in_options(
        session=request.session,
        identifier=payload.identifier,
        context=ClientContext.from_request(request),
    )


@router.post(
    "/sign-in/verify",
    response=RedirectOut,
    auth=None,
    url_name="passkeys_sign_in_verify",
    summary="Sign in with a passkey",
    openapi_extra=problems(401, 403, 429),
    description=ANYONE
    + "Body: the credential from navigator.credentials.get() (JSON form) and the page to go to "
    "next. Starts a session and returns where to go (next when it is on this site). Every "
    "attempt is recorded. 401 codes: passkey.challenge_missing, passkey.challenge_expired, "
    "passkey.unknown_credential, passkey.verification_failed, passkey.counter_rollback; 429: "
    "sign_in.locked, sign_in.address_limited.",
)
def sign_in_verify(request: HttpRequest, payload: SignInVerifyIn) -> RedirectOut:
    _csrf(request)
    user = passkey_sign_in(
        session=request.session,
        credential=payload.credential,
        context=ClientContext.from_request(request),
    )
    # Under the second-factor policy staff had to be verified by the device: two factors.
    factors = ["passkey", FACTOR_USER_VERIFICATION] if second_factor_required(user) else ["passkey"]
    session_sign_in(request, user, factors=factors)
    return RedirectOut(redirect=_safe_next(request, payload.next))


@router.post(
    "/second-factor/options",
    response=dict[str, Any],
    auth=None,
    url_name="passkeys_second_factor_options",
    summary="Options for confirming a staff sign-in with a passkey",
    openapi_extra=problems(401, 403, 429),
    description=PENDING
    + "Returns PublicKeyCredentialRequestOptions for navigator.credentials.get() that allow "
    "only the pending account's own passkeys. 401 codes: sign_in.pending_missing, "
    "sign_in.pending_expired; 429 when locked out.",
)
def second_factor_options(request: HttpRequest) -> dict[str, Any]:
    _csrf(request)
    return passkey_second_factor_options(
        session=request.session, context=ClientContext.from_request(request)
    )


@router.post(
    "/second-factor/verify",
    response=RedirectOut,
    auth=None,
    url_name="passkeys_second_factor_verify",
    summary="Confirm a staff sign-in with a passkey",
    openapi_extra=problems(401, 403, 429),
    description=PENDING
    + "Body: the credential from navigator.credentials.get() (JSON form). Signs the pending "
    "account in (a new session key) and returns where to go: the next page the first step was "
    "given. Every attempt is recorded with both factors (password+passkey, "
    "sms_code+passkey). 401 codes: sign_in.pending_missing, sign_in.pending_expired, "
    "passkey.challenge_missing, passkey.challenge_expired, passkey.unknown_credential, "
    "passkey.verification_failed, passkey.counter_rollback; 429: sign_in.locked, "
    "sign_in.address_limited.",
)
def second_factor_verify(request: HttpRequest, payload: SecondFactorIn) -> RedirectOut:
    _csrf(request)
    pending = passkey_second_factor(
        session=request.session,
        credential=payload.credential,
        context=ClientContext.from_request(request),
    )
    session_sign_in(request, pending.user, factors=[pending.method, "passkey"])
    return RedirectOut(redirect=_safe_next(request, pending.next_url))


@router.get(
    "/",
    response=list[PasskeyOut],
    auth=django_auth,
    url_name="passkeys_list",
    summary="My passkeys",
    description=SIGNED_IN + "The account's own passkeys, oldest first.",
)
def passkeys_list(request: HttpRequest) -> list[PasskeyOut]:
    return [_passkey_out(passkey) for passkey in passkeys_for_user(_user(request))]


@router.patch(
    "/{passkey_uuid}",
    response=PasskeyOut,
    auth=django_auth,
    url_name="passkeys_detail",
    summary="Rename one of my passkeys",
    openapi_extra=problems(404),
    description=SIGNED_IN
    + "Only the account's own passkeys: another account's answers 404. 422 code: "
    "passkey.name_length.",
)
def passkey_rename_endpoint(
    request: HttpRequest, passkey_uuid: uuid.UUID, payload: RenameIn
) -> PasskeyOut:
    passkey = passkey_rename(user=_user(request), passkey_uuid=passkey_uuid, name=payload.name)
    return _passkey_out(passkey)


@router.delete(
    "/{passkey_uuid}",
    response={204: None},
    auth=django_auth,
    url_name="passkeys_detail",
    summary="Remove one of my passkeys",
    openapi_extra=problems(404),
    description=SIGNED_IN
    + "Only the account's own passkeys: another account's answers 404. The passkey cannot "
    "sign in afterwards (remove it on the device too).",
)
def passkey_delete_endpoint(request: HttpRequest, passkey_uuid: uuid.UUID) -> Status[None]:
    passkey_delete(user=_user(request), passkey_uuid=passkey_uuid)
    return Status(204, None)
