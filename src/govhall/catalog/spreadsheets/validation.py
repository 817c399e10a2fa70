"""Checking every row of an import before anything is written.

Every rule is checked on every row and every error is collected, so staff fix a file in one
round instead of one error per upload. The database is read once up front into dictionaries
(item types, departments, regions and the base items, implementations and handling items the
file names), because a query per row would make a 10,000-row file take an hour.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govhall.catalog import codes
from govhall.catalog.models import HandlingItem
from govhall.catalog.services.items import BaseItemInput
from govhall.catalog.services.versions import GuideInput, MaterialInput, guide_errors
from govhall.catalog.spreadsheets.cells import CellError, read_cell
from govhall.catalog.spreadsheets.columns import (
    BASE_KEYS,
    GUIDE_KEYS,
    ITEMS,
    KEY_COLUMNS,
    MATERIAL_KEYS,
    MATERIALS,
    PROCESSES,
    UNIFORM_KEYS,
    Column,
    Kind,
)
from govhall.catalog.spreadsheets.lookups import Catalog, load_catalog
from govhall.catalog.spreadsheets.reading import SheetData, SheetRow
from govhall.catalog.spreadsheets.report import ErrorLog
from govhall.core.errors import FieldError
from govhall.core.models import Department, Region

#: (base code, department credit code, 12-digit region code, handling kind)
RowKey = tuple[str, str, str, str]
KEY_KEYS = frozenset(column.key for column in KEY_COLUMNS)
#: Fields the time-limit rules read; one unreadable cell among them makes the others moot.
TIME_KEYS = frozenset(
    {"case_kind", "legal_limit_days", "promised_limit_days", "promised_waiver_reason"}
)
_MATERIAL_FIELD = re.compile(r"^materials\[(\d+)\]\.(\w+)$")
_STEP_FIELD = re.compile(r"^process_steps\[(\d+)\]$")


@dataclass(slots=True)
class ParsedRow:
    """A row's typed values; ``failed`` names the cells that could not be read."""

    row: SheetRow
    values: dict[str, Any]
    failed: set[str] = field(default_factory=set)

    @property
    def order(self) -> tuple[int, int]:
        return (self.values.get("order") or 0, self.row.number)


@dataclass(slots=True)
class ItemPlan:
    """Everything needed to write one items row, resolved against the database."""

    row: SheetRow
    key: RowKey
    base: BaseItemInput
    department: Department
    region: Region
    level: str
    kind: str
    handling_name: str
    guide: GuideInput
    handling_item: HandlingItem | None


def _placeholder(column: Column) -> Any:
    """A harmless stand-in for an unreadable cell, so the other rules can still run."""
    if column.kind == Kind.CHOICE and column.values:
        return column.values[0]
    return column.default


def parse_rows(data: SheetData, log: ErrorLog) -> list[ParsedRow]:
    """Read every cell of every row of a sheet, logging each unreadable one."""
    parsed_rows = []
    for row in data.rows:
        parsed = ParsedRow(row, {})
        for column in data.spec.columns:
            if column.key not in data.columns:
                # A missing optional column reads as blank; a missing required one is logged once.
                parsed.values[column.key] = _placeholder(column)
                if column.required:
                    parsed.failed.add(column.key)
                continue
            try:
                parsed.values[column.key] = read_cell(column, row.raw.get(column.key))
            except CellError as error:
                log.add(row.sheet, row.number, column.key, error.code, error.message)
                parsed.values[column.key] = _placeholder(column)
                parsed.failed.add(column.key)
        parsed_rows.append(parsed)
    return parsed_rows


def normal_base_code(code: str) -> str:
    """Legacy licence codes (``XK`` + 8 digits) become the 基本编码 they map to."""
    if code.startswith("XK"):
        return codes.map_legacy_code(code) or code
    return code


def normal_region_code(code: str) -> str:
    """``520121`` → ``520121000000``: county codes are often written with six digits."""
    if code.isdigit() and len(code) in {2, 4, 6, 9}:
        return code.ljust(12, "0")
    return code


def row_key(parsed: ParsedRow) -> RowKey | None:
    """The key that links a materials or processes row to its items row."""
    if parsed.failed & KEY_KEYS:
        return None
    values = parsed.values
    return (
        normal_base_code(values["base_code"]),
        values["department_credit_code"],
        normal_region_code(values["region_code"]),
        values["handling_kind"],
    )


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, list) and isinstance(right, list):
        return sorted(left) == sorted(right)
    if isinstance(left, str) and isinstance(right, str):
        return left.strip() == right.strip()
    return bool(left == right)


