"""A message to one account in the portal (站内消息), made from one outbox event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.core.models.base import PublicModel


class Notification(PublicModel):
    """One account's copy of one event's message; read once the account marks it so.

    ``(recipient, event_uuid)`` is unique: an event delivered again (a retried or re-run
    subscriber) never notifies anyone twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event_uuid = models.UUIDField(_("event"), help_text=_("The outbox event it was made from."))
    topic = models.CharField(_("topic"), max_length=100)
    case_number = models.CharField(_("case number"), max_length=24, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_uuid"], name="notifications_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="notifications_inbox")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
