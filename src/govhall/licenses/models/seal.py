"""Electronic seals (电子印章): an authority's SM2 key pair with its validity."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import Department, PublicModel


class Seal(PublicModel):
    """One electronic seal of a department. The private key is kept encrypted (PKCS#8 with
    SM4-CBC under ``GOVHALL["SEAL_KEY_PASSPHRASE"]``); the public key is published at a stable
    URL. A seal past its validity or revoked signs nothing more, but the licenses it signed
    stay verifiable with its public key (key rotation: a new seal, the old one kept)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="seals"
    )
    name = models.CharField(_("name"), max_length=100)
    private_key_pem = models.TextField(
        _("private key (encrypted PEM)"),
        blank=True,
        editable=False,
        help_text=_("Empty when a signing device or server holds the key."),
    )
    signer = models.CharField(
        _("held by"),
        max_length=200,
        default="database",
        editable=False,
        help_text=_("Which signer holds the private key (GOVHALL_SEAL_SIGNER when created)."),
    )
    key_reference = models.CharField(_("key reference"), max_length=200, blank=True, editable=False)
    public_key_pem = models.TextField(_("public key (PEM)"), editable=False)
    key_sm3 = models.CharField(
        _("public key fingerprint (SM3)"), max_length=64, unique=True, editable=False
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    image_svg = models.TextField(
        _("seal image (SVG)"),
        blank=True,
        editable=False,
        help_text=_("Drawn by govhall from the department's name when the seal is created."),
    )

    class Meta:
        verbose_name = _("electronic seal")
        verbose_name_plural = _("electronic seals")
        ordering = ["department", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="licenses_seal_validity_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department.name} · {self.name}"
