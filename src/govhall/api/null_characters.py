"""No API input may contain a null character (U+0000).

PostgreSQL cannot store or even compare text with one: a query with it fails with a server
error instead of an answer (SQLite let it through, so only PostgreSQL showed it). Django's
forms refuse it in every ``CharField``; this decorator does the same for every API operation,
after ninja has parsed the input and before the view runs: 422 with ``<field>.null_character``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from pydantic import BaseModel

from govhall.core.errors import FieldError, ValidationFailed

NULL = "\x00"


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _fields_with_null(value: Any, field: str) -> Iterator[str]:
    if isinstance(value, str):
        if NULL in value:
            yield field
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _fields_with_null(getattr(value, name), _join(field, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            if NULL in str(key):
                yield _join(field, "")
            yield from _fields_with_null(item, _join(field, str(key)))
    elif isinstance(value, list | tuple | set):
        for index, item in enumerate(value):
            yield from _fields_with_null(item, _join(field, str(index)))
    elif isinstance(value, UploadedFile) and NULL in (value.name or ""):
        yield field


def refuse_null_characters(view: Callable[..., Any]) -> Callable[..., Any]:
    """An operation decorator (``api.add_decorator``): the parsed values arrive as keyword
    arguments; a body or query schema's fields are named as the client sent them."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **values: Any) -> Any:
        fields = [
            field
            for name, value in values.items()
            for field in _fields_with_null(value, "" if isinstance(value, BaseModel) else name)
        ]
        if fields:
            raise ValidationFailed(
                [
                    FieldError(
                        field or "request",
                        f"{field or 'request'}.null_character",
                        _("Null characters are not allowed."),
                    )
                    for field in dict.fromkeys(fields)
                ]
            )
        return view(request, *args, **values)

    return checked
