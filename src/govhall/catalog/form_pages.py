"""An application form on a page: the values a page posted and the rows a template draws.

The citizen's apply page (portal) and the clerk's window intake (workbench) draw the same form
of a guide version with ``catalog/_form_fields.html``; both read what was posted the same way
(``f_<name>`` inputs, a checkbox absent when unticked).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govhall.catalog.application_forms import FormSchema
from govhall.core.errors import FieldError

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
