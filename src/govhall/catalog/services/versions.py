"""Guide versions: drafting, the time-limit rules, review, publication, withdrawal."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.catalog.application_forms import form_schema_errors
from govhall.catalog.models import (
    CaseKind,
    DeliveryMethod,
    HandlingItem,
    Implementation,
    ItemVersion,
    LimitUnit,
    MaterialForm,
    MaterialRequirement,
    MaterialSource,
    OnlineHandling,
    ResultKind,
    SpecialProcedure,
    VersionState,
)
from govhall.catalog.revision import catalog_changed
from govhall.catalog.services.items import implementation_reindex
from govhall.core.audit import audit_record_create
from govhall.core.errors import Conflict, ErrorCollector, FieldError, ValidationFailed
from govhall.core.identifiers import check_credit_code
from govhall.core.transactions import service_atomic

#: Seed article 3: the promised limit is at most half the legal limit.
PROMISED_SHARE_OF_LEGAL = 0.5
#: Seed article 7: at most two visits to a hall for one matter.
MAX_VISITS = 2


@dataclass(slots=True)
class MaterialInput:
    name: str
    form: str
    source: str
    legal_basis: str = ""
    count: int = 1
    paper_size: str = "A4"
    signature_required: bool = False
    seal_required: bool = False
    waivable_if_verified_online: bool = False
    is_required: bool = True
    is_essential: bool = True
    note: str = ""
    license_type_code: str = ""
    blank_form: tuple[str, bytes] | None = None
    sample_form: tuple[str, bytes] | None = None


@dataclass(slots=True)
class ProcedureInput:
    name: str
    days: int
    legal_basis: str = ""
    fee: str = ""
    counted_in_limit: bool = False


@dataclass(slots=True)
class GuideInput:
    """Every element of a guide version (STANDARDS.md, "Service items")."""

    case_kind: str
    legal_limit_days: int
    promised_limit_days: int
    conditions: str
    online_handling: str
    legal_limit_unit: str = LimitUnit.WORKING_DAY
    legal_limit_note: str = ""
    promised_limit_note: str = ""
    promised_waiver_reason: str = ""
    process_steps: list[dict[str, str]] = field(default_factory=list)
    visits: int = 0
    fee_charged: bool = False
    fee_basis: str = ""
    fee_standard: str = ""
    result_name: str = ""
    result_kind: str = ResultKind.OTHER
    delivery_methods: list[str] = field(default_factory=list)
    address: str = ""
    office_hours: str = ""
    consultation: str = ""
    supervision: str = ""
    service_commitment: str = ""
    faq: list[dict[str, str]] = field(default_factory=list)
    application_form: dict[str, Any] = field(default_factory=dict)
    change_note: str = ""
    materials: list[MaterialInput] = field(default_factory=list)
    special_procedures: list[ProcedureInput] = field(default_factory=list)


def time_limit_errors(
    *,
    case_kind: str,
    legal_limit_days: int,
    promised_limit_days: int,
    waiver_reason: str,
    prefix: str = "",
) -> list[FieldError]:
    """The time-limit rules: promised ≤ 50% of legal (or a recorded waiver); 即办件 promise 0."""
    errors: list[FieldError] = []
    if legal_limit_days < 0:
        errors.append(
            FieldError(
                f"{prefix}legal_limit_days",
                "legal_limit_days.range",
                _("The legal limit cannot be negative."),
            )
        )
    if promised_limit_days < 0:
        errors.append(
            FieldError(
                f"{prefix}promised_limit_days",
                "promised_limit_days.range",
                _("The promised limit cannot be negative."),
            )
        )
    if case_kind == CaseKind.INSTANT and promised_limit_days != 0:
        errors.append(
            FieldError(
                f"{prefix}promised_limit_days",
                "promised_limit_days.instant",
                _("An instant item is completed on the spot: its promised limit is 0."),
            )
        )
    if promised_limit_days > legal_limit_days:
        errors.append(
            FieldError(
                f"{prefix}promised_limit_days",
                "promised_limit_days.exceeds_legal",
                _("The promised limit cannot exceed the legal limit."),
            )
        )
    elif (
        promised_limit_days > legal_limit_days * PROMISED_SHARE_OF_LEGAL
        and not waiver_reason.strip()
    ):
        errors.append(
            FieldError(
                f"{prefix}promised_limit_days",
                "promised_limit_days.over_half",
                _(
                    "The promised limit must be at most half of the legal limit "
                    "(%(max)s working days) unless a reason is recorded."
                )
                % {"max": int(legal_limit_days * PROMISED_SHARE_OF_LEGAL)},
            )
        )
    return errors


def guide_errors(guide: GuideInput, *, prefix: str = "") -> list[FieldError]:
    """Every rule a guide must satisfy before it can be saved."""
    errors = ErrorCollector()
    choices = {
        "case_kind": CaseKind.values,
        "online_handling": OnlineHandling.values,
        "legal_limit_unit": LimitUnit.values,
        "result_kind": ResultKind.values,
    }
    for name, allowed in choices.items():
        if getattr(guide, name) not in allowed:
            errors.add(f"{prefix}{name}", f"{name}.unknown", _("Not one of the allowed values."))
    errors.extend(
        time_limit_errors(
            case_kind=guide.case_kind,
            legal_limit_days=guide.legal_limit_days,
            promised_limit_days=guide.promised_limit_days,
            waiver_reason=guide.promised_waiver_reason,
            prefix=prefix,
        )
    )
    if not 0 <= guide.visits <= MAX_VISITS:
        errors.add(
            f"{prefix}visits",
            "visits.range",
            _("An applicant may be asked to visit a hall at most twice."),
        )
    if not guide.conditions.strip():
        errors.add(
            f"{prefix}conditions",
            "conditions.required",
            _("The acceptance conditions are required."),
        )
    for method in guide.delivery_methods:
        if method not in DeliveryMethod.values:
            errors.add(
                f"{prefix}delivery_methods",
                "delivery_methods.unknown",
                _("Unknown delivery method."),
            )
    for index, step in enumerate(guide.process_steps):
        if not str(step.get("name", "")).strip():
            errors.add(
                f"{prefix}process_steps[{index}]",
                "process_steps.name",
                _("Every step needs a name."),
            )
    if guide.fee_charged and not guide.fee_standard.strip():
        errors.add(
            f"{prefix}fee_standard",
            "fee_standard.required",
            _("A charged item states its fee standard."),
        )
    for index, material in enumerate(guide.materials):
        where = f"{prefix}materials[{index}]"
        if not material.name.strip():
            errors.add(f"{where}.name", "material.name", _("The material needs a name."))
        if material.form not in MaterialForm.values:
            errors.add(f"{where}.form", "material.form", _("Not one of the allowed values."))
        if material.source not in MaterialSource.values:
            errors.add(f"{where}.source", "material.source", _("Not one of the allowed values."))
        if material.count < 1:
            errors.add(f"{where}.count", "material.count", _("At least one copy."))
        if material.license_type_code and not _is_type_code(material.license_type_code):
            errors.add(
                f"{where}.license_type_code",
                "material.license_type_code",
                _("A license type code is a credit code followed by 3 digits."),
            )
    errors.extend(form_schema_errors(guide.application_form, prefix=f"{prefix}application_form"))
    for index, procedure in enumerate(guide.special_procedures):
        where = f"{prefix}special_procedures[{index}]"
        if not procedure.name.strip():
            errors.add(f"{where}.name", "special_procedure.name", _("The procedure needs a name."))
        if procedure.days < 0:
            errors.add(
                f"{where}.days", "special_procedure.days", _("The time needed cannot be negative.")
            )
    return errors.errors


def _is_type_code(code: str) -> bool:
    """A license type code: the defining authority's credit code and 3 digits (GB/T 36904)."""
    return (
        len(code) == 21
        and code[18:].isdigit()
        and not check_credit_code(code[:18], field_name="license_type_code").errors
    )


