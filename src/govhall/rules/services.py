"""Writes of review rules: drafts, publishing, the switch back to manual review, the
spot-check rate. Each writes its audit record in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.models import HandlingItem, ItemVersion
from govhall.core.audit import audit_record_create
from govhall.core.errors import Conflict, FieldError, ValidationFailed
from govhall.identity.models import User
from govhall.rules.dmn import Table, table_parse
from govhall.rules.inputs import available_inputs
from govhall.rules.models import ItemAutomation, RuleSet, RuleSetState
from govhall.rules.selectors import automation_of

MAX_NOTE = 2000


def rule_set_check(version: ItemVersion, dmn: str) -> Table:
    """Check ``dmn`` for ``version`` without saving anything."""
    return table_parse(dmn, available_inputs(version))


def rule_set_save(
    *,
    version: ItemVersion,
    dmn: str,
    actor: User,
    instant_approval: bool,
    note: str = "",
    draft: RuleSet | None = None,
) -> RuleSet:
    """Save ``dmn`` as ``draft`` (changed in place) or as a new draft revision."""
    table = rule_set_check(version, dmn)
    if len(note) > MAX_NOTE:
        raise ValidationFailed(
            [FieldError("note", "note.too_long", _("At most 2,000 characters."))]
        )
    with transaction.atomic():
        if draft is not None:
            draft = RuleSet.objects.select_for_update(no_key=True).get(pk=draft.pk)
            if draft.state != RuleSetState.DRAFT:
                raise Conflict(_("Only a draft can be changed; start a new revision."))
            rule_set = draft
        else:
            last = RuleSet.objects.filter(version=version).aggregate(last=Max("revision"))
            rule_set = RuleSet(version=version, revision=(last["last"] or 0) + 1, created_by=actor)
        rule_set.name = table.name[:200]
        rule_set.dmn = dmn
        rule_set.sm3 = table.sm3
        rule_set.input_names = list(table.input_names)
        rule_set.instant_approval = instant_approval
        rule_set.note = note.strip()
        rule_set.save()
        audit_record_create(
            actor=actor,
            action="rules.rule_set.save",
            object_type="rule_set",
            object_id=str(rule_set.uuid),
            data={
                "version": str(version.uuid),
                "revision": rule_set.revision,
                "sm3": table.sm3,
                "instant_approval": instant_approval,
            },
        )
    return rule_set


def rule_set_publish(*, rule_set: RuleSet, actor: User) -> RuleSet:
    """Make the draft ``rule_set`` the one applications are decided by (checked again: the
    version's form or the sources may have changed since it was saved)."""
    rule_set_check(rule_set.version, rule_set.dmn)
    with transaction.atomic():
        locked = RuleSet.objects.select_for_update(no_key=True).get(pk=rule_set.pk)
        if locked.state != RuleSetState.DRAFT:
            raise Conflict(_("Only a draft can be published."))
        previous = list(
            RuleSet.objects.select_for_update(no_key=True).filter(
                version=locked.version, state=RuleSetState.PUBLISHED
            )
        )
        for old in previous:
            old.state = RuleSetState.SUPERSEDED
            old.save(update_fields=["state", "updated_at"])
        locked.state = RuleSetState.PUBLISHED
        locked.published_by = actor
        locked.published_at = timezone.now()
        locked.save(update_fields=["state", "published_by", "published_at", "updated_at"])
        audit_record_create(
            actor=actor,
            action="rules.rule_set.publish",
            object_type="rule_set",
            object_id=str(locked.uuid),
            data={
                "version": str(locked.version.uuid),
                "revision": locked.revision,
                "sm3": locked.sm3,
                "supersedes": [str(o.uuid) for o in previous],
            },
        )
    return locked


def automation_set(
    *,
    item: HandlingItem,
    actor: User,
    manual_only: bool | None = None,
    spot_check_percent: int | None = None,
    reason: str = "",
) -> ItemAutomation:
    """Switch ``item`` to manual review (or back) and/or set its spot-check rate; acts on the
    next application at once. Switching to manual needs a reason."""
    reason = reason.strip()
    errors = []
    if manual_only and not reason:
        errors.append(FieldError("reason", "reason.required", _("State the reasons.")))
    if len(reason) > MAX_NOTE:
        errors.append(FieldError("reason", "reason.too_long", _("At most 2,000 characters.")))
    if spot_check_percent is not None and not 0 <= spot_check_percent <= 100:
        errors.append(
            FieldError(
                "spot_check_percent", "spot_check_percent.range", _("Between 0 and 100 percent.")
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = automation_of(item)
        if current.pk is not None:
            current = ItemAutomation.objects.select_for_update(no_key=True).get(pk=current.pk)
        before = {"manual_only": current.manual_only, "spot": current.spot_check_percent}
        if manual_only is not None:
            current.manual_only = manual_only
            current.reason = reason
        if spot_check_percent is not None:
            current.spot_check_percent = spot_check_percent
        current.changed_by = actor
        current.save()
        audit_record_create(
            actor=actor,
            action="rules.automation.set",
            object_type="handling_item",
            object_id=item.handling_code,
            data={
                "before": before,
                "manual_only": current.manual_only,
                "spot_check_percent": current.spot_check_percent,
                "reason": reason[:200],
            },
        )
    return current


def rules_carry_over(version: ItemVersion, previous: ItemVersion | None, actor: Any) -> None:
    """A newly published item version keeps the review standards of the version it
    supersedes (inside the publication's transaction): the published revision is copied as
    revision 1 of the new version, published, when it is still valid for the new version's
    form and sources. When it is not, nothing is copied — the item is decided by people until
    a revision for the new version is published — and the audit record says why."""
    if previous is None or RuleSet.objects.filter(version=version).exists():
        return
    source = RuleSet.objects.filter(version=previous, state=RuleSetState.PUBLISHED).first()
    if source is None:
        return
    try:
        table = rule_set_check(version, source.dmn)
    except ValidationFailed as refused:
        audit_record_create(
            actor=actor,
            action="rules.rule_set.not_carried_over",
            object_type="rule_set",
            object_id=str(source.uuid),
            data={
                "version": str(version.uuid),
                "problems": [str(e.message) for e in refused.errors][:20],
            },
        )
        return
    copied = RuleSet.objects.create(
        version=version,
        revision=1,
        state=RuleSetState.PUBLISHED,
        name=source.name,
        dmn=source.dmn,
        sm3=table.sm3,
        input_names=list(table.input_names),
        instant_approval=source.instant_approval,
        note=_("Carried over from version %(number)s, revision %(revision)s.")
        % {"number": previous.number, "revision": source.revision},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
        published_at=timezone.now(),
    )
    audit_record_create(
        actor=actor,
        action="rules.rule_set.carry_over",
        object_type="rule_set",
        object_id=str(copied.uuid),
        data={"version": str(version.uuid), "from": str(source.uuid), "sm3": table.sm3},
    )
