"""Case models."""

from govhall.cases.models.case import (
    Case,
    CaseAction,
    CaseNumberCounter,
    CaseState,
    Channel,
    ClockStop,
    ClockStopKind,
)
from govhall.cases.models.material import ApplicationDraft, MaterialUpload

__all__ = [
    "ApplicationDraft",
    "Case",
    "CaseAction",
    "CaseNumberCounter",
    "CaseState",
    "Channel",
    "ClockStop",
    "ClockStopKind",
    "MaterialUpload",
]
