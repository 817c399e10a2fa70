"""Signing in: passwords, one-time SMS codes, lock-outs, rate limits and the attempt trail.

Every page and endpoint that signs someone in goes through this module, so the rules are the
same everywhere: an account, an identifier (mobile or ID number) or an address with too many
recent failures is refused for a while; every attempt, good or bad, is stored and audited in one
transaction. Limits are counted over the attempts table with indexed range queries, so they hold
across server processes and restarts without a shared cache.
"""

from __future__ import annotations

import datetime
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from govhall.core import personal_data
from govhall.core.audit import audit_record_create
from govhall.core.errors import (
    FieldError,
    SignInRefused,
    SourceUnavailableError,
    TooManyAttempts,
    ValidationFailed,
)
from govhall.core.personal_data import KIND_MOBILE, blind_index, mask_mobile
from govhall.core.rate_limits import client_address
from govhall.identity.identifiers import Identifier, check_mobile, identifier_parse
from govhall.identity.models import (
    AssuranceLevel,
    AssuranceMethod,
    Person,
    SignInAttempt,
    SignInMethod,
    SmsCode,
    SmsPurpose,
    User,
)
from govhall.identity.services.assurance import assurance_raise
from govhall.identity.services.second_factor import (
    STEP_ENROL,
    STEP_NONE,
    STEP_PASSKEY,
    pending_sign_in_clear,
    pending_sign_in_start,
    second_factor_step,
    session_confine,
    session_factors_set,
)
from govhall.identity.sms.base import SmsNotSent
from govhall.identity.sms.registry import sms_backend

SMS_CODE_DIGITS = 6
BACKEND_PATH = "govhall.identity.backends.IdentityBackend"


@dataclass(frozen=True, slots=True)
class ClientContext:
    """Where an attempt comes from: the address and browser, as far as the server can tell."""

    ip_address: str | None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> ClientContext:
        return cls(
            ip_address=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        )


def _policy(name: str) -> int:
    return int(settings.GOVHALL[name])


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=_policy("SIGN_IN_WINDOW_SECONDS"))


def _retry_after(oldest: datetime.datetime | None) -> int:
    if oldest is None:
        return _policy("SIGN_IN_WINDOW_SECONDS")
    window = datetime.timedelta(seconds=_policy("SIGN_IN_WINDOW_SECONDS"))
    return int((oldest + window - timezone.now()).total_seconds()) + 1


def _locked(failures: QuerySet[SignInAttempt], limit: int) -> int | None:
    """Seconds to wait when the ``limit``-th most recent failure is inside the window."""
    recent = list(failures.order_by("-occurred_at").values_list("occurred_at", flat=True)[:limit])
    if len(recent) < limit:
        return None
    return _retry_after(recent[-1])


def sign_in_limits_check(
    *, identifier: Identifier | None, user: User | None, context: ClientContext
) -> None:
    """Raise :class:`TooManyAttempts` when the identifier, account or address is locked."""
    since = _window_start()
    failures = SignInAttempt.objects.filter(succeeded=False, occurred_at__gte=since)
    account_limit = _policy("SIGN_IN_MAX_FAILURES_PER_ACCOUNT")
    checks: list[tuple[QuerySet[SignInAttempt], int, str, str]] = []
    if identifier is not None:
        checks.append(
            (
                failures.filter(identifier_index=identifier.index),
                account_limit,
                "sign_in.locked",
                gettext("Too many failed attempts for this account; try again later."),
            )
        )
    if user is not None:
        checks.append(
            (
                failures.filter(user=user),
                account_limit,
                "sign_in.locked",
                gettext("Too many failed attempts for this account; try again later."),
            )
        )
    if context.ip_address:
        checks.append(
            (
                failures.filter(ip_address=context.ip_address),
                _policy("SIGN_IN_MAX_FAILURES_PER_ADDRESS"),
                "sign_in.address_limited",
                gettext("Too many failed attempts from this address; try again later."),
            )
        )
    for queryset, limit, code, message in checks:
        wait = _locked(queryset, limit)
        if wait is not None:
            raise TooManyAttempts([FieldError("identifier", code, message)], retry_after=wait)


