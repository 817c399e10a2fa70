"""Use authorisations (用证授权): the holder lets one department read one license — for a case
or a stated purpose, until a time they choose — and can withdraw it. Every read by the
department under an authorisation is audited (``licenses.license.read_shared``), so the
holder and a supervisor can see who looked at what, and when."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext

from govhall.core.audit import audit_record_create
from govhall.core.errors import Conflict, FieldError, ValidationFailed
from govhall.core.models import Department
from govhall.core.outbox import event_publish
from govhall.core.transactions import service_atomic
from govhall.identity.models import User
from govhall.licenses.models import License, LicenseShare, LicenseStatus

MAX_DAYS = 90
MAX_PURPOSE = 200


def license_share(
    *,
    license: License,
    department: Department | None,
    purpose: str,
    days: int | None,
    actor: User,
    case_number: str = "",
) -> LicenseShare:
    """Authorise ``department`` to read ``license`` for ``days`` (1 to 90). The caller has
    established that ``actor`` holds the license (it is in their wallet). ``ValidationFailed``
    naming each bad field; ``Conflict`` for a license that is not valid (sharing a revoked
    license would only mislead)."""
    purpose = " ".join(purpose.split())
    problems: list[FieldError] = []
    if department is None:
        problems.append(
            FieldError("department", "department.required", gettext("Choose a department."))
        )
    if not 2 <= len(purpose) <= MAX_PURPOSE:
        problems.append(FieldError("purpose", "purpose.length", gettext("2 to 200 characters.")))
    if days is None or not 1 <= days <= MAX_DAYS:
        problems.append(FieldError("days", "days.range", gettext("From 1 to 90 days.")))
    if problems:
        raise ValidationFailed(problems)
    assert department is not None and days is not None
    if license.status != LicenseStatus.VALID:
        raise Conflict(
            gettext("The license is “%(status)s” and cannot be shared.")
            % {"status": license.get_status_display()}
        )
    with service_atomic():
        share = LicenseShare.objects.create(
            license=license,
            department=department,
            purpose=purpose,
            case_number=case_number,
            granted_by=actor,
            valid_until=timezone.now() + datetime.timedelta(days=days),
        )
        audit_record_create(
            actor=actor,
            action="licenses.license.share",
            object_type="license",
            object_id=license.identifier,
            data={
                "department": department.credit_code,
                "purpose": purpose,
                "case": case_number,
                "until": share.valid_until.isoformat(),
            },
        )
        event_publish(
            topic="licenses.license.shared",
            payload={
                "identifier": license.identifier,
                "department": department.credit_code,
                "case_number": case_number,
            },
        )
    return share


def license_share_withdraw(*, share: LicenseShare, actor: User) -> LicenseShare:
    """End an authorisation now; withdrawing one already ended changes nothing."""
    with service_atomic():
        locked = LicenseShare.objects.select_for_update(no_key=True).get(pk=share.pk)
        now = timezone.now()
        if locked.revoked_at is not None or locked.valid_until <= now:
            return locked
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at", "updated_at"])
        audit_record_create(
            actor=actor,
            action="licenses.license.share_withdraw",
            object_type="license",
            object_id=locked.license.identifier,
            data={"share": str(locked.uuid), "department": locked.department.credit_code},
        )
    return locked


def shared_license_read(
    *, share: LicenseShare, actor: AbstractBaseUser | AnonymousUser, what: str
) -> License:
    """The license behind an active authorisation, the read audited (``what``: "record" or
    "pdf"). The caller has checked that ``actor`` works for the share's department."""
    return license_read(
        license=share.license,
        actor=actor,
        what=what,
        action="licenses.license.read_shared",
        data={"share": str(share.uuid), "case": share.case_number},
    )


def license_read(
    *,
    license: License,
    actor: AbstractBaseUser | AnonymousUser,
    what: str,
    action: str = "licenses.license.read",
    data: dict[str, str] | None = None,
) -> License:
    """Record that staff read a license's full record or PDF (the holder's personal data):
    under an authorisation, or in the issuing department's license office."""
    with service_atomic():
        audit_record_create(
            actor=actor,
            action=action,
            object_type="license",
            object_id=license.identifier,
            data={"what": what, **(data or {})},
        )
    return license
