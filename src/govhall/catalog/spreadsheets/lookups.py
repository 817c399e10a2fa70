"""The stored objects an import refers to, read in a fixed number of queries.

Validation and writing both look objects up by code thousands of times; reading them once
into dictionaries keeps a 10,000-row import from issuing a query per row and per rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from govhall.catalog.models import BaseItem, HandlingItem, Implementation, ItemType
from govhall.core.models import Department, Region

#: Size of the ``IN (...)`` lists of the preload queries (SQLite allows 32,766 parameters).
CHUNK = 500

T = TypeVar("T")


@dataclass(slots=True)
class Catalog:
    """The stored objects an import refers to, looked up once."""

    item_types: dict[str, ItemType]
    departments: dict[str, Department]
    regions: dict[str, Region]
    base_items: dict[str, BaseItem]
    implementations: dict[tuple[int, int, int], Implementation]
    handling_items: dict[tuple[int, str], list[HandlingItem]]


def chunks(values: Iterable[T]) -> Iterator[list[T]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def load_catalog(
    *, base_codes: set[str], credit_codes: set[str], region_codes: set[str]
) -> Catalog:
    """Preload what the file names: a fixed number of queries per 500 distinct values."""
    base_items = {
        item.base_code: item
        for chunk in chunks(base_codes)
        for item in BaseItem.objects.filter(base_code__in=chunk)
    }
    implementations = {
        (impl.base_item_id, impl.department_id, impl.region_id): impl
        for chunk in chunks(item.pk for item in base_items.values())
        for impl in Implementation.objects.filter(base_item_id__in=chunk)
    }
    handling_items: dict[tuple[int, str], list[HandlingItem]] = defaultdict(list)
    for chunk in chunks(impl.pk for impl in implementations.values()):
        for item in HandlingItem.objects.filter(implementation_id__in=chunk).order_by(
            "handling_code"
        ):
            handling_items[(item.implementation_id, item.kind)].append(item)
    return Catalog(
        item_types={item_type.code: item_type for item_type in ItemType.objects.all()},
        departments={
            department.credit_code: department
            for chunk in chunks(credit_codes)
            for department in Department.objects.filter(credit_code__in=chunk)
        },
        regions={
            region.code: region
            for chunk in chunks(region_codes)
            for region in Region.objects.filter(code__in=chunk)
        },
        base_items=base_items,
        implementations=implementations,
        handling_items=dict(handling_items),
    )
