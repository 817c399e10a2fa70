"""Passkeys (WebAuthn): registering them for a signed-in account and signing in with them.

A passkey is a key pair made by the person's phone, computer or security key; the platform
keeps only the public key and checks a signature over a one-time challenge. The browser and
authenticator bind every signature to the origin and the relying-party ID, so a look-alike site
cannot reuse it, and the platform never holds a secret that could leak from its database.

Why the choices below:

* Challenges live in the Django session, not in the browser: the server decides which challenge
  it issued, each is used once (removed when a response is checked, good or bad) and expires
  after :data:`CHALLENGE_TTL_SECONDS`.
* Signing in goes through the same lock-outs, attempt table and audit trail as passwords
  (:mod:`govhall.identity.services.sign_in`), so a passkey is not a way around the rate limits
  and each person's sign-in history shows every method.
* The WebAuthn user handle is the account's public ``uuid``, never its database key, so the
  authenticator holds nothing that can be counted or joined against other systems.
* A signature counter that goes backwards means the credential may have been cloned: the
  sign-in is refused with ``passkey.counter_rollback`` (counters that stay at 0 are authenticators
  without a counter, such as synced passkeys, and are accepted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.authentication.verify_authentication_response import VerifiedAuthentication
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, options_to_json_dict
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from govhall.core.audit import audit_record_create
from govhall.core.errors import (
    FieldError,
    NotFound,
    SignInRefused,
    TooManyAttempts,
    ValidationFailed,
)
from govhall.core.personal_data import KIND_ID_NUMBER, blind_index
from govhall.identity.identifiers import Identifier, identifier_parse
from govhall.identity.models import Passkey, Person, SignInMethod, User
from govhall.identity.selectors import passkeys_for_user
from govhall.identity.services.second_factor import (
    FACTOR_USER_VERIFICATION,
    PendingSignIn,
    pending_error,
    pending_sign_in_clear,
    pending_sign_in_read,
    second_factor_enrolled,
    second_factor_required,
    session_confinement_lift,
)
from govhall.identity.services.sign_in import (
    ClientContext,
    sign_in_attempt_record,
    sign_in_limits_check,
)

#: How long a challenge may be answered; also the browser's timeout hint.
CHALLENGE_TTL_SECONDS = 300
NAME_MAX_LENGTH = 60
OBJECT_TYPE = "passkey"
SESSION_REGISTRATION = "govhall.passkeys.registration"
SESSION_SIGN_IN = "govhall.passkeys.sign_in"
SESSION_SECOND_FACTOR = "govhall.passkeys.second_factor"
#: The attempt's method when a passkey confirms a first factor (staff, second-factor policy).
WITH_PASSKEY: dict[str, str] = {
    SignInMethod.PASSWORD: SignInMethod.PASSWORD_PASSKEY,
    SignInMethod.SMS_CODE: SignInMethod.SMS_CODE_PASSKEY,
}
#: Errors anything but the library's own can raise while parsing a hostile response.
_MALFORMED = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)


class _Challenge(TypedDict):
    """What the session keeps between the options and the verification of one ceremony."""

    challenge: str  # base64url
    expires_at: float  # POSIX seconds
    user: str | None  # the account's uuid (registration; sign-in named by an identifier)
    identifier: list[str] | None  # [kind, index, masked] when sign-in options named one


@dataclass(frozen=True, slots=True)
class RelyingParty:
    """Where passkeys are valid, from ``settings.GOVHALL`` (read per call, so tests can vary it)."""

    id: str
    name: str
    origins: list[str]

    @classmethod
    def from_settings(cls) -> RelyingParty:
        conf = settings.GOVHALL
        origins = conf["WEBAUTHN_ORIGINS"]
        if isinstance(origins, str):
            origins = [origins]
        return cls(
            id=str(conf["WEBAUTHN_RP_ID"]),
            name=str(conf["WEBAUTHN_RP_NAME"]),
            origins=[str(origin).rstrip("/") for origin in origins],
        )


# --- reads --------------------------------------------------------------------------------


def _owned(user: User, passkey_uuid: Any) -> Passkey:
    """One of the account's own passkeys; another account's is "not found", never "forbidden",
    so the answer does not confirm that the UUID exists."""
    passkey = Passkey.objects.filter(user=user, uuid=passkey_uuid).first()
    if passkey is None:
        raise NotFound(_("No passkey of yours has this identifier."))
    return passkey


# --- challenges ---------------------------------------------------------------------------


def _challenge_store(
    session: SessionBase,
    key: str,
    challenge: bytes,
    *,
    user: User | None = None,
    identifier: Identifier | None = None,
) -> None:
    state: _Challenge = {
        "challenge": bytes_to_base64url(challenge),
        "expires_at": timezone.now().timestamp() + CHALLENGE_TTL_SECONDS,
        "user": str(user.uuid) if user is not None else None,
        "identifier": (
            [identifier.kind, identifier.index, identifier.masked] if identifier else None
        ),
    }
    session[key] = state


def _challenge_take(session: SessionBase, key: str) -> tuple[_Challenge | None, str]:
    """Remove and return the pending challenge, with an error code when it cannot be used.

    Removed whatever happens next, so a response (even a rejected one) can be tried only once.
    """
    state = session.pop(key, None)
    if not isinstance(state, dict) or not isinstance(state.get("challenge"), str):
        return None, "passkey.challenge_missing"
    if float(state.get("expires_at", 0)) <= timezone.now().timestamp():
        return None, "passkey.challenge_expired"
    return state, ""  # type: ignore[return-value]


def _challenge_error(code: str) -> FieldError:
    if code == "passkey.challenge_expired":
        message = _("The passkey request has expired; start again.")
    else:
        message = _("There is no passkey request to answer; start again.")
    return FieldError("credential", code, message)


def _verification_failed() -> FieldError:
    return FieldError(
        "credential",
        "passkey.verification_failed",
        _("The passkey's answer could not be verified."),
    )


# --- registration -------------------------------------------------------------------------


def _transports(values: Any) -> list[AuthenticatorTransport]:
    known = {transport.value: transport for transport in AuthenticatorTransport}
    if not isinstance(values, list):
        return []
    return [known[value] for value in values if isinstance(value, str) and value in known]


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(passkey.credential_id),
        transports=_transports(passkey.transports) or None,
    )


def _account_label(user: User) -> str:
    """What the authenticator shows to tell accounts apart: the masked ID number of a person
    (never the clear one: authenticators sync and display it), else the user name."""
    person = Person.objects.filter(user=user).only("id_number_masked").first()
    return person.id_number_masked if person is not None else user.get_username()


def passkey_registration_options(*, user: User, session: SessionBase) -> dict[str, Any]:
    """``PublicKeyCredentialCreationOptions`` (JSON form) for adding a passkey to ``user``.

    Existing passkeys are excluded so one authenticator is not registered twice; a resident
    (discoverable) key and user verification are preferred, so the person can later sign in
    without typing anything and the device asks for its screen lock.
    """
    rp = RelyingParty.from_settings()
    label = _account_label(user)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user.uuid.bytes,
        user_name=label,
        user_display_name=user.display_name or label,
        timeout=CHALLENGE_TTL_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(passkey) for passkey in passkeys_for_user(user)],
    )
    _challenge_store(session, SESSION_REGISTRATION, options.challenge, user=user)
    return options_to_json_dict(options)


def _clean_name(name: str, *, default: str | None = None) -> str:
    clean = " ".join(name.split())
    if not clean and default is not None:
        clean = default
    if not 1 <= len(clean) <= NAME_MAX_LENGTH:
        raise ValidationFailed(
            [
                FieldError(
                    "name",
                    "passkey.name_length",
                    _("A passkey name has 1 to 60 characters."),
                )
            ]
        )
    return clean


def _default_name() -> str:
    """Used when the person gave none: "Passkey" and the date, in the active language."""
    today = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    return gettext("Passkey of %(date)s") % {"date": today}


def passkey_register(
    *, user: User, session: SessionBase, credential: dict[str, Any], name: str = ""
) -> Passkey:
    """Check the browser's answer to :func:`passkey_registration_options` and store the passkey.

    Raises :class:`ValidationFailed` with ``passkey.challenge_missing``,
    ``passkey.challenge_expired``, ``passkey.verification_failed`` (wrong challenge, origin,
    RP ID or a malformed answer), ``passkey.already_registered`` or ``passkey.name_length``.
    """
    clean_name = _clean_name(name, default=_default_name())
    state, problem = _challenge_take(session, SESSION_REGISTRATION)
    if state is None or state["user"] != str(user.uuid):
        raise ValidationFailed([_challenge_error(problem or "passkey.challenge_missing")])
    rp = RelyingParty.from_settings()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(state["challenge"]),
            expected_rp_id=rp.id,
            expected_origin=rp.origins,
        )
    except _MALFORMED as error:
        raise ValidationFailed([_verification_failed()]) from error
    response = credential.get("response")
    transports = [
        transport.value
        for transport in _transports(
            response.get("transports") if isinstance(response, dict) else None
        )
    ]
    credential_id = bytes_to_base64url(verified.credential_id)
    already = FieldError(
        "credential",
        "passkey.already_registered",
        _("This passkey is already registered."),
    )
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise ValidationFailed([already])
    try:
        with transaction.atomic():
            passkey = Passkey.objects.create(
                user=user,
                name=clean_name,
                credential_id=credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=transports,
            )
            audit_record_create(
                actor=user,
                action="identity.passkey.register",
                object_type=OBJECT_TYPE,
                object_id=str(passkey.uuid),
                data={
                    "name": passkey.name,
                    "transports": transports,
                    "aaguid": verified.aaguid,
                    "user_verified": verified.user_verified,
                    "backed_up": verified.credential_backed_up,
                },
            )
            enrolled = second_factor_enrolled(session, user=user, passkey=passkey)
    except IntegrityError as error:  # the same credential registered concurrently
        raise ValidationFailed([already]) from error
    if enrolled:  # only once the passkey is committed
        session_confinement_lift(session)
    return passkey


# --- renaming and removing ----------------------------------------------------------------


def passkey_rename(*, user: User, passkey_uuid: Any, name: str) -> Passkey:
    """Give one of ``user``'s passkeys a new name (``passkey.name_length``; 404 otherwise)."""
    clean_name = _clean_name(name)
    with transaction.atomic():
        passkey = _owned(user, passkey_uuid)
        old_name = passkey.name
        passkey.name = clean_name
        passkey.save(update_fields=["name", "updated_at"])
        audit_record_create(
            actor=user,
            action="identity.passkey.rename",
            object_type=OBJECT_TYPE,
            object_id=str(passkey.uuid),
            data={"old_name": old_name, "name": clean_name},
        )
    return passkey


