"""Raising a person's assurance level, and recording how (L1 SMS, L2 population source, L3 in
person). A level never goes down here; each step leaves an ``AssuranceEvent`` and an audit
record in the same transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils.translation import gettext

from govhall.core import personal_data
from govhall.core.audit import actor_label, audit_record_create
from govhall.core.errors import (
    FieldError,
    PermissionDenied,
    SourceUnavailableError,
    ValidationFailed,
)
from govhall.identity.models import AssuranceEvent, AssuranceLevel, AssuranceMethod, Person
from govhall.identity.sources.base import SourceUnavailable
from govhall.identity.sources.registry import population_source

Actor = AbstractBaseUser | AnonymousUser | None


def assurance_raise(
    *, person: Person, level: int, method: str, actor: Actor, detail: dict[str, Any]
) -> AssuranceEvent:
    """Record that ``person`` reached ``level`` by ``method``; the level only goes up."""
    with transaction.atomic():
        locked = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        event = AssuranceEvent.objects.create(
            person=locked, level=level, method=method, actor_label=actor_label(actor), detail=detail
        )
        if level > locked.assurance_level:
            locked.assurance_level = level
            locked.save(update_fields=["assurance_level", "updated_at"])
        person.assurance_level = locked.assurance_level
        audit_record_create(
            actor=actor,
            action="identity.person.assurance",
            object_type="person",
            object_id=str(person.uuid),
            data={"level": level, "method": method, "now": locked.assurance_level, **detail},
        )
    return event


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def person_verify_with_population_source(*, person: Person, actor: Actor) -> AssuranceEvent:
    """L2: the name and ID number match a living person in the population source.

    Errors: ``id_number.unknown``, ``name.mismatch``, ``person.deceased`` (422) and
    ``population_source.unavailable`` (503: nothing is concluded from a source that is down).
    """
    source = population_source()
    id_number = personal_data.decrypt(person.id_number_encrypted)
    try:
        record = source.person(id_number)
    except SourceUnavailable as error:
        raise SourceUnavailableError(
            [
                FieldError(
                    "id_number",
                    "population_source.unavailable",
                    gettext("The population information source cannot be reached; try later."),
                )
            ]
        ) from error
    if record is None:
        raise ValidationFailed(
            [
                FieldError(
                    "id_number",
                    "id_number.unknown",
                    gettext("The population source does not know this ID number."),
                )
            ]
        )
    if not _same_name(record.name, person.name):
        raise ValidationFailed(
            [
                FieldError(
                    "name",
                    "name.mismatch",
                    gettext("The name does not match the population source."),
                )
            ]
        )
    if not record.is_alive:
        raise ValidationFailed(
            [
                FieldError(
                    "id_number",
                    "person.deceased",
                    gettext("The population source records this person as deceased."),
                )
            ]
        )
    return assurance_raise(
        person=person,
        level=AssuranceLevel.L2,
        method=AssuranceMethod.POPULATION_SOURCE,
        actor=actor,
        detail={"source": source.name, "residence": record.residence_region_code},
    )


def person_verify_in_person(
    *, person: Person, actor: AbstractBaseUser, document: str, note: str = ""
) -> AssuranceEvent:
    """L3: a staff member with ``identity.verify_in_person`` saw the person and their
    identity document at a window. ``document`` names what was checked (e.g. 居民身份证)."""
    if not actor.has_perm("identity.verify_in_person"):  # type: ignore[attr-defined]
        raise PermissionDenied(gettext("Only identity officers can verify persons in person."))
    document = document.strip()
    if not document:
        raise ValidationFailed(
            [
                FieldError(
                    "document",
                    "document.required",
                    gettext("Name the identity document that was checked."),
                )
            ]
        )
    return assurance_raise(
        person=person,
        level=AssuranceLevel.L3,
        method=AssuranceMethod.WINDOW,
        actor=actor,
        detail={"document": document[:100], "note": note.strip()[:200]},
    )
