"""Legacy stock imports (存量入库): one uploaded file of an issuer's existing licenses of one
type, checked whole and then issued in batches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govhall.core.models import Department, PublicModel
from govhall.licenses.models.license import LicenseType

DEFAULT_BATCH_SIZE = 500


class LicenseImportStatus(models.TextChoices):
    VALIDATING = "validating", pgettext_lazy("import status", "Validating")
    REJECTED = "rejected", pgettext_lazy("import status", "Rejected (see the report)")
    IMPORTING = "importing", pgettext_lazy("import status", "Importing")
    DONE = "done", pgettext_lazy("import status", "Done")
    FAILED = "failed", pgettext_lazy("import status", "Failed (can be resumed)")


def import_upload_to(instance: LicenseImport, filename: str) -> str:
    """``license-imports/<uuid>/<name>``: one folder per import, so names never clash."""
    return f"license-imports/{instance.uuid}/{filename}"


class LicenseImport(PublicModel):
    """The file, what it holds and how far its import got.

    ``last_batch`` is written in the same transaction as the batch's licenses, so it always
    names the last batch that really committed: a crashed or interrupted import resumes with
    the batch after it and never issues a row twice.
    """

    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=255, editable=False)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sm3 = models.CharField(_("file fingerprint (SM3)"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"))
    license_type = models.ForeignKey(
        LicenseType, verbose_name=_("license type"), on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.ForeignKey(
        Department,
        verbose_name=_("issuing authority"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=LicenseImportStatus.choices,
        default=LicenseImportStatus.VALIDATING,
    )
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    batch_size = models.PositiveIntegerField(_("rows per batch"), default=DEFAULT_BATCH_SIZE)
    last_batch = models.PositiveIntegerField(
        _("last committed batch"), default=0, help_text=_("0: no batch committed yet.")
    )
    report = models.JSONField(
        _("validation report"),
        default=list,
        blank=True,
        help_text=_("Every problem found: row, column, field, code and message."),
    )
    failure = models.TextField(_("why it stopped"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("legacy license import")
        verbose_name_plural = _("legacy license imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["issuer", "-created_at"], name="licenses_import_issuer")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def batches(self) -> int:
        """How many batches the file makes."""
        return -(-self.total_rows // self.batch_size) if self.batch_size else 0
