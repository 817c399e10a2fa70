"""Saving only the columns a service changed.

A case row carries its ~10 KB process state and the applicant's form; rewriting every column on
each action costs statement building, WAL and network for nothing. A service takes a
:class:`FieldSnapshot` right after it locks the row and saves with :func:`save_changed`: the
columns whose values differ are written (with ``updated_at``), whatever code in between changed
them, so a new effect can never be lost by a forgotten ``update_fields`` entry.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import models


class FieldSnapshot:
    """The concrete field values of one instance at one moment (mutable values copied)."""

    __slots__ = ("_values",)

    def __init__(self, instance: models.Model) -> None:
        self._values: dict[str, Any] = {
            field.attname: copy.deepcopy(getattr(instance, field.attname))
            for field in instance._meta.concrete_fields
            if not field.primary_key
        }

    def changed(self, instance: models.Model) -> list[str]:
        """The names of the fields whose value is no longer the one in the snapshot."""
        return [
            instance._meta.get_field(attname).name
            for attname, before in self._values.items()
            if getattr(instance, attname) != before
        ]


def save_changed(instance: models.Model, snapshot: FieldSnapshot) -> list[str]:
    """Write the fields changed since ``snapshot`` (and ``updated_at`` when the model has one);
    returns what was written (nothing when nothing changed)."""
    fields = snapshot.changed(instance)
    if not fields:
        return []
    if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
        fields = [*dict.fromkeys([*fields, "updated_at"])]
    instance.save(update_fields=fields)
    return fields
