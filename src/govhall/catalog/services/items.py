"""Base items, implementations and handling items."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from govhall.catalog import codes
from govhall.catalog.models import (
    LEVEL_CODES,
    UNIFORM_ELEMENTS,
    BaseItem,
    HandlingItem,
    HandlingKind,
    Implementation,
    ItemList,
    ItemType,
    PowerSource,
    Theme,
)
from govhall.catalog.revision import catalog_changed
from govhall.core.audit import audit_record_create
from govhall.core.errors import ErrorCollector
from govhall.core.models import AuthorityNature, Department, Region, RegionLevel
from govhall.core.search import index_tokens
from govhall.core.transactions import service_atomic


@dataclass(slots=True)
class BaseItemInput:
    base_code: str
    name: str
    item_type_code: str
    item_list: str
    competent_department: str
    authority_nature: str
    legal_basis: str
    domain: str = ""
    for_persons: bool = False
    for_organizations: bool = False
    synonyms: list[str] = field(default_factory=list)
    theme_keys: list[str] = field(default_factory=list)


def _base_item_errors(
    data: BaseItemInput, errors: ErrorCollector, *, prefix: str = ""
) -> ItemType | None:
    item_type = ItemType.objects.filter(code=data.item_type_code).first()
    if item_type is None:
        errors.add(f"{prefix}item_type", "item_type.unknown", _("Unknown item type code."))
    if data.base_code.startswith("XK"):
        mapped = codes.map_legacy_code(data.base_code)
        if mapped:
            data.base_code = mapped
    errors.extend(
        [
            type(e)(f"{prefix}{e.field}", e.code, e.message)
            for e in codes.base_code_errors(data.base_code, item_type_code=data.item_type_code)
        ]
    )
    if not data.name.strip():
        errors.add(f"{prefix}name", "name.required", _("The name is required."))
    if data.item_list not in ItemList.values:
        errors.add(f"{prefix}item_list", "item_list.unknown", _("Unknown list."))
    if data.authority_nature not in AuthorityNature.values:
        errors.add(
            f"{prefix}authority_nature", "authority_nature.unknown", _("Unknown authority type.")
        )
    if not data.legal_basis.strip():
        errors.add(
            f"{prefix}legal_basis", "legal_basis.required", _("The legal basis is required.")
        )
    if not data.competent_department.strip():
        errors.add(
            f"{prefix}competent_department",
            "competent_department.required",
            _("The competent department is required."),
        )
    if not (data.for_persons or data.for_organizations):
        errors.add(
            f"{prefix}service_objects",
            "service_objects.required",
            _("Say whether the item serves persons, organizations or both."),
        )
    return item_type


def base_item_create(*, actor: Any, data: BaseItemInput) -> BaseItem:
    """Create a base item after checking every field and the code's structure."""
    errors = ErrorCollector()
    item_type = _base_item_errors(data, errors)
    if BaseItem.objects.filter(base_code=data.base_code).exists():
        errors.add("base_code", "base_code.duplicate", _("An item with this base code exists."))
    themes = list(Theme.objects.filter(key__in=data.theme_keys))
    if len(themes) != len(set(data.theme_keys)):
        errors.add("themes", "themes.unknown", _("Unknown theme."))
    errors.raise_if_any()
    assert item_type is not None
    with service_atomic():
        parent = None
        if data.base_code[9:] != "000":
            parent = BaseItem.objects.filter(base_code=codes.main_item_code(data.base_code)).first()
        item = BaseItem.objects.create(
            base_code=data.base_code,
            name=data.name.strip(),
            item_type=item_type,
            item_list=data.item_list,
            domain=data.domain,
            competent_department=data.competent_department.strip(),
            authority_nature=data.authority_nature,
            legal_basis=data.legal_basis.strip(),
            parent=parent,
            for_persons=data.for_persons,
            for_organizations=data.for_organizations,
            synonyms="\n".join(s.strip() for s in data.synonyms if s.strip()),
        )
        item.themes.set(themes)
        audit_record_create(
            actor=actor,
            action="catalog.base_item.create",
            object_type="base_item",
            object_id=item.base_code,
            data={"name": item.name},
        )
    return item


