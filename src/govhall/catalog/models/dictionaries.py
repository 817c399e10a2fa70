"""Dictionaries of the catalog: item types, the six lists, domains, themes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import PublicModel


class ItemType(models.Model):
    """事项类型 with its two-digit code; a table, because provinces verify their own codes."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("item type")
        verbose_name_plural = _("item types")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ItemList(models.TextChoices):
    """The six lists of seed article 1."""

    POWER = "power", _("Power list (权力清单)")
    RESPONSIBILITY = "responsibility", _("Responsibility list (责任清单)")
    INVESTMENT_NEGATIVE = "investment_negative", _("Investment negative list (投资负面清单)")
    FISCAL_FUND = "fiscal_fund", _("Special fiscal fund list (财政专项资金管理清单)")
    INTERMEDIARY = "intermediary", _("Intermediary service list (行政审批中介服务清单)")
    PUBLIC_SERVICE = "public_service", _("Public service list (公共服务事项清单)")


class Domain(models.TextChoices):
    """The fields of seed articles 6 and 22, used for coverage reports and browsing."""

    ENTERPRISE_REGISTRATION = "enterprise_registration", _("Enterprise registration")
    ANNUAL_REPORT = "annual_report", _("Annual report")
    CHANGE_DEREGISTRATION = "change_deregistration", _("Change and deregistration")
    PROJECT_INVESTMENT = "project_investment", _("Project investment")
    PRODUCTION_OPERATION = "production_operation", _("Production and operation")
    QUALIFICATION = "qualification", _("Qualification")
    TAX = "tax", _("Tax and fees")
    WORK_SAFETY = "work_safety", _("Work safety")
    EDUCATION = "education", _("Education")
    MEDICAL_CARE = "medical_care", _("Medical care")
    HOUSEHOLD_REGISTRATION = "household_registration", _("Household registration")
    SOCIAL_SECURITY = "social_security", _("Social security")
    EMPLOYMENT = "employment", _("Employment")
    HOUSING_SECURITY = "housing_security", _("Housing security")
    VILLAGE = "village", _("Village services")


class Audience(models.TextChoices):
    PERSON = "person", _("Persons")
    ORGANIZATION = "organization", _("Organizations")


class Theme(PublicModel):
    """ "I want to..." browsing: life events for persons, enterprise stages for organizations."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["audience", "order"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name
