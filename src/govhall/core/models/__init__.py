"""Kernel models."""

from govhall.core.models.audit import AuditHead, AuditRecord
from govhall.core.models.base import PublicModel
from govhall.core.models.calendar import CalendarDay, CalendarSource, CalendarYear, DayKind
from govhall.core.models.department import AuthorityNature, Department
from govhall.core.models.outbox import OutboxDelivery, OutboxEvent
from govhall.core.models.region import PREFIX_LENGTH, Region, RegionLevel
from govhall.core.models.revision import ContentRevision

__all__ = [
    "PREFIX_LENGTH",
    "AuditHead",
    "AuditRecord",
    "AuthorityNature",
    "CalendarDay",
    "CalendarSource",
    "CalendarYear",
    "ContentRevision",
    "DayKind",
    "Department",
    "OutboxDelivery",
    "OutboxEvent",
    "PublicModel",
    "Region",
    "RegionLevel",
]
