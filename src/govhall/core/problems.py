"""The problem document (RFC 9457) that every API error is, and how an operation declares in
the OpenAPI document which errors it answers with.

The API adds what any operation of a kind may answer (401 and 403 for a signed-in one, 400 and
422 for one that takes input, 503 for every one: the database may be down, core/outages.py);
each operation names the rest with ``openapi_extra=problems(…)``, so that clients and the
schema fuzz test know every status code an operation can send.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

PROBLEM_JSON = "application/problem+json"
PROBLEM_SCHEMA_NAME = "Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": PROBLEM_SCHEMA_NAME,
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string", "description": "Stable, e.g. region.unknown."},
                    "message": {"type": "string", "description": "Translated."},
                },
                "required": ["field", "code", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "errors"],
}
DESCRIPTIONS = {
    400: "The body could not be parsed",
    401: "Not signed in, or the sign-in was refused",
    403: "Not allowed, or the session's CSRF token is missing",
    404: "No such object, or not one the caller may see",
    409: "The object's state does not allow it",
    422: "Invalid input: errors lists a stable code per field",
    429: "Too many attempts: Retry-After says when to try again",
    503: (
        "Temporarily unavailable: the database (service.database_unavailable), its storage "
        "(service.storage_full) or an outside system (a data source, a signing device); "
        "Retry-After says when to try again"
    ),
}


def problem_response(status: int) -> dict[str, Any]:
    """The OpenAPI response object of a problem document with ``status``."""
    return {
        "description": DESCRIPTIONS[status],
        "content": {
            PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"}}
        },
    }


def problems(*statuses: int) -> dict[str, Any]:
    """``openapi_extra`` of an operation that also answers ``statuses`` with a problem."""
    return {"responses": {status: problem_response(status) for status in statuses}}


def problem_document(
    status: int, title: str, detail: str, errors: list[dict[str, str]]
) -> HttpResponse:
    """An RFC 9457 problem document."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON
    )
