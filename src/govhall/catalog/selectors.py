"""Catalog reads: search, guides, the consistency report, publication diffs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from govhall.catalog.models import (
    UNIFORM_ELEMENTS,
    Agency,
    AgencyQualification,
    BaseItem,
    HandlingItem,
    Implementation,
    IntermediaryService,
    ItemVersion,
    MaterialRequirement,
    Publication,
    VersionState,
)
from govhall.core.models import Region
from govhall.core.search import fts5_match, query_tokens, tsquery

FTS_TABLE = "catalog_implementation_fts"
_FTS_WHERE = (
    "catalog_implementation.id IN "
    "(SELECT rowid FROM catalog_implementation_fts WHERE catalog_implementation_fts MATCH %s)"
)


@dataclass(frozen=True, slots=True)
class ItemFilters:
    q: str = ""
    region: str = ""  # a region code; matches the region and everything under it
    item_type: str = ""  # two-digit code
    item_list: str = ""
    department: str = ""  # department uuid or credit code
    theme: str = ""  # theme key
    audience: str = ""  # person | organization


def _match_tokens(
    queryset: QuerySet[Implementation], tokens: list[str]
) -> QuerySet[Implementation]:
    if connection.vendor == "postgresql":
        return queryset.extra(
            where=[
                "to_tsvector('simple'::regconfig, catalog_implementation.search_tokens)"
                " @@ to_tsquery('simple'::regconfig, %s)"
            ],
            params=[tsquery(tokens)],
        )
    return queryset.extra(  # noqa: S610 - bound parameters; no user text in the SQL
        where=[_FTS_WHERE],
        params=[fts5_match(tokens)],
    )


def implementation_search(filters: ItemFilters) -> QuerySet[Implementation]:
    """Active implementations with a published guide that match every filter.

    Text matches through the segmented tokens index; when that finds nothing, a substring
    match on the name (pg_trgm on PostgreSQL) catches what segmentation split differently.
    """
    queryset = Implementation.objects.filter(is_active=True, has_published_guide=True)
    if filters.region:
        from govhall.core.models import Region

        region = (
            Region.objects.filter(code__startswith=filters.region[:12]).order_by("code").first()
        )
        prefix = region.prefix if region else filters.region
        # An item is relevant to a place when it is implemented there or above it.
        ancestors = [prefix[:n] for n in (2, 4, 6, 9, 12) if n <= len(prefix)]
        queryset = queryset.filter(
            Q(region__prefix__startswith=prefix) | Q(region__prefix__in=ancestors)
        )
    if filters.item_type:
        queryset = queryset.filter(item_type__code=filters.item_type)
    if filters.item_list:
        queryset = queryset.filter(base_item__item_list=filters.item_list)
    if filters.department:
        queryset = queryset.filter(
            Q(department__credit_code=filters.department)
            | Q(department__uuid=filters.department if _is_uuid(filters.department) else None)
        )
    if filters.theme:
        queryset = queryset.filter(base_item__themes__key=filters.theme)
    if filters.audience == "person":
        queryset = queryset.filter(base_item__for_persons=True)
    elif filters.audience == "organization":
        queryset = queryset.filter(base_item__for_organizations=True)
    query = filters.q.strip()
    if query:
        tokens = query_tokens(query)
        matched = _match_tokens(queryset, tokens) if tokens else queryset.none()
        if tokens and matched.exists():
            queryset = matched
        else:
            queryset = queryset.filter(Q(name__icontains=query) | Q(base_code=query))
        queryset = queryset.annotate(
            relevance=Case(
                When(name=query, then=Value(0)),
                When(name__startswith=query, then=Value(1)),
                When(name__contains=query, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        ).order_by("relevance", "region__code", "implementation_code")
    else:
        queryset = queryset.order_by("region__code", "implementation_code")
    return queryset.select_related("department", "region", "item_type")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def published_versions() -> QuerySet[ItemVersion]:
    return ItemVersion.objects.filter(state=VersionState.PUBLISHED).prefetch_related(
        "materials", "special_procedures"
    )


def published_material(material_uuid: uuid.UUID | str) -> MaterialRequirement | None:
    """A material of a published version of an active item, or ``None``."""
    return (
        MaterialRequirement.objects.select_related("version")
        .filter(
            uuid=material_uuid,
            version__state=VersionState.PUBLISHED,
            version__handling_item__implementation__is_active=True,
        )
        .first()
    )


def implementation_guide(implementation_code: str) -> Implementation | None:
    """One implementation with its handling items' published guides, in two queries' worth."""
    handling = HandlingItem.objects.order_by("handling_code").prefetch_related(
        Prefetch("versions", queryset=published_versions(), to_attr="published")
    )
    return (
        Implementation.objects.filter(implementation_code=implementation_code, is_active=True)
        .select_related("department", "region", "item_type", "base_item", "entrusted_department")
        .prefetch_related(
            Prefetch("handling_items", queryset=handling),
            "base_item__themes",
            "base_item__intermediary_services",
        )
        .first()
    )


def intermediary_services() -> QuerySet[IntermediaryService]:
    """The intermediary service list (中介服务事项清单), by code, with items and agencies."""
    return IntermediaryService.objects.order_by("code").prefetch_related(
        Prefetch("base_items", queryset=BaseItem.objects.order_by("base_code")),
        Prefetch("agencies", queryset=Agency.objects.order_by("name")),
    )


def intermediary_service(code: str) -> IntermediaryService | None:
    """One intermediary service with the items that need it, or ``None``."""
    return intermediary_services().filter(code=code).first()


def agency_directory(service_code: str = "", region: str = "") -> QuerySet[Agency]:
    """The agency directory (中介服务机构名录) by name, with qualifications and service areas.

    ``service_code`` keeps the agencies offering that service. ``region`` is a region code
    or prefix (``52``, ``5201``, ``520121``...): it keeps the agencies serving that place,
    that is with a service area at or under it, or above it (a province-wide agency also
    serves every county).
    """
    queryset = Agency.objects.order_by("name")
    if service_code:
        queryset = queryset.filter(services__code=service_code)
    if region:
        found = Region.objects.filter(code__startswith=region[:12]).order_by("code").first()
        prefix = found.prefix if found else region
        ancestors = [prefix[:n] for n in (2, 4, 6, 9, 12) if n <= len(prefix)]
        # Several service areas can match: distinct() lists the agency once.
        queryset = queryset.filter(
            Q(service_regions__prefix__startswith=prefix) | Q(service_regions__prefix__in=ancestors)
        ).distinct()
    return queryset.prefetch_related(
        Prefetch("qualifications", queryset=AgencyQualification.objects.order_by("name", "pk")),
        Prefetch("service_regions", queryset=Region.objects.order_by("code")),
        Prefetch("services", queryset=IntermediaryService.objects.order_by("code")),
    )


@dataclass(frozen=True, slots=True)
class Deviation:
    implementation_code: str
    department: str
    element: str
    base_value: str
    implementation_value: str


def consistency_report(*, region_prefix: str | None = None) -> list[Deviation]:
    """Every implementation whose uniform elements differ from its base item's."""
    rows = Implementation.objects.select_related("base_item", "department")
    if region_prefix:
        rows = rows.filter(region__prefix__startswith=region_prefix)
    deviations: list[Deviation] = []
    for implementation in rows.order_by("implementation_code").iterator(chunk_size=2000):
        base = implementation.base_item
        for element in UNIFORM_ELEMENTS:
            base_value: object
            own_value: object
            if element == "item_type":
                base_value, own_value = base.item_type_id, implementation.item_type_id
            else:
                base_value, own_value = getattr(base, element), getattr(implementation, element)
            if element == "base_code":
                own_value = implementation.implementation_code[19:]
            if base_value != own_value:
                deviations.append(
                    Deviation(
                        implementation.implementation_code,
                        implementation.department.name,
                        element,
                        str(base_value),
                        str(own_value),
                    )
                )
    return deviations


