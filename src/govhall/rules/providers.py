"""The built-in input providers: the application form, the verified identity, and the shared
population and legal-entity sources of the identity module (see :mod:`.inputs`)."""

from __future__ import annotations

import contextlib
import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from govhall.catalog.application_forms import form_schema_parse
from govhall.catalog.models import ItemVersion
from govhall.core.personal_data import decrypt
from govhall.identity.sources.base import SourceUnavailable
from govhall.identity.sources.registry import legal_entity_source, population_source
from govhall.rules.inputs import (
    MISSING,
    UNAVAILABLE,
    Fact,
    InputSpec,
    Subject,
    provider_register,
)

#: Form field types and the DMN type of their values.
_FORM_TYPES = {
    "integer": "integer",
    "decimal": "number",
    "boolean": "boolean",
}


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years (周岁) on ``day``: a year more on each birthday. Someone born on 29 February
    completes a year on 28 February in common years (民法典 Art. 203: a period counted in
    years ends on the corresponding day, or on the month's last day when there is none)."""
    years = day.year - birth_date.year
    try:
        birthday = birth_date.replace(year=day.year)
    except ValueError:  # 29 February in a common year
        birthday = datetime.date(day.year, 2, 28)
    return years if day >= birthday else years - 1


class FormProvider:
    """``form_<field>``: what the applicant wrote in the application form."""

    source = "form"

    def specs(self, version: ItemVersion) -> Iterable[InputSpec]:
        schema = form_schema_parse(version.application_form, prefix="version")
        for form_field in schema.fields:
            yield InputSpec(
                f"form_{form_field.name}",
                _FORM_TYPES.get(form_field.type, "string"),
                self.source,
                form_field.label or form_field.name,
                form_field.label_en or form_field.label or form_field.name,
            )

    def resolve(self, specs: list[InputSpec], subject: Subject) -> list[Fact]:
        facts = []
        for spec in specs:
            value: Any = subject.form.get(spec.name.removeprefix("form_"))
            if isinstance(value, (str, decimal.Decimal)) and spec.type == "number":
                with contextlib.suppress(ValueError):
                    value = float(value)
            status = MISSING if value in (None, "") else "ok"
            facts.append(Fact(spec.name, value, spec.type, self.source, "", status))
        return facts


class IdentityProvider:
    """The applicant as govhall verified them: age from the ID number, assurance level."""

    source = "identity"

    def specs(self, version: ItemVersion) -> Iterable[InputSpec]:
        yield InputSpec("age", "integer", self.source, "年龄（周岁）", "Age (full years)")
        yield InputSpec(
            "identity_level", "integer", self.source, "实名认证等级", "Identity assurance level"
        )
        yield InputSpec(
            "applicant_is_person", "boolean", self.source, "申请人为自然人", "Applicant is a person"
        )

    def resolve(self, specs: list[InputSpec], subject: Subject) -> list[Fact]:
        person = subject.person
        facts = []
        for spec in specs:
            if spec.name == "applicant_is_person":
                facts.append(Fact(spec.name, person is not None, spec.type, self.source))
            elif person is None:
                facts.append(Fact(spec.name, None, spec.type, self.source, "", MISSING))
            elif spec.name == "age":
                detail = _("from the birth date in the ID number, on %(day)s") % {
                    "day": subject.on.isoformat()
                }
                value = age_on(person.birth_date, subject.on)
                facts.append(Fact(spec.name, value, spec.type, self.source, detail))
            else:
                facts.append(Fact(spec.name, int(person.assurance_level), spec.type, self.source))
        return facts


class _SharedSourceProvider:
    """A provider asking one shared data source for one record and reading inputs from it."""

    source = ""
    _NAMES: dict[str, tuple[str, str, str]] = {}  # name → (type, label_zh, label_en)

    def specs(self, version: ItemVersion) -> Iterable[InputSpec]:
        for name, (type_ref, zh, en) in self._NAMES.items():
            yield InputSpec(name, type_ref, self.source, zh, en)

    def _lookup(self, subject: Subject) -> tuple[str, Any] | None:
        """The source's label and record (``None``: no such record); ``None`` overall when
        the subject is not what the source knows (a person for the legal-entity source)."""
        raise NotImplementedError

    def _values(self, record: Any) -> dict[str, Any]:
        raise NotImplementedError

    def resolve(self, specs: list[InputSpec], subject: Subject) -> list[Fact]:
        try:
            found = self._lookup(subject)
        except _Unavailable as error:
            detail = _("%(source)s could not be asked: %(reason)s") % {
                "source": error.label,
                "reason": error.reason,
            }
            return [Fact(s.name, None, s.type, self.source, detail, UNAVAILABLE) for s in specs]
        if found is None:
            return [Fact(s.name, None, s.type, self.source, "", MISSING) for s in specs]
        label, record = found
        if record is None:
            detail = _("%(source)s has no record of this applicant") % {"source": label}
            return [Fact(s.name, None, s.type, self.source, detail, MISSING) for s in specs]
        values = self._values(record)
        return [Fact(s.name, values[s.name], s.type, self.source, label) for s in specs]


class _Unavailable(Exception):
    def __init__(self, label: str, error: SourceUnavailable) -> None:
        super().__init__(label)
        self.label = label
        self.reason = str(error) or type(error).__name__


class PopulationProvider(_SharedSourceProvider):
    """户籍地 and living status from the population database (人口库)."""

    source = "population"
    _NAMES = {
        "residence_province": ("string", "户籍地（省级代码）", "Registered residence (province)"),
        "residence_city": ("string", "户籍地（市级代码）", "Registered residence (city)"),
        "residence_county": ("string", "户籍地（县级代码）", "Registered residence (county)"),
        "alive": ("boolean", "生存状态（在世）", "Alive"),
    }

    def _lookup(self, subject: Subject) -> tuple[str, Any] | None:
        if subject.person is None:
            return None
        source = population_source()
        label = source.name or settings.GOVHALL["POPULATION_SOURCE"]
        try:
            return label, source.person(decrypt(subject.person.id_number_encrypted))
        except SourceUnavailable as error:
            raise _Unavailable(label, error) from error

    def _values(self, record: Any) -> dict[str, Any]:
        code = record.residence_region_code
        return {
            "residence_province": code[:2],
            "residence_city": code[:4],
            "residence_county": code[:6],
            "alive": record.is_alive,
        }


class LegalEntityProvider(_SharedSourceProvider):
    """Registration status and place from the legal-entity database (法人库)."""

    source = "legal_entity"
    _NAMES = {
        "org_active": ("boolean", "主体存续", "Organization is active (存续)"),
        "org_type": ("string", "主体类型", "Organization type"),
        "org_county": ("string", "登记地（县级代码）", "Registered in (county code)"),
    }

    def _lookup(self, subject: Subject) -> tuple[str, Any] | None:
        if subject.organization is None:
            return None
        source = legal_entity_source()
        label = source.name or settings.GOVHALL["LEGAL_ENTITY_SOURCE"]
        try:
            return label, source.organization(subject.organization.credit_code)
        except SourceUnavailable as error:
            raise _Unavailable(label, error) from error

    def _values(self, record: Any) -> dict[str, Any]:
        return {
            "org_active": record.is_active,
            "org_type": record.org_type,
            "org_county": record.region_code[:6],
        }


for _provider in (FormProvider(), IdentityProvider(), PopulationProvider(), LegalEntityProvider()):
    provider_register(_provider)
