"""Decision tables attached to item versions, and each item's switch back to manual review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.core.models import PublicModel


class RuleSetState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class RuleSet(PublicModel):
    """One revision of the review standards (a DMN decision table) of an item version.

    Drafts change; publishing makes a revision the one new applications are decided by and
    supersedes the previous one. Published revisions never change: every automatic decision
    names the revision it used and can be replayed against it.
    """

    version = models.ForeignKey(
        "catalog.ItemVersion",
        verbose_name=_("guide version"),
        on_delete=models.PROTECT,
        related_name="rule_sets",
    )
    revision = models.PositiveIntegerField(_("revision"))
    state = models.CharField(
        _("state"), max_length=16, choices=RuleSetState.choices, default=RuleSetState.DRAFT
    )
    name = models.CharField(_("name"), max_length=200)
    dmn = models.TextField(_("decision table (DMN)"))
    sm3 = models.CharField(_("SM3 digest"), max_length=64)
    input_names = models.JSONField(_("inputs read"), default=list)
    instant_approval = models.BooleanField(
        _("instant approval"),
        default=False,
        help_text=_(
            "Decide on submission (秒批). Without it the table only pre-reviews: its findings "
            "are shown to the staff who decide."
        ),
    )
    note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review rules")
        verbose_name_plural = _("review rules")
        ordering = ["version", "-revision"]
        permissions = [
            ("manage_rules", _("Can edit, test and publish review rules")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["version", "revision"], name="rules_revision_unique"),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(state="published"),
                name="rules_one_published_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} r{self.revision}"


class ItemAutomation(models.Model):
    """A handling item's automatic review settings that act at once, outside the versions:
    the switch back to manual review and the share of automatic decisions spot-checked."""

    handling_item = models.OneToOneField(
        "catalog.HandlingItem",
        verbose_name=_("handling item"),
        on_delete=models.CASCADE,
        related_name="automation",
    )
    manual_only = models.BooleanField(
        _("manual review only"),
        default=False,
        help_text=_("Automatic decisions are off: every application goes to a person."),
    )
    reason = models.TextField(_("reason"), blank=True)
    spot_check_percent = models.PositiveSmallIntegerField(
        _("spot-check rate (%)"),
        default=10,
        help_text=_("The share of automatic decisions sampled for a person to check."),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("automatic review setting")
        verbose_name_plural = _("automatic review settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(spot_check_percent__lte=100), name="rules_spot_check_percent_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.handling_item_id} manual={self.manual_only}"
