"""Application drafts and the materials uploaded for them.

A draft keeps a half-filled form per account, item version and applicant, so nothing typed is
lost between visits. A material upload ties one stored file (content-addressed in the archive)
to the material requirement it satisfies; it belongs first to the uploader's draft and, once
the application is submitted, to the case — an upload can never be moved to another case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel
from govhall.licenses.models import TrustGrade


class ApplicationDraft(PublicModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="application_drafts",
    )
    version = models.ForeignKey(
        "catalog.ItemVersion",
        verbose_name=_("guide version"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    principal_type = models.CharField(_("applicant type"), max_length=16)
    principal_uuid = models.UUIDField(_("applicant"))
    form_data = models.JSONField(_("application form"), default=dict, blank=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "version", "principal_type", "principal_uuid"],
                name="cases_draft_one_per_applicant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.version_id}"


class MaterialSourceKind(models.TextChoices):
    """Where a case's material came from ("submit once": the library and the archive first)."""

    UPLOAD = "upload", _("Uploaded")
    LICENSE = "license", _("From the license library")
    REUSE = "reuse", _("Reused from an earlier case")


class MaterialUpload(PublicModel):
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requirement = models.ForeignKey(
        "catalog.MaterialRequirement",
        verbose_name=_("material requirement"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stored_file = models.ForeignKey(
        "archive.StoredFile",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=200)
    draft = models.ForeignKey(
        ApplicationDraft,
        verbose_name=_("draft"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploads",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="materials",
    )
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=MaterialSourceKind.choices,
        default=MaterialSourceKind.UPLOAD,
    )
    trust_grade = models.CharField(
        _("trust grade"),
        max_length=1,
        choices=TrustGrade.choices,
        default=TrustGrade.C,
    )
    license_identifier = models.CharField(_("license identifier"), max_length=120, blank=True)
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("reused from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supplied_on_action = models.PositiveIntegerField(
        _("supplied with action"),
        null=True,
        blank=True,
        help_text=_("The log entry (sequence) with which the file reached the case."),
    )

    class Meta:
        verbose_name = _("uploaded material")
        verbose_name_plural = _("uploaded materials")
        ordering = ["requirement__order", "created_at"]

    def __str__(self) -> str:
        return self.file_name
