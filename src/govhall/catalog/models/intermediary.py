"""Intermediary services (中介服务), the agency directory and the shared expert pool."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models.items import BaseItem
from govhall.core.models import Department, PublicModel, Region


class IntermediaryService(PublicModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    is_mandatory = models.BooleanField(_("required by law"), default=True)
    fee_basis = models.CharField(_("fee basis"), max_length=200, blank=True)
    base_items = models.ManyToManyField(
        BaseItem, verbose_name=_("items that need it"), related_name="intermediary_services"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("intermediary service")
        verbose_name_plural = _("intermediary services")

    def __str__(self) -> str:
        return self.name


class Agency(PublicModel):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    services = models.ManyToManyField(
        IntermediaryService, verbose_name=_("services"), related_name="agencies"
    )
    service_regions = models.ManyToManyField(
        Region, verbose_name=_("service area"), related_name="+"
    )
    fee_standard = models.TextField(_("fee standard"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("intermediary agency")
        verbose_name_plural = _("intermediary agencies")

    def __str__(self) -> str:
        return self.name


class AgencyQualification(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="qualifications")
    name = models.CharField(_("qualification"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=100)
    issued_by = models.CharField(_("issued by"), max_length=200)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self) -> str:
        return self.name


class Expert(PublicModel):
    """An expert of the province-wide pool, shared across regions and departments."""

    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("professional title"), max_length=100)
    specialties = models.JSONField(_("specialties"), default=list)
    employer = models.CharField(_("employer"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments using the expert"), related_name="+", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name
