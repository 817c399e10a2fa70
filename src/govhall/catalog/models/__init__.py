"""Catalog models."""

from govhall.catalog.models.dictionaries import Audience, Domain, ItemList, ItemType, Theme
from govhall.catalog.models.intermediary import (
    Agency,
    AgencyQualification,
    Expert,
    IntermediaryService,
)
from govhall.catalog.models.items import (
    LEVEL_CODES,
    UNIFORM_ELEMENTS,
    BaseItem,
    HandlingItem,
    HandlingKind,
    Implementation,
    PowerSource,
)
from govhall.catalog.models.publications import Publication, PublicationEntry, PublicationKind
from govhall.catalog.models.versions import (
    CaseKind,
    DeliveryMethod,
    ItemVersion,
    LimitUnit,
    MaterialForm,
    MaterialRequirement,
    MaterialSource,
    OnlineHandling,
    ResultKind,
    SpecialProcedure,
    VersionState,
)

__all__ = [
    "LEVEL_CODES",
    "UNIFORM_ELEMENTS",
    "Agency",
    "AgencyQualification",
    "Audience",
    "BaseItem",
    "CaseKind",
    "DeliveryMethod",
    "Domain",
    "Expert",
    "HandlingItem",
    "HandlingKind",
    "Implementation",
    "IntermediaryService",
    "ItemList",
    "ItemType",
    "ItemVersion",
    "LimitUnit",
    "MaterialForm",
    "MaterialRequirement",
    "MaterialSource",
    "OnlineHandling",
    "PowerSource",
    "Publication",
    "PublicationEntry",
    "PublicationKind",
    "ResultKind",
    "SpecialProcedure",
    "Theme",
    "VersionState",
]