def sign_in_attempt_record(
    *,
    method: str,
    identifier: Identifier | None,
    user: User | None,
    context: ClientContext,
    succeeded: bool,
    failure_code: str = "",
    action: str = "",
    detail: dict[str, Any] | None = None,
) -> SignInAttempt:
    """Store one attempt and its audit record together (``action`` overrides the audit action
    ``identity.sign_in.succeeded|failed``; ``detail`` is added to the audit data)."""
    with transaction.atomic():
        attempt = SignInAttempt.objects.create(
            method=method,
            identifier_index=identifier.index if identifier else "",
            identifier_masked=identifier.masked if identifier else "",
            user=user,
            ip_address=context.ip_address,
            user_agent=context.user_agent,
            succeeded=succeeded,
            failure_code=failure_code,
        )
        audit_record_create(
            actor=user if succeeded else None,
            action=action
            or ("identity.sign_in.succeeded" if succeeded else "identity.sign_in.failed"),
            object_type="user",
            object_id=str(user.uuid) if user else "",
            data={
                "method": method,
                "identifier": identifier.masked if identifier else "",
                "ip_address": context.ip_address or "",
                "failure": failure_code,
                **(detail or {}),
            },
        )
    return attempt


def _refuse(
    *,
    method: str,
    identifier: Identifier | None,
    user: User | None,
    context: ClientContext,
    field: str,
    code: str,
    message: str,
) -> SignInRefused:
    sign_in_attempt_record(
        method=method,
        identifier=identifier,
        user=user,
        context=context,
        succeeded=False,
        failure_code=code,
    )
    return SignInRefused([FieldError(field, code, message)])


def first_factor_record(
    *, method: str, identifier: Identifier | None, user: User, context: ClientContext
) -> None:
    """A right password or SMS code. For staff under the second-factor policy the account is
    not signed in yet: the attempt is stored as succeeded (the factor was right, and the limits
    count failures only) but audited as ``identity.sign_in.first_factor`` with what comes next
    (``second_factor``: ``passkey`` or ``enrol``)."""
    step = second_factor_step(user)
    sign_in_attempt_record(
        method=method,
        identifier=identifier,
        user=user,
        context=context,
        succeeded=True,
        action="identity.sign_in.first_factor" if step == STEP_PASSKEY else "",
        detail={"second_factor": step} if step != STEP_NONE else None,
    )


def _guarded(
    method: str, identifier: Identifier | None, user: User | None, context: ClientContext
) -> None:
    """Check the limits; a refused attempt is itself recorded (and audited)."""
    try:
        sign_in_limits_check(identifier=identifier, user=user, context=context)
    except TooManyAttempts as error:
        sign_in_attempt_record(
            method=method,
            identifier=identifier,
            user=user,
            context=context,
            succeeded=False,
            failure_code=error.errors[0].code,
        )
        raise


def sign_in_with_password(*, identifier: str, password: str, context: ClientContext) -> User:
    """The account whose mobile number, ID number or user name and password match.

    Raises :class:`TooManyAttempts` (``sign_in.locked``, ``sign_in.address_limited``) or
    :class:`SignInRefused` (``sign_in.invalid``: one message for an unknown account and a wrong
    password, so the answer does not tell which accounts exist).
    """
    parsed = identifier_parse(identifier)
    _guarded(SignInMethod.PASSWORD, parsed, None, context)
    user = authenticate(None, username=identifier, password=password)
    if not isinstance(user, User):
        from govhall.identity.selectors import user_find_by_identifier

        raise _refuse(
            method=SignInMethod.PASSWORD,
            identifier=parsed,
            user=user_find_by_identifier(identifier),
            context=context,
            field="password",
            code="sign_in.invalid",
            message=gettext("The account or the password is wrong."),
        )
    _guarded(SignInMethod.PASSWORD, parsed, user, context)
    first_factor_record(method=SignInMethod.PASSWORD, identifier=parsed, user=user, context=context)
    return user


def session_sign_in(request: HttpRequest, user: User, *, factors: list[str] | None = None) -> None:
    """Start a browser session (a new session key, so a fixed one cannot be planted) and note
    what the sign-in proved (``factors``: sign-in methods and the like, see
    :mod:`govhall.identity.services.second_factor`)."""
    pending_sign_in_clear(request.session)
    login(request, user, backend=BACKEND_PATH)
    session_factors_set(request.session, factors or [])


