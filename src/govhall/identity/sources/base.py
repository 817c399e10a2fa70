"""What a population source and a legal-entity source answer."""

from __future__ import annotations

import abc
import datetime
from dataclasses import dataclass


class SourceUnavailable(Exception):
    """The source could not be asked (down, timed out, refused): never treat as "no match"."""


@dataclass(frozen=True, slots=True)
class PopulationRecord:
    """A person as the population database (人口库) knows them."""

    name: str
    id_number: str
    residence_region_code: str  # 户籍地, a 12-digit GB/T 2260 + township code
    is_alive: bool = True
    date_of_death: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class LegalEntityRecord:
    """An organization as the legal-entity database (法人库) knows it."""

    credit_code: str
    name: str
    org_type: str  # an identity.OrganizationType value
    legal_representative_name: str
    legal_representative_id_number: str
    region_code: str
    is_active: bool = True  # 存续; False for cancelled or revoked registrations


class PopulationSource(abc.ABC):
    """Looks a person up by ID number; ``None`` when the number is unknown."""

    name: str = ""

    @abc.abstractmethod
    def person(self, id_number: str) -> PopulationRecord | None:
        """The record of this 18-digit ID number, or ``None``; ``SourceUnavailable`` if down."""


class LegalEntitySource(abc.ABC):
    """Looks an organization up by credit code; ``None`` when the code is unknown."""

    name: str = ""

    @abc.abstractmethod
    def organization(self, credit_code: str) -> LegalEntityRecord | None:
        """The record of this credit code, or ``None``; ``SourceUnavailable`` if down."""
