"""Typed domain errors with stable codes and translated messages.

Services raise these; the API turns them into ``application/problem+json`` (RFC 9457) and the
admin and portal show ``message``. ``code`` never changes once published (``id_number.checksum``);
``message`` is translated by the active language when it is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field."""

    field: str
    code: str
    message: str | Promise

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": str(self.message)}


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    title: str | Promise = _("Request could not be processed")

    def __init__(self, detail: str | Promise | None = None) -> None:
        super().__init__(str(detail or self.title))
        self.detail = detail or self.title


class ValidationFailed(DomainError):
    """Input broke one or more rules; nothing was changed."""

    status = 422
    title = _("Invalid input")

    def __init__(self, errors: list[FieldError], detail: str | Promise | None = None) -> None:
        super().__init__(detail or _("The request contains invalid fields."))
        self.errors = errors


class SignInRefused(ValidationFailed):
    """Credentials were wrong, expired or already used (401); ``errors`` says which."""

    status = 401
    title = _("Sign-in refused")


class TooManyAttempts(ValidationFailed):
    """A rate limit or lock-out applies (429); ``retry_after`` is in seconds."""

    status = 429
    title = _("Too many attempts")

    def __init__(self, errors: list[FieldError], *, retry_after: int) -> None:
        super().__init__(errors, detail=_("Too many attempts; try again later."))
        self.retry_after = max(1, retry_after)


class SourceUnavailableError(ValidationFailed):
    """An outside system (data source, SMS gateway) could not be reached (503)."""

    status = 503
    title = _("Service temporarily unavailable")


class NotFound(DomainError):
    status = 404
    title = _("Not found")


class Conflict(DomainError):
    """The object's state does not allow the operation."""

    status = 409
    title = _("Conflict")


class PermissionDenied(DomainError):
    status = 403
    title = _("Forbidden")


@dataclass(slots=True)
class ErrorCollector:
    """Gather every field error before raising, so the user sees all of them at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, code: str, message: str | Promise) -> None:
        self.errors.append(FieldError(field_name, code, message))

    def extend(self, errors: list[FieldError]) -> None:
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(list(self.errors))


def error_text(error: DomainError) -> str:
    """A refusal as one line for a person: every field's message, or the detail."""
    if isinstance(error, ValidationFailed) and error.errors:
        return " ".join(str(e.message) for e in error.errors)
    return str(error.detail)