def session_sign_in_first_factor(
    request: HttpRequest, user: User, *, method: str, next_url: str
) -> str:
    """After a right password or SMS code: sign in, or (staff under the second-factor policy)
    keep a pending sign-in for the passkey step, or sign in confined to enrolling a passkey.
    Returns the step that follows (``second_factor.STEP_*``)."""
    step = second_factor_step(user)
    if step == STEP_PASSKEY:
        pending_sign_in_start(request.session, user=user, method=method, next_url=next_url)
        return step
    session_sign_in(request, user, factors=[method])
    if step == STEP_ENROL:
        session_confine(request.session)
    return step


# --- SMS codes ---------------------------------------------------------------------------


def _code_hash(mobile_index: str, code: str) -> str:
    """Keyed, so a copy of the table does not give the codes away by trying all 10⁶."""
    return blind_index(f"{mobile_index}:{code}", kind="sms_code")


def _mobile(raw: str) -> str:
    number, error = check_mobile(raw)
    if error is not None:
        raise ValidationFailed([error])
    return number


def _sms_limits_check(mobile_index: str, context: ClientContext) -> None:
    now = timezone.now()
    sent = SmsCode.objects.filter(mobile_index=mobile_index)
    last = sent.order_by("-created_at").values_list("created_at", flat=True).first()
    interval = _policy("SMS_MIN_INTERVAL_SECONDS")
    if last is not None and (now - last).total_seconds() < interval:
        raise TooManyAttempts(
            [FieldError("mobile", "sms.too_soon", gettext("Wait a minute before asking again."))],
            retry_after=int(interval - (now - last).total_seconds()) + 1,
        )
    day = now - datetime.timedelta(days=1)
    if sent.filter(created_at__gte=day).count() >= _policy("SMS_MAX_PER_MOBILE_PER_DAY"):
        raise TooManyAttempts(
            [
                FieldError(
                    "mobile",
                    "sms.daily_limit",
                    gettext("This number has received too many codes today."),
                )
            ],
            retry_after=24 * 3600,
        )
    if context.ip_address:
        hour = now - datetime.timedelta(hours=1)
        from_address = SmsCode.objects.filter(ip_address=context.ip_address, created_at__gte=hour)
        if from_address.count() >= _policy("SMS_MAX_PER_ADDRESS_PER_HOUR"):
            raise TooManyAttempts(
                [
                    FieldError(
                        "mobile",
                        "sms.address_limited",
                        gettext("Too many codes were requested from this address."),
                    )
                ],
                retry_after=3600,
            )


def sms_code_send(*, mobile: str, purpose: str, context: ClientContext) -> SmsCode:
    """Send a six-digit code valid for ``SMS_CODE_TTL_SECONDS``; only its keyed hash is kept.

    For signing in, a number without an account is answered exactly like one with an account
    but no message leaves the platform, so the endpoint does not reveal who is registered.
    """
    number = _mobile(mobile)
    index = blind_index(number, kind=KIND_MOBILE)
    _sms_limits_check(index, context)
    code = f"{secrets.randbelow(10**SMS_CODE_DIGITS):0{SMS_CODE_DIGITS}d}"
    now = timezone.now()
    ttl = _policy("SMS_CODE_TTL_SECONDS")
    with transaction.atomic():
        sms = SmsCode.objects.create(
            mobile_index=index,
            mobile_masked=mask_mobile(number),
            purpose=purpose,
            code_hash=_code_hash(index, code),
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=ttl),
            ip_address=context.ip_address,
        )
        audit_record_create(
            actor=None,
            action="identity.sms_code.send",
            object_type="sms_code",
            object_id=str(sms.pk),
            data={"mobile": sms.mobile_masked, "purpose": purpose},
        )
    has_account = Person.objects.filter(mobile_index=index).exists()
    if purpose != SmsPurpose.SIGN_IN or has_account:
        text = gettext(
            "%(sign)sYour verification code is %(code)s, valid for %(minutes)d minutes, for "
            "%(purpose)s. Never tell it to anyone."
        ) % {
            "sign": settings.GOVHALL.get("SMS_SIGN", ""),
            "code": code,
            "minutes": ttl // 60,
            "purpose": SmsPurpose(purpose).label,
        }
        try:
            sms_backend().send(mobile=number, text=text)
        except SmsNotSent as error:
            raise SourceUnavailableError(
                [
                    FieldError(
                        "mobile",
                        "sms.not_sent",
                        gettext("The text message could not be sent; try again later."),
                    )
                ]
            ) from error
    return sms


