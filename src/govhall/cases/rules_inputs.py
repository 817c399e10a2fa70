"""The licence library as a source of review-rule inputs (``license_<type code>``): does the
applicant hold a valid, unexpired licence of that type? Registered by the cases app, which
may read licences; the rules app cannot (docs/rules.md, "Inputs")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from govhall.catalog.models import ItemVersion
from govhall.licenses.models import LicenseType
from govhall.licenses.selectors import current_licenses
from govhall.rules.inputs import MISSING, Fact, InputSpec, Subject, provider_register


def license_input_name(type_code: str) -> str:
    return "license_" + re.sub(r"\W", "_", type_code)


class LicenseLibraryProvider:
    source = "license_library"

    def specs(self, version: ItemVersion) -> Iterable[InputSpec]:
        for type_code, name in LicenseType.objects.order_by("type_code").values_list(
            "type_code", "name"
        ):
            yield InputSpec(
                license_input_name(type_code),
                "boolean",
                self.source,
                f"持有有效的{name}",
                f"Holds a valid {name}",
            )

    def resolve(self, specs: list[InputSpec], subject: Subject) -> list[Fact]:
        principal = subject.organization or subject.person
        if principal is None:
            return [Fact(s.name, None, s.type, self.source, "", MISSING) for s in specs]
        wanted = {
            license_input_name(code): code
            for code in LicenseType.objects.values_list("type_code", flat=True)
        }
        codes = [wanted[s.name] for s in specs if s.name in wanted]
        held: dict[str, str] = {}
        for license in current_licenses(principal, codes, today=subject.on):
            held.setdefault(license.license_type.type_code, license.identifier)
        facts = []
        for spec in specs:
            identifier = held.get(wanted.get(spec.name, ""))
            detail = (
                _("license %(identifier)s") % {"identifier": identifier}
                if identifier
                else _("no valid license of this type")
            )
            facts.append(Fact(spec.name, identifier is not None, spec.type, self.source, detail))
        return facts


provider_register(LicenseLibraryProvider())
