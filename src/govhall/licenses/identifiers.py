"""License identifiers (电子证照标识) of GB/T 36904.

``1.2.156.3005.2.<type code>.<issuer credit code>.<serial>.<version>.<check>``: the root OID of
China's electronic licenses, the license type's code (the defining authority's 18-character
credit code and a 3-digit number), the issuing authority's credit code, the issuer's serial of
the license, a 3-digit version and one check character, ISO 7064 MOD 37,36 over the four middle
parts written together without dots (python-stdnum computes it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_36

ROOT = "1.2.156.3005.2"
TYPE_CODE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}[0-9]{3}")
CREDIT_CODE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")
SERIAL = re.compile(r"[0-9A-Z]{1,40}")
VERSION = re.compile(r"[0-9]{3}")
IDENTIFIER = re.compile(
    re.escape(ROOT) + r"\.([0-9A-Z]{21})\.([0-9A-Z]{18})\.([0-9A-Z]{1,40})\.([0-9]{3})\.([0-9A-Z])"
)


class IdentifierError(ValueError):
    """A license identifier that is malformed or whose check character is wrong."""


@dataclass(frozen=True, slots=True)
class LicenseIdentifier:
    type_code: str
    issuer_code: str
    serial: str
    version: str
    check: str

    def __str__(self) -> str:
        return ".".join(
            (ROOT, self.type_code, self.issuer_code, self.serial, self.version, self.check)
        )


def check_character(type_code: str, issuer_code: str, serial: str, version: str) -> str:
    return str(mod_37_36.calc_check_digit(type_code + issuer_code + serial + version))


def identifier_build(
    *, type_code: str, issuer_code: str, serial: str, version: int = 1
) -> LicenseIdentifier:
    """The identifier of a new license (``ValueError`` naming the part that is malformed)."""
    text_version = f"{version:03d}"
    for name, value, pattern in (
        ("type code", type_code, TYPE_CODE),
        ("issuer credit code", issuer_code, CREDIT_CODE),
        ("serial", serial, SERIAL),
        ("version", text_version, VERSION),
    ):
        if not pattern.fullmatch(value):
            raise IdentifierError(f"the {name} {value!r} cannot be part of a license identifier")
    check = check_character(type_code, issuer_code, serial, text_version)
    return LicenseIdentifier(type_code, issuer_code, serial, text_version, check)


def identifier_parse(text: str) -> LicenseIdentifier:
    """Parse and check an identifier; ``IdentifierError`` for any flaw."""
    match = IDENTIFIER.fullmatch(text.strip().upper())
    if match is None:
        raise IdentifierError("this is not a license identifier (1.2.156.3005.2.…)")
    type_code, issuer_code, serial, version, check = match.groups()
    if check_character(type_code, issuer_code, serial, version) != check:
        raise IdentifierError("the check character of the license identifier is wrong")
    return LicenseIdentifier(type_code, issuer_code, serial, version, check)