_GUIDE_FIELDS = [
    name
    for name in GuideInput.__dataclass_fields__
    if name not in {"materials", "special_procedures"}
]


def _write_children(version: ItemVersion, guide: GuideInput) -> None:
    requirements: list[MaterialRequirement] = []
    for order, material in enumerate(guide.materials, start=1):
        values = asdict(material)
        blank = values.pop("blank_form")
        sample = values.pop("sample_form")
        requirement = MaterialRequirement(version=version, order=order, **values)
        if blank:
            requirement.blank_form.save(blank[0], ContentFile(blank[1]), save=False)
        if sample:
            requirement.sample_form.save(sample[0], ContentFile(sample[1]), save=False)
        requirements.append(requirement)
    # One INSERT for all materials (files are already stored; the model has no save() logic).
    MaterialRequirement.objects.bulk_create(requirements)
    SpecialProcedure.objects.bulk_create(
        SpecialProcedure(version=version, order=order, **asdict(procedure))
        for order, procedure in enumerate(guide.special_procedures, start=1)
    )


def item_version_create(
    *, actor: Any, handling_item: HandlingItem, guide: GuideInput
) -> ItemVersion:
    """Create a draft version of a handling item's guide."""
    errors = ErrorCollector(guide_errors(guide))
    errors.raise_if_any()
    with service_atomic():
        HandlingItem.objects.select_for_update(no_key=True).filter(pk=handling_item.pk).first()
        last = handling_item.versions.aggregate(last=Max("number"))["last"] or 0
        version = ItemVersion.objects.create(
            handling_item=handling_item,
            number=last + 1,
            state=VersionState.DRAFT,
            **{name: getattr(guide, name) for name in _GUIDE_FIELDS},
        )
        _write_children(version, guide)
        audit_record_create(
            actor=actor,
            action="catalog.item_version.create",
            object_type="item_version",
            object_id=f"{handling_item.handling_code}/v{version.number}",
            data={"materials": len(guide.materials)},
        )
    return version


