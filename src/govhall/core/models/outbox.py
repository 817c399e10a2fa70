"""The transactional outbox (发件箱): events written in the transaction of the change they
announce, delivered to subscribers after commit. See ``govhall.core.outbox`` and docs/outbox.md.
"""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """One event; ``uuid`` is what consumers de-duplicate on (delivery is at least once)."""

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(_("event identifier"), default=uuid.uuid4, unique=True, editable=False)
    topic = models.CharField(_("topic"), max_length=150)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    available_at = models.DateTimeField(_("available at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            # The dispatcher's query: pending events that are due, oldest first. Partial, so
            # the delivered history (almost every row) does not grow the index.
            models.Index(
                fields=["available_at", "id"],
                condition=Q(delivered_at__isnull=True),
                name="core_outbox_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.uuid}"


class OutboxDelivery(models.Model):
    """One subscriber has handled one event; written in the subscriber's own transaction."""

    event = models.ForeignKey(
        OutboxEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    subscriber = models.CharField(_("subscriber"), max_length=150)
    delivered_at = models.DateTimeField(_("delivered at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox delivery")
        verbose_name_plural = _("outbox deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"], name="core_outbox_delivery_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id}"
