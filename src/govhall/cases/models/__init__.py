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
from govhall.cases.models.material import ApplicationDraft, MaterialSourceKind, MaterialUpload
from govhall.cases.models.process import (
    CaseNotice,
    CaseParticipant,
    NoticeCounter,
    NoticeKind,
    ProcessDefinition,
    VersionProcess,
)

__all__ = [
    "ApplicationDraft",
    "Case",
    "CaseAction",
    "CaseNotice",
    "CaseNumberCounter",
    "CaseParticipant",
    "CaseState",
    "Channel",
    "ClockStop",
    "ClockStopKind",
    "MaterialSourceKind",
    "MaterialUpload",
    "NoticeCounter",
    "NoticeKind",
    "ProcessDefinition",
    "VersionProcess",
]
