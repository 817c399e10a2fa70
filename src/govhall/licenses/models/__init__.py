"""Electronic seals, license types and licenses."""

from govhall.licenses.models.change import LicenseChange, LicenseChangeKind
from govhall.licenses.models.counter import LicenseSerialCounter
from govhall.licenses.models.license import HolderCodeType, License, LicenseStatus, LicenseType
from govhall.licenses.models.seal import Seal

__all__ = [
    "HolderCodeType",
    "License",
    "LicenseChange",
    "LicenseChangeKind",
    "LicenseSerialCounter",
    "LicenseStatus",
    "LicenseType",
    "Seal",
]