def sms_code_verify(*, mobile: str, code: str, purpose: str) -> str:
    """Use up the latest code sent to ``mobile`` for ``purpose``; returns the mobile index.

    Codes are single-use (a replay gets ``sms.code_used``), expire (``sms.code_expired``) and
    die after ``SMS_CODE_MAX_WRONG`` wrong entries (``sms.code_invalid`` until a new one).
    """
    number = _mobile(mobile)
    index = blind_index(number, kind=KIND_MOBILE)
    code = "".join(code.split())
    with transaction.atomic():
        sms = (
            SmsCode.objects.select_for_update(no_key=True)
            .filter(mobile_index=index, purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )

        def refused(error_code: str, message: str) -> SignInRefused:
            return SignInRefused([FieldError("code", error_code, message)])

        if sms is None:
            raise refused("sms.code_invalid", gettext("The code is wrong; ask for a new one."))
        if sms.consumed_at is not None:
            raise refused("sms.code_used", gettext("This code was already used."))
        if sms.expires_at <= timezone.now():
            raise refused("sms.code_expired", gettext("The code has expired; ask for a new one."))
        if sms.failed_attempts >= _policy("SMS_CODE_MAX_WRONG"):
            raise refused("sms.code_invalid", gettext("The code is wrong; ask for a new one."))
        if not hmac.compare_digest(sms.code_hash, _code_hash(index, code)):
            SmsCode.objects.filter(pk=sms.pk).update(failed_attempts=F("failed_attempts") + 1)
            # Raised after the block, so the counter commits although the caller sees an error.
            wrong = refused("sms.code_invalid", gettext("The code is wrong; ask for a new one."))
        else:
            SmsCode.objects.filter(pk=sms.pk).update(consumed_at=timezone.now())
            wrong = None
    if wrong is not None:
        raise wrong
    return index


def sign_in_with_sms_code(*, mobile: str, code: str, context: ClientContext) -> User:
    """The person whose mobile number received ``code``; proves the number, so it raises
    the person to L1 when they were below."""
    number = _mobile(mobile)
    parsed = Identifier(KIND_MOBILE, blind_index(number, kind=KIND_MOBILE), mask_mobile(number))
    _guarded(SignInMethod.SMS_CODE, parsed, None, context)
    try:
        sms_code_verify(mobile=number, code=code, purpose=SmsPurpose.SIGN_IN)
    except SignInRefused as error:
        sign_in_attempt_record(
            method=SignInMethod.SMS_CODE,
            identifier=parsed,
            user=None,
            context=context,
            succeeded=False,
            failure_code=error.errors[0].code,
        )
        raise
    person = Person.objects.select_related("user").filter(mobile_index=parsed.index).first()
    if person is None or not person.user.is_active:
        raise _refuse(
            method=SignInMethod.SMS_CODE,
            identifier=parsed,
            user=None,
            context=context,
            field="mobile",
            code="sign_in.invalid",
            message=gettext("No active account uses this mobile number."),
        )
    with transaction.atomic():
        first_factor_record(
            method=SignInMethod.SMS_CODE, identifier=parsed, user=person.user, context=context
        )
        assurance_raise(
            person=person,
            level=AssuranceLevel.L1,
            method=AssuranceMethod.SMS_CODE,
            actor=person.user,
            detail={"mobile": person.mobile_masked},
        )
    return person.user


def person_verify_mobile(*, person: Person, code: str | None, context: ClientContext) -> None:
    """L1 for a signed-in person: ``code=None`` sends a code to their own number; a code
    confirms it. The clear number is decrypted only to send the message."""
    mobile = personal_data.decrypt(person.mobile_encrypted)
    if code is None:
        sms_code_send(mobile=mobile, purpose=SmsPurpose.VERIFY_MOBILE, context=context)
        return
    sms_code_verify(mobile=mobile, code=code, purpose=SmsPurpose.VERIFY_MOBILE)
    assurance_raise(
        person=person,
        level=AssuranceLevel.L1,
        method=AssuranceMethod.SMS_CODE,
        actor=person.user,
        detail={"mobile": person.mobile_masked},
    )
