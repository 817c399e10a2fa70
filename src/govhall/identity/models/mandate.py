"""Mandates (委托授权): one party acting for another, and the village proxy agents (代办员).

Every action taken under a mandate records both the person who acted and the party they acted
for (see :mod:`govhall.identity.acting`). A mandate is checked at the moment of use, so revoking
it or letting it lapse stops it at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel
from govhall.identity.models.organization import Organization
from govhall.identity.models.person import Person


class MandateKind(models.TextChoices):
    ORGANIZATION_AGENT = "organization_agent", _("Agent of an organization")
    FAMILY_MEMBER = "family_member", _("Family member")
    PROXY_AGENT = "proxy_agent", _("Proxy agent of a village service point")


class ProxyAgent(PublicModel):
    """A person registered as the proxy agent (代办员) of a village or community service point."""

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="proxy_agent"
    )
    service_region = models.ForeignKey(
        "core.Region",
        verbose_name=_("service point region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The village or community whose service point the agent works at."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("proxy agent")
        verbose_name_plural = _("proxy agents")

    def __str__(self) -> str:
        return str(self.person)


class Mandate(PublicModel):
    """Lets ``agent`` act for exactly one principal (a person or an organization)."""

    kind = models.CharField(_("kind"), max_length=32, choices=MandateKind.choices)
    agent = models.ForeignKey(
        Person, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="mandates_held"
    )
    principal_person = models.ForeignKey(
        Person,
        verbose_name=_("principal (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates_given",
    )
    principal_organization = models.ForeignKey(
        Organization,
        verbose_name=_("principal (organization)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates_given",
    )
    item_codes = models.JSONField(
        _("items covered"),
        default=list,
        blank=True,
        help_text=_(
            "Base codes or implementation codes of the items the mandate covers; empty: all."
        ),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    consent_text = models.TextField(_("consent statement"), blank=True)
    consent_signed_at = models.DateTimeField(_("consent signed at"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(principal_person__isnull=False, principal_organization__isnull=True)
                    | Q(principal_person__isnull=True, principal_organization__isnull=False)
                ),
                name="identity_mandate_one_principal",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="identity_mandate_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["agent", "revoked_at"], name="identity_mandate_agent")]

    def __str__(self) -> str:
        principal = self.principal_person or self.principal_organization
        return f"{self.agent} → {principal} ({self.get_kind_display()})"
