"""Identity reads. Look-ups by a personal identifier go through its blind index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from govhall.core.personal_data import KIND_ID_NUMBER, blind_index
from govhall.identity.identifiers import KIND_USERNAME, identifier_parse
from govhall.identity.models import (
    AssuranceEvent,
    Mandate,
    Organization,
    Passkey,
    Person,
    PersonalAccessToken,
    SignInAttempt,
    User,
)

if TYPE_CHECKING:
    from govhall.identity.oidc.selectors import ConnectedSystemSummary


def person_find_by_id_number(id_number: str) -> Person | None:
    """The person with this ID number (18-digit or 15-digit legacy form), or ``None``."""
    if not id_number.strip():
        return None
    index = blind_index(id_number, kind=KIND_ID_NUMBER)
    return Person.objects.select_related("user").filter(id_number_index=index).first()


def person_for_user(user: AbstractBaseUser | AnonymousUser) -> Person | None:
    """The person profile of a signed-in account, or ``None`` (staff, anonymous)."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user_id=user.pk).first()


def user_find_by_identifier(identifier: str) -> User | None:
    """The account named by a mobile number, an ID number (either form) or a user name."""
    parsed = identifier_parse(identifier)
    if parsed.kind == KIND_USERNAME:
        return User.objects.filter(username__iexact=identifier.strip()).first()
    field = "person__id_number_index" if parsed.kind == KIND_ID_NUMBER else "person__mobile_index"
    return User.objects.filter(**{field: parsed.index}).first()


@dataclass(frozen=True, slots=True)
class AccountOverview:
    """What a person sees about their own account (个人中心)."""

    user: User
    person: Person | None
    assurance_events: list[AssuranceEvent]
    sign_ins: list[SignInAttempt]
    connected_systems: list[ConnectedSystemSummary]
    passkeys: list[Passkey]
    tokens: list[PersonalAccessToken]
    organizations: list[Organization]
    mandates_given: list[Mandate]
    mandates_held: list[Mandate]


HISTORY_LENGTH = 20


def sign_ins_for(user: User) -> list[SignInAttempt]:
    """The account's last attempts, newest first."""
    return list(SignInAttempt.objects.filter(user=user)[:HISTORY_LENGTH])


def tokens_for(user: User) -> list[PersonalAccessToken]:
    return list(PersonalAccessToken.objects.filter(user=user))


def passkeys_for_user(user: User) -> QuerySet[Passkey]:
    """The account's passkeys, oldest first (the order the account page lists them in)."""
    return Passkey.objects.filter(user=user).order_by("created_at", "id")


def organizations_represented(person: Person | None) -> list[Organization]:
    """Organizations naming ``person`` as legal representative, by credit code."""
    if person is None:
        return []
    return list(Organization.objects.filter(legal_representative=person).order_by("credit_code"))


def _mandates() -> QuerySet[Mandate]:
    return Mandate.objects.select_related(
        "agent", "principal_person", "principal_organization"
    ).order_by("-created_at")


def mandates_given(person: Person | None, organizations: list[Organization]) -> list[Mandate]:
    """Mandates the person gave, for themself or for an organization they represent."""
    if person is None:
        return []
    return list(
        _mandates().filter(Q(principal_person=person) | Q(principal_organization__in=organizations))
    )


def mandates_held(person: Person | None) -> list[Mandate]:
    return list(_mandates().filter(agent=person)) if person else []


def account_overview(user: AbstractBaseUser | AnonymousUser) -> AccountOverview:
    from govhall.identity.oidc.selectors import connected_systems_for_user

    assert isinstance(user, User)
    person = Person.objects.filter(user=user).first()
    organizations = organizations_represented(person)
    return AccountOverview(
        user=user,
        person=person,
        assurance_events=list(person.assurance_events.order_by("-occurred_at")) if person else [],
        sign_ins=sign_ins_for(user),
        connected_systems=connected_systems_for_user(user),
        passkeys=list(passkeys_for_user(user)),
        tokens=tokens_for(user),
        organizations=organizations,
        mandates_given=mandates_given(person, organizations),
        mandates_held=mandates_held(person),
    )
