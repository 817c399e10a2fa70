"""Organizations (法人和其他组织) and the persons who may act for them.

A credit code is public information (it is printed on every business licence), so it is stored
in clear; the legal representative's ID number is personal data and is kept like a person's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel
from govhall.identity.models.person import INDEX_LENGTH, TOKEN_MAX_LENGTH, Person


class OrganizationType(models.TextChoices):
    """The registration-authority families of GB 32100 (the credit code's first character)."""

    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    FARMERS_COOPERATIVE = "farmers_cooperative", _("Farmers' cooperative")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    SOCIAL_ORGANIZATION = "social_organization", _("Social organization")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")
    OTHER = "other", _("Other organization")


class Organization(PublicModel):
    """A legal person or other organization, verified against the legal-entity source."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    org_type = models.CharField(
        _("organization type"), max_length=32, choices=OrganizationType.choices
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("registered region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_representative = models.ForeignKey(
        Person,
        verbose_name=_("legal representative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_organizations",
        help_text=_("Set when the legal representative has an account."),
    )
    legal_representative_name = models.CharField(_("legal representative's name"), max_length=50)
    legal_representative_id_encrypted = models.CharField(
        _("legal representative's ID number (encrypted)"), max_length=TOKEN_MAX_LENGTH
    )
    legal_representative_id_index = models.CharField(
        _("legal representative's ID number (blind index)"),
        max_length=INDEX_LENGTH,
        db_index=True,
    )
    legal_representative_id_masked = models.CharField(
        _("legal representative's ID number"), max_length=18
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_source = models.CharField(_("verified by source"), max_length=64, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["credit_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"