def base_item_update(*, actor: Any, base_item: BaseItem, changes: dict[str, Any]) -> BaseItem:
    """Revise a base item. Implementations keep their copies until synchronised."""
    allowed = {
        "name",
        "competent_department",
        "authority_nature",
        "legal_basis",
        "synonyms",
        "domain",
        "for_persons",
        "for_organizations",
        "is_active",
    }
    errors = ErrorCollector()
    for key in changes:
        if key not in allowed:
            errors.add(key, "base_item.read_only", _("This field cannot be changed."))
    errors.raise_if_any()
    with service_atomic():
        before = {key: getattr(base_item, key) for key in changes}
        for key, value in changes.items():
            setattr(base_item, key, value)
        probe = BaseItemInput(
            base_code=base_item.base_code,
            name=base_item.name,
            item_type_code=base_item.item_type.code,
            item_list=base_item.item_list,
            competent_department=base_item.competent_department,
            authority_nature=base_item.authority_nature,
            legal_basis=base_item.legal_basis,
            for_persons=base_item.for_persons,
            for_organizations=base_item.for_organizations,
        )
        _base_item_errors(probe, errors)
        errors.raise_if_any()
        base_item.save()
        audit_record_create(
            actor=actor,
            action="catalog.base_item.update",
            object_type="base_item",
            object_id=base_item.base_code,
            data={"before": before, "after": changes},
        )
        for implementation in base_item.implementations.all():
            implementation_reindex(implementation=implementation)
        catalog_changed()
    return base_item


def implementation_create(
    *,
    actor: Any,
    base_item: BaseItem,
    department: Department,
    region: Region,
    level: str,
    power_source: str = PowerSource.STATUTORY,
    entrusted_department: Department | None = None,
    pc_url: str = "",
    mobile_url: str = "",
    reindex: bool = True,
) -> Implementation:
    """Create an implementation; the uniform elements are copied from the base item.

    ``reindex=False`` leaves the search tokens to the caller, who must run
    :func:`implementation_reindex` once the item is complete (the spreadsheet import does, so
    each imported item is indexed once, with its final data, instead of three times).
    """
    errors = ErrorCollector()
    if level not in RegionLevel.values:
        errors.add("level", "level.unknown", _("Unknown level."))
    elif region.level != level:
        errors.add(
            "region", "region.level", _("The region's level does not match the item's level.")
        )
    if department.region_id != region.pk:
        errors.add(
            "department",
            "department.region",
            _("The implementing department does not belong to this region."),
        )
    if power_source not in PowerSource.values:
        errors.add("power_source", "power_source.unknown", _("Unknown power source."))
    if Implementation.objects.filter(
        base_item=base_item, department=department, region=region
    ).exists():
        errors.add(
            "base_item",
            "implementation.duplicate",
            _("This authority already implements this item in this region."),
        )
    errors.raise_if_any()
    code = codes.implementation_code(
        credit_code=department.credit_code,
        level_code=LEVEL_CODES[RegionLevel(level)],
        base_code=base_item.base_code,
    )
    with service_atomic():
        implementation = Implementation.objects.create(
            base_item=base_item,
            implementation_code=code,
            department=department,
            entrusted_department=entrusted_department,
            level=level,
            region=region,
            name=base_item.name,
            base_code=base_item.base_code,
            item_type=base_item.item_type,
            competent_department=base_item.competent_department,
            authority_nature=base_item.authority_nature,
            legal_basis=base_item.legal_basis,
            power_source=power_source,
            pc_url=pc_url,
            mobile_url=mobile_url,
        )
        if reindex:
            implementation_reindex(implementation=implementation)
        audit_record_create(
            actor=actor,
            action="catalog.implementation.create",
            object_type="implementation",
            object_id=code,
            data={"department": department.credit_code, "region": region.code},
        )
    return implementation