class ItemChecker:
    """Checks items rows one by one, remembering what earlier rows said."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        log: ErrorLog,
        publish: bool,
        materials: list[ParsedRow],
        processes: list[ParsedRow],
    ) -> None:
        self.catalog = catalog
        self.log = log
        self.publish = publish
        self.materials = self._group(materials)
        self.processes = self._group(processes)
        self.seen_keys: dict[RowKey, int] = {}
        self.seen_bases: dict[str, ParsedRow] = {}
        self.type_codes = {item_type.pk: code for code, item_type in catalog.item_types.items()}

    @staticmethod
    def _group(rows: list[ParsedRow]) -> dict[RowKey, list[ParsedRow]]:
        grouped: dict[RowKey, list[ParsedRow]] = defaultdict(list)
        for parsed in rows:
            key = row_key(parsed)
            if key is not None:
                grouped[key].append(parsed)
        return {key: sorted(rows, key=lambda parsed: parsed.order) for key, rows in grouped.items()}

    def error(self, parsed: ParsedRow, key: str, code: str, message: str | Promise) -> None:
        self.log.add(parsed.row.sheet, parsed.row.number, key, code, message)

    def check(self, parsed: ParsedRow) -> ItemPlan | None:
        """Log every problem of one items row; the plan to write it, when it can be built."""
        key = row_key(parsed)
        if key is not None:
            first = self.seen_keys.setdefault(key, parsed.row.number)
            if first != parsed.row.number:
                message = _("Row %(row)s already describes this handling item.") % {"row": first}
                self.error(parsed, "base_code", "import.duplicate_row", message)
        base = self._check_base(parsed)
        authority = self._check_authority(parsed)
        guide = self._check_guide(parsed, key)
        if key is None or base is None or authority is None:
            return None
        department, region = authority
        handling_item = self._existing_handling_item(parsed, base.base_code, department, region)
        values = parsed.values
        return ItemPlan(
            row=parsed.row,
            key=key,
            base=base,
            department=department,
            region=region,
            level=values["level"],
            kind=values["handling_kind"],
            handling_name=values["handling_name"],
            guide=guide,
            handling_item=handling_item,
        )

    def _check_base(self, parsed: ParsedRow) -> BaseItemInput | None:
        values, failed = parsed.values, parsed.failed
        code = normal_base_code(values["base_code"])
        item_type = None
        if "item_type" not in failed:
            item_type = self.catalog.item_types.get(values["item_type"])
            if item_type is None:
                self.error(parsed, "item_type", "item_type.unknown", _("Unknown item type code."))
        if "base_code" not in failed:
            type_code = item_type.code if item_type else None
            for error in codes.base_code_errors(code, item_type_code=type_code):
                self.error(parsed, "base_code", error.code, error.message)
            self._check_same_base(parsed, code)
        if item_type is None:
            return None
        return BaseItemInput(
            base_code=code,
            name=values["name"],
            item_type_code=item_type.code,
            item_list=values["item_list"],
            competent_department=values["competent_department"],
            authority_nature=values["authority_nature"],
            legal_basis=values["legal_basis"],
            domain=values["domain"],
            for_persons="person" in values["service_objects"],
            for_organizations="organization" in values["service_objects"],
            synonyms=values["synonyms"],
        )

    def _check_same_base(self, parsed: ParsedRow, code: str) -> None:
        """Rows of one base code agree with each other and with the stored base item."""
        first = self.seen_bases.setdefault(code, parsed)
        for key in BASE_KEYS[1:] if first is not parsed else ():
            if key in parsed.failed or key in first.failed:
                continue
            if not _same(parsed.values[key], first.values[key]):
                problem = (
                    "import.uniform_element" if key in UNIFORM_KEYS else "import.base_item_conflict"
                )
                message = _("This differs from row %(row)s, which has the same base code.") % {
                    "row": first.row.number
                }
                self.error(parsed, key, problem, message)
        stored = self.catalog.base_items.get(code)
        if stored is None:
            return
        stored_values = {
            "name": stored.name,
            "item_type": self.type_codes.get(stored.item_type_id, ""),
            "competent_department": stored.competent_department,
            "authority_nature": stored.authority_nature,
            "legal_basis": stored.legal_basis,
        }
        for key in UNIFORM_KEYS:
            if key not in parsed.failed and not _same(parsed.values[key], stored_values[key]):
                message = _(
                    "This differs from the stored base item %(code)s; the uniform elements of "
                    "an item are the same everywhere in the province."
                ) % {"code": code}
                self.error(parsed, key, "import.uniform_element", message)

    def _check_authority(self, parsed: ParsedRow) -> tuple[Department, Region] | None:
        values, failed = parsed.values, parsed.failed
        department = region = None
        if "department_credit_code" not in failed:
            department = self.catalog.departments.get(values["department_credit_code"])
            if department is None:
                message = _("No department has this unified social credit code.")
                self.error(parsed, "department_credit_code", "department.unknown", message)
        if "region_code" not in failed:
            region = self.catalog.regions.get(normal_region_code(values["region_code"]))
            if region is None:
                self.error(parsed, "region_code", "region.unknown", _("Unknown region code."))
            elif not region.is_current:
                message = _("This region code is no longer current.")
                self.error(parsed, "region_code", "region.not_current", message)
        if region is not None and "level" not in failed and region.level != values["level"]:
            message = _("The region's level does not match the item's level.")
            self.error(parsed, "level", "region.level", message)
        if department is not None and region is not None and department.region_id != region.pk:
            message = _("The implementing department does not belong to this region.")
            self.error(parsed, "department_credit_code", "department.region", message)
        if department is None or region is None:
            return None
        return department, region

    def _existing_handling_item(
        self, parsed: ParsedRow, base_code: str, department: Department, region: Region
    ) -> HandlingItem | None:
        """The stored handling item this row updates; an import never renames one."""
        base = self.catalog.base_items.get(base_code)
        implementation = (
            self.catalog.implementations.get((base.pk, department.pk, region.pk)) if base else None
        )
        if implementation is None:
            return None
        kind, name = parsed.values["handling_kind"], parsed.values["handling_name"]
        candidates = self.catalog.handling_items.get((implementation.pk, kind), [])
        match = next((item for item in candidates if item.name == name), None)
        if candidates and match is None and "handling_name" not in parsed.failed:
            message = _(
                "This authority's handling item of this kind is named %(name)s; "
                "an import does not rename it."
            ) % {"name": candidates[0].name}
            self.error(parsed, "handling_name", "import.handling_name", message)
        return match

    def _check_guide(self, parsed: ParsedRow, key: RowKey | None) -> GuideInput:
        materials = self.materials.get(key, []) if key else []
        processes = self.processes.get(key, []) if key else []
        guide = GuideInput(
            **{name: parsed.values[name] for name in GUIDE_KEYS},
            process_steps=[
                {"name": step.values["name"], "description": step.values["description"]}
                for step in processes
            ],
            materials=[
                MaterialInput(**{name: material.values[name] for name in MATERIAL_KEYS})
                for material in materials
            ],
        )
        for error in guide_errors(guide):
            self._guide_error(parsed, materials, processes, error)
        if self.publish and key is not None and not materials:
            message = _(
                "A published guide lists at least one material: "
                "add its rows to the materials sheet."
            )
            self.error(parsed, "base_code", "import.materials_required", message)
        return guide

    def _guide_error(
        self,
        parsed: ParsedRow,
        materials: list[ParsedRow],
        processes: list[ParsedRow],
        error: FieldError,
    ) -> None:
        """Place an error of ``guide_errors`` in the cell it is about, unless that is moot."""
        target, key = parsed, error.field
        if match := _MATERIAL_FIELD.match(error.field):
            target, key = materials[int(match[1])], match[2]
        elif match := _STEP_FIELD.match(error.field):
            target, key = processes[int(match[1])], "name"
        if key in target.failed:
            return
        if target is parsed and key in TIME_KEYS and parsed.failed & TIME_KEYS:
            return
        self.error(target, key, error.code, error.message)

    def unknown_items(self) -> None:
        """Log materials and processes rows whose key matches no items row."""
        for grouped in (self.materials, self.processes):
            for key, rows in grouped.items():
                if key in self.seen_keys:
                    continue
                for parsed in rows:
                    message = _(
                        "No row of the items sheet has this base code, department, region "
                        "and handling kind."
                    )
                    self.error(parsed, "base_code", "import.unknown_item", message)


def _readable(rows: list[ParsedRow], key: str, normal: Callable[[str], str]) -> set[str]:
    return {normal(parsed.values[key]) for parsed in rows if key not in parsed.failed}


def validate(
    sheets: dict[str, SheetData], log: ErrorLog, *, publish: bool
) -> tuple[list[ItemPlan], Catalog]:
    """Check every row of every sheet; the plans are usable only when ``log`` stays empty."""
    items = parse_rows(sheets[ITEMS.key], log)
    materials = parse_rows(sheets[MATERIALS.key], log)
    processes = parse_rows(sheets[PROCESSES.key], log)
    catalog = load_catalog(
        base_codes=_readable(items, "base_code", normal_base_code),
        credit_codes=_readable(items, "department_credit_code", str),
        region_codes=_readable(items, "region_code", normal_region_code),
    )
    checker = ItemChecker(
        catalog=catalog, log=log, publish=publish, materials=materials, processes=processes
    )
    plans = [plan for plan in map(checker.check, items) if plan is not None]
    checker.unknown_items()
    return plans, catalog
