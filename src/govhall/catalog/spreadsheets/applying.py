"""Writing a validated import in one transaction, through the catalog services.

The services are used rather than bulk inserts because they build the codes, the search index
and the audit chain; validation has already run, so a service refusing a row here means the
database changed in the meantime, and the whole import is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.db.models import Prefetch

from govhall.catalog.models import HandlingItem, ItemVersion, MaterialRequirement, VersionState
from govhall.catalog.revision import catalog_changed
from govhall.catalog.services.items import (
    base_item_create,
    handling_item_create,
    implementation_create,
    implementation_reindex,
)
from govhall.catalog.services.versions import (
    GuideInput,
    ProcedureInput,
    item_version_create,
    item_version_publish,
    item_version_submit,
)
from govhall.catalog.spreadsheets.columns import GUIDE_KEYS, ITEMS, MATERIAL_KEYS
from govhall.catalog.spreadsheets.lookups import Catalog, chunks
from govhall.catalog.spreadsheets.report import ErrorLog, ImportFailed, ImportReport
from govhall.catalog.spreadsheets.validation import ItemPlan
from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.transactions import bulk_transaction

Signature = tuple[Any, ...]


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return tuple(value)
    return value


def _signature(source: Any, steps: list[dict[str, Any]], materials: Iterable[Any]) -> Signature:
    return (
        tuple(_normal(getattr(source, key)) for key in GUIDE_KEYS),
        tuple(
            (_normal(str(step.get("name", ""))), _normal(str(step.get("description", ""))))
            for step in steps
        ),
        tuple(
            tuple(_normal(getattr(material, key)) for key in MATERIAL_KEYS)
            for material in materials
        ),
    )


def guide_signature(guide: GuideInput) -> Signature:
    """What the spreadsheet says about a guide, in a comparable form."""
    return _signature(guide, guide.process_steps, guide.materials)


def version_signature(version: ItemVersion) -> Signature:
    """The same for a stored version (its materials prefetched in order)."""
    return _signature(version, version.process_steps, version.materials.all())


def load_references(
    handling_items: Iterable[HandlingItem], *, publish: bool
) -> dict[int, ItemVersion]:
    """The version each stored handling item's row is compared with.

    Publishing compares with the published version; a draft-only import compares with the
    newest draft, in review or published version, so importing the same file twice does not
    pile up identical drafts.
    """
    states = [VersionState.PUBLISHED]
    if not publish:
        states += [VersionState.DRAFT, VersionState.IN_REVIEW]
    materials = MaterialRequirement.objects.order_by("order", "pk")
    references: dict[int, ItemVersion] = {}
    for chunk in chunks(item.pk for item in handling_items):
        versions = (
            ItemVersion.objects.filter(handling_item_id__in=chunk, state__in=states)
            .prefetch_related(Prefetch("materials", queryset=materials), "special_procedures")
            .order_by("handling_item_id", "-number")
        )
        for version in versions:
            references.setdefault(version.handling_item_id, version)
    return references


def _carried_over(guide: GuideInput, reference: ItemVersion | None) -> GuideInput:
    """Keep what the spreadsheet does not hold (FAQ, special procedures) from the last version."""
    if reference is None:
        return guide
    procedures = [
        ProcedureInput(
            name=procedure.name,
            days=procedure.days,
            legal_basis=procedure.legal_basis,
            fee=procedure.fee,
            counted_in_limit=procedure.counted_in_limit,
        )
        for procedure in reference.special_procedures.all()
    ]
    return replace(guide, faq=list(reference.faq), special_procedures=procedures)


def _carry_files(version: ItemVersion, reference: ItemVersion | None) -> None:
    """Materials keep the blank and sample forms of the same-named material of the last version.

    The stored file is shared, not copied, as ``item_version_new_draft`` does: published
    versions never change, so neither version will overwrite it.
    """
    files = {
        m.name: m
        for m in (reference.materials.all() if reference else [])
        if m.blank_form or m.sample_form
    }
    if not files:
        return
    for material in version.materials.all():
        source = files.get(material.name)
        if source is not None:
            MaterialRequirement.objects.filter(pk=material.pk).update(
                blank_form=source.blank_form.name, sample_form=source.sample_form.name
            )


class Writer:
    """Writes plans one by one, reusing what exists and counting what it creates.

    Why the services are told not to reindex or bump the catalog revision: creating an
    implementation and a handling item and publishing each recomputed the implementation's
    search tokens, three times per imported item; and every publication bumped the one
    revision row, 10,000 times in one transaction. The writer creates without reindexing and
    indexes each item once it is complete (publishing does, with the final data; a draft-only
    import calls ``implementation_reindex`` itself), then bumps the revision once.
    """

    def __init__(
        self, *, actor: Any, catalog: Catalog, publish: bool, plans: list[ItemPlan]
    ) -> None:
        self.actor = actor
        self.catalog = catalog
        self.publish = publish
        self.report = ImportReport(rows=len(plans))
        self.published = False
        stored = [plan.handling_item for plan in plans if plan.handling_item is not None]
        self.references = load_references(stored, publish=publish)

    def write(self, plan: ItemPlan) -> None:
        created = plan.handling_item is None  # then not yet indexed: see the class docstring
        handling_item = plan.handling_item or self._handling_item(plan)
        reference = self.references.get(handling_item.pk)
        if reference is not None and version_signature(reference) == guide_signature(plan.guide):
            self.report.unchanged += 1
            return
        version = item_version_create(
            actor=self.actor,
            handling_item=handling_item,
            guide=_carried_over(plan.guide, reference),
        )
        _carry_files(version, reference)
        if self.publish:
            item_version_submit(actor=self.actor, version=version)
            # Publishing reindexes the implementation, now complete.
            item_version_publish(actor=self.actor, version=version, bump_revision=False)
            self.published = True
        elif created:
            implementation_reindex(implementation=handling_item.implementation)
        self.report.created_versions += 1

    def _handling_item(self, plan: ItemPlan) -> HandlingItem:
        catalog = self.catalog
        base_item = catalog.base_items.get(plan.base.base_code)
        if base_item is None:
            base_item = base_item_create(actor=self.actor, data=plan.base)
            catalog.base_items[base_item.base_code] = base_item
            self.report.created_base_items += 1
        key = (base_item.pk, plan.department.pk, plan.region.pk)
        implementation = catalog.implementations.get(key)
        if implementation is None:
            implementation = implementation_create(
                actor=self.actor,
                base_item=base_item,
                department=plan.department,
                region=plan.region,
                level=plan.level,
                reindex=False,
            )
            catalog.implementations[key] = implementation
            self.report.created_implementations += 1
        self.report.created_handling_items += 1
        return handling_item_create(
            actor=self.actor,
            implementation=implementation,
            kind=plan.kind,
            name=plan.handling_name,
            reindex=False,
        )


def _failure(plan: ItemPlan, error: ValidationFailed | Conflict, log: ErrorLog) -> ImportFailed:
    """The error a service raised, placed on the row being written."""
    sheet, row = plan.row.sheet, plan.row.number
    if isinstance(error, ValidationFailed):
        for field_error in error.errors:
            key = field_error.field if field_error.field in ITEMS.keys else "base_code"
            log.add(sheet, row, key, field_error.code, field_error.message)
    else:
        log.add(sheet, row, "base_code", "import.conflict", error.detail)
    return ImportFailed(ImportReport(rows=0, errors=log.sorted()))


def apply_plans(
    *, actor: Any, plans: list[ItemPlan], catalog: Catalog, publish: bool, log: ErrorLog
) -> ImportReport:
    """Write every plan or none: main items before their sub-items, then in file order."""
    writer = Writer(actor=actor, catalog=catalog, publish=publish, plans=plans)
    with bulk_transaction():
        for plan in sorted(plans, key=lambda plan: (plan.key[0], plan.row.number)):
            try:
                writer.write(plan)
            except (ValidationFailed, Conflict) as error:
                raise _failure(plan, error, log) from error
        if writer.published:
            catalog_changed()
    return writer.report
