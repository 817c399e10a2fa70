"""Identity reads. Look-ups by a personal identifier go through its blind index."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from govhall.core.personal_data import KIND_ID_NUMBER, blind_index
from govhall.identity.identifiers import KIND_USERNAME, identifier_parse
from govhall.identity.models import (
    AssuranceEvent,
    ConnectedSystem,
    Mandate,
    Organization,
    Passkey,
    Person,
    PersonalAccessToken,
    SignInAttempt,
    User,
)


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
    connected_systems: list[ConnectedSystem]
    passkeys: list[Passkey]
    tokens: list[PersonalAccessToken]
    organizations: list[Organization]
    mandates_given: list[Mandate]
    mandates_held: list[Mandate]


HISTORY_LENGTH = 20


def account_overview(user: AbstractBaseUser | AnonymousUser) -> AccountOverview:
    assert isinstance(user, User)
    account = user
    person = Person.objects.filter(user=account).first()
    mandates = Mandate.objects.select_related(
        "agent", "principal_person", "principal_organization"
    ).order_by("-created_at")
    organizations = list(Organization.objects.filter(legal_representative=person)) if person else []
    return AccountOverview(
        user=account,
        person=person,
        assurance_events=list(person.assurance_events.order_by("-occurred_at")) if person else [],
        sign_ins=list(SignInAttempt.objects.filter(user=account)[:HISTORY_LENGTH]),
        connected_systems=list(
            ConnectedSystem.objects.filter(user=account).select_related("application")
        ),
        passkeys=list(Passkey.objects.filter(user=account)),
        tokens=list(PersonalAccessToken.objects.filter(user=account)),
        organizations=organizations,
        mandates_given=list(
            mandates.filter(
                Q(principal_person=person) | Q(principal_organization__in=organizations)
            )
        )
        if person
        else [],
        mandates_held=list(mandates.filter(agent=person)) if person else [],
    )
