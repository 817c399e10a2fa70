"""Which BPMN process an item version runs (docs/processes.md).

A version without a row runs the template its case kind implies (即办件 → ``instant``,
others → ``standard``). Catalog staff pick another template, or an administrator uploads a
BPMN file (validated on upload); a joint item (``joint``) names the departments that review in
parallel. Each case keeps the process it started with: its workflow state embeds the spec.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel


class VersionProcess(PublicModel):
    version = models.OneToOneField(
        "catalog.ItemVersion",
        verbose_name=_("guide version"),
        on_delete=models.CASCADE,
        related_name="process",
    )
    template = models.CharField(
        _("process template"),
        max_length=32,
        blank=True,
        help_text=_("A built-in template; empty when a BPMN file was uploaded."),
    )
    bpmn = models.TextField(_("uploaded BPMN"), blank=True)
    departments = models.JSONField(
        _("joint departments"),
        default=list,
        blank=True,
        help_text=_("Joint approval: the codes of the departments that review in parallel."),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("process of a guide version")
        verbose_name_plural = _("processes of guide versions")

    def __str__(self) -> str:
        return self.template or "bpmn"


class CaseParticipant(models.Model):
    """A department taking part in a joint case (并联审批) besides the lead department: its
    staff see the case in their queue and give their review; the lead decides."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="participants"
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="joint_cases",
    )

    class Meta:
        verbose_name = _("joint department")
        verbose_name_plural = _("joint departments")
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="cases_participant_once")
        ]
        indexes = [models.Index(fields=["department", "case"], name="cases_participant_queue")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.department_id}"


class NoticeKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Notice of acceptance (受理通知书)")
    REFUSAL = "refusal", _("Decision not to accept (不予受理决定书)")
    SUPPLEMENT = "supplement", _("Notice to supply materials (补正材料通知书)")
    GRANT = "grant", _("Decision to grant (准予行政许可决定书)")
    DENIAL = "denial", _("Decision to refuse (不予行政许可决定书)")
    EXTENSION = "extension", _("Notice of extension (延长办理期限告知书)")


class CaseNotice(PublicModel):
    """A written notice or decision of a case, numbered per department, kind and year, kept
    as a PDF in the archive (content-addressed, never altered)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    number = models.CharField(_("document number"), max_length=60, unique=True)
    action_sequence = models.PositiveIntegerField(_("for log entry"))
    issued_on = models.DateField(_("issued on"))
    stored_file = models.ForeignKey(
        "archive.StoredFile", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )
    seal = models.ForeignKey(
        "licenses.Seal",
        verbose_name=_("sealed with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the department had no valid electronic seal when it was issued."),
    )
    signature = models.BinaryField(_("signature of the PDF (DER)"), blank=True, default=b"")

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["case", "action_sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "action_sequence", "kind"], name="cases_notice_once"
            )
        ]

    def __str__(self) -> str:
        return self.number


class NoticeCounter(models.Model):
    """The last number given to a kind of notice by a department in a year."""

    department = models.ForeignKey("core.Department", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year"], name="cases_notice_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.kind} {self.year} {self.last_value}"


class ProcessDefinition(models.Model):
    """The BPMN text a case started with, stored once per distinct text (SM3): the diagram of
    a case shows its own process even after the version's process was replaced."""

    sm3 = models.CharField(_("SM3 digest"), max_length=64, unique=True)
    xml = models.TextField(_("BPMN"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")

    def __str__(self) -> str:
        return self.sm3[:12]
