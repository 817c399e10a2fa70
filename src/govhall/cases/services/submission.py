"""Submitting an application: one case per idempotency key, numbered, pinned to its version."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from govhall.cases.events import case_event_publish
from govhall.cases.models import (
    ApplicationDraft,
    Case,
    CaseAction,
    CaseNumberCounter,
    Channel,
    MaterialSourceKind,
    MaterialUpload,
)
from govhall.cases.services.automatic import automatic_review, facts_gather
from govhall.cases.services.effects import acceptance_due
from govhall.cases.services.process import participants_add, process_start
from govhall.cases.transitions import FIRST_ACTIONS, SUBMIT, SUBMIT_FOR_PRE_REVIEW
from govhall.catalog.application_forms import form_schema_parse
from govhall.catalog.models import ItemVersion, MaterialRequirement, MaterialSource, VersionState
from govhall.core.audit import audit_record_create
from govhall.core.calendar import get_calendar
from govhall.core.counters import counter_next
from govhall.core.crypto import sm3_hex
from govhall.core.errors import (
    Conflict,
    ErrorCollector,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from govhall.core.scoping import StaffScope
from govhall.identity.acting import (
    PRINCIPAL_ORGANIZATION,
    PRINCIPAL_PERSON,
    ActingAs,
    acting_as_resolve,
)
from govhall.identity.models import Organization, Person, User
from govhall.licenses.models import License
from govhall.licenses.services.shares import license_share
from govhall.rules.selectors import published_rule_set

MAX_FORM_BYTES = 64 * 1024
MAX_KEY_LENGTH = 100
SEQUENCE_DIGITS = 5


def _fingerprint(
    *,
    version: ItemVersion,
    principal_type: str,
    principal_uuid: uuid.UUID,
    channel: str,
    form_data: dict[str, Any],
    materials: Sequence[uuid.UUID],
    pre_review: bool = False,
) -> str:
    body: dict[str, Any] = {
        "version": str(version.uuid),
        "principal": [principal_type, str(principal_uuid)],
        "channel": channel,
        "form": form_data,
        "materials": sorted(str(m) for m in materials),
    }
    if pre_review:  # only then: fingerprints of earlier submissions stay what they were
        body["pre_review"] = True
    return sm3_hex(json.dumps(body, sort_keys=True, ensure_ascii=False).encode())


def _next_number(region_code: str, day: Any) -> str:
    """``{county code}{yyyymmdd}{sequence}``, e.g. ``5201212026112800001`` (one upsert of the
    day's counter: ``core.counters``)."""
    value = counter_next(CaseNumberCounter, region_code=region_code, day=day)
    return f"{region_code}{day:%Y%m%d}{value:0{SEQUENCE_DIGITS}d}"


def published_version(version_uuid: uuid.UUID) -> ItemVersion:
    """The published guide version applications are taken for (404 / 422 otherwise)."""
    version = (
        ItemVersion.objects.select_related(
            "handling_item__implementation__department",
            "handling_item__implementation__region",
        )
        .filter(uuid=version_uuid)
        .first()
    )
    if version is None:
        raise NotFound(gettext("No such guide version."))
    if version.state != VersionState.PUBLISHED:
        raise ValidationFailed(
            [
                FieldError(
                    "version",
                    "version.not_published",
                    gettext("Applications are taken only for the published guide."),
                )
            ]
        )
    return version


def may_take_at_window(actor: User, version: ItemVersion) -> bool:
    """Staff who may process the item's cases may also take its applications at a window."""
    implementation = version.handling_item.implementation
    return actor.has_perm("cases.process_case") and StaffScope.for_user(actor).covers(
        region_prefix=implementation.region.prefix, department_id=implementation.department_id
    )


def window_applicant(
    actor: User, version: ItemVersion, principal_type: str, principal_uuid: uuid.UUID
) -> ActingAs:
    """A walk-in applicant (窗口收件): the clerk checked their identity document at the window;
    the person applies for themself, recorded as ``window`` with the clerk as submitter."""
    if not may_take_at_window(actor, version):
        raise PermissionDenied(gettext("You may not take applications for this item."))
    person = (
        Person.objects.filter(uuid=principal_uuid).first()
        if principal_type == PRINCIPAL_PERSON
        else None
    )
    if person is None:
        raise NotFound(gettext("No such person: register the applicant first."))
    return ActingAs(person, PRINCIPAL_PERSON, person.uuid, person.name, "window")


def offers_pre_review(version: ItemVersion, channel: str) -> bool:
    """Online pre-review (预审) is for online applications to items that need a visit."""
    return version.visits > 0 and channel in {Channel.WEB, Channel.MOBILE}


def item_codes(version: ItemVersion) -> list[str]:
    """The codes a mandate may name for this item: base, implementation and handling item."""
    handling = version.handling_item
    implementation = handling.implementation
    return [implementation.base_code, implementation.implementation_code, handling.handling_code]


def case_submit(
    *,
    actor: User,
    version_uuid: uuid.UUID,
    principal_type: str,
    principal_uuid: uuid.UUID,
    channel: str,
    form_data: dict[str, Any],
    idempotency_key: str,
    materials: Sequence[uuid.UUID] = (),
    at_window: bool = False,
    pre_review: bool = False,
) -> tuple[Case, bool]:
    """Create the case, or return the one this key already created (``created`` False).

    ``pre_review``: submit online for pre-review (预审) before the visit to the hall the item
    needs; the case waits in ``pre_review`` and the legal clock starts only when the hall
    receives it (the ``receive`` action, after ``pass_pre_review``).

    The same key with other content is refused (``idempotency_key.reused``): a client that
    retries must send the same request. The applicant is the principal the actor may act for
    (themself, their organization, or by mandate for this item).
    """
    errors = ErrorCollector()
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        errors.add(
            "idempotency_key",
            "idempotency_key.required",
            gettext("Send an Idempotency-Key header of 1 to 100 characters."),
        )
    if channel not in Channel.values or (channel == Channel.WINDOW) != at_window:
        errors.add("channel", "channel.invalid", gettext("Unknown channel."))
    if len(json.dumps(form_data, ensure_ascii=False).encode()) > MAX_FORM_BYTES:
        errors.add("form_data", "form_data.too_large", gettext("The form holds more than 64 KB."))
    errors.raise_if_any()
    version = published_version(version_uuid)
    if pre_review and not offers_pre_review(version, channel):
        raise ValidationFailed(
            [
                FieldError(
                    "pre_review",
                    "pre_review.not_offered",
                    gettext(
                        "Pre-review is offered online for items that need a visit to the hall."
                    ),
                )
            ]
        )
    form = form_schema_parse(version.application_form, prefix="version").clean(form_data)
    if form.errors:
        raise ValidationFailed(form.errors)
    if at_window:
        acting = window_applicant(actor, version, principal_type, principal_uuid)
    else:
        acting = acting_as_resolve(
            user=actor,
            principal_type=principal_type,
            principal_uuid=principal_uuid,
            item_codes=item_codes(version),
        )
    fingerprint = _fingerprint(
        version=version,
        principal_type=principal_type,
        principal_uuid=principal_uuid,
        channel=channel,
        form_data=form_data,
        materials=materials,
        pre_review=pre_review,
    )
    existing = Case.objects.filter(submitted_by=actor, idempotency_key=key).first()
    if existing is not None:
        return _replayed(existing, fingerprint), False
    uploads, pending, material_errors = _materials(actor, version, materials)
    if material_errors:
        raise ValidationFailed(material_errors)
    implementation = version.handling_item.implementation
    first_action = SUBMIT_FOR_PRE_REVIEW if pre_review else SUBMIT
    now = timezone.now()
    received_on = get_calendar().effective_date(timezone.localdate(now))
    person = organization = None
    if principal_type == PRINCIPAL_ORGANIZATION:
        organization = Organization.objects.get(uuid=principal_uuid)
    elif acting.is_self:
        person = acting.agent  # already read to resolve who acts
    else:
        person = Person.objects.get(uuid=principal_uuid)
    rule_set = None if pre_review else published_rule_set(version)
    gathered = (
        facts_gather(
            rule_set, version=version, person=person, organization=organization, form=form.values
        )
        if rule_set is not None
        else None
    )
    try:
        with transaction.atomic():
            # The draft (deleted below) first: an upload into it locks it before the audit
            # chain's head too (drafts.material_upload), so neither waits for the other in the
            # opposite order, and an upload is either in the draft before or refused after.
            drafts = ApplicationDraft.objects.filter(
                owner=actor,
                version=version,
                principal_type=principal_type,
                principal_uuid=principal_uuid,
            )
            list(drafts.select_for_update().values_list("pk", flat=True))
            case = Case(
                number=_next_number(implementation.region.code[:6], timezone.localdate(now)),
                version=version,
                department=implementation.department,
                region=implementation.region,
                applicant_person=person,
                applicant_organization=organization,
                applicant_name=acting.principal_label,
                submitted_by=actor,
                basis=acting.basis,
                mandate_uuid=acting.mandate_uuid,
                channel=channel,
                form_data=form.values,
                state=FIRST_ACTIONS[first_action],
                received_at=now,
                received_on=received_on,
                acceptance_due_on=None if pre_review else acceptance_due(received_on),
                idempotency_key=key,
                request_fingerprint=fingerprint,
            )
            departments = process_start(case)
            case.save(force_insert=True)
            participants_add(case, departments)
            CaseAction.objects.create(
                case=case,
                sequence=1,
                action=first_action,
                to_state=FIRST_ACTIONS[first_action],
                actor=actor,
                actor_label=actor.get_username(),
                role="applicant",
                on_behalf_of=acting.audit_data()["on_behalf_of"],
                occurred_at=now,
                data={
                    "materials": len(uploads),
                    "pending_materials": [str(r.uuid) for r in pending],
                },
            )
            moved = MaterialUpload.objects.filter(
                pk__in=[u.pk for u in uploads], case__isnull=True
            ).update(case=case, draft=None, supplied_on_action=1)
            if moved != len(uploads):  # another submission took one of them meanwhile
                raise Conflict(gettext("A listed file was just submitted with another case."))
            licenses_share_with_case(case, uploads, actor)
            drafts.delete()
            case_event_publish(case, first_action, sequence=1)
            audit_record_create(
                actor=actor,
                action=f"cases.case.{first_action}",
                object_type="case",
                object_id=case.number,
                data={
                    "version": str(version.uuid),
                    "channel": channel,
                    "received_on": received_on.isoformat(),
                    **acting.audit_data(),
                },
            )
            if gathered is not None and automatic_review(case, gathered).decided:
                case.refresh_from_db()
    except IntegrityError:
        # A concurrent request with the same key won the race.
        existing = Case.objects.filter(submitted_by=actor, idempotency_key=key).first()
        if existing is None:
            raise
        return _replayed(existing, fingerprint), False
    return case, True


def _materials(
    actor: User, version: ItemVersion, upload_uuids: Sequence[uuid.UUID]
) -> tuple[list[MaterialUpload], list[MaterialRequirement], list[FieldError]]:
    """The actor's own, not yet submitted uploads for this version; every required material
    the applicant must supply (source: applicant) is there, except non-essential ones, which
    may be pending at acceptance (容缺受理)."""
    wanted = set(upload_uuids)
    uploads = list(
        MaterialUpload.objects.select_related("requirement").filter(
            uuid__in=wanted, uploaded_by=actor, case__isnull=True
        )
    )
    errors: list[FieldError] = []
    if len(uploads) != len(wanted):
        errors.append(
            FieldError(
                "materials",
                "materials.unknown_upload",
                gettext("A listed file is not one of your uploads for this application."),
            )
        )
    if any(u.requirement.version_id != version.pk for u in uploads):
        errors.append(
            FieldError(
                "materials",
                "materials.other_item",
                gettext("A listed file was uploaded for another item."),
            )
        )
    covered = {u.requirement_id for u in uploads}
    pending: list[MaterialRequirement] = []
    for requirement in version.materials.all():
        if (
            requirement.source != MaterialSource.APPLICANT
            or not requirement.is_required
            or requirement.pk in covered
        ):
            continue
        if requirement.is_essential:
            errors.append(
                FieldError(
                    f"materials.{requirement.uuid}",
                    "materials.missing",
                    gettext("“%(name)s” is required.") % {"name": requirement.name},
                )
            )
        else:
            pending.append(requirement)
    return uploads, pending, errors


def _replayed(case: Case, fingerprint: str) -> Case:
    if case.request_fingerprint != fingerprint:
        raise ValidationFailed(
            [
                FieldError(
                    "idempotency_key",
                    "idempotency_key.reused",
                    gettext("This Idempotency-Key was used for a different application."),
                )
            ]
        )
    return case


#: How long a department may read a license an applicant used as a material of a case.
CASE_SHARE_DAYS = 90


def licenses_share_with_case(case: Case, uploads: list[MaterialUpload], actor: User) -> None:
    """On submission: the department may read each license used as a material, for the case
    (part of the submission's transaction). A license no longer valid since it was chosen is
    reported at its material (``materials.license_not_current``) and nothing is submitted."""
    used = {u.license_identifier: u for u in uploads if u.source == MaterialSourceKind.LICENSE}
    if not used:
        return
    for license in License.objects.filter(identifier__in=used):
        try:
            license_share(
                license=license,
                department=case.department,
                purpose=gettext("Material of case %(number)s") % {"number": case.number},
                days=CASE_SHARE_DAYS,
                actor=actor,
                case_number=case.number,
            )
        except Conflict as error:
            requirement = used[license.identifier].requirement
            raise ValidationFailed(
                [
                    FieldError(
                        f"materials.{requirement.uuid}",
                        "materials.license_not_current",
                        str(error.detail),
                    )
                ]
            ) from error
