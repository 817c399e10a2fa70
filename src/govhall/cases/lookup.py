"""The public look-up of a case's progress by its number and the applicant's query code
(办件进度查询): anyone holding the receipt can follow the case without signing in, and sees
progress only — no names, no opinions, no materials.

The query code is derived, not stored: eight characters of HMAC-SM3 over the case number under
``GOVHALL["CASE_LOOKUP_KEY"]`` (by default derived from ``SECRET_KEY``), in an alphabet without
look-alike characters. It is shown to the applicant on their case page and sent in the
submission notice; it cannot be guessed from the number.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from govhall.cases.models import Case
from govhall.core.crypto import hmac_sm3

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 8


def _key() -> bytes:
    configured = str(settings.GOVHALL.get("CASE_LOOKUP_KEY") or "")
    return (configured or f"case-lookup:{settings.SECRET_KEY}").encode()


def case_lookup_code(number: str) -> str:
    digest = hmac_sm3(_key(), number.encode())
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:CODE_LENGTH])


def case_lookup_code_matches(number: str, code: str) -> bool:
    """Constant-time check of a typed code (case and spaces ignored)."""
    typed = code.replace(" ", "").replace("-", "").upper()
    return hmac.compare_digest(typed.encode(), case_lookup_code(number).encode())


#: Log entries the public does not see: internal review notes and assignments.
INTERNAL_ACTIONS = frozenset({"review", "assign"})
NUMBER_MAX_LENGTH = 24


class TimelineEntry(NamedTuple):
    on: datetime.date
    label: str


@dataclass(frozen=True, slots=True)
class PublicProgress:
    """What the holder of a receipt may see: progress only, no names, opinions or files."""

    number: str
    item_name: str
    department_name: str
    state_label: str
    received_on: datetime.date
    accepted_on: datetime.date | None
    promised_due_on: datetime.date | None
    is_due_provisional: bool
    timeline: list[TimelineEntry]


def case_public_progress(number: str, code: str) -> PublicProgress | None:
    """The progress of case ``number`` if ``code`` is its query code, else ``None``.

    An unknown number and a wrong code get the same answer, after the same work (one query
    and one code check), so the look-up tells nothing about which numbers exist.
    """
    number = number.strip()[:NUMBER_MAX_LENGTH]
    matches = case_lookup_code_matches(number, code)
    case = (
        Case.objects.select_related("version__handling_item", "department")
        .filter(number=number)
        .first()
    )
    if case is None or not matches:
        return None
    actions = case.actions.exclude(action__in=INTERNAL_ACTIONS).order_by("sequence")
    return PublicProgress(
        number=case.number,
        item_name=case.version.handling_item.name,
        department_name=case.department.name,
        state_label=str(case.get_state_display()),
        received_on=case.received_on,
        accepted_on=case.accepted_on,
        promised_due_on=case.promised_due_on,
        is_due_provisional=case.due_provisional,
        timeline=[
            TimelineEntry(timezone.localdate(a.occurred_at), a.label)
            for a in actions.only("action", "occurred_at")
        ],
    )


__all__ = [
    "PublicProgress",
    "TimelineEntry",
    "case_lookup_code",
    "case_lookup_code_matches",
    "case_public_progress",
]
