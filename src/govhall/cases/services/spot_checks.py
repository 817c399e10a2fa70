"""Human spot checks of automatic decisions (抽查)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.models import SpotCheck, SpotCheckState
from govhall.core.audit import audit_record_create
from govhall.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from govhall.core.scoping import StaffScope
from govhall.identity.models import User

MAX_OPINION = 2000


def may_spot_check(user: User, check: SpotCheck) -> bool:
    """Staff with ``cases.check_decisions`` whose scope covers the case."""
    case = check.decision.case
    return user.has_perm("cases.check_decisions") and StaffScope.for_user(user).covers(
        region_prefix=case.region.prefix, department_id=case.department_id
    )


def spot_check_record(*, check: SpotCheck, actor: User, agree: bool, opinion: str) -> SpotCheck:
    """Record a person's verdict on a sampled decision; a disagreement needs the reasons."""
    if not may_spot_check(actor, check):
        raise PermissionDenied(_("You may not check this decision."))
    opinion = opinion.strip()
    if not agree and not opinion:
        raise ValidationFailed([FieldError("opinion", "opinion.required", _("State the reasons."))])
    if len(opinion) > MAX_OPINION:
        raise ValidationFailed(
            [FieldError("opinion", "opinion.too_long", _("At most 2,000 characters."))]
        )
    with transaction.atomic():
        locked = SpotCheck.objects.select_for_update(no_key=True).get(pk=check.pk)
        if locked.state != SpotCheckState.PENDING:
            raise Conflict(_("This decision has already been checked."))
        locked.state = SpotCheckState.AGREED if agree else SpotCheckState.DISAGREED
        locked.opinion = opinion
        locked.checked_by = actor
        locked.checked_at = timezone.now()
        locked.save(update_fields=["state", "opinion", "checked_by", "checked_at", "updated_at"])
        audit_record_create(
            actor=actor,
            action="cases.spot_check.record",
            object_type="case",
            object_id=locked.decision.case.number,
            data={"state": locked.state, "opinion": opinion[:200]},
        )
    return locked
