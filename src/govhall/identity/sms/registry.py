"""Finding the configured SMS backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from govhall.identity.sms.base import SmsBackend

_backends: dict[str, type[SmsBackend]] = {}
B = TypeVar("B", bound=type[SmsBackend])


def register(name: str) -> Callable[[B], B]:
    def decorator(cls: B) -> B:
        cls.name = name
        _backends[name] = cls
        return cls

    return decorator


def sms_backend() -> SmsBackend:
    """The backend named by ``GOVHALL["SMS_BACKEND"]``."""
    from govhall.identity.sms import contrib  # noqa: F401 - the built-in backends register

    name = settings.GOVHALL["SMS_BACKEND"]
    try:
        return _backends[name]()
    except KeyError:
        raise ImproperlyConfigured(f"unknown SMS backend {name!r}") from None
