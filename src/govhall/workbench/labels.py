"""What the workbench calls things: deadline states, the buttons of the actions, roles.

A button says what the clerk is about to do (受理, 不予受理 …); the case log's labels
(:func:`govhall.cases.transitions.action_label`) say what happened and are used for the
timeline and the confirmation messages.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext_lazy

from govhall.cases.processes import role_label
from govhall.cases.selectors import GREEN, RED, YELLOW
from govhall.cases.transitions import action_label

DEADLINE_LABELS: dict[str, Any] = {
    GREEN: pgettext_lazy("deadline", "On time"),
    YELLOW: pgettext_lazy("deadline", "Due soon"),
    RED: pgettext_lazy("deadline", "Overdue"),
}

ACTION_VERBS: dict[str, Any] = {
    "accept": pgettext_lazy("case action", "Accept"),
    "refuse": pgettext_lazy("case action", "Do not accept"),
    "request_supplement": pgettext_lazy("case action", "Ask once for everything missing"),
    "review": pgettext_lazy("case action", "Give the review opinion"),
    "approve": pgettext_lazy("case action", "Decide: grant"),
    "reject": pgettext_lazy("case action", "Decide: refuse"),
    "deliver": pgettext_lazy("case action", "Deliver the result"),
    "close": pgettext_lazy("case action", "Close the case"),
    "suspend": pgettext_lazy("case action", "Suspend"),
    "resume": pgettext_lazy("case action", "Resume"),
    "start_special_procedure": pgettext_lazy("case action", "Start a special procedure"),
    "end_special_procedure": pgettext_lazy("case action", "End the special procedure"),
    "request_extension": pgettext_lazy("case action", "Ask for an extension"),
    "approve_extension": pgettext_lazy("case action", "Approve the extension"),
    "refuse_extension": pgettext_lazy("case action", "Refuse the extension"),
    "waive_material": pgettext_lazy("case action", "Waive a pending material"),
    "record_visit": pgettext_lazy("case action", "Record a visit to the hall"),
    "pass_pre_review": pgettext_lazy("case action", "Pass the pre-review"),
    "return_pre_review": pgettext_lazy("case action", "Return for changes"),
    "receive": pgettext_lazy("case action", "Receive at the hall (originals checked)"),
}

BULK_ACTIONS: dict[str, Any] = {
    "claim": pgettext_lazy("case action", "Claim"),
    "accept": ACTION_VERBS["accept"],
}


def action_verb(name: str) -> str:
    return str(ACTION_VERBS.get(name) or action_label(name))


def deadline_label(state: str) -> str:
    return str(DEADLINE_LABELS.get(state, state))


__all__ = ["ACTION_VERBS", "BULK_ACTIONS", "action_verb", "deadline_label", "role_label"]
