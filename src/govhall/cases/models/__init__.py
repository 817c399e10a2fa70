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

__all__ = [
    "Case",
    "CaseAction",
    "CaseNumberCounter",
    "CaseState",
    "Channel",
    "ClockStop",
    "ClockStopKind",
]
