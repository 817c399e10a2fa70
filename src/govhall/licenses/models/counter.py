"""The last serial given out per issuing authority and year (license identifiers)."""

from __future__ import annotations

from django.db import models

from govhall.core.models import Department


class LicenseSerialCounter(models.Model):
    issuer = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="licenses_serial_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id} {self.year} {self.last_value}"
