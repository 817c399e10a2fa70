"""The problem document (RFC 9457) that every API error is, and how an operation declares in
the OpenAPI document which errors it answers with.

The API adds what any operation of a kind may answer (401 and 403 for a signed-in one, 400 and
422 for one that takes input); each operation names the rest with ``openapi_extra=problems(…)``,
so that clients and the schema fuzz test know every status code an operation can send.
"""

from __future__ import annotations

from typing import Any

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
    503: "An outside system (a data source, a signing device) is unavailable",
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
