"""Finding the configured sources by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from govhall.identity.sources.base import LegalEntitySource, PopulationSource

_population: dict[str, type[PopulationSource]] = {}
_legal_entity: dict[str, type[LegalEntitySource]] = {}

P = TypeVar("P", bound=type[PopulationSource])
L = TypeVar("L", bound=type[LegalEntitySource])


def register_population_source(name: str) -> Callable[[P], P]:
    def decorator(cls: P) -> P:
        cls.name = name
        _population[name] = cls
        return cls

    return decorator


def register_legal_entity_source(name: str) -> Callable[[L], L]:
    def decorator(cls: L) -> L:
        cls.name = name
        _legal_entity[name] = cls
        return cls

    return decorator


def _load_contrib() -> None:
    from govhall.identity.sources.contrib import demo  # noqa: F401 - registers itself


def population_source() -> PopulationSource:
    """The source named by ``GOVHALL["POPULATION_SOURCE"]``."""
    _load_contrib()
    name = settings.GOVHALL["POPULATION_SOURCE"]
    try:
        return _population[name]()
    except KeyError:
        raise ImproperlyConfigured(f"unknown population source {name!r}") from None


def legal_entity_source() -> LegalEntitySource:
    """The source named by ``GOVHALL["LEGAL_ENTITY_SOURCE"]``."""
    _load_contrib()
    name = settings.GOVHALL["LEGAL_ENTITY_SOURCE"]
    try:
        return _legal_entity[name]()
    except KeyError:
        raise ImproperlyConfigured(f"unknown legal-entity source {name!r}") from None
