"""Showing a service's error to the person in the workbench, one message per field error."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from govhall.core.errors import DomainError, ValidationFailed


def report_error(request: HttpRequest, error: DomainError) -> None:
    if isinstance(error, ValidationFailed):
        for field_error in error.errors:
            messages.error(request, f"{field_error.field}: {field_error.message}")
    else:
        messages.error(request, str(error.detail))
