"""What a user types to name their account: an ID number, a mobile number or a user name.

Each is turned into a blind index (look-ups, rate-limit counting) and a masked form (display,
logs), so the clear value never needs to be stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from govhall.core import personal_data
from govhall.core.identifiers import MOBILE_PATTERN, check_mobile, mask_id_number
from govhall.core.personal_data import KIND_ID_NUMBER, KIND_MOBILE, blind_index, mask_mobile

KIND_USERNAME = "username"


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


__all__ = ["MOBILE_PATTERN", "Identifier", "check_mobile", "identifier_parse"]
