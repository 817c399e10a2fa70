"""Versions of a handling item's guide (办事指南), its materials and special procedures.

A version moves draft → in review → published; publishing a newer version supersedes the old
one, and a published version may be withdrawn. Only drafts change: published versions are
immutable, because cases are pinned to the version they were submitted under.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models.items import HandlingItem
from govhall.core.models import PublicModel


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseKind(models.TextChoices):
    INSTANT = "instant", _("Instant (即办件)")
    PROMISED = "promised", _("Promised (承诺件)")


class LimitUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("Working days")
    NATURAL_DAY = "natural_day", _("Natural days")


class OnlineHandling(models.TextChoices):
    FULL = "full", _("Fully online (全程网办)")
    PREREVIEW = "prereview", _("Online pre-review (网上预审)")
    NONE = "none", _("At the hall")


class ResultKind(models.TextChoices):
    LICENSE = "license", _("Licence or certificate")
    APPROVAL_DOCUMENT = "approval_document", _("Approval document")
    OTHER = "other", _("Other")


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("Collect at the window")
    MAIL = "mail", _("By mail")
    ELECTRONIC = "electronic", _("Electronic")


class ItemVersion(PublicModel):
    """One version of the guide of a handling item, with every element STANDARDS.md lists."""

    handling_item = models.ForeignKey(
        HandlingItem,
        verbose_name=_("handling item"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=16, choices=VersionState.choices, default=VersionState.DRAFT
    )
    case_kind = models.CharField(_("case kind"), max_length=16, choices=CaseKind.choices)
    legal_limit_days = models.PositiveSmallIntegerField(_("legal time limit"))
    legal_limit_unit = models.CharField(
        _("legal time limit unit"),
        max_length=16,
        choices=LimitUnit.choices,
        default=LimitUnit.WORKING_DAY,
    )
    legal_limit_note = models.TextField(_("legal time limit note"), blank=True)
    promised_limit_days = models.PositiveSmallIntegerField(_("promised time limit"))
    promised_limit_note = models.TextField(_("promised time limit note"), blank=True)
    promised_waiver_reason = models.TextField(
        _("reason the promised limit exceeds half the legal limit"), blank=True
    )
    conditions = models.TextField(_("acceptance conditions"))
    process_steps = models.JSONField(_("process"), default=list)
    visits = models.PositiveSmallIntegerField(_("visits to the hall"), default=0)
    online_handling = models.CharField(
        _("online handling"), max_length=16, choices=OnlineHandling.choices
    )
    fee_charged = models.BooleanField(_("fee charged"), default=False)
    fee_basis = models.TextField(_("fee basis"), blank=True)
    fee_standard = models.TextField(_("fee standard"), blank=True)
    result_name = models.CharField(_("result"), max_length=200, blank=True)
    result_kind = models.CharField(
        _("result kind"), max_length=20, choices=ResultKind.choices, default=ResultKind.OTHER
    )
    delivery_methods = models.JSONField(_("delivery methods"), default=list)
    address = models.CharField(_("address"), max_length=300, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    consultation = models.TextField(_("consultation channels"), blank=True)
    supervision = models.TextField(_("supervision and complaint channels"), blank=True)
    service_commitment = models.TextField(_("service commitment"), blank=True)
    faq = models.JSONField(_("frequently asked questions"), default=list)
    application_form = models.JSONField(
        _("application form"),
        default=dict,
        blank=True,
        help_text=_("The fields an applicant fills in (see docs/cases.md, “Application forms”)."),
    )
    planned_effective_date = models.DateField(_("planned effective date"), null=True, blank=True)
    planned_cancel_date = models.DateField(_("planned cancellation date"), null=True, blank=True)
    change_note = models.TextField(_("what changed"), blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["handling_item", "-number"]
        verbose_name = _("guide version")
        verbose_name_plural = _("guide versions")
        permissions = [("publish_itemversion", _("Can publish guide versions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["handling_item", "number"], name="catalog_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["handling_item"],
                condition=Q(state="published"),
                name="catalog_one_published_version",
            ),
            models.CheckConstraint(
                condition=Q(visits__lte=2), name="catalog_version_visits_at_most_two"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handling_item} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.state == VersionState.DRAFT

    @property
    def promised_limit_display(self) -> str:
        """即办件 are shown as 当场办结 (STANDARDS.md)."""
        if self.case_kind == CaseKind.INSTANT:
            return str(_("Completed on the spot"))
        return str(_("%(days)s working days") % {"days": self.promised_limit_days})


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original (原件)")
    COPY = "copy", _("Copy (复印件)")
    ELECTRONIC = "electronic", _("Electronic (电子材料)")


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ISSUING_AGENCY = "issuing_agency", _("Issuing agency")
    SHARED_DATA = "shared_data", _("Shared data")


class MaterialRequirement(PublicModel):
    """申请材料: one material a guide version asks for."""

    version = models.ForeignKey(
        ItemVersion,
        verbose_name=_("guide version"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    form = models.CharField(_("form"), max_length=16, choices=MaterialForm.choices)
    count = models.PositiveSmallIntegerField(_("copies"), default=1)
    paper_size = models.CharField(_("paper size"), max_length=20, blank=True)
    signature_required = models.BooleanField(_("signature required"), default=False)
    seal_required = models.BooleanField(_("seal required"), default=False)
    source = models.CharField(_("source"), max_length=16, choices=MaterialSource.choices)
    waivable_if_verified_online = models.BooleanField(
        _("waived when verifiable online"), default=False
    )
    is_required = models.BooleanField(_("required"), default=True)
    is_essential = models.BooleanField(
        _("essential"),
        default=True,
        help_text=_("A non-essential material may be pending at acceptance (容缺受理)."),
    )
    license_type_code = models.CharField(
        _("satisfied by license type"),
        max_length=21,
        blank=True,
        help_text=_(
            "The type code of an electronic license that is this material: an applicant who "
            "holds a valid one uses it instead of uploading (免提交)."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    blank_form = models.FileField(_("blank form"), upload_to="catalog/forms/", blank=True)
    sample_form = models.FileField(_("filled sample"), upload_to="catalog/samples/", blank=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("material requirement")
        verbose_name_plural = _("material requirements")

    def __str__(self) -> str:
        return self.name


class SpecialProcedure(PublicModel):
    """特别程序: inspection, expert review, hearing...; may not count within the legal limit."""

    version = models.ForeignKey(
        ItemVersion,
        verbose_name=_("guide version"),
        on_delete=models.CASCADE,
        related_name="special_procedures",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=100)
    days = models.PositiveSmallIntegerField(_("time needed (working days)"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    fee = models.CharField(_("fee"), max_length=200, blank=True)
    counted_in_limit = models.BooleanField(_("counted within the legal limit"), default=False)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("special procedure")
        verbose_name_plural = _("special procedures")

    def __str__(self) -> str:
        return self.name
