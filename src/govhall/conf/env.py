"""The one helper through which every setting is read from the environment.

Settings never read ``os.environ`` directly: going through :func:`env` keeps parsing,
defaults and error messages identical everywhere, and lets ``docs/configuration.md``
list every variable by grepping for ``env(``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar, overload

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ImproperlyConfiguredError(RuntimeError):
    """An environment variable holds a value its setting cannot use."""


def parse_bool(raw: str) -> bool:
    """Read the usual spellings of a boolean; anything else is a configuration error."""
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def parse_list(raw: str) -> list[str]:
    """Comma-separated values, blanks dropped."""
    return [part.strip() for part in raw.split(",") if part.strip()]


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: T, cast: Callable[[str], T]) -> T: ...


def env(name: str, default: object, cast: Callable[[str], object] = str) -> object:
    """Return ``cast(os.environ[name])``, or ``default`` when the variable is unset or empty.

    Empty counts as unset because shells and CI files often export ``NAME=`` to clear a value.
    """
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return cast(raw)
    except ValueError as error:
        raise ImproperlyConfiguredError(f"{name}: {error}") from error
