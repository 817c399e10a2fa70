"""Signed changes of a license: status (suspension, reinstatement, revocation, replacement)
and endorsements (加注)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.licenses.models.license import License
from govhall.licenses.models.seal import Seal


class LicenseChangeKind(models.TextChoices):
    SUSPEND = "suspend", _("Suspended")
    REINSTATE = "reinstate", _("Reinstated")
    REVOKE = "revoke", _("Revoked")
    ENDORSE = "endorse", _("Endorsed")
    REPLACE = "replace", _("Replaced by a new version")


class LicenseChange(models.Model):
    """One change of a license's status, append-only, with its reason, signed by the issuer's
    seal: a status in the database that its signed changes do not explain is caught by
    verification."""

    license = models.ForeignKey(
        License, verbose_name=_("license"), on_delete=models.PROTECT, related_name="changes"
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("change"), max_length=16, choices=LicenseChangeKind.choices)
    reason = models.TextField(_("reason"))
    until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Endorsements: how long the note holds.")
    )
    related_identifier = models.CharField(
        _("related license"),
        max_length=120,
        blank=True,
        help_text=_("Replacement: the new version."),
    )
    occurred_on = models.DateField(_("on"))
    actor_label = models.CharField(_("by"), max_length=150)
    seal = models.ForeignKey(Seal, verbose_name=_("signed with"), on_delete=models.PROTECT)
    payload = models.TextField(_("signed payload"))
    signature = models.BinaryField(_("signature (DER)"))

    class Meta:
        verbose_name = _("license change")
        verbose_name_plural = _("license changes")
        ordering = ["license", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["license", "sequence"], name="licenses_change_order")
        ]

    def __str__(self) -> str:
        return f"{self.license_id} #{self.sequence} {self.kind}"
