"""Events a case publishes on the outbox (docs/outbox.md), in the transaction of each change.

``cases.case.<action>`` for every entry of the log (``submit``, ``accept``, ``review``,
``approve``, ...), and ``cases.case.granted`` besides ``approve``: the hook of the licence
library (issue 5), which issues the result of a granted case. Subscribers live in lower layers
(notifications) or in later modules and must not import ``cases``: the payload carries what
they need — public identifiers, the item, the step's label in Chinese and English and, for
the steps whose reasons are addressed to the applicant (refusals, 补正, extensions), the
opinion. Never clear personal data.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from govhall.cases.lookup import case_lookup_code
from govhall.cases.models import Case
from govhall.cases.transitions import FIRST_ACTIONS, action_label
from govhall.core.outbox import event_publish

#: Opinions written to the applicant (notices), carried in the event; review notes are not.
TOLD_TO_APPLICANT = frozenset(
    {
        "refuse",
        "request_supplement",
        "reject",
        "approve",
        "withdraw",
        "request_extension",
        "pass_pre_review",
        "return_pre_review",
    }
)


#: What to select with a case whose events are published (one query instead of five).
EVENT_RELATED = (
    "version__handling_item",
    "department",
    "applicant_person",
    "applicant_organization",
    "submitted_by",
)


def case_event_payload(
    case: Case, action: str, *, opinion: str = "", sequence: int | None = None
) -> dict[str, Any]:
    version = case.version
    handling = version.handling_item
    with translation.override("zh-hans"):
        label_zh = action_label(action)
        state_zh = str(case.get_state_display())
    with translation.override("en"):
        label_en = action_label(action)
    return {
        "number": case.number,
        "action": action,
        "sequence": sequence,
        "label_zh": label_zh,
        "label_en": label_en,
        "state": case.state,
        "state_zh": state_zh,
        "item": handling.name,
        "handling_code": handling.handling_code,
        "version": str(version.uuid),
        "department": case.department.name,
        "applicant_person": str(case.applicant_person.uuid) if case.applicant_person else None,
        "applicant_organization": (
            str(case.applicant_organization.uuid) if case.applicant_organization else None
        ),
        "submitted_by": str(case.submitted_by.uuid),
        "opinion": opinion if action in TOLD_TO_APPLICANT else "",
        "promised_due_on": case.promised_due_on.isoformat() if case.promised_due_on else None,
    }


def case_event_publish(
    case: Case,
    action: str,
    *,
    opinion: str = "",
    sequence: int | None = None,
    by_rules: bool = False,
) -> None:
    """Publish the log entry's event and, for a grant, ``cases.case.granted``; ``by_rules``
    marks an action the review rules took on their own (instant approval)."""
    payload = case_event_payload(case, action, opinion=opinion, sequence=sequence)
    if by_rules:
        payload["by_rules"] = True
    if action in FIRST_ACTIONS:
        # The receipt's query code travels with the submission notice (progress only).
        payload["lookup_code"] = case_lookup_code(case.number)
    event_publish(topic=f"cases.case.{action}", payload=payload)
    if action == "approve":
        event_publish(
            topic="cases.case.granted",
            payload={**payload, "result_name": case.version.result_name},
        )


__all__ = ["EVENT_RELATED", "TOLD_TO_APPLICANT", "case_event_payload", "case_event_publish"]