_Row = TypeVar("_Row", ItemVersion, MaterialRequirement, SpecialProcedure)


def _copy_row(row: _Row) -> _Row:
    """An unsaved copy of ``row`` with a new public identifier (files are shared, not copied:
    stored files are immutable, so two versions may name the same one)."""
    copied = copy.copy(row)
    copied.pk = None
    copied._state = copy.copy(row._state)
    copied._state.adding = True
    copied.uuid = uuid.uuid4()
    return copied


def item_version_new_draft(*, actor: Any, handling_item: HandlingItem) -> ItemVersion:
    """Start a new draft from the latest version, materials and procedures included."""
    source = handling_item.versions.order_by("-number").first()
    if source is None:
        raise Conflict(_("There is no version to start a draft from."))
    if handling_item.versions.filter(
        state__in=[VersionState.DRAFT, VersionState.IN_REVIEW]
    ).exists():
        raise Conflict(_("This handling item already has a draft or a version in review."))
    with service_atomic():
        materials = list(source.materials.all())
        procedures = list(source.special_procedures.all())
        draft = _copy_row(source)
        draft.number = source.number + 1
        draft.state = VersionState.DRAFT
        draft.published_at = None
        draft.published_by = None
        draft.review_note = ""
        draft.withdrawn_reason = ""
        draft.change_note = ""
        draft.save()
        for material in materials:
            copied_material = _copy_row(material)
            copied_material.version = draft
            copied_material.save()
        for procedure in procedures:
            copied_procedure = _copy_row(procedure)
            copied_procedure.version = draft
            copied_procedure.save()
        audit_record_create(
            actor=actor,
            action="catalog.item_version.new_draft",
            object_type="item_version",
            object_id=f"{handling_item.handling_code}/v{draft.number}",
        )
    return draft


def _require_state(version: ItemVersion, *states: str) -> None:
    if version.state not in states:
        raise Conflict(
            _("A version in state “%(state)s” cannot do this.")
            % {"state": version.get_state_display()}
        )


def item_version_check(*, version: ItemVersion) -> None:
    """Re-check the time-limit rules of a saved draft (the admin edits fields directly)."""
    errors = ErrorCollector(
        time_limit_errors(
            case_kind=version.case_kind,
            legal_limit_days=version.legal_limit_days,
            promised_limit_days=version.promised_limit_days,
            waiver_reason=version.promised_waiver_reason,
        )
    )
    if version.visits > MAX_VISITS:
        errors.add(
            "visits", "visits.range", _("An applicant may be asked to visit a hall at most twice.")
        )
    errors.extend(form_schema_errors(version.application_form))
    errors.raise_if_any()


def item_version_save_draft(*, actor: Any, version: ItemVersion, changed: list[str]) -> ItemVersion:
    """Save edits to a draft; published versions never change."""
    if version.pk is not None:
        stored = ItemVersion.objects.get(pk=version.pk)
        _require_state(stored, VersionState.DRAFT)
    item_version_check(version=version)
    with service_atomic():
        version.save()
        audit_record_create(
            actor=actor,
            action="catalog.item_version.update",
            object_type="item_version",
            object_id=f"{version.handling_item.handling_code}/v{version.number}",
            data={"changed": changed},
        )
    return version


def _transition(version: ItemVersion, *, actor: Any, action: str, data: dict[str, Any]) -> None:
    audit_record_create(
        actor=actor,
        action=f"catalog.item_version.{action}",
        object_type="item_version",
        object_id=f"{version.handling_item.handling_code}/v{version.number}",
        data=data,
    )