#: Guide fields compared between publications.
DIFF_FIELDS = (
    "case_kind",
    "legal_limit_days",
    "promised_limit_days",
    "conditions",
    "visits",
    "online_handling",
    "fee_charged",
    "fee_standard",
    "result_name",
)


@dataclass(slots=True)
class PublicationDiff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """Flat rows (change, handling code, name, field, detail) for export."""
        result = [
            ("added", r["handling_code"], r["name"], "", f"v{r['version']}") for r in self.added
        ]
        result += [
            ("removed", r["handling_code"], r["name"], "", f"v{r['version']}") for r in self.removed
        ]
        for row in self.changed:
            for name, (old, new) in row["fields"].items():
                result.append(
                    ("changed", row["handling_code"], row["name"], name, f"{old} → {new}")
                )
        return result


def _entries(publication: Publication) -> dict[str, ItemVersion]:
    versions = (
        ItemVersion.objects.filter(pk__in=publication.entries.values("version_id"))
        .select_related("handling_item")
        .prefetch_related("materials")
    )
    return {version.handling_item.handling_code: version for version in versions}


def publication_diff(old: Publication, new: Publication) -> PublicationDiff:
    """What changed between two publications, item by item and field by field."""
    before, after = _entries(old), _entries(new)
    diff = PublicationDiff()
    for code in sorted(after.keys() - before.keys()):
        version = after[code]
        diff.added.append(
            {"handling_code": code, "name": version.handling_item.name, "version": version.number}
        )
    for code in sorted(before.keys() - after.keys()):
        version = before[code]
        diff.removed.append(
            {"handling_code": code, "name": version.handling_item.name, "version": version.number}
        )
    for code in sorted(before.keys() & after.keys()):
        old_version, new_version = before[code], after[code]
        if old_version.pk == new_version.pk:
            continue
        fields = {
            name: (getattr(old_version, name), getattr(new_version, name))
            for name in DIFF_FIELDS
            if getattr(old_version, name) != getattr(new_version, name)
        }
        old_materials = [m.name for m in old_version.materials.all()]
        new_materials = [m.name for m in new_version.materials.all()]
        if old_materials != new_materials:
            fields["materials"] = ("、".join(old_materials), "、".join(new_materials))
        fields["version"] = (old_version.number, new_version.number)
        diff.changed.append(
            {"handling_code": code, "name": new_version.handling_item.name, "fields": fields}
        )
    return diff
