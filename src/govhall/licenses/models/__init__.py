"""Electronic seals, license types and licenses."""

from govhall.licenses.models.change import LicenseChange, LicenseChangeKind
from govhall.licenses.models.counter import LicenseSerialCounter
from govhall.licenses.models.license import (
    HolderCodeType,
    License,
    LicenseOrigin,
    LicenseStatus,
    LicenseType,
    TrustGrade,
)
from govhall.licenses.models.seal import Seal
from govhall.licenses.models.share import LicenseShare

__all__ = [
    "HolderCodeType",
    "License",
    "LicenseChange",
    "LicenseChangeKind",
    "LicenseOrigin",
    "LicenseSerialCounter",
    "LicenseShare",
    "LicenseStatus",
    "LicenseType",
    "Seal",
    "TrustGrade",
]
