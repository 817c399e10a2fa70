"""Case models."""

from govhall.cases.models.automatic import (
    AutomaticDecision,
    AutomaticOutcome,
    SpotCheck,
    SpotCheckState,
)
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
    "AutomaticDecision",
    "AutomaticOutcome",
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
    "SpotCheck",
    "SpotCheckState",
    "VersionProcess",
]
