"""Identity reads. Look-ups by a personal identifier go through its blind index."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from govhall.core.personal_data import KIND_ID_NUMBER, blind_index
from govhall.identity.identifiers import KIND_USERNAME, identifier_parse
from govhall.identity.models import Person, User


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
