"""Identity endpoints: a person registers, and reads their own profile."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth

from govhall.core.errors import NotFound
from govhall.identity.models import Person
from govhall.identity.selectors import person_for_user
from govhall.identity.services import person_register

router = Router(tags=["identity"])


class RegisterIn(Schema):
    name: str
    id_number: str
    mobile: str
    password: str


class PersonOut(Schema):
    uuid: uuid.UUID
    name: str
    id_number_masked: str
    mobile_masked: str
    assurance_level: int


def _person_out(person: Person) -> PersonOut:
    return PersonOut(
        uuid=person.uuid,
        name=person.name,
        id_number_masked=person.id_number_masked,
        mobile_masked=person.mobile_masked,
        assurance_level=person.assurance_level,
    )


@router.post(
    "/register",
    response={201: PersonOut},
    auth=None,
    summary="Register a person",
    description=(
        "Anyone, without signing in. Creates an account and a person profile at assurance "
        "level 0 (not verified); ID and mobile numbers come back masked only. 422 lists every "
        "invalid field with a stable code: name.length, id_number.length, id_number.format, "
        "id_number.birth_date, id_number.checksum, id_number.duplicate, mobile.format, "
        "mobile.duplicate, password.weak. Does not sign the person in."
    ),
)
def register(request: HttpRequest, payload: RegisterIn) -> Status[PersonOut]:
    person = person_register(
        name=payload.name,
        id_number=payload.id_number,
        mobile=payload.mobile,
        password=payload.password,
    )
    return Status(201, _person_out(person))


@router.get(
    "/me",
    response=PersonOut,
    auth=django_auth,
    summary="The signed-in person's profile",
    description=(
        "A signed-in person (session cookie); 401 when not signed in, 404 when the account "
        "has no person profile (e.g. staff). Identifiers are masked."
    ),
)
def me(request: HttpRequest) -> PersonOut:
    person = person_for_user(request.user)
    if person is None:
        raise NotFound(_("This account has no person profile."))
    return _person_out(person)
