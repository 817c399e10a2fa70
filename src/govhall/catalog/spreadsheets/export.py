"""``catalog_export``: every handling item with a published guide, as an .xlsx workbook.

The workbook is written in openpyxl's write-only mode and read from the database in chunks,
so exporting the whole province's catalog holds one chunk of rows in memory, not the catalog.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from govhall.catalog.models import ItemVersion, MaterialRequirement, VersionState
from govhall.catalog.spreadsheets.cells import write_value
from govhall.catalog.spreadsheets.columns import (
    GUIDE_KEYS,
    ITEMS,
    MATERIAL_KEYS,
    MATERIALS,
    PROCESSES,
    README_TITLE,
    SheetSpec,
    readme_rows,
)

CHUNK_SIZE = 1000


def _published_versions(region_prefix: str | None) -> QuerySet[ItemVersion]:
    versions = (
        ItemVersion.objects.filter(state=VersionState.PUBLISHED)
        .select_related(
            "handling_item__implementation__base_item__item_type",
            "handling_item__implementation__department",
            "handling_item__implementation__region",
        )
        .prefetch_related(
            Prefetch("materials", queryset=MaterialRequirement.objects.order_by("order", "pk"))
        )
        .order_by("handling_item__handling_code")
    )
    if region_prefix:
        versions = versions.filter(
            handling_item__implementation__region__code__startswith=region_prefix
        )
    return versions


def _key_values(version: ItemVersion) -> dict[str, Any]:
    handling_item = version.handling_item
    implementation = handling_item.implementation
    return {
        "base_code": implementation.base_item.base_code,
        "department_credit_code": implementation.department.credit_code,
        "region_code": implementation.region.code,
        "handling_kind": handling_item.kind,
    }


def _item_values(version: ItemVersion) -> dict[str, Any]:
    """The items row; base-item columns come from the base item, the province-wide truth."""
    handling_item = version.handling_item
    implementation = handling_item.implementation
    base = implementation.base_item
    audiences = [
        audience
        for audience, serves in (
            ("person", base.for_persons),
            ("organization", base.for_organizations),
        )
        if serves
    ]
    return {
        **_key_values(version),
        "name": base.name,
        "item_type": base.item_type.code,
        "item_list": base.item_list,
        "domain": base.domain,
        "competent_department": base.competent_department,
        "authority_nature": base.authority_nature,
        "legal_basis": base.legal_basis,
        "service_objects": audiences,
        "synonyms": base.synonym_list,
        "level": implementation.level,
        "handling_name": handling_item.name,
        **{key: getattr(version, key) for key in GUIDE_KEYS},
    }


def _material_rows(version: ItemVersion) -> Iterator[dict[str, Any]]:
    keys = _key_values(version)
    for material in version.materials.all():
        yield {
            **keys,
            "order": material.order,
            **{key: getattr(material, key) for key in MATERIAL_KEYS},
        }


def _process_rows(version: ItemVersion) -> Iterator[dict[str, Any]]:
    keys = _key_values(version)
    for order, step in enumerate(version.process_steps, start=1):
        yield {
            **keys,
            "order": order,
            "name": str(step.get("name", "")),
            "description": str(step.get("description", "")),
        }


def _cells(sheet: Any, spec: SheetSpec, values: dict[str, Any]) -> list[Any]:
    """One row of cells; text that looks like a formula is stored as text, never evaluated."""
    row: list[Any] = []
    for column in spec.columns:
        value = write_value(column, values.get(column.key))
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        row.append(value)
    return row


def catalog_export(*, region_prefix: str | None = None) -> bytes:
    """The catalog as .xlsx: items, materials and processes sheets plus a Chinese readme.

    ``region_prefix`` limits the export to regions whose 12-digit code starts with it
    (``5201`` is 贵阳市 and everything in it). Re-importing the result changes nothing.
    """
    workbook = Workbook(write_only=True)
    sheets = {spec.key: workbook.create_sheet(spec.title) for spec in (ITEMS, MATERIALS, PROCESSES)}
    for spec in (ITEMS, MATERIALS, PROCESSES):
        sheets[spec.key].append(spec.keys)
    for version in _published_versions(region_prefix).iterator(chunk_size=CHUNK_SIZE):
        sheets[ITEMS.key].append(_cells(sheets[ITEMS.key], ITEMS, _item_values(version)))
        for values in _material_rows(version):
            sheets[MATERIALS.key].append(_cells(sheets[MATERIALS.key], MATERIALS, values))
        for values in _process_rows(version):
            sheets[PROCESSES.key].append(_cells(sheets[PROCESSES.key], PROCESSES, values))
    readme = workbook.create_sheet(README_TITLE)
    for row in readme_rows():
        readme.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
