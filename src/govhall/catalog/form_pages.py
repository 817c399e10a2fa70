"""An application form on a page: the values a page posted and the rows a template draws.

The citizen's apply page (portal) and the clerk's window intake (workbench) draw the same form
of a guide version with ``catalog/_form_fields.html``; both read what was posted the same way
(``f_<name>`` inputs, a checkbox absent when unticked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from govhall.catalog.application_forms import FormField, FormSchema, form_schema_parse
from govhall.core.errors import FieldError, ValidationFailed

INPUT_PREFIX = "f_"


def form_values_posted(schema: FormSchema, post: Mapping[str, Any]) -> dict[str, Any]:
    """What the page posted for the form's own fields (checkboxes absent when unticked)."""
    values: dict[str, Any] = {}
    for field in schema.fields:
        key = f"{INPUT_PREFIX}{field.name}"
        if field.type == "boolean":
            values[field.name] = key in post
        elif key in post:
            values[field.name] = post[key]
    return values


def form_rows(
    schema: FormSchema, values: dict[str, Any], errors: list[FieldError]
) -> list[dict[str, Any]]:
    """The visible fields (conditions applied to the values so far) with value and error."""
    by_field = {e.field: str(e.message) for e in errors}
    cleaned = schema.clean(values, partial=True).values
    return [
        {
            "field": field,
            "value": values.get(field.name, ""),
            "error": by_field.get(field.key, ""),
            "input_id": f"id_{INPUT_PREFIX}{field.name}",
        }
        for field in schema.visible_fields(cleaned)
    ]


@dataclass(frozen=True, slots=True)
class Answer:
    label: str
    value: str


def answers_shown(form: dict[str, Any], data: Any) -> list[Answer]:
    """Values given under a form, labelled and in the form's order, as people read them
    (choices by their labels, yes/no, "—" for nothing); values the form does not name are
    kept under their own names, so nothing of a record is left out. Used by the case page,
    the archived application record and a license's face."""
    try:
        schema = form_schema_parse(form, prefix="form")
    except ValidationFailed:
        schema = FormSchema()
    values: dict[str, Any] = data if isinstance(data, dict) else {}
    rows = [
        Answer(field.display_label, _shown(field, values[field.name]))
        for field in schema.fields
        if field.name in values
    ]
    rows.extend(
        Answer(name, str(value)) for name, value in values.items() if not schema.field(name)
    )
    return rows


def _shown(field: FormField, value: Any) -> str:
    if field.type == "boolean":
        return gettext("Yes") if value else gettext("No")
    if field.type == "choice":
        return next((c.display for c in field.choices if c.value == value), str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "—" if value is None or value == "" else str(value)
