"""What an applicant is told about a step of their case, in-app and by SMS.

Texts to citizens are always composed in Chinese, whatever language the clerk's request ran
in: the step's name comes from the event (``label_zh``, translated when it was published) and
the sentence around it from a translated template (English msgid, zh-Hans in the catalog).
Text messages stay within 70 characters (one SMS) for case numbers of up to 24 characters and
step names of up to 9; they carry the platform's sign (``GOVHALL["SMS_SIGN"]``) like every
SMS of govhall, and never an opinion (it is in the portal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

#: The language of every text to citizens.
CITIZEN_LANGUAGE = "zh-hans"

SUBMIT = "submit"
#: Review notes and assignments stay inside the department; every other step is told
#: in the portal, also steps added to cases later (with their ``label_zh``).
INTERNAL_ACTIONS = frozenset({"review", "assign"})
#: Steps also told by SMS: the applicant must learn of them even without signing in.
SMS_ACTIONS = frozenset(
    {
        SUBMIT,
        "accept",
        "refuse",
        "request_supplement",
        "approve",
        "reject",
        "deliver",
        "request_extension",
        "pass_pre_review",
        "return_pre_review",
    }
)
#: Steps the review rules take on their way to a decision (instant approval): in the portal
#: only — one text message tells the decision, not four in the same second.
QUIET_WHEN_BY_RULES = frozenset({"accept", "deliver"})
TITLE_MAX_LENGTH = 200


@dataclass(frozen=True, slots=True)
class CaseStep:
    """The facts of one ``cases.case.<action>`` event that the texts need."""

    number: str
    action: str
    label_zh: str
    item: str
    opinion: str
    lookup_code: str
    by_rules: bool = False

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> CaseStep:
        action = str(payload.get("action") or "")
        return cls(
            number=str(payload.get("number") or ""),
            action=action,
            label_zh=str(payload.get("label_zh") or action),
            item=str(payload.get("item") or ""),
            opinion=str(payload.get("opinion") or "").strip(),
            lookup_code=str(payload.get("lookup_code") or ""),
            by_rules=bool(payload.get("by_rules")),
        )

    @property
    def is_told_in_app(self) -> bool:
        """Every step the applicant takes part in, also those added to cases later."""
        return bool(self.number and self.action) and self.action not in INTERNAL_ACTIONS

    @property
    def is_told_by_sms(self) -> bool:
        if self.by_rules and self.action in QUIET_WHEN_BY_RULES:
            return False
        return self.is_told_in_app and self.action in SMS_ACTIONS


def notification_title(step: CaseStep) -> str:
    with translation.override(CITIZEN_LANGUAGE):
        title = gettext("[Case progress] %(item)s") % {"item": step.item}
    return title[:TITLE_MAX_LENGTH]


def notification_body(step: CaseStep) -> str:
    with translation.override(CITIZEN_LANGUAGE):
        if step.action == SUBMIT:
            body = gettext("Your application was submitted (case number %(number)s).") % {
                "number": step.number
            }
            if step.lookup_code:
                body += gettext(
                    "Query code %(code)s: with the case number it shows the progress on the "
                    "case lookup page."
                ) % {"code": step.lookup_code}
        else:
            body = gettext("Your case (number %(number)s): %(step)s.") % {
                "number": step.number,
                "step": step.label_zh,
            }
    # The opinion is the department's own words to the applicant (reasons, what is missing).
    return body + step.opinion


def sms_text(step: CaseStep) -> str:
    sign = str(settings.GOVHALL.get("SMS_SIGN", ""))
    with translation.override(CITIZEN_LANGUAGE):
        if step.action == SUBMIT and step.lookup_code:
            return gettext(
                "%(sign)sYour application was submitted: case number %(number)s, query code "
                "%(code)s; follow its progress with them."
            ) % {"sign": sign, "number": step.number, "code": step.lookup_code}
        return gettext(
            "%(sign)sYour case %(number)s: %(step)s. Sign in to the portal for details."
        ) % {"sign": sign, "number": step.number, "step": step.label_zh}


__all__ = [
    "CITIZEN_LANGUAGE",
    "INTERNAL_ACTIONS",
    "SMS_ACTIONS",
    "CaseStep",
    "notification_body",
    "notification_title",
    "sms_text",
]
