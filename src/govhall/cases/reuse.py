"""Submit once (一次提交、免重复提交): what an applicant already has that can stand for a material
— a valid electronic license of the type the material names, or an earlier material of trust
grade A or B checked within the reuse period — and how often materials were reused rather
than uploaded, per item.

"Still valid" for an earlier material means: an original upload (not itself a reuse, not a
license's PDF — the license is offered itself) of grade A or B (checked against the original by
a clerk), for a requirement of the same name, supplied within ``GOVHALL["MATERIAL_REUSE_DAYS"]``
(default 365) days.

Only applicants whose identity is verified (assurance L2 or more) are offered anything, and
only they (or a clerk at a window, who saw the document) may use it: the wallet is found by
the ID number, and an unverified account may have typed someone else's. Grade C (an applicant's own
upload nobody checked) and D (a pledge) are never offered again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from govhall.cases.models import MaterialSourceKind, MaterialUpload
from govhall.cases.services.submission import may_take_at_window
from govhall.catalog.models import ItemVersion, MaterialRequirement
from govhall.core.scoping import StaffScope
from govhall.identity.acting import PRINCIPAL_PERSON
from govhall.identity.models import Organization, Person, User
from govhall.licenses.models import License, TrustGrade
from govhall.licenses.selectors import current_licenses

REUSABLE_GRADES = (TrustGrade.A, TrustGrade.B)


def reuse_days() -> int:
    return int(settings.GOVHALL.get("MATERIAL_REUSE_DAYS", 365))


@dataclass(slots=True)
class Offers:
    licenses: list[License] = field(default_factory=list)
    materials: list[MaterialUpload] = field(default_factory=list)


def principal_for(principal_type: str, principal_uuid: Any) -> Person | Organization | None:
    if principal_type == PRINCIPAL_PERSON:
        return Person.objects.filter(uuid=principal_uuid).first()
    return Organization.objects.filter(uuid=principal_uuid).first()


def earlier_materials(
    principal: Person | Organization, names: list[str], *, today: datetime.date | None = None
) -> QuerySet[MaterialUpload]:
    """The principal's reusable materials from earlier cases, for requirements of these names."""
    day = today or timezone.localdate()
    since = timezone.make_aware(
        datetime.datetime.combine(day - datetime.timedelta(days=reuse_days()), datetime.time())
    )
    applicant = (
        Q(case__applicant_person=principal)
        if isinstance(principal, Person)
        else Q(case__applicant_organization=principal)
    )
    return (
        MaterialUpload.objects.filter(
            applicant,
            requirement__name__in=names,
            trust_grade__in=REUSABLE_GRADES,
            # Only originals: a reused copy would restart the period, and a license's PDF is
            # offered as the license itself (checked again when used).
            source=MaterialSourceKind.UPLOAD,
            created_at__gte=since,
        )
        .select_related("requirement", "stored_file", "case")
        .order_by("-created_at")
    )


def may_reuse(actor: User, version: ItemVersion) -> bool:
    """Whether ``actor`` may be offered and use what an applicant already has: a person whose
    identity is verified (L2+), or staff taking the item's applications at a window."""
    person = Person.objects.filter(user=actor).first()
    if person is not None and person.identity_verified:
        return True
    return may_take_at_window(actor, version)


def reuse_offers(
    version: ItemVersion, principal: Person | Organization | None
) -> dict[int, Offers]:
    """For each requirement of ``version`` the applicant is asked for: what they could use
    instead of an upload (two queries for the whole page). The caller checks ``may_reuse``."""
    requirements = list(version.materials.all())
    offers = {r.pk: Offers() for r in requirements}
    if principal is None:
        return offers
    by_type: dict[str, list[MaterialRequirement]] = {}
    for requirement in requirements:
        if requirement.license_type_code:
            by_type.setdefault(requirement.license_type_code, []).append(requirement)
    if by_type:
        for license in current_licenses(principal, list(by_type)):
            for requirement in by_type[license.license_type.type_code]:
                offers[requirement.pk].licenses.append(license)
    by_name: dict[str, list[MaterialRequirement]] = {}
    for requirement in requirements:
        by_name.setdefault(requirement.name, []).append(requirement)
    seen: set[tuple[int, int]] = set()
    for material in earlier_materials(principal, list(by_name))[:200]:
        for requirement in by_name[material.requirement.name]:
            key = (requirement.pk, material.stored_file_id)
            if key not in seen:
                seen.add(key)
                offers[requirement.pk].materials.append(material)
    return offers


@dataclass(frozen=True, slots=True)
class ReuseRow:
    item_code: str
    item_name: str
    uploaded: int
    from_licenses: int
    reused: int

    @property
    def total(self) -> int:
        return self.uploaded + self.from_licenses + self.reused

    @property
    def reused_share(self) -> float:
        """The share of materials not uploaded again, 0–1."""
        return (self.from_licenses + self.reused) / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.reused_share)


def material_reuse_report(user: User) -> list[ReuseRow]:
    """Per handling item in the user's scope: materials of submitted cases by where they came
    from, most materials first (one grouped query)."""
    scoped = StaffScope.for_user(user).filter(
        MaterialUpload.objects.filter(case__isnull=False),
        region="case__version__handling_item__implementation__region",
        department="case__department",
    )
    rows = (
        scoped.values(
            "case__version__handling_item__handling_code", "case__version__handling_item__name"
        )
        .annotate(
            uploaded=Count("id", filter=Q(source=MaterialSourceKind.UPLOAD)),
            from_licenses=Count("id", filter=Q(source=MaterialSourceKind.LICENSE)),
            reused=Count("id", filter=Q(source=MaterialSourceKind.REUSE)),
            total=Count("id"),
        )
        .order_by("-total", "case__version__handling_item__handling_code")
    )
    return [
        ReuseRow(
            item_code=row["case__version__handling_item__handling_code"],
            item_name=row["case__version__handling_item__name"],
            uploaded=row["uploaded"],
            from_licenses=row["from_licenses"],
            reused=row["reused"],
        )
        for row in rows
    ]
