"""What govhall tells a relying party about a person, claim by claim, scope by scope.

A claim is released only when the token carries the scope that asks for it (``CLAIM_SCOPES``)
— and a token carries a scope only when the person agreed to it on the consent page (see
``CONSENT_REQUIRED_SCOPES`` in the validator for systems that skip the page).

The ID token carries the subject and the ``profile`` claims only. Identifiers (masked or full
ID number, mobile number, credit codes) come from the userinfo endpoint alone: an ID token
is kept by relying parties and travels back through the browser as ``id_token_hint`` when
they log out, so it must not hold a clear identifier. Each userinfo answer with a clear ID or
mobile number is audited (services.oidc_*_release).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from govhall.identity.models import Person, User
from govhall.identity.oidc.selectors import credit_codes_represented_by
from govhall.identity.oidc.services import oidc_id_number_release, oidc_phone_number_release
from govhall.identity.oidc.subjects import pairwise_subject
from govhall.identity.selectors import person_for_user

SCOPE_OPENID = "openid"
SCOPE_PROFILE = "profile"
SCOPE_ID_NUMBER_MASKED = "id_number_masked"
SCOPE_ID_NUMBER = "id_number"
SCOPE_PHONE = "phone"
SCOPE_CREDIT_CODE = "credit_code"

#: Every scope that describes a person (a client-credentials token may carry none of them).
USER_SCOPES = frozenset(
    {
        SCOPE_OPENID,
        SCOPE_PROFILE,
        SCOPE_ID_NUMBER_MASKED,
        SCOPE_ID_NUMBER,
        SCOPE_PHONE,
        SCOPE_CREDIT_CODE,
    }
)
#: Scopes released only after the person said yes on the consent page.
CONSENT_REQUIRED_SCOPES = frozenset(
    {SCOPE_ID_NUMBER_MASKED, SCOPE_ID_NUMBER, SCOPE_PHONE, SCOPE_CREDIT_CODE}
)

#: Claim → the scope that releases it (DOT's ``oidc_claim_scope``); also discovery's list.
CLAIM_SCOPES: dict[str, str] = {
    "sub": SCOPE_OPENID,
    "name": SCOPE_PROFILE,
    "identity_type": SCOPE_PROFILE,
    "assurance_level": SCOPE_PROFILE,
    "id_number_masked": SCOPE_ID_NUMBER_MASKED,
    "id_number": SCOPE_ID_NUMBER,
    "phone_number": SCOPE_PHONE,
    "credit_codes": SCOPE_CREDIT_CODE,
}
ID_TOKEN_CLAIMS = frozenset({"sub", "name", "identity_type", "assurance_level"})

IDENTITY_PERSON = "person"
IDENTITY_ORGANIZATION = "organization"
IDENTITY_STAFF = "staff"


@dataclass(frozen=True, slots=True)
class ClaimSubject:
    """The account a token speaks for, the person behind it if any, and who is asking."""

    user: User
    person: Person | None
    client_id: str


def identity_type(user: User, person: Person | None) -> str:
    """``person`` with a person profile, else ``staff`` for staff, else ``organization``.

    Accounts with neither a person profile nor staff status are the ones kept for legal
    persons; a clerk who also registered as a person signs in to other systems as a person.
    """
    if person is not None:
        return IDENTITY_PERSON
    return IDENTITY_STAFF if user.is_staff else IDENTITY_ORGANIZATION


def _name(s: ClaimSubject) -> str:
    if s.person is not None:
        return s.person.name
    return s.user.display_name or s.user.get_full_name() or s.user.get_username()


def _id_number(s: ClaimSubject) -> str | None:
    if s.person is None:
        return None
    return oidc_id_number_release(person=s.person, client_id=s.client_id)


def _phone_number(s: ClaimSubject) -> str | None:
    if s.person is None:
        return None
    return oidc_phone_number_release(person=s.person, client_id=s.client_id)


_CLAIMS: dict[str, Callable[[ClaimSubject], Any]] = {
    "sub": lambda s: pairwise_subject(client_id=s.client_id, user_uuid=s.user.uuid),
    "name": _name,
    "identity_type": lambda s: identity_type(s.user, s.person),
    "assurance_level": lambda s: int(s.person.assurance_level) if s.person else 0,
    "id_number_masked": lambda s: s.person.id_number_masked if s.person else None,
    "id_number": _id_number,
    "phone_number": _phone_number,
    "credit_codes": lambda s: credit_codes_represented_by(s.person) if s.person else [],
}


def claims_for(
    *, user: User, client_id: str, scopes: Collection[str], claim_names: Collection[str]
) -> dict[str, Any]:
    """The claims among ``claim_names`` that ``scopes`` release, for ``client_id``.

    A claim without a value (no ID number for a staff account) is left out, as OpenID
    Connect asks. Only released claims are computed, so an identifier is decrypted (and the
    release audited) only when it is actually handed out.
    """
    granted = set(scopes)
    wanted = [c for c in _CLAIMS if c in claim_names and CLAIM_SCOPES[c] in granted]
    if not wanted:
        return {}
    person = person_for_user(user) if wanted != ["sub"] else None
    subject = ClaimSubject(user=user, person=person, client_id=client_id)
    claims: dict[str, Any] = {}
    for claim in wanted:
        value = _CLAIMS[claim](subject)
        if value is not None:
            claims[claim] = value
    return claims
