"""Catalog reads: search, guides, the consistency report, publication diffs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

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
_FTS_COUNT = (
    "SELECT count(*) FROM catalog_implementation_fts WHERE catalog_implementation_fts MATCH %s"
)
_FTS_WHERE = (
    "catalog_implementation.id IN "
    "(SELECT rowid FROM catalog_implementation_fts WHERE catalog_implementation_fts MATCH %s)"
)
# The unary ``+`` stops SQLite from driving the query by the matched rowids: for a broad
# match it then walks the ordering (or name) index and tests membership in the match set.
_FTS_WHERE_SCAN = "+" + _FTS_WHERE


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
    queryset: QuerySet[Implementation], tokens: list[str], *, broad: bool = False
) -> QuerySet[Implementation]:
    """Rows whose tokens contain a word starting with each query word (index-served).

    Prefix matching makes a separate substring fallback unnecessary: 护照 finds 护照签发, and
    a word segmented differently in the query still matches the start of the indexed word.
    """
    if connection.vendor == "postgresql":
        return queryset.extra(
            where=["catalog_implementation.search_vector @@ to_tsquery('simple'::regconfig, %s)"],
            params=[tsquery(tokens, prefix=True)],
        )
    return queryset.extra(  # noqa: S610 - bound parameters; no user text in the SQL
        where=[_FTS_WHERE_SCAN if broad else _FTS_WHERE],
        params=[fts5_match(tokens, prefix=True)],
    )


#: Above this many text matches, results are ordered by code after the name matches instead
#: of ranking every match (ranking 20,000 rows costs more than the whole page budget).
BROAD_MATCHES = 1000
#: At most this many name matches lead a broad result list.
LEADING_MAX = 200


class SearchResults:
    """Search results that can be counted and sliced, as ``Paginator`` and the API need.

    Small result sets are one queryset ranked by relevance. Broad ones are a short list of
    rows whose name starts with the query (exact name first), followed by the other matches
    in code order, which the database reads from an index without sorting every match.
    """

    def __init__(
        self,
        queryset: QuerySet[Implementation],
        *,
        count: int | None = None,
        leading: Sequence[Implementation] = (),
    ) -> None:
        self.queryset = queryset
        self.leading = list(leading)
        self._count = count

    def count(self) -> int:
        if self._count is None:
            self._count = len(self.leading) + self.queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Implementation: ...
    @overload
    def __getitem__(self, index: slice) -> list[Implementation]: ...

    def __getitem__(self, index: int | slice) -> Implementation | list[Implementation]:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if index.step not in (None, 1):
            raise TypeError("SearchResults supports plain slices only")
        start = index.start or 0
        stop = index.stop if index.stop is not None else self.count()
        head = self.leading[start:stop]
        tail_start = max(start - len(self.leading), 0)
        tail_stop = max(stop - len(self.leading), 0)
        tail = list(self.queryset[tail_start:tail_stop]) if tail_stop > tail_start else []
        return head + tail

    def __iter__(self) -> Iterator[Implementation]:
        return iter(self[0 : self.count()])


def implementation_search(filters: ItemFilters) -> SearchResults:
    """Active implementations with a published guide that match every filter.

    Ordered by relevance (exact name, name prefix, name contains, other matches), then by
    implementation code; see ``SearchResults`` for broad queries. Ordering by an expression
    also keeps PostgreSQL from walking a b-tree in code order while testing every row.
    """
    queryset = _filtered(filters)
    query = filters.q.strip()
    if not query:
        return SearchResults(queryset.order_by("implementation_code"))
    tokens = query_tokens(query)
    if not tokens:
        return SearchResults(queryset.none(), count=0)
    matched = _match_tokens(queryset, tokens)
    unfiltered = filters == ItemFilters(q=filters.q)
    count = _index_count(tokens) if unfiltered else None
    if count is None or count <= BROAD_MATCHES:
        ranked = matched.annotate(
            relevance=Case(
                When(name=query, then=Value(0)),
                When(name__startswith=query, then=Value(1)),
                When(name__contains=query, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        ).order_by("relevance", "implementation_code")
        return SearchResults(ranked, count=count)
    matched = _match_tokens(queryset, tokens, broad=True)
    leading = list(
        matched.filter(_name_prefix(query))
        .annotate(
            exact=Case(
                When(name=query, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("exact", "implementation_code")[:LEADING_MAX]
    )
    rest = matched.exclude(pk__in=[row.pk for row in leading]).order_by("implementation_code")
    return SearchResults(rest, count=count, leading=leading)


def _filtered(filters: ItemFilters) -> QuerySet[Implementation]:
    queryset = Implementation.objects.filter(is_active=True, has_published_guide=True)
    if filters.region:
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
        department = Q(department__credit_code=filters.department)
        if _is_uuid(filters.department):
            department |= Q(department__uuid=filters.department)
        queryset = queryset.filter(department)
    if filters.theme:
        queryset = queryset.filter(base_item__themes__key=filters.theme)
    if filters.audience == "person":
        queryset = queryset.filter(base_item__for_persons=True)
    elif filters.audience == "organization":
        queryset = queryset.filter(base_item__for_organizations=True)
    return queryset.select_related("department", "region", "item_type")


def _name_prefix(query: str) -> Q:
    """Names starting with ``query``: an index range on SQLite, LIKE on PostgreSQL (whose
    collation order does not make a range equivalent to a prefix)."""
    if connection.vendor == "sqlite":
        return Q(name__gte=query, name__lt=query + "\U0010ffff")
    return Q(name__startswith=query)


def _index_count(tokens: list[str]) -> int:
    """How many public rows match, counted in the text index alone (tokens are only kept
    for public rows, see ``implementation_reindex``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM catalog_implementation "
                "WHERE search_vector @@ to_tsquery('simple'::regconfig, %s)",
                [tsquery(tokens, prefix=True)],
            )
        else:
            cursor.execute(_FTS_COUNT, [fts5_match(tokens, prefix=True)])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


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
