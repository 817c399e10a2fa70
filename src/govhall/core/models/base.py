"""The base every govhall model stands on."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicModel(models.Model):
    """A model with a public UUID and timestamps.

    Integer keys stay inside the server (joins, foreign keys); URLs, the API and exports use
    ``uuid`` or a business code, so nothing can be enumerated by counting.
    """

    uuid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
