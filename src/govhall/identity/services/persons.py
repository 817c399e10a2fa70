"""Registering persons and reading their clear identifiers.

Clear ID and mobile numbers exist only in memory while a request runs: the database holds SM4
tokens, blind indexes and masked forms; audit records and logs carry masked forms only; and
every decryption for a caller is itself audited with its purpose.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from govhall.core import personal_data
from govhall.core.audit import audit_record_create
from govhall.core.errors import ErrorCollector, FieldError, ValidationFailed
from govhall.core.identifiers import check_id_number, mask_id_number, parse_id_number
from govhall.core.personal_data import (
    KIND_ID_NUMBER,
    KIND_MOBILE,
    KIND_SOCIAL_SECURITY,
    blind_index,
    mask_mobile,
)
from govhall.identity.identifiers import check_mobile
from govhall.identity.models import AssuranceLevel, Person, User

NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = 50
USERNAME_PREFIX = "p-"
#: Social security card numbers: the 18-character ID number in most provinces, older local
#: formats elsewhere (digits and capital letters).
SOCIAL_SECURITY_PATTERN = re.compile(r"[0-9A-Z]{9,20}")
OBJECT_TYPE = "person"

Actor = AbstractBaseUser | AnonymousUser | None


def _username(id_number_index: str) -> str:
    """The account name of a person: never the clear ID number."""
    return USERNAME_PREFIX + id_number_index[:16]


def _duplicate_errors(
    *, id_number_index: str | None, mobile_index: str | None, social_security_index: str = ""
) -> list[FieldError]:
    errors = []
    if id_number_index and (
        Person.objects.filter(id_number_index=id_number_index).exists()
        or User.objects.filter(username=_username(id_number_index)).exists()
    ):
        errors.append(
            FieldError(
                "id_number",
                "id_number.duplicate",
                _("A person with this ID number is already registered."),
            )
        )
    if (
        social_security_index
        and Person.objects.filter(social_security_index=social_security_index).exists()
    ):
        errors.append(
            FieldError(
                "social_security",
                "social_security.duplicate",
                _("This social security number is already registered to another person."),
            )
        )
    if mobile_index and Person.objects.filter(mobile_index=mobile_index).exists():
        errors.append(
            FieldError(
                "mobile",
                "mobile.duplicate",
                _("This mobile number is already registered to another person."),
            )
        )
    return errors


def person_register(
    *,
    name: str,
    id_number: str,
    mobile: str,
    password: str | None,
    social_security: str = "",
    actor: Actor = None,
) -> Person:
    """Create an account and its person profile at assurance level L0.

    Every field is checked and all problems are raised together (``ValidationFailed`` with
    ``name.length``, ``id_number.length|format|birth_date|checksum|duplicate``,
    ``mobile.format|duplicate``, ``social_security.format|duplicate``, ``password.weak``); on
    any problem nothing is created. The social security number is optional. A
    15-digit legacy ID number is upgraded to 18 digits. ``actor`` is the staff member who
    registers someone at a window; without one, the new account is the actor. ``password``
    ``None`` (a walk-in registered at a window) leaves the account without one: its holder
    signs in with an SMS code to the mobile number given.
    """
    errors = ErrorCollector()
    name = " ".join(name.split())
    if not NAME_MIN_LENGTH <= len(name) <= NAME_MAX_LENGTH:
        errors.add("name", "name.length", _("A name has 2 to 50 characters."))
    id_check = check_id_number(id_number)
    errors.extend(id_check.errors)
    mobile, mobile_error = check_mobile(mobile)
    mobile_ok = mobile_error is None
    if mobile_error is not None:
        errors.extend([mobile_error])
    try:
        if password is not None:
            validate_password(password, user=User(username="", first_name=name))
    except ValidationError as error:
        errors.add("password", "password.weak", " ".join(str(m) for m in error.messages))
    social_security = personal_data.normalize(social_security, kind=KIND_SOCIAL_SECURITY)
    social_security_index = ""
    if social_security:
        if SOCIAL_SECURITY_PATTERN.fullmatch(social_security):
            social_security_index = blind_index(social_security, kind=KIND_SOCIAL_SECURITY)
        else:
            errors.add(
                "social_security",
                "social_security.format",
                _("A social security number has 9 to 20 letters and digits."),
            )
    id_index = blind_index(id_check.value, kind=KIND_ID_NUMBER) if id_check.is_valid else None
    mobile_index = blind_index(mobile, kind=KIND_MOBILE) if mobile_ok else None
    errors.extend(
        _duplicate_errors(
            id_number_index=id_index,
            mobile_index=mobile_index,
            social_security_index=social_security_index,
        )
    )
    errors.raise_if_any()
    assert id_index is not None and mobile_index is not None

    facts = parse_id_number(id_check.value)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=_username(id_index), password=password, display_name=name
            )
            person = Person.objects.create(
                user=user,
                name=name,
                id_number_encrypted=personal_data.encrypt(id_check.value),
                id_number_index=id_index,
                id_number_masked=mask_id_number(id_check.value),
                birth_date=facts.birth_date,
                is_male=facts.is_male,
                mobile_encrypted=personal_data.encrypt(mobile),
                mobile_index=mobile_index,
                mobile_masked=mask_mobile(mobile),
                social_security_encrypted=(
                    personal_data.encrypt(social_security) if social_security else ""
                ),
                social_security_index=social_security_index,
                assurance_level=AssuranceLevel.L0,
            )
            audit_record_create(
                actor=actor if actor is not None and actor.is_authenticated else user,
                action="identity.person.register",
                object_type=OBJECT_TYPE,
                object_id=str(person.uuid),
                data={
                    "username": user.username,
                    "id_number": person.id_number_masked,
                    "mobile": person.mobile_masked,
                    "assurance_level": person.assurance_level,
                    "with_password": password is not None,
                },
            )
    except IntegrityError:
        # A concurrent registration won the race between the check and the insert.
        duplicates = _duplicate_errors(
            id_number_index=id_index,
            mobile_index=mobile_index,
            social_security_index=social_security_index,
        )
        if duplicates:
            raise ValidationFailed(duplicates) from None
        raise
    return person


def person_reveal_id_number(*, person: Person, actor: AbstractBaseUser, purpose: str) -> str:
    """The clear ID number of ``person``, recorded in the audit log with ``purpose``.

    The caller decides who may see it; this function makes sure every read leaves a record.
    """
    purpose = purpose.strip()
    if not purpose:
        raise ValidationFailed(
            [FieldError("purpose", "purpose.required", _("State why the ID number is needed."))]
        )
    with transaction.atomic():
        audit_record_create(
            actor=actor,
            action="identity.person.reveal_id_number",
            object_type=OBJECT_TYPE,
            object_id=str(person.uuid),
            data={"purpose": purpose, "id_number": person.id_number_masked},
        )
        return personal_data.decrypt(person.id_number_encrypted)


_ENCRYPTED_FIELDS = ("id_number_encrypted", "mobile_encrypted", "social_security_encrypted")


def persons_reencrypt(*, actor: Actor = None, batch_size: int = 500) -> int:
    """Move every person's tokens to the current key (key rotation); returns persons changed.

    Runs in batches, each in its own transaction with one audit record, so a long run can be
    interrupted and started again: tokens already under the current key are left alone.
    """
    current = personal_data.current_key_id()
    changed = 0
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.select_for_update(no_key=True)
                .filter(id__gt=last_id)
                .order_by("id")
                .only("id", "uuid", *_ENCRYPTED_FIELDS)[:batch_size]
            )
            if not batch:
                return changed
            last_id = batch[-1].id
            stale = []
            for person in batch:
                updated = False
                for field_name in _ENCRYPTED_FIELDS:
                    token = getattr(person, field_name)
                    if token and personal_data.key_id_of(token) != current:
                        setattr(person, field_name, personal_data.reencrypt(token))
                        updated = True
                if updated:
                    stale.append(person)
            if stale:
                Person.objects.bulk_update(stale, list(_ENCRYPTED_FIELDS))
                audit_record_create(
                    actor=actor,
                    action="identity.person.reencrypt",
                    object_type=OBJECT_TYPE,
                    object_id=str(stale[0].uuid),
                    data={"key_id": current, "persons": [str(p.uuid) for p in stale]},
                )
                changed += len(stale)
