"""Changing a license's status: suspend, reinstate, revoke — each with a reason, signed by the
issuer's seal, audited and announced, in one transaction with the license row locked."""

from __future__ import annotations

import json

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext

from govhall.core.audit import actor_label, audit_record_create
from govhall.core.errors import Conflict, FieldError, ValidationFailed
from govhall.core.outbox import event_publish
from govhall.core.transactions import service_atomic
from govhall.licenses.models import License, LicenseChange, LicenseChangeKind, LicenseStatus
from govhall.licenses.services.seals import seal_for_signing, seal_sign

MAX_REASON = 1000
#: Which status each change leads from, and to.
CHANGES: dict[str, tuple[frozenset[str], str]] = {
    LicenseChangeKind.SUSPEND: (frozenset({LicenseStatus.VALID}), LicenseStatus.SUSPENDED),
    LicenseChangeKind.REINSTATE: (frozenset({LicenseStatus.SUSPENDED}), LicenseStatus.VALID),
    LicenseChangeKind.REVOKE: (
        frozenset({LicenseStatus.VALID, LicenseStatus.SUSPENDED}),
        LicenseStatus.REVOKED,
    ),
}


def change_payload(
    *, identifier: str, sequence: int, kind: str, reason: str, occurred_on: str, status: str
) -> str:
    """The exact text a change's signature covers (sorted-key JSON, UTF-8)."""
    return json.dumps(
        {
            "identifier": identifier,
            "sequence": sequence,
            "change": kind,
            "reason": reason,
            "on": occurred_on,
            "status": status,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def license_change(
    *,
    license: License,
    kind: str,
    reason: str,
    actor: AbstractBaseUser | AnonymousUser | None,
) -> License:
    """Apply one status change; ``Conflict`` when the status does not allow it, and
    ``ValidationFailed`` without a reason."""
    if kind not in CHANGES:
        raise ValidationFailed([FieldError("change", "change.unknown", gettext("Unknown."))])
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise ValidationFailed(
            [
                FieldError(
                    "reason",
                    "reason.required",
                    gettext("State the reason (at most 1,000 characters)."),
                )
            ]
        )
    sources, target = CHANGES[kind]
    day = timezone.localdate()
    with service_atomic():
        locked = License.objects.select_for_update().select_related("issuer").get(pk=license.pk)
        if locked.status not in sources:
            raise Conflict(
                gettext("The license is “%(status)s”; this change is not possible.")
                % {"status": locked.get_status_display()}
            )
        seal = seal_for_signing(locked.issuer, day)
        sequence = LicenseChange.objects.filter(license=locked).count() + 1
        payload = change_payload(
            identifier=locked.identifier,
            sequence=sequence,
            kind=kind,
            reason=reason,
            occurred_on=day.isoformat(),
            status=target,
        )
        LicenseChange.objects.create(
            license=locked,
            sequence=sequence,
            kind=kind,
            reason=reason,
            occurred_on=day,
            actor_label=actor_label(actor),
            seal=seal,
            payload=payload,
            signature=seal_sign(seal, payload.encode()),
        )
        previous = locked.status
        locked.status = target
        locked.save(update_fields=["status", "updated_at"])
        audit_record_create(
            actor=actor,
            action=f"licenses.license.{kind}",
            object_type="license",
            object_id=locked.identifier,
            data={"from": previous, "to": target, "reason": reason[:200], "seal": seal.key_sm3},
        )
        event_publish(
            topic=f"licenses.license.{kind}",
            payload={"identifier": locked.identifier, "status": target},
        )
    return locked
