"""Use authorisations (证照用证授权): a holder lets one department read one license, for a
case or a purpose, until a time — and every read under it is audited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import Department, PublicModel
from govhall.licenses.models.license import License


class LicenseShare(PublicModel):
    license = models.ForeignKey(
        License, verbose_name=_("license"), on_delete=models.PROTECT, related_name="shares"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("shared with"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    case_number = models.CharField(_("case number"), max_length=30, blank=True, db_index=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_until = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("use authorisation")
        verbose_name_plural = _("use authorisations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["department", "valid_until"], name="licenses_share_department")
        ]

    def __str__(self) -> str:
        return f"{self.license_id} → {self.department_id}"