def passkey_delete(*, user: User, passkey_uuid: Any) -> None:
    """Remove one of ``user``'s passkeys (404 otherwise); it cannot sign in any more."""
    with transaction.atomic():
        passkey = _owned(user, passkey_uuid)
        audit_record_create(
            actor=user,
            action="identity.passkey.delete",
            object_type=OBJECT_TYPE,
            object_id=str(passkey.uuid),
            data={"name": passkey.name, "last_used_at": passkey.last_used_at},
        )
        passkey.delete()


# --- signing in ---------------------------------------------------------------------------


def _decoy(identifier: Identifier) -> PublicKeyCredentialDescriptor:
    """A made-up credential for an identifier without passkeys: the options look the same
    whether the account exists or not (the same decoy every time for one identifier)."""
    return PublicKeyCredentialDescriptor(
        id=bytes.fromhex(blind_index(identifier.index, kind="passkey_decoy"))
    )


def passkey_sign_in_options(
    *, session: SessionBase, identifier: str = "", context: ClientContext
) -> dict[str, Any]:
    """``PublicKeyCredentialRequestOptions`` (JSON form) for signing in.

    Without ``identifier`` the options name no credential: the browser offers the passkeys it
    holds for this site (discoverable credentials). With one (ID number, mobile number or user
    name) they list that account's passkeys. A locked identifier or address is refused here
    already (:class:`TooManyAttempts`, not recorded: nothing was tried yet).
    """
    from govhall.identity.selectors import user_find_by_identifier

    parsed = identifier_parse(identifier) if identifier.strip() else None
    sign_in_limits_check(identifier=parsed, user=None, context=context)
    allow: list[PublicKeyCredentialDescriptor] = []
    user = None
    if parsed is not None:
        user = user_find_by_identifier(identifier)
        if user is not None and user.is_active:
            allow = [_descriptor(passkey) for passkey in passkeys_for_user(user)]
        allow = allow or [_decoy(parsed)]
    rp = RelyingParty.from_settings()
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=CHALLENGE_TTL_SECONDS * 1000,
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _challenge_store(session, SESSION_SIGN_IN, options.challenge, user=user, identifier=parsed)
    return options_to_json_dict(options)


