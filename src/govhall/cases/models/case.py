"""A case (办件): one application for one handling item, pinned to the guide version it was
submitted under, with its append-only action log and its clock-stop intervals.

``Case.state`` and the due dates are a projection of the action log, written in the same
transaction as each action; :func:`govhall.cases.transitions.state_after` replays the log to
the same state (a test checks it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Waiting for supplementary materials")
    ACCEPTED = "accepted", _("Accepted, under review")
    SUSPENDED = "suspended", _("Suspended")
    SPECIAL_PROCEDURE = "special_procedure", _("In a special procedure")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REFUSED = "refused", _("Not accepted")
    DELIVERED = "delivered", _("Result delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    PRE_REVIEW = "pre_review", _("In online pre-review")
    PRE_REVIEW_RETURNED = "pre_review_returned", _("Returned by the pre-review for changes")
    PRE_REVIEWED = "pre_reviewed", _("Pre-review passed, awaiting the visit to the hall")


#: Work is pending on cases in these states (the queues; transitions.QUEUE_STATES).
OPEN_CASE_STATES = (
    CaseState.SUBMITTED,
    CaseState.SUPPLEMENT_REQUESTED,
    CaseState.ACCEPTED,
    CaseState.SUSPENDED,
    CaseState.SPECIAL_PROCEDURE,
    CaseState.APPROVED,
    CaseState.PRE_REVIEW,
    CaseState.PRE_REVIEW_RETURNED,
    CaseState.PRE_REVIEWED,
)


class Channel(models.TextChoices):
    WEB = "web", _("Online (web)")
    MOBILE = "mobile", _("Mobile app")
    WINDOW = "window", _("Service window")
    KIOSK = "kiosk", _("Self-service kiosk")
    PROXY_AGENT = "proxy_agent", _("Proxy agent")


class Case(PublicModel):
    number = models.CharField(_("case number"), max_length=24, unique=True)
    version = models.ForeignKey(
        "catalog.ItemVersion",
        verbose_name=_("guide version"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("accepting department"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    applicant_person = models.ForeignKey(
        "identity.Person",
        verbose_name=_("applicant (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant_organization = models.ForeignKey(
        "identity.Organization",
        verbose_name=_("applicant (organization)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="submitted_cases",
    )
    basis = models.CharField(
        _("acting as"), max_length=32, help_text=_("self, legal representative or a mandate")
    )
    mandate_uuid = models.UUIDField(_("mandate"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    form_data = models.JSONField(_("application form"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=24, choices=CaseState.choices, default=CaseState.SUBMITTED
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_on = models.DateField(
        _("received on (working day)"),
        help_text=_("An application made on a non-working day counts from the next working day."),
    )
    acceptance_due_on = models.DateField(
        _("accept or refuse by"),
        null=True,
        blank=True,
        help_text=_(
            "Five working days after receipt (Administrative Licensing Law Art. 32): an "
            "application neither refused nor sent back for supplements by then is accepted "
            "from the day it was received."
        ),
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    legal_due_on = models.DateField(_("legal due date"), null=True, blank=True)
    promised_due_on = models.DateField(_("promised due date"), null=True, blank=True)
    warn_on = models.DateField(
        _("warning from"),
        null=True,
        blank=True,
        help_text=_("The day the configured share of the promised limit is used up (yellow)."),
    )
    due_provisional = models.BooleanField(_("due dates provisional"), default=False)
    visits = models.PositiveSmallIntegerField(
        _("visits to the hall"),
        default=0,
        help_text=_("Counted at the window; the guide promises at most its number (≤ 2)."),
    )
    extension_days = models.PositiveSmallIntegerField(
        _("extension (working days)"), default=0, help_text=_("Approved (Art. 42).")
    )
    extension_requested_days = models.PositiveSmallIntegerField(
        _("extension requested (working days)"), default=0
    )
    pending_materials = models.JSONField(
        _("pending materials (容缺)"),
        default=list,
        blank=True,
        help_text=_("Materials accepted as pending: requirement, name, due date and status."),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    workflow_state = models.TextField(_("process state"), blank=True, editable=False)
    process_definition = models.ForeignKey(
        "cases.ProcessDefinition",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_steps = models.JSONField(
        _("current steps"),
        default=list,
        blank=True,
        help_text=_(
            "The process steps waiting now: id, name, role and, for joint reviews, the department."
        ),
    )
    step_roles = models.CharField(
        _("roles of the waiting steps"),
        max_length=200,
        blank=True,
        default="",
        help_text=_(
            "The roles of the waiting steps as ,role,role, (what the queue of a role reads)."
        ),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"], name="cases_case_idempotency"
            ),
            models.CheckConstraint(
                condition=Q(applicant_person__isnull=False)
                | Q(applicant_organization__isnull=False),
                name="cases_case_has_applicant",
            ),
        ]
        indexes = [
            # warn_on last: the queue's green/yellow/red counts read this index alone.
            models.Index(
                fields=["department", "state", "promised_due_on", "warn_on"], name="cases_queue"
            ),
            models.Index(fields=["submitted_by", "received_at"], name="cases_mine"),
            models.Index(fields=["assignee", "state"], name="cases_assigned"),
            # Open cases only, in the order the queue and the overdue list read them: the
            # page becomes an ordered index scan that stops after 20 rows (docs/performance.md).
            # warn_on is a key column, not an INCLUDE one, so that SQLite (which has no
            # INCLUDE) also answers the queue's green/yellow/red counts from the index alone.
            models.Index(
                fields=["department", "promised_due_on", "received_at", "id", "warn_on"],
                include=["region"],
                condition=Q(state__in=OPEN_CASE_STATES),
                name="cases_queue_open",
            ),
            models.Index(
                fields=["legal_due_on", "id"],
                condition=Q(state__in=OPEN_CASE_STATES),
                name="cases_overdue_open",
            ),
        ]
        permissions = [
            ("process_case", _("Can accept, review and decide cases")),
            ("approve_extension", _("Can approve extensions of time limits")),
            ("take_window_steps", _("Can take the window steps of a process (受理、送达)")),
            ("take_review_steps", _("Can take the review steps of a process (审查、审核)")),
            ("take_approval_steps", _("Can take the decision steps of a process (审批)")),
        ]

    def __str__(self) -> str:
        return self.number


class CaseAction(models.Model):
    """One entry of a case's log: who, in which role, for whom, when, what, with which opinion."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="actions"
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from state"), max_length=24, blank=True)
    to_state = models.CharField(_("to state"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    role = models.CharField(_("role"), max_length=32)
    on_behalf_of = models.JSONField(_("on behalf of"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    opinion = models.TextField(_("opinion"), blank=True)
    data = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")
        ordering = ["case", "sequence"]
        constraints = [
            # The second of two concurrent actions on one case cannot take the same place.
            models.UniqueConstraint(fields=["case", "sequence"], name="cases_action_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.sequence} {self.action}"

    @property
    def label(self) -> str:
        """The entry as the applicant reads it (受理, 补正告知, 决定...)."""
        from govhall.cases.transitions import action_label

        return action_label(self.action)


class ClockStopKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Waiting for supplementary materials (补正)")
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")
    SUSPENSION = "suspension", _("Suspension")


class ClockStop(models.Model):
    """An inclusive date interval in which the statutory clock does not run."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="clock_stops"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ClockStopKind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock stop")
        verbose_name_plural = _("clock stops")
        ordering = ["case", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_on}–{self.ended_on or '…'}"


class CaseNumberCounter(models.Model):
    """The last sequence number given out per region and day (readable case numbers)."""

    region_code = models.CharField(max_length=6)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day"], name="cases_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day} {self.last_value}"
