"""Revision counters: a number that changes whenever a body of public content changes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentRevision(models.Model):
    """``key`` names the content ("catalog"); caches of pages built from it embed ``number``
    in their keys, so bumping it retires every cached page at once, in every process."""

    key = models.CharField(_("key"), max_length=50, unique=True)
    number = models.BigIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("content revision")
        verbose_name_plural = _("content revisions")

    def __str__(self) -> str:
        return f"{self.key}@{self.number}"
