"""Changing a license: suspend, reinstate, revoke, endorse (加注) — each with a reason, signed by
the issuer's seal, audited and announced, in one transaction with the license row locked.
Every change bumps the license's ``revision`` (a rendered PDF is kept per revision)."""

from __future__ import annotations

import datetime
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
#: Which status each change leads from, and to (``None``: the status stays, an endorsement).
CHANGES: dict[str, tuple[frozenset[str], str | None]] = {
    LicenseChangeKind.SUSPEND: (frozenset({LicenseStatus.VALID}), LicenseStatus.SUSPENDED),
    LicenseChangeKind.REINSTATE: (frozenset({LicenseStatus.SUSPENDED}), LicenseStatus.VALID),
    LicenseChangeKind.REVOKE: (
        frozenset({LicenseStatus.VALID, LicenseStatus.SUSPENDED}),
        LicenseStatus.REVOKED,
    ),
    LicenseChangeKind.ENDORSE: (frozenset({LicenseStatus.VALID, LicenseStatus.SUSPENDED}), None),
    # A suspended license is reinstated first: a new version must not lift a suspension.
    LicenseChangeKind.REPLACE: (frozenset({LicenseStatus.VALID}), LicenseStatus.REPLACED),
}


def change_payload(
    *,
    identifier: str,
    sequence: int,
    kind: str,
    reason: str,
    occurred_on: str,
    status: str,
    until: str = "",
    related: str = "",
) -> str:
    """The exact text a change's signature covers (sorted-key JSON, UTF-8); an endorsement's
    end date and a replacement's new identifier are in it only when there is one."""
    record: dict[str, object] = {
        "identifier": identifier,
        "sequence": sequence,
        "change": kind,
        "reason": reason,
        "on": occurred_on,
        "status": status,
    }
    if until:
        record["until"] = until
    if related:
        record["related"] = related
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def reason_problems(reason: str) -> list[FieldError]:
    """A change needs a reason (an endorsement: its note) of at most 1,000 characters."""
    if 0 < len(reason.strip()) <= MAX_REASON:
        return []
    return [
        FieldError(
            "reason", "reason.required", gettext("State the reason (at most 1,000 characters).")
        )
    ]


def status_after(kind: str, before: str) -> str:
    """The status a change of ``kind`` leaves a license in that was ``before``."""
    target = CHANGES[kind][1]
    return before if target is None else target


def license_change(
    *,
    license: License,
    kind: str,
    reason: str,
    actor: AbstractBaseUser | AnonymousUser | None,
    until: datetime.date | None = None,
    related: str = "",
) -> License:
    """Apply one change; ``Conflict`` when the status does not allow it, and
    ``ValidationFailed`` without a reason (an endorsement's note) or with an end date in the
    past."""
    if kind not in CHANGES:
        raise ValidationFailed([FieldError("change", "change.unknown", gettext("Unknown."))])
    reason = reason.strip()
    day = timezone.localdate()
    problems = reason_problems(reason)
    if until is not None and until < day:
        problems.append(FieldError("until", "until.past", gettext("Must not be in the past.")))
    if problems:
        raise ValidationFailed(problems)
    sources = CHANGES[kind][0]
    with service_atomic():
        locked = (
            License.objects.select_for_update(no_key=True)
            .select_related("issuer")
            .get(pk=license.pk)
        )
        if locked.status not in sources:
            raise Conflict(
                gettext("The license is “%(status)s”; this change is not possible.")
                % {"status": locked.get_status_display()}
            )
        seal = seal_for_signing(locked.issuer, day)
        sequence = locked.revision + 1
        target = status_after(kind, locked.status)
        payload = change_payload(
            identifier=locked.identifier,
            sequence=sequence,
            kind=kind,
            reason=reason,
            occurred_on=day.isoformat(),
            status=target,
            until=until.isoformat() if until else "",
            related=related,
        )
        LicenseChange.objects.create(
            license=locked,
            sequence=sequence,
            kind=kind,
            reason=reason,
            until=until,
            related_identifier=related,
            occurred_on=day,
            actor_label=actor_label(actor),
            seal=seal,
            payload=payload,
            signature=seal_sign(seal, payload.encode()),
        )
        previous = locked.status
        locked.status = target
        locked.revision = sequence
        locked.save(update_fields=["status", "revision", "updated_at"])
        audit_record_create(
            actor=actor,
            action=f"licenses.license.{kind}",
            object_type="license",
            object_id=locked.identifier,
            data={
                "from": previous,
                "to": target,
                "reason": reason[:200],
                "seal": seal.key_sm3,
                **({"until": until.isoformat()} if until else {}),
                **({"related": related} if related else {}),
            },
        )
        event_publish(
            topic=f"licenses.license.{kind}",
            payload={"identifier": locked.identifier, "status": target},
        )
    return locked
