"""The hash-chained audit log (审计日志).

Each record stores the SM3 hash of its predecessor, so changing or deleting any record breaks
every later link; ``AuditHead`` holds the last sequence and hash, so deleting the newest
records is detected too. Appending locks the head row, which orders concurrent writers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    sequence = models.BigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # The label is hashed, not the foreign key: deleting a user must not break the chain.
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object"), max_length=100, db_index=True)
    data = models.JSONField(_("data"), default=dict)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        permissions = [
            # Told when a verification finds the audit chain or the archive broken
            # (core.integrity); superusers always are.
            ("receive_integrity_alerts", _("Can receive integrity alerts")),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row that names the end of the chain."""

    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_sequence}"
