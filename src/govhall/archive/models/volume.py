"""Archive volumes (案卷) of closed cases and their entries (卷内文件), hash-chained.

A volume is written once, when its case is finished, and never changed: there is no update or
delete service, the admin is read-only, and every row is covered by the archive's hash chain
(docs/archive.md) so that a change made behind the services' back is found by
``archive_verify``. The volume keeps its own copy of what it says about the case (department
name and code, item code and name) — a department renamed later must not make an intact
volume look altered, and the archive must not depend on ``cases`` (a higher layer).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govhall.core.models import Department, PublicModel

HASH_LENGTH = 64


class ArchiveOutcome(models.TextChoices):
    """How the case ended: the second level of the classification and the retention rule."""

    GRANTED = "granted", pgettext_lazy("case outcome", "Granted or completed")
    DENIED = "denied", pgettext_lazy("case outcome", "Refused after review")
    REFUSED = "refused", pgettext_lazy("case outcome", "Not accepted")
    WITHDRAWN = "withdrawn", pgettext_lazy("case outcome", "Withdrawn by the applicant")


class RetentionPeriod(models.TextChoices):
    """The three retention periods of Chinese records management (保管期限)."""

    PERMANENT = "permanent", _("Permanent (永久)")
    YEARS_30 = "30y", _("30 years (定期30年)")
    YEARS_10 = "10y", _("10 years (定期10年)")


class EntryKind(models.TextChoices):
    APPLICATION_FORM = "application_form", _("Application form record")
    MATERIAL = "material", _("Submitted material")
    NOTICE = "notice", _("Notice or decision")
    ACTION_LOG = "action_log", _("Record of the handling (action log)")


class ArchiveVolume(PublicModel):
    """The archive volume of one finished case: what it is, how it is classified, how long it
    is kept, and where it stands in the archive's hash chain."""

    sequence = models.PositiveBigIntegerField(
        _("chain position"), unique=True, editable=False, help_text=_("1 for the first volume.")
    )
    case_number = models.CharField(_("case number"), max_length=30, unique=True, editable=False)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    department_name = models.CharField(_("department name"), max_length=100, editable=False)
    department_code = models.CharField(_("department credit code"), max_length=18, editable=False)
    item_code = models.CharField(_("handling item code"), max_length=50, editable=False)
    item_name = models.CharField(_("item"), max_length=200, editable=False)
    item_type_code = models.CharField(_("item type code"), max_length=2, editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ArchiveOutcome.choices, editable=False
    )
    class_code = models.CharField(_("classification code"), max_length=8, editable=False)
    class_name = models.CharField(_("classification"), max_length=80, editable=False)
    retention = models.CharField(
        _("retention period"), max_length=16, choices=RetentionPeriod.choices, editable=False
    )
    closed_on = models.DateField(_("closed on"), editable=False)
    archived_at = models.DateTimeField(_("archived at"), editable=False)
    retain_until = models.DateField(
        _("retain until"), null=True, blank=True, editable=False, help_text=_("Empty: permanent.")
    )
    entry_count = models.PositiveIntegerField(_("entries"), editable=False)
    previous_hash = models.CharField(
        _("previous volume's hash"), max_length=HASH_LENGTH, editable=False
    )
    header_hash = models.CharField(_("header hash"), max_length=HASH_LENGTH, editable=False)
    hash = models.CharField(_("volume hash"), max_length=HASH_LENGTH, unique=True, editable=False)

    class Meta:
        verbose_name = _("archive volume")
        verbose_name_plural = _("archive volumes")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["department", "-sequence"], name="archive_volume_department"),
            models.Index(fields=["retain_until"], name="archive_volume_retain_until"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.class_code}"


class ArchiveEntry(models.Model):
    """One document of a volume: the stored bytes (content-addressed), their SM3 digest as
    archived and its link in the chain (SM3 of the previous link and this entry's text)."""

    volume = models.ForeignKey(
        ArchiveVolume,
        verbose_name=_("volume"),
        on_delete=models.PROTECT,
        related_name="entries",
        editable=False,
    )
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices, editable=False)
    title = models.CharField(_("title"), max_length=200, editable=False)
    stored_file = models.ForeignKey(
        "archive.StoredFile",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    sm3 = models.CharField(_("SM3 digest"), max_length=HASH_LENGTH, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    previous_hash = models.CharField(_("previous link"), max_length=HASH_LENGTH, editable=False)
    hash = models.CharField(_("chain hash"), max_length=HASH_LENGTH, editable=False)

    class Meta:
        verbose_name = _("archive entry")
        verbose_name_plural = _("archive entries")
        ordering = ["volume", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["volume", "sequence"], name="archive_entry_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.title}"


class ArchiveHead(models.Model):
    """The single row naming the end of the archive's chain: appending locks it (which orders
    concurrent archiving), and verification compares it with the last volume, so deleting the
    newest volumes is found too."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=HASH_LENGTH)

    class Meta:
        verbose_name = _("archive chain head")
        verbose_name_plural = _("archive chain head")

    def __str__(self) -> str:
        return f"#{self.last_sequence}"
