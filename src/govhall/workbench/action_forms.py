"""The form of each action on the case page: an opinion, and the details some actions need
(``case_act``'s ``data``): the delivery method, the days of an extension, the special
procedure, the pending material, the days allowed for pending materials.

The services check every value; these forms only offer the choices the case has and post
them as ``data_<key>`` fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from govhall.cases.models import Case, CaseAction
from govhall.cases.transitions import TRANSITIONS
from govhall.catalog.models import DeliveryMethod
from govhall.workbench.labels import action_verb

DATA_PREFIX = "data_"
DATA_KEYS = ("method", "carrier", "waybill", "days", "procedure", "requirement", "pending_days")
#: Actions that hold up, stretch or annotate a case rather than move it on: "More actions".
MORE = frozenset(
    {"suspend", "start_special_procedure", "request_extension", "waive_material", "record_visit"}
)
#: Buttons of actions that end or hold up a case are drawn as secondary buttons.
SECONDARY = frozenset(
    {
        "refuse",
        "reject",
        "request_supplement",
        "suspend",
        "refuse_extension",
        "close",
        "return_pre_review",
    }
)


@dataclass(frozen=True, slots=True)
class ActionField:
    key: str
    label: str
    kind: str  # select, number, text
    choices: list[tuple[str, str]] = field(default_factory=list)
    required: bool = True
    value: str = ""
    hint: str = ""
    minimum: int | None = None
    maximum: int | None = None

    @property
    def input_name(self) -> str:
        return f"{DATA_PREFIX}{self.key}"


@dataclass(frozen=True, slots=True)
class ActionForm:
    name: str
    verb: str
    needs_opinion: bool
    opinion: str
    errors: list[str]
    fields: list[ActionField]
    is_secondary: bool

    @property
    def is_more(self) -> bool:
        return self.name in MORE

    @property
    def can_be_filled(self) -> bool:
        """False when a required choice has nothing to choose from (no pending material to
        waive, no special procedure in the guide): such a form is not shown."""
        return all(f.choices or f.kind != "select" or not f.required for f in self.fields)


def posted_data(post: QueryDict) -> dict[str, Any]:
    """The details of an action as posted (empty values left out)."""
    values = {key: post.get(f"{DATA_PREFIX}{key}", "").strip() for key in DATA_KEYS}
    return {key: value for key, value in values.items() if value}


def action_form(
    case: Case,
    name: str,
    actions: list[CaseAction],
    *,
    posted: Mapping[str, Any] | None = None,
    opinion: str = "",
    errors: list[str] | None = None,
) -> ActionForm:
    values = posted or {}
    return ActionForm(
        name=name,
        verb=action_verb(name),
        needs_opinion=TRANSITIONS[name].needs_opinion,
        opinion=opinion,
        errors=errors or [],
        fields=_fields(case, name, actions, values),
        is_secondary=name in SECONDARY,
    )


def _fields(
    case: Case, name: str, actions: list[CaseAction], values: Mapping[str, Any]
) -> list[ActionField]:
    if name == "deliver":
        offered = list(case.version.delivery_methods or [])
        default = offered[0] if offered else DeliveryMethod.WINDOW
        return [
            ActionField(
                "method",
                _("Delivery method"),
                "select",
                [(value, str(label)) for value, label in DeliveryMethod.choices],
                value=str(values.get("method", default)),
            ),
            ActionField(
                "carrier",
                _("Carrier"),
                "text",
                required=False,
                value=str(values.get("carrier", "")),
                hint=_("By mail only."),
            ),
            ActionField(
                "waybill",
                _("Waybill number"),
                "text",
                required=False,
                value=str(values.get("waybill", "")),
                hint=_("By mail only."),
            ),
        ]
    if name == "request_extension":
        return [
            ActionField(
                "days",
                _("Working days"),
                "number",
                value=str(values.get("days", "")),
                minimum=1,
                maximum=15,
            )
        ]
    if name == "start_special_procedure":
        procedures = list(case.version.special_procedures.values_list("name", flat=True))
        return [
            ActionField(
                "procedure",
                _("Special procedure"),
                "select",
                [(p, p) for p in procedures],
                value=str(values.get("procedure", "")),
            )
        ]
    if name == "waive_material":
        pending = [
            (str(entry.get("requirement", "")), str(entry.get("name", "")))
            for entry in getattr(case, "pending_materials", None) or []
            if entry.get("status") == "pending"
        ]
        return [
            ActionField(
                "requirement",
                _("Pending material"),
                "select",
                pending,
                value=str(values.get("requirement", "")),
            )
        ]
    if name == "accept" and _has_pending_materials(actions):
        return [
            ActionField(
                "pending_days",
                _("Working days to supply the pending materials"),
                "number",
                required=False,
                value=str(values.get("pending_days", "")),
                hint=_("Accepted with materials pending (容缺受理); 5 when left empty."),
                minimum=1,
                maximum=20,
            )
        ]
    return []


def _has_pending_materials(actions: list[CaseAction]) -> bool:
    submitted = next((a for a in actions if a.action == "submit"), None)
    return bool(submitted and (submitted.data or {}).get("pending_materials"))