def implementation_update(
    *, actor: Any, implementation: Implementation, changes: dict[str, Any]
) -> Implementation:
    """Change what an authority may change; the six uniform elements are refused."""
    errors = ErrorCollector()
    editable = {
        "power_source",
        "pc_url",
        "mobile_url",
        "is_single_login",
        "is_active",
        "entrusted_department",
    }
    for key, value in changes.items():
        if key in UNIFORM_ELEMENTS or key == "item_type_id":
            if getattr(implementation, key) != value:
                errors.add(
                    key,
                    "implementation.uniform_element",
                    _("This element is set province-wide by the base item and cannot differ."),
                )
        elif key not in editable:
            errors.add(key, "implementation.read_only", _("This field cannot be changed."))
    errors.raise_if_any()
    with service_atomic():
        for key, value in changes.items():
            setattr(implementation, key, value)
        implementation.save()
        implementation_reindex(implementation=implementation)
        catalog_changed()
        audit_record_create(
            actor=actor,
            action="catalog.implementation.update",
            object_type="implementation",
            object_id=implementation.implementation_code,
            data={key: str(value) for key, value in changes.items()},
        )
    return implementation


def implementation_sync_uniform_elements(
    *, actor: Any, implementation: Implementation
) -> Implementation:
    """Copy the base item's current uniform elements onto the implementation."""
    base = implementation.base_item
    with service_atomic():
        before = {
            "name": implementation.name,
            "competent_department": implementation.competent_department,
            "authority_nature": implementation.authority_nature,
            "legal_basis": implementation.legal_basis,
        }
        implementation.name = base.name
        implementation.item_type = base.item_type
        implementation.competent_department = base.competent_department
        implementation.authority_nature = base.authority_nature
        implementation.legal_basis = base.legal_basis
        implementation.save()
        implementation_reindex(implementation=implementation)
        catalog_changed()
        audit_record_create(
            actor=actor,
            action="catalog.implementation.sync",
            object_type="implementation",
            object_id=implementation.implementation_code,
            data={"before": before},
        )
    return implementation


def implementation_reindex(*, implementation: Implementation) -> None:
    """Recompute the search tokens of one implementation.

    Only public rows (active, with a published guide) get tokens, so the full-text index holds
    exactly what the public may find and can count matches without touching the table.
    """
    if not (implementation.is_active and implementation.has_published_guide):
        Implementation.objects.filter(pk=implementation.pk).update(search_tokens="")
        implementation.search_tokens = ""
        return
    base = implementation.base_item
    handling_names = list(implementation.handling_items.values_list("name", flat=True))
    theme_names = list(base.themes.values_list("name", flat=True))
    tokens = index_tokens(
        implementation.name,
        base.name,
        *base.synonym_list,
        *handling_names,
        *theme_names,
        implementation.department.name,
        implementation.department.short_name,
        implementation.region.name,
    )
    Implementation.objects.filter(pk=implementation.pk).update(search_tokens=tokens)
    implementation.search_tokens = tokens


def handling_item_create(
    *, actor: Any, implementation: Implementation, kind: str, name: str, reindex: bool = True
) -> HandlingItem:
    """Add a handling item; its code is the implementation code plus the next sequence.

    ``reindex=False``: as for :func:`implementation_create`, the caller reindexes afterwards.
    """
    errors = ErrorCollector()
    if kind not in HandlingKind.values:
        errors.add("kind", "kind.unknown", _("Unknown handling kind."))
    if not name.strip():
        errors.add("name", "name.required", _("The name is required."))
    errors.raise_if_any()
    with service_atomic():
        Implementation.objects.select_for_update(no_key=True).filter(pk=implementation.pk).first()
        last = implementation.handling_items.aggregate(last=Max("handling_code"))["last"]
        sequence = int(last[-2:]) + 1 if last else 1
        item = HandlingItem.objects.create(
            implementation=implementation,
            handling_code=codes.handling_code(
                implementation_code=implementation.implementation_code, sequence=sequence
            ),
            kind=kind,
            name=name.strip(),
        )
        if reindex:
            implementation_reindex(implementation=implementation)
        audit_record_create(
            actor=actor,
            action="catalog.handling_item.create",
            object_type="handling_item",
            object_id=item.handling_code,
            data={"name": item.name, "kind": kind},
        )
    return item
