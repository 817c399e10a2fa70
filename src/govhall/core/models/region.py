"""Administrative divisions (GB/T 2260, with the 12-digit statistical extension)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


#: Significant digits of a 12-digit code at each level: 52 / 5201 / 520121 / 520121100 / all 12.
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.PREFECTURE: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}


class Region(PublicModel):
    """One division. ``prefix`` is the code without its padding zeros.

    Scoping by region is a prefix match on ``prefix`` (``520121`` covers every township and
    village of 开阳县), which an ordinary B-tree index serves.
    """

    code = models.CharField(_("division code"), max_length=12, unique=True)
    prefix = models.CharField(_("code prefix"), max_length=12, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def short_code(self) -> str:
        """The 6-digit GB/T 2260 code (county level and above)."""
        return self.code[:6]
