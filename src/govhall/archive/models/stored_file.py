"""One stored blob of bytes, named by its SM3 digest: the same bytes are stored once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import PublicModel


class FileKind(models.TextChoices):
    """The formats the archive recognizes, by canonical file extension."""

    PDF = "pdf", _("PDF document")
    JPG = "jpg", _("JPEG image")
    PNG = "png", _("PNG image")
    OFD = "ofd", _("OFD document")


class StoredFile(PublicModel):
    """The bytes of an uploaded material, de-duplicated by their SM3 digest.

    A row exists only for a blob that was completely written to the default storage under
    ``storage_name``. What the file is *for* (which case, which material, under which name the
    citizen uploaded it) belongs to the module that refers to it, never to this row.
    """

    sm3 = models.CharField(_("SM3 digest"), max_length=64, unique=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    extension = models.CharField(
        _("extension"), max_length=8, choices=FileKind.choices, editable=False
    )
    storage_name = models.CharField(_("storage name"), max_length=255, editable=False)
    page_count = models.PositiveIntegerField(
        _("page count"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("PDF only: an estimate from the page objects visible in the file."),
    )
    first_stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first stored by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gt=0), name="archive_storedfile_size_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sm3[:16]}….{self.extension}"
