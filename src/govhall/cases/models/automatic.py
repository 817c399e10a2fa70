"""Automatic decisions (智慧审批) of cases, and the human spot checks of a sample of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models import PublicModel


class AutomaticOutcome(models.TextChoices):
    APPROVE = "approve", _("Approved automatically")
    REFUSE = "refuse", _("Refused automatically")
    MANUAL = "manual", _("Routed to manual review")
    PENDING = "pending", _("Accepted with a pending material (容缺)")


class AutomaticDecision(PublicModel):
    """What the review rules found for a case on submission, with everything needed to
    explain it and to replay it: each input's value and source, the rule revision, each
    rule's verdict (docs/rules.md)."""

    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="automatic_decision",
    )
    rule_set = models.ForeignKey(
        "rules.RuleSet",
        verbose_name=_("review rules"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=AutomaticOutcome.choices)
    #: Whether the table decided the case (instant approval) or only advised the staff.
    decided = models.BooleanField(_("decided the case"), default=False)
    facts = models.JSONField(_("inputs and their sources"), default=list)
    evaluation = models.JSONField(_("rule verdicts"), default=dict)
    decided_on = models.DateField(_("decided on"))
    decided_at = models.DateTimeField(_("decided at"))
    duration_us = models.PositiveIntegerField(_("evaluation time (µs)"), default=0)
    #: The actions the decision took on the case (accept, review, approve, deliver, close…).
    actions = models.JSONField(_("actions taken"), default=list, blank=True)

    class Meta:
        verbose_name = _("automatic decision")
        verbose_name_plural = _("automatic decisions")
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["rule_set", "decided_at"], name="cases_auto_by_rules")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.outcome}"


class SpotCheckState(models.TextChoices):
    PENDING = "pending", _("Waiting for a check")
    AGREED = "agreed", _("Agreed with the decision")
    DISAGREED = "disagreed", _("Disagreed with the decision")


class SpotCheck(PublicModel):
    """A sampled automatic decision, checked by a person (抽查)."""

    decision = models.OneToOneField(
        AutomaticDecision,
        verbose_name=_("automatic decision"),
        on_delete=models.PROTECT,
        related_name="spot_check",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=SpotCheckState.choices, default=SpotCheckState.PENDING
    )
    opinion = models.TextField(_("opinion"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["state", "-created_at"]
        permissions = [("check_decisions", _("Can spot-check automatic decisions"))]
        indexes = [models.Index(fields=["state", "created_at"], name="cases_spot_check_queue")]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.state}"
