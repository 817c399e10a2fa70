"""The one NinjaAPI instance: routers of every domain app, problem+json errors, UTF-8 JSON."""

from __future__ import annotations

import json
from typing import Any

from django.db import Error as DjangoDatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from govhall.api.null_characters import refuse_null_characters
from govhall.cases.api import router as cases_router
from govhall.catalog.api import router as catalog_router
from govhall.core.api import router as core_router
from govhall.core.errors import DomainError, TooManyAttempts, ValidationFailed
from govhall.core.outages import outage_answer, outage_of
from govhall.core.problems import (
    PROBLEM_SCHEMA,
    PROBLEM_SCHEMA_NAME,
    problem_document,
    problem_response,
)
from govhall.identity.api import router as identity_router
from govhall.identity.passkeys_api import router as passkeys_router
from govhall.licenses.api import router as licenses_router
from govhall.notifications.api import router as notifications_router

UNSAFE_METHODS = {"post", "put", "patch", "delete"}


class UTF8JSONRenderer(BaseRenderer):
    """JSON with Chinese as characters, not ``\\uXXXX`` escapes."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


class GovhallAPI(NinjaAPI):
    """Declares in the OpenAPI document the problems any operation of a kind answers with:
    401 when it needs a signed-in caller, 403 when a session must also send its CSRF token,
    400 for a body that cannot be parsed, 422 for invalid input, and 503 for every operation
    (the database or its storage may be unavailable: core/outages.py). Each operation names its
    own others (404, 409, …) with ``openapi_extra=problems(…)``."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})[PROBLEM_SCHEMA_NAME] = PROBLEM_SCHEMA
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                responses = operation["responses"]
                for status in _common_problems(method, operation):
                    responses.setdefault(status, problem_response(status))
                operation["responses"] = dict(sorted(responses.items(), key=lambda r: int(r[0])))
        return schema


def _common_problems(method: str, operation: dict[str, Any]) -> list[int]:
    statuses = []
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    if schemes:
        statuses.append(401)
    if "SessionAuth" in schemes and method in UNSAFE_METHODS:
        statuses.append(403)
    if "requestBody" in operation:
        statuses.append(400)
    if "requestBody" in operation or operation.get("parameters"):
        statuses.append(422)
    statuses.append(503)
    return statuses


api = GovhallAPI(
    title="govhall API",
    version="1",
    description="一体化在线政务服务平台 govhall — public and staff API.",
    renderer=UTF8JSONRenderer(),
    urls_namespace="api-v1",
)
api.add_decorator(refuse_null_characters)
api.add_router("/calendar/", core_router)
api.add_router("/catalog/", catalog_router)
api.add_router("/cases/", cases_router)
api.add_router("/identity/", identity_router)
api.add_router("/identity/passkeys/", passkeys_router)
api.add_router("/licenses/", licenses_router)
api.add_router("/notifications/", notifications_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [error.as_dict() for error in exc.errors] if isinstance(exc, ValidationFailed) else []
    response = problem_document(exc.status, str(exc.title), str(exc.detail), errors)
    if isinstance(exc, TooManyAttempts):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path")
        ]
        field = ".".join(location) or "request"
        errors.append(
            {
                "field": field,
                "code": f"{field}.{error.get('type', 'invalid')}",
                "message": _("This value is invalid: %(reason)s")
                % {"reason": error.get("msg", "")},
            }
        )
    return problem_document(
        422, _("Invalid input"), _("The request contains invalid fields."), errors
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_document(exc.status_code, str(exc.message), str(exc.message), [])


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_document(
        401, _("Authentication required"), _("Log in to use this endpoint."), []
    )


@api.exception_handler(DjangoDatabaseError)
@api.exception_handler(OSError)
def outage(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database unavailable or a disk full: 503 with ``service.database_unavailable`` or
    ``service.storage_full`` (core/outages.py); any other such error stays a server error."""
    found = outage_of(exc)
    if found is None:
        raise exc
    return outage_answer(request, found, exc, problem=True)