def item_version_submit(*, actor: Any, version: ItemVersion) -> ItemVersion:
    """Draft → in review, after the rules are checked once more."""
    with service_atomic():
        version = _locked(version)
        _require_state(version, VersionState.DRAFT)
        item_version_check(version=version)
        if not version.materials.exists():
            raise Conflict(_("A guide lists at least one material before review."))
        version.state = VersionState.IN_REVIEW
        version.save(update_fields=["state", "updated_at"])
        _transition(version, actor=actor, action="submit", data={})
    return version


def item_version_return(*, actor: Any, version: ItemVersion, note: str) -> ItemVersion:
    """In review → draft, with the reviewer's note."""
    if not note.strip():
        raise ValidationFailed([FieldError("note", "note.required", _("Say what must change."))])
    with service_atomic():
        version = ItemVersion.objects.select_for_update(no_key=True).get(pk=version.pk)
        _require_state(version, VersionState.IN_REVIEW)
        version.state = VersionState.DRAFT
        version.review_note = note.strip()
        version.save(update_fields=["state", "review_note", "updated_at"])
        _transition(version, actor=actor, action="return", data={"note": note})
    return version


def _locked(version: ItemVersion) -> ItemVersion:
    """The stored version, locked, with its handling item (whose code the audit record names)."""
    return (
        ItemVersion.objects.select_for_update(of=("self",), no_key=True)
        .select_related("handling_item")
        .get(pk=version.pk)
    )


def _refresh_published_flag(version: ItemVersion, *, bump_revision: bool = True) -> None:
    """Keep ``Implementation.has_published_guide`` equal to "some handling item is published"."""
    implementation = Implementation.objects.select_related("base_item", "department", "region").get(
        pk=version.handling_item.implementation_id
    )
    implementation.has_published_guide = ItemVersion.objects.filter(
        handling_item__implementation=implementation, state=VersionState.PUBLISHED
    ).exists()
    implementation.save(update_fields=["has_published_guide", "updated_at"])
    implementation_reindex(implementation=implementation)
    if bump_revision:
        catalog_changed()


def item_version_publish(
    *, actor: Any, version: ItemVersion, bump_revision: bool = True
) -> ItemVersion:
    """In review → published; the previously published version is superseded.

    ``bump_revision=False`` leaves the catalog revision (what retires cached guide pages) to
    the caller, who must call ``catalog_changed()`` in the same transaction: an import
    publishing 10,000 versions bumps it once instead of 10,000 times.
    """
    with service_atomic():
        version = _locked(version)
        _require_state(version, VersionState.IN_REVIEW)
        superseded = ItemVersion.objects.filter(
            handling_item_id=version.handling_item_id, state=VersionState.PUBLISHED
        )
        previous = superseded.first()
        superseded.update(state=VersionState.SUPERSEDED, updated_at=timezone.now())
        version.state = VersionState.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = actor if getattr(actor, "is_authenticated", False) else None
        version.save(update_fields=["state", "published_at", "published_by", "updated_at"])
        _refresh_published_flag(version, bump_revision=bump_revision)
        _transition(version, actor=actor, action="publish", data={})
        for hook in _PUBLISHED_HOOKS:
            hook(version, previous, actor)
    return version


PublishedHook = Callable[[ItemVersion, "ItemVersion | None", Any], None]
_PUBLISHED_HOOKS: list[PublishedHook] = []


def version_published_hook_register(hook: PublishedHook) -> PublishedHook:
    """Run ``hook(version, previous, actor)`` inside the transaction that publishes a version
    (``previous``: the version it supersedes). Modules above the catalog attach what belongs
    to a version this way — the review rules carry over to the next version (docs/rules.md)."""
    _PUBLISHED_HOOKS.append(hook)
    return hook


def item_version_withdraw(*, actor: Any, version: ItemVersion, reason: str) -> ItemVersion:
    """Published → withdrawn (the item is no longer offered), with the reason."""
    if not reason.strip():
        raise ValidationFailed(
            [FieldError("reason", "reason.required", _("Give the reason for withdrawal."))]
        )
    with service_atomic():
        version = ItemVersion.objects.select_for_update(no_key=True).get(pk=version.pk)
        _require_state(version, VersionState.PUBLISHED)
        version.state = VersionState.WITHDRAWN
        version.withdrawn_reason = reason.strip()
        version.save(update_fields=["state", "withdrawn_reason", "updated_at"])
        _refresh_published_flag(version)
        _transition(version, actor=actor, action="withdraw", data={"reason": reason})
    return version