def _account_identifier(user: User) -> Identifier:
    """How an attempt names the account when the person typed nothing: the ID number's index
    (the same one password attempts with the ID number count on), else the user name's."""
    person = Person.objects.filter(user=user).only("id_number_index", "id_number_masked").first()
    if person is not None:
        return Identifier(KIND_ID_NUMBER, person.id_number_index, person.id_number_masked)
    return identifier_parse(user.get_username())


def _credential_lookup(credential: dict[str, Any]) -> Passkey | None:
    raw = credential.get("id")
    if not isinstance(raw, str) or not raw or len(raw) > 1400:
        return None
    try:
        credential_id = bytes_to_base64url(base64url_to_bytes(raw))
    except ValueError:
        return None
    return Passkey.objects.select_related("user").filter(credential_id=credential_id).first()


def _user_handle_matches(credential: dict[str, Any], user: User) -> bool:
    """A discoverable credential names its account in ``userHandle``; it must be the owner."""
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    if not handle:
        return True
    try:
        return isinstance(handle, str) and base64url_to_bytes(handle) == user.uuid.bytes
    except ValueError:
        return False


def _assertion_check(
    *,
    passkey: Passkey,
    challenge: str,
    credential: dict[str, Any],
    refuse: Callable[[str], None],
    succeeded: Callable[[VerifiedAuthentication], None],
    require_user_verification: bool = False,
) -> None:
    """Verify ``credential`` as ``passkey``'s signature over ``challenge`` and move its counter
    on; ``succeeded`` runs in the counter's transaction. A failure calls ``refuse(code)`` (to
    record it) and raises :class:`SignInRefused`."""
    rp = RelyingParty.from_settings()
    try:
        if not _user_handle_matches(credential, passkey.user):
            raise ValueError("userHandle names another account")
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origins,
            credential_public_key=bytes(passkey.public_key),
            # The counter is compared below, under a row lock, with its own error code.
            credential_current_sign_count=0,
        )
    except _MALFORMED as error:
        refuse("passkey.verification_failed")
        raise SignInRefused([_verification_failed()]) from error
    if require_user_verification and not verified.user_verified:
        refuse("passkey.user_verification_required")
        raise SignInRefused(
            [
                FieldError(
                    "credential",
                    "passkey.user_verification_required",
                    _(
                        "Staff accounts must unlock the passkey with its PIN, fingerprint or "
                        "face to sign in with it alone; or sign in with your password and "
                        "confirm with the passkey."
                    ),
                )
            ]
        )

    with transaction.atomic():
        locked = Passkey.objects.select_for_update(no_key=True).get(pk=passkey.pk)
        new_count = verified.new_sign_count
        rolled_back = (new_count > 0 or locked.sign_count > 0) and new_count <= locked.sign_count
        if not rolled_back:
            locked.sign_count = new_count
            locked.last_used_at = timezone.now()
            locked.save(update_fields=["sign_count", "last_used_at", "updated_at"])
            succeeded(verified)
    if rolled_back:
        refuse("passkey.counter_rollback")
        raise SignInRefused(
            [
                FieldError(
                    "credential",
                    "passkey.counter_rollback",
                    _(
                        "This passkey reported an older use count than before and may have "
                        "been copied; sign in another way and check your passkeys."
                    ),
                )
            ]
        )


