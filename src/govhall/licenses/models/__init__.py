"""Electronic seals, license types and licenses."""

from govhall.licenses.models.change import LicenseChange, LicenseChangeKind
from govhall.licenses.models.counter import LicenseSerialCounter
from govhall.licenses.models.imports import (
    DEFAULT_BATCH_SIZE,
    LicenseImport,
    LicenseImportStatus,
)
from govhall.licenses.models.license import (
    HolderCodeType,
    License,
    LicenseLayout,
    LicenseOrigin,
    LicenseStatus,
    LicenseType,
    TrustGrade,
)
from govhall.licenses.models.seal import Seal
from govhall.licenses.models.share import LicenseShare

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "HolderCodeType",
    "License",
    "LicenseChange",
    "LicenseChangeKind",
    "LicenseImport",
    "LicenseImportStatus",
    "LicenseLayout",
    "LicenseOrigin",
    "LicenseSerialCounter",
    "LicenseShare",
    "LicenseStatus",
    "LicenseType",
    "Seal",
    "TrustGrade",
]
