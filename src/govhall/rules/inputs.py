"""What a decision table may read, and where each value comes from (provenance).

An input is a name a table's input expressions use (``age``, ``residence_county``,
``form_monthly_income``, ``license_11100000MB0341032Y001``). Providers say which names they
supply for an item version and resolve them for an applicant; every resolved value is a
:class:`Fact` that names its source and how it was obtained, so a decision can be explained
and replayed. A provider that cannot answer (a data source down) returns facts with status
``unavailable``: the decision goes to a person with that reason, never approves.

Providers register themselves (:func:`provider_register`); the built-in ones are in
:mod:`govhall.rules.providers` (form, identity, population and legal-entity sources), and the
cases app registers the licence library's (``license_*``), which this app cannot import.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import ItemVersion
from govhall.identity.models import Organization, Person

#: The DMN ``typeRef`` values govhall understands, and the Python types of their values.
TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "string": (str,),
}
OK = "ok"
MISSING = "missing"  # the source answered: it has no such value (unknown person, empty field)
UNAVAILABLE = "unavailable"  # the source could not be asked

SOURCE_LABELS = {
    "form": _("application form"),
    "identity": _("verified identity"),
    "population": _("population database (人口库)"),
    "legal_entity": _("legal-entity database (法人库)"),
    "license_library": _("license library (电子证照库)"),
}


@dataclass(frozen=True, slots=True)
class InputSpec:
    name: str
    type: str  # a key of TYPES
    source: str  # a key of SOURCE_LABELS (or a plugin's own)
    label_zh: str
    label_en: str

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.label_en if (get_language() or "").startswith("en") else self.label_zh


@dataclass(frozen=True, slots=True)
class Fact:
    """One resolved input: its value, where it came from and how."""

    name: str
    value: Any
    type: str
    source: str
    #: How the value was obtained, in words (``由公民身份号码出生日期计算``, the source's name).
    detail: str = ""
    status: str = OK
    label_zh: str = ""
    label_en: str = ""

    @property
    def usable(self) -> bool:
        return self.status == OK and type_matches(self.type, self.value)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fact:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def type_matches(type_ref: str, value: Any) -> bool:
    """Whether ``value`` is of the DMN type (``True`` is not an integer here)."""
    expected = TYPES.get(type_ref)
    if expected is None:
        return False
    if isinstance(value, bool) and bool not in expected:
        return False
    return isinstance(value, expected)


@dataclass(frozen=True, slots=True)
class Subject:
    """Whom and what a decision is about."""

    version: ItemVersion
    person: Person | None
    organization: Organization | None
    form: dict[str, Any]
    #: The day the decision is made on (ages are counted to it).
    on: datetime.date
    extra: dict[str, Any] = field(default_factory=dict)


class InputProvider(Protocol):
    source: str

    def specs(self, version: ItemVersion) -> Iterable[InputSpec]:
        """The inputs this provider can supply for applications under ``version``."""

    def resolve(self, specs: list[InputSpec], subject: Subject) -> list[Fact]:
        """One fact per spec (status ``unavailable`` when the source could not be asked)."""


_PROVIDERS: dict[str, InputProvider] = {}


def provider_register(provider: InputProvider) -> InputProvider:
    _PROVIDERS[provider.source] = provider
    return provider


def available_inputs(version: ItemVersion) -> dict[str, InputSpec]:
    """Every input a table attached to ``version`` may read, by name."""
    specs: dict[str, InputSpec] = {}
    for provider in _PROVIDERS.values():
        for spec in provider.specs(version):
            specs.setdefault(spec.name, spec)
    return specs


def facts_resolve(names: Iterable[str], subject: Subject) -> dict[str, Fact]:
    """The facts of ``names`` for ``subject``, each from the provider that supplies it; a name
    no provider supplies any more is a missing fact (the table was valid when published)."""
    wanted = set(names)
    specs = available_inputs(subject.version)
    facts: dict[str, Fact] = {}
    by_source: dict[str, list[InputSpec]] = {}
    for name in sorted(wanted):
        spec = specs.get(name)
        if spec is None:
            facts[name] = Fact(
                name, None, "string", "", str(_("No source supplies this input.")), MISSING
            )
        else:
            by_source.setdefault(spec.source, []).append(spec)
    for source, source_specs in by_source.items():
        for fact in _PROVIDERS[source].resolve(source_specs, subject):
            spec = specs[fact.name]
            facts[fact.name] = Fact(
                fact.name,
                fact.value,
                spec.type,
                fact.source,
                fact.detail,
                fact.status,
                spec.label_zh,
                spec.label_en,
            )
    return facts
