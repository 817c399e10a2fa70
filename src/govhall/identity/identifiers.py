"""What a user types to name their account: an ID number, a mobile number or a user name.

Each is turned into a blind index (look-ups, rate-limit counting) and a masked form (display,
logs), so the clear value never needs to be stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from govhall.core import personal_data
from govhall.core.errors import FieldError
from govhall.core.identifiers import mask_id_number
from govhall.core.personal_data import KIND_ID_NUMBER, KIND_MOBILE, blind_index, mask_mobile

KIND_USERNAME = "username"
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")


@dataclass(frozen=True, slots=True)
class Identifier:
    """What the user typed to name their account, in indexable and displayable form."""

    kind: str  # id_number, mobile or username
    index: str
    masked: str


def identifier_parse(raw: str) -> Identifier:
    """Recognise an ID number (15 or 18 characters), a mobile number, or else a user name."""
    text = raw.strip()
    id_form = personal_data.normalize(text, kind=KIND_ID_NUMBER)
    if len(id_form) == 18 and id_form[:17].isdigit():
        return Identifier(
            KIND_ID_NUMBER, blind_index(id_form, kind=KIND_ID_NUMBER), mask_id_number(id_form)
        )
    mobile = personal_data.normalize(text, kind=KIND_MOBILE)
    if MOBILE_PATTERN.fullmatch(mobile):
        return Identifier(KIND_MOBILE, blind_index(mobile, kind=KIND_MOBILE), mask_mobile(mobile))
    username = text.lower()[:150]
    return Identifier(KIND_USERNAME, blind_index(username, kind=KIND_USERNAME), username[:32])


def check_mobile(raw: str, *, field: str = "mobile") -> tuple[str, FieldError | None]:
    """The 11-digit form of a mobile number (spaces, hyphens, +86 removed) and its error."""
    number = personal_data.normalize(raw, kind=KIND_MOBILE)
    if MOBILE_PATTERN.fullmatch(number):
        return number, None
    return number, FieldError(
        field, "mobile.format", _("A mobile number has 11 digits and starts with 13 to 19.")
    )
