"""The demo population and legal-entity sources: bundled data, for development and tests.

``GOVHALL["DEMO_SOURCE_DOWN"] = True`` makes both raise ``SourceUnavailable``, so the handling
of an unreachable source can be shown and tested.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from govhall.identity.sources.base import (
    LegalEntityRecord,
    LegalEntitySource,
    PopulationRecord,
    PopulationSource,
    SourceUnavailable,
)
from govhall.identity.sources.registry import (
    register_legal_entity_source,
    register_population_source,
)

DATA_FILE = Path(__file__).resolve().parent / "data.yaml"


@cache
def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return data


def _check_up() -> None:
    if settings.GOVHALL.get("DEMO_SOURCE_DOWN"):
        raise SourceUnavailable("the demo source is switched off (GOVHALL['DEMO_SOURCE_DOWN'])")


@register_population_source("demo")
class DemoPopulationSource(PopulationSource):
    def person(self, id_number: str) -> PopulationRecord | None:
        _check_up()
        for entry in demo_data()["persons"]:
            if entry["id_number"] == id_number:
                return PopulationRecord(
                    name=entry["name"],
                    id_number=entry["id_number"],
                    residence_region_code=entry["residence"],
                    is_alive=entry.get("date_of_death") is None,
                    date_of_death=entry.get("date_of_death"),
                )
        return None


@register_legal_entity_source("demo")
class DemoLegalEntitySource(LegalEntitySource):
    def organization(self, credit_code: str) -> LegalEntityRecord | None:
        _check_up()
        for entry in demo_data()["organizations"]:
            if entry["credit_code"] == credit_code:
                return LegalEntityRecord(
                    credit_code=entry["credit_code"],
                    name=entry["name"],
                    org_type=entry["org_type"],
                    legal_representative_name=entry["legal_representative"]["name"],
                    legal_representative_id_number=entry["legal_representative"]["id_number"],
                    region_code=entry["region"],
                    is_active=entry.get("active", True),
                )
        return None
