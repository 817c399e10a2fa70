"""The second factor for staff (等保 身份鉴别: two factors, one cryptographic, for administrators).

Policy ``GOVHALL["STAFF_SECOND_FACTOR"]`` (on in the production profile). Under it, a *staff
account* — :func:`staff_account`: ``is_staff``, ``is_superuser``, a member of a group (the
roles of :data:`govhall.identity.roles.ROLES` are groups) or holding a permission directly —
is signed in only once two factors are proven:

* a password or an SMS code, then one of the account's **own** passkeys (the second step,
  ``govhall.identity.services.passkeys.passkey_second_factor``). Between the two, the session
  holds a *pending sign-in* (:data:`SESSION_PENDING`: the account, the first method, where to go
  next) for :data:`PENDING_TTL_SECONDS`; nobody is signed in yet;
* or a passkey alone with user verification (something you have, unlocked by something you know
  or are), which ``passkey_sign_in`` then requires of staff;
* an account without a passkey is signed in *confined* (:data:`SESSION_ENROL`): only the passkey
  enrolment page, the registration calls and signing out work (``identity.middleware``) until it
  registers one, which lifts the confinement. That first passkey is trusted on first use.

A session records what its sign-in proved in :data:`SESSION_FACTORS`; two of them, or a lifted
confinement, make :func:`session_two_factors` true, which creating an access token also needs
(and the session must be the token owner's own).
This module keeps the session state and the rules; the pages and endpoints call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core.audit import audit_record_create
from govhall.core.errors import FieldError, ValidationFailed
from govhall.identity.models import Passkey, User
from govhall.identity.selectors import passkeys_for_user

#: How long a pending sign-in waits for its second factor.
PENDING_TTL_SECONDS = 300
SESSION_PENDING = "govhall.sign_in.pending"
SESSION_FACTORS = "govhall.sign_in.factors"
SESSION_ENROL = "govhall.sign_in.enrol_passkey"
#: What :func:`second_factor_step` answers.
STEP_NONE = ""
STEP_PASSKEY = "passkey"
STEP_ENROL = "enrol"
#: A session's factor that is not a sign-in method: a passkey registered while confined.
FACTOR_ENROLMENT = "passkey_enrolment"
FACTOR_USER_VERIFICATION = "user_verification"


class SecondFactorRequired(ValidationFailed):
    """403: staff must pass the second factor first (``sign_in.second_factor_required``)."""

    status = 403
    title = _("Second factor required")


def second_factor_error() -> SecondFactorRequired:
    return SecondFactorRequired(
        [
            FieldError(
                "sign_in",
                "sign_in.second_factor_required",
                _(
                    "Staff accounts must confirm their sign-in with a passkey first; add a "
                    "passkey to your account, or sign in again with your passkey."
                ),
            )
        ]
    )


def policy_on() -> bool:
    """``GOVHALL["STAFF_SECOND_FACTOR"]``: set by conf/base.py (off) and conf/production.py (on)."""
    return bool(settings.GOVHALL.get("STAFF_SECOND_FACTOR", False))


def staff_account(user: Any) -> bool:
    """Staff for this policy: workbench or admin access, superusers, any group (the staff
    roles are groups) or any permission given to the account directly — whoever may do more
    than a citizen confirms with a second factor."""
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        return False
    if user.is_staff or user.is_superuser:
        return True
    # One query on every request of a signed-in citizen (the middleware asks), not two.
    rights = Q(groups__isnull=False) | Q(user_permissions__isnull=False)
    return User.objects.filter(rights, pk=user.pk).exists()


def second_factor_required(user: Any) -> bool:
    return policy_on() and staff_account(user)


def second_factor_step(user: User) -> str:
    """After a password or an SMS code: :data:`STEP_PASSKEY` (confirm with a passkey),
    :data:`STEP_ENROL` (no passkey yet: signed in confined) or :data:`STEP_NONE`."""
    if not second_factor_required(user):
        return STEP_NONE
    return STEP_PASSKEY if passkeys_for_user(user).exists() else STEP_ENROL


# --- the pending sign-in ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    user: User
    method: str  # the first factor: a SignInMethod value
    next_url: str
    started_at: float


def pending_sign_in_start(session: SessionBase, *, user: User, method: str, next_url: str) -> None:
    session[SESSION_PENDING] = {
        "user": str(user.uuid),
        "method": method,
        "next": next_url,
        "started_at": timezone.now().timestamp(),
    }


def pending_sign_in_read(session: SessionBase) -> tuple[PendingSignIn | None, str]:
    """The pending sign-in and an error code: ``sign_in.pending_missing`` (none, or its account
    is gone or disabled) or ``sign_in.pending_expired`` (then the pending sign-in is returned
    too, so the refusal can be recorded against its account, and removed from the session)."""
    state = session.get(SESSION_PENDING)
    if not isinstance(state, dict):
        return None, "sign_in.pending_missing"
    user = User.objects.filter(uuid=str(state.get("user", "")), is_active=True).first()
    if user is None:
        session.pop(SESSION_PENDING, None)
        return None, "sign_in.pending_missing"
    pending = PendingSignIn(
        user=user,
        method=str(state.get("method", "")),
        next_url=str(state.get("next", "")),
        started_at=float(state.get("started_at", 0)),
    )
    if pending.started_at + PENDING_TTL_SECONDS <= timezone.now().timestamp():
        session.pop(SESSION_PENDING, None)
        return pending, "sign_in.pending_expired"
    return pending, ""


def pending_sign_in_clear(session: SessionBase) -> None:
    session.pop(SESSION_PENDING, None)


def pending_error(code: str) -> FieldError:
    if code == "sign_in.pending_expired":
        message = _("The sign-in has waited too long for its second step; sign in again.")
    else:
        message = _("There is no sign-in waiting for a second step; sign in first.")
    return FieldError("sign_in", code, message)


# --- the signed-in session ----------------------------------------------------------------


def session_factors_set(session: SessionBase, factors: list[str]) -> None:
    session[SESSION_FACTORS] = list(factors)


def session_two_factors(session: SessionBase) -> bool:
    factors = session.get(SESSION_FACTORS) or []
    return isinstance(factors, list) and len(set(factors)) >= 2


def session_confine(session: SessionBase) -> None:
    session[SESSION_ENROL] = True


def session_confined(session: SessionBase) -> bool:
    return session.get(SESSION_ENROL) is True


def second_factor_enrolled(session: SessionBase, *, user: User, passkey: Passkey) -> bool:
    """Record that the confined ``user`` registered ``passkey`` (call inside the registration's
    transaction: the audit record goes with it). Returns whether the session was confined: the
    caller then lifts the confinement with :func:`session_confinement_lift` once the passkey is
    committed — never a session with two factors and no passkey stored."""
    if not session_confined(session):
        return False
    audit_record_create(
        actor=user,
        action="identity.second_factor.enrolled",
        object_type="passkey",
        object_id=str(passkey.uuid),
        data={
            "first_factor": [str(f) for f in session.get(SESSION_FACTORS) or []],
            "trust": "first_use",
        },
    )
    return True


def session_confinement_lift(session: SessionBase) -> None:
    """The confined session's enrolment is committed: it now counts two factors."""
    factors = [str(f) for f in session.get(SESSION_FACTORS) or []]
    session.pop(SESSION_ENROL, None)
    session_factors_set(session, [*factors, FACTOR_ENROLMENT])


def second_factor_check(session: SessionBase, user: Any) -> None:
    """Raise :class:`SecondFactorRequired` unless ``user`` needs no second factor or this
    session is ``user``'s own and its sign-in passed it (e.g. before creating an access token).

    The session must be ``user``'s: a request authenticated by a bearer token may carry the
    cookie of someone else's two-factor session, which proves nothing about the token's owner.
    """
    if not second_factor_required(user):
        return
    if session.get(SESSION_KEY) != str(user.pk) or not session_two_factors(session):
        raise second_factor_error()