def passkey_sign_in(
    *, session: SessionBase, credential: dict[str, Any], context: ClientContext
) -> User:
    """The account whose passkey signed the pending challenge; the caller starts the session.

    Every outcome is recorded as a ``passkey`` sign-in attempt (and audited). Raises
    :class:`TooManyAttempts` (``sign_in.locked``, ``sign_in.address_limited``) or
    :class:`SignInRefused` with ``passkey.challenge_missing``, ``passkey.challenge_expired``,
    ``passkey.unknown_credential`` (no such passkey, another account's than the one named, or a
    disabled account), ``passkey.verification_failed`` (bad signature, origin or RP ID) or
    ``passkey.counter_rollback`` (the signature counter did not increase: a cloned key?). Staff
    under the second-factor policy must be verified by the device (PIN, fingerprint, face):
    else ``passkey.user_verification_required``.
    """
    state, problem = _challenge_take(session, SESSION_SIGN_IN)
    named = Identifier(*state["identifier"]) if state and state["identifier"] else None

    def record(user: User | None, code: str = "", identifier: Identifier | None = None) -> None:
        sign_in_attempt_record(
            method=SignInMethod.PASSKEY,
            identifier=named or identifier,
            user=user,
            context=context,
            succeeded=not code,
            failure_code=code,
        )

    def guarded(user: User | None, identifier: Identifier | None) -> None:
        try:
            sign_in_limits_check(identifier=named or identifier, user=user, context=context)
        except TooManyAttempts as error:
            record(user, error.errors[0].code, identifier)
            raise

    guarded(None, None)
    if state is None:
        record(None, problem)
        raise SignInRefused([_challenge_error(problem)])

    passkey = _credential_lookup(credential)
    if (
        passkey is None
        or not passkey.user.is_active
        or (state["identifier"] is not None and state["user"] != str(passkey.user.uuid))
    ):
        record(None, "passkey.unknown_credential")
        raise SignInRefused(
            [
                FieldError(
                    "credential",
                    "passkey.unknown_credential",
                    _("This passkey is not registered here; sign in another way."),
                )
            ]
        )
    user = passkey.user
    account = _account_identifier(user)
    guarded(user, account)

    require_uv = second_factor_required(user)

    def succeeded(verified: VerifiedAuthentication) -> None:
        sign_in_attempt_record(
            method=SignInMethod.PASSKEY,
            identifier=named or account,
            user=user,
            context=context,
            succeeded=True,
            detail={"factors": ["passkey", FACTOR_USER_VERIFICATION]} if require_uv else None,
        )

    _assertion_check(
        passkey=passkey,
        challenge=state["challenge"],
        credential=credential,
        refuse=lambda code: record(user, code, account),
        succeeded=succeeded,
        require_user_verification=require_uv,
    )
    return user


