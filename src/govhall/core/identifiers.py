"""Resident ID numbers (GB 11643) and unified social credit codes (GB 32100).

Checksums come from python-stdnum; this module adds the split STANDARDS.md asks for: a bad
length, format, birth date or check character is an *error*; an area code missing from
GB/T 2260 is only a *warning*, because abolished codes stay valid on real ID cards. A credit
code whose check character fails can be accepted only through an audited override.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from govhall.core.errors import FieldError

#: Characters a credit code may use (GB 32100: no I, O, S, V, Z).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Registering authorities (first character) named by GB 32100.
CREDIT_CODE_AUTHORITIES = {
    "1": _("Institutional organization (编办)"),
    "5": _("Civil affairs (民政)"),
    "9": _("Market regulation (市场监管)"),
    "Y": _("Other registering authority"),
}


@dataclass(frozen=True, slots=True)
class IdentifierCheck:
    """The outcome of checking one identifier: its normal form, errors and warnings."""

    value: str
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    is_male: bool
    area_code: str


def _error(field_name: str, code: str, message: str | Promise) -> FieldError:
    return FieldError(field_name, code, message)


def upgrade_legacy_id_number(number: str) -> str:
    """Turn a 15-digit first-generation number into its 18-digit form (GB 11643-1999).

    The two-digit year gains ``19`` and the check character is computed.
    """
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def check_id_number(raw: str, *, field_name: str = "id_number") -> IdentifierCheck:
    """Validate a resident ID number; 15-digit legacy numbers are upgraded first."""
    number = ric.compact(raw or "").upper()
    if len(number) == 15 and number.isdigit():
        number = upgrade_legacy_id_number(number)
    if len(number) != 18:
        return IdentifierCheck(
            number,
            [_error(field_name, "id_number.length", _("An ID number has 18 characters."))],
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdentifierCheck(
            number,
            [
                _error(
                    field_name,
                    "id_number.format",
                    _("An ID number is 17 digits followed by a digit or X."),
                )
            ],
        )
    try:
        birth = ric.get_birth_date(number)
    except (InvalidComponent, ValueError):
        return IdentifierCheck(
            number,
            [
                _error(
                    field_name,
                    "id_number.birth_date",
                    _("The birth date in the ID number is not a real date."),
                )
            ],
        )
    if birth > datetime.date.today():
        return IdentifierCheck(
            number,
            [
                _error(
                    field_name,
                    "id_number.birth_date",
                    _("The birth date in the ID number lies in the future."),
                )
            ],
        )
    if ric.calc_check_digit(number) != number[17]:
        return IdentifierCheck(
            number,
            [
                _error(
                    field_name,
                    "id_number.checksum",
                    _("The check character of the ID number is wrong."),
                )
            ],
        )
    warnings = []
    try:
        ric.get_birth_place(number)
    except InvalidComponent:
        warnings.append(
            _error(
                field_name,
                "id_number.area",
                _("The area code of the ID number is not in the current division list."),
            )
        )
    return IdentifierCheck(number, [], warnings)


def parse_id_number(number: str) -> ResidentId:
    """Read the facts an already-validated ID number carries."""
    return ResidentId(
        number=number,
        birth_date=ric.get_birth_date(number),
        is_male=int(number[16]) % 2 == 1,
        area_code=number[:6],
    )


def check_credit_code(
    raw: str, *, field_name: str = "credit_code", allow_checksum_override: bool = False
) -> IdentifierCheck:
    """Validate a unified social credit code.

    ``allow_checksum_override`` turns a failed check character into a warning; callers pass it
    only when an authorised person confirmed the code against the registration certificate, and
    they audit that decision (a few real registered codes fail the check).
    """
    code = uscc.compact(raw or "").upper()
    if len(code) != 18:
        return IdentifierCheck(
            code,
            [_error(field_name, "credit_code.length", _("A credit code has 18 characters."))],
        )
    if any(char not in CREDIT_CODE_ALPHABET for char in code):
        return IdentifierCheck(
            code,
            [
                _error(
                    field_name,
                    "credit_code.format",
                    _("A credit code uses digits and capital letters except I, O, S, V and Z."),
                )
            ],
        )
    if not code[2:8].isdigit():
        return IdentifierCheck(
            code,
            [
                _error(
                    field_name,
                    "credit_code.area",
                    _("Characters 3 to 8 of a credit code are the area code."),
                )
            ],
        )
    try:
        uscc.validate(code)
    except (InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength):
        problem = _error(
            field_name,
            "credit_code.checksum",
            _("The check character of the credit code is wrong."),
        )
        if allow_checksum_override:
            return IdentifierCheck(code, [], [problem])
        return IdentifierCheck(code, [problem])
    return IdentifierCheck(code)


def build_credit_code(
    *, area: str, organisation: str, authority: str = "1", kind: str = "1"
) -> str:
    """Compose a credit code from its parts, computing both check characters.

    ``organisation`` is the 8-character body of the GB 11714 organisation code (digits here);
    its check character and the final GB 32100 one are computed. Demo data, synthetic
    catalogs and tests make their codes with this, so every one of them is valid.
    """
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(char) * weight for char, weight in zip(organisation, weights, strict=True))
    check = (11 - total % 11) % 11
    body = f"{authority}{kind}{area}{organisation}{'X' if check == 10 else check}"
    return body + uscc.calc_check_digit(body)


def mask_id_number(number: str) -> str:
    """``520102199001011234`` → ``5201**********1234`` for every display and log."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")


def check_mobile(raw: str, *, field: str = "mobile") -> tuple[str, FieldError | None]:
    """The 11-digit form of a mobile number (spaces, hyphens, +86 removed) and its error."""
    from govhall.core import personal_data

    number = personal_data.normalize(raw, kind=personal_data.KIND_MOBILE)
    if MOBILE_PATTERN.fullmatch(number):
        return number, None
    return number, FieldError(
        field, "mobile.format", _("A mobile number has 11 digits and starts with 13 to 19.")
    )
