"""Publications (发布批次): released sets of guide versions, June, December or ad hoc."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models.versions import ItemVersion
from govhall.core.models import PublicModel


class PublicationKind(models.TextChoices):
    JUNE = "june", _("June release")
    DECEMBER = "december", _("December release")
    AD_HOC = "ad_hoc", _("Ad hoc update")


class Publication(PublicModel):
    """A frozen set of the versions that were published when it was made."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PublicationKind.choices)
    published_on = models.DateField(_("published on"))
    note = models.TextField(_("note"), blank=True)
    versions: models.ManyToManyField[ItemVersion, PublicationEntry] = models.ManyToManyField(
        ItemVersion, through="PublicationEntry", verbose_name=_("versions"), related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-published_on", "-created_at"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return self.title


class PublicationEntry(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="entries")
    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    handling_code = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "handling_code"], name="catalog_publication_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return self.handling_code
