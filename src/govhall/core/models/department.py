"""Departments and implementing authorities (部门 / 实施机关).

They live in the kernel, not in ``identity``: the catalog names the authority that implements
an item, staff belong to one, licences are issued by one, and those apps may not import each
other (import-linter layers), so the department is shared vocabulary.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel
from govhall.core.models.region import Region, RegionLevel


class AuthorityNature(models.TextChoices):
    STATUTORY = "statutory", _("Statutory authority")
    AUTHORIZED = "authorized", _("Organization authorized by law")
    ENTRUSTED = "entrusted", _("Entrusted organization")


class Department(PublicModel):
    """A government department or authority with its unified social credit code."""

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments"
    )
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    nature = models.CharField(
        _("authority nature"),
        max_length=16,
        choices=AuthorityNature.choices,
        default=AuthorityNature.STATUTORY,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("supervising department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
    )
    hall_address = models.CharField(_("service hall address"), max_length=200, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    phone = models.CharField(_("consultation phone"), max_length=40, blank=True)
    supervision_phone = models.CharField(_("supervision phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name