# --- the second step of a staff sign-in -----------------------------------------------------


def _pending(session: SessionBase) -> PendingSignIn:
    pending, problem = pending_sign_in_read(session)
    if pending is None or problem:
        raise SignInRefused([pending_error(problem)])
    return pending


def passkey_second_factor_options(
    *, session: SessionBase, context: ClientContext
) -> dict[str, Any]:
    """``PublicKeyCredentialRequestOptions`` for confirming the pending sign-in: only the
    pending account's own passkeys are allowed. Raises :class:`SignInRefused`
    (``sign_in.pending_missing``, ``sign_in.pending_expired``) or :class:`TooManyAttempts`
    (not recorded: nothing was tried yet)."""
    pending = _pending(session)
    sign_in_limits_check(
        identifier=_account_identifier(pending.user), user=pending.user, context=context
    )
    rp = RelyingParty.from_settings()
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=CHALLENGE_TTL_SECONDS * 1000,
        allow_credentials=[_descriptor(passkey) for passkey in passkeys_for_user(pending.user)],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _challenge_store(session, SESSION_SECOND_FACTOR, options.challenge, user=pending.user)
    return options_to_json_dict(options)


def passkey_second_factor(
    *, session: SessionBase, credential: dict[str, Any], context: ClientContext
) -> PendingSignIn:
    """Confirm the pending sign-in with one of its account's own passkeys; the caller then
    starts the session. The pending sign-in is removed on success only (a failure may be
    retried until it expires or the limits lock the account).

    Every outcome is one sign-in attempt ``password+passkey`` / ``sms_code+passkey`` (audited
    with both factors), counted in the sign-in limits. Raises :class:`TooManyAttempts` or
    :class:`SignInRefused` with ``sign_in.pending_missing``, ``sign_in.pending_expired``,
    ``passkey.challenge_missing`` (also: a replayed answer), ``passkey.challenge_expired``,
    ``passkey.unknown_credential`` (not one of the account's passkeys),
    ``passkey.verification_failed`` or ``passkey.counter_rollback``.
    """
    pending, pending_problem = pending_sign_in_read(session)
    state, problem = _challenge_take(session, SESSION_SECOND_FACTOR)
    user = pending.user if pending is not None else None
    account = _account_identifier(user) if user is not None else None
    method = (
        WITH_PASSKEY.get(pending.method, SignInMethod.PASSKEY) if pending else SignInMethod.PASSKEY
    )
    factors = {"factors": [pending.method, "passkey"]} if pending else None

    def record(code: str = "") -> None:
        sign_in_attempt_record(
            method=method,
            identifier=account,
            user=user,
            context=context,
            succeeded=not code,
            failure_code=code,
            detail=factors,
        )

    try:
        sign_in_limits_check(identifier=account, user=user, context=context)
    except TooManyAttempts as error:
        record(error.errors[0].code)
        raise
    if pending is None or user is None or pending_problem:
        record(pending_problem)
        raise SignInRefused([pending_error(pending_problem)])
    if state is None or state["user"] != str(user.uuid):
        code = problem or "passkey.challenge_missing"
        record(code)
        raise SignInRefused([_challenge_error(code)])
    passkey = _credential_lookup(credential)
    if passkey is None or passkey.user_id != user.pk:
        record("passkey.unknown_credential")
        raise SignInRefused(
            [
                FieldError(
                    "credential",
                    "passkey.unknown_credential",
                    _("This passkey is not one of your account's passkeys; use one of yours."),
                )
            ]
        )
    _assertion_check(
        passkey=passkey,
        challenge=state["challenge"],
        credential=credential,
        refuse=record,
        succeeded=lambda verified: record(),
    )
    pending_sign_in_clear(session)
    return pending
