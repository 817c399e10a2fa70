"""Base items, implementations and handling items: the three codes of the catalog.

基本编码 (12): origin(2) + type(2) + main item(5) + sub-item(3, ``000`` for a main item).
实施编码 (31): implementing authority's credit code(18) + level code(1) + 基本编码.
业务办理项编码 (33): 实施编码 + a two-digit sequence per handling item.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models.dictionaries import Domain, ItemList, ItemType, Theme
from govhall.core.models import AuthorityNature, Department, PublicModel, Region, RegionLevel

#: Level codes inside 实施编码 (inferred from published codes; keep configurable).
LEVEL_CODES = {
    RegionLevel.PROVINCE: "2",
    RegionLevel.PREFECTURE: "3",
    RegionLevel.COUNTY: "4",
    RegionLevel.TOWNSHIP: "5",
    RegionLevel.VILLAGE: "6",
}

#: The six elements that must be identical for the same item everywhere in the province.
UNIFORM_ELEMENTS = (
    "name",
    "base_code",
    "item_type",
    "competent_department",
    "authority_nature",
    "legal_basis",
)


class PowerSource(models.TextChoices):
    STATUTORY = "statutory", _("Exercised by law at this level")
    DELEGATED = "delegated", _("Delegated by a higher level")
    ENTRUSTED = "entrusted", _("Entrusted by a higher level")


class BaseItem(PublicModel):
    """基本目录: the province-wide definition of an item."""

    base_code = models.CharField(_("base code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200)
    item_type = models.ForeignKey(
        ItemType, verbose_name=_("item type"), on_delete=models.PROTECT, related_name="+"
    )
    item_list = models.CharField(_("list"), max_length=24, choices=ItemList.choices)
    domain = models.CharField(_("domain"), max_length=32, choices=Domain.choices, blank=True)
    competent_department = models.CharField(_("competent department"), max_length=100)
    authority_nature = models.CharField(
        _("implementing authority type"), max_length=16, choices=AuthorityNature.choices
    )
    legal_basis = models.TextField(_("legal basis"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_items",
    )
    for_persons = models.BooleanField(_("serves persons"), default=False)
    for_organizations = models.BooleanField(_("serves organizations"), default=False)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    synonyms = models.TextField(
        _("synonyms and abbreviations"),
        blank=True,
        help_text=_("One per line, e.g. 社保卡 for 社会保障卡; used by search."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["base_code"]
        verbose_name = _("base item")
        verbose_name_plural = _("base items")

    def __str__(self) -> str:
        return f"{self.name}（{self.base_code}）"

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]


class Implementation(PublicModel):
    """实施清单: one authority's implementation of a base item at one level and region.

    The uniform elements are copied from the base item when the implementation is created
    and may not be edited here; when the base item is revised they differ until synchronised,
    and the consistency report lists every such deviation.
    """

    base_item = models.ForeignKey(
        BaseItem,
        verbose_name=_("base item"),
        on_delete=models.PROTECT,
        related_name="implementations",
    )
    implementation_code = models.CharField(_("implementation code"), max_length=36, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("implementing department"),
        on_delete=models.PROTECT,
        related_name="implementations",
    )
    entrusted_department = models.ForeignKey(
        Department,
        verbose_name=_("entrusted department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entrusted_implementations",
    )
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    # Uniform elements, copied from the base item.
    name = models.CharField(_("name"), max_length=200)
    base_code = models.CharField(_("base code"), max_length=12)
    item_type = models.ForeignKey(
        ItemType, verbose_name=_("item type"), on_delete=models.PROTECT, related_name="+"
    )
    competent_department = models.CharField(_("competent department"), max_length=100)
    authority_nature = models.CharField(
        _("implementing authority type"), max_length=16, choices=AuthorityNature.choices
    )
    legal_basis = models.TextField(_("legal basis"))
    power_source = models.CharField(
        _("power source"), max_length=16, choices=PowerSource.choices, default=PowerSource.STATUTORY
    )
    pc_url = models.URLField(_("online handling URL (PC)"), blank=True)
    mobile_url = models.URLField(_("online handling URL (mobile)"), blank=True)
    is_single_login = models.BooleanField(_("single log-in supported"), default=True)
    search_tokens = models.TextField(_("search tokens"), blank=True, editable=False)
    # Kept by the version services: lets public lists skip a join to the versions table.
    has_published_guide = models.BooleanField(
        _("has a published guide"), default=False, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["implementation_code"]
        verbose_name = _("implementation item")
        verbose_name_plural = _("implementation items")
        constraints = [
            models.UniqueConstraint(
                fields=["base_item", "department", "region"], name="catalog_impl_once_per_authority"
            )
        ]
        indexes = [
            models.Index(fields=["department", "region"], name="catalog_impl_scope"),
            models.Index(fields=["name"], name="catalog_impl_name"),
            models.Index(
                fields=["region", "implementation_code"],
                condition=models.Q(is_active=True, has_published_guide=True),
                name="catalog_impl_public",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.department}）"


class HandlingKind(models.TextChoices):
    NEW = "new", _("New (新办)")
    CHANGE = "change", _("Change (变更)")
    RENEW = "renew", _("Renewal (延续)")
    CANCEL = "cancel", _("Cancellation (注销)")
    OTHER = "other", _("Other")


class HandlingItem(PublicModel):
    """业务办理项: the smallest unit an application is made for."""

    implementation = models.ForeignKey(
        Implementation,
        verbose_name=_("implementation item"),
        on_delete=models.PROTECT,
        related_name="handling_items",
    )
    handling_code = models.CharField(_("handling item code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=HandlingKind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["handling_code"]
        verbose_name = _("handling item")
        verbose_name_plural = _("handling items")

    def __str__(self) -> str:
        return self.name
