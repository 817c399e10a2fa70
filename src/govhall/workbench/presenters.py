"""Rows the workbench templates show, built from what the cases selectors return: process
steps with their departments' names, the timeline, the application form with its labels."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govhall.cases.models import Case, CaseAction
from govhall.catalog.form_pages import Answer, answers_shown
from govhall.core.models import Department
from govhall.workbench.labels import role_label


def department_names(codes: Iterable[Any]) -> dict[str, str]:
    """Credit code → name of the departments named by joint-review steps (one query)."""
    wanted = {str(code) for code in codes if code}
    if not wanted:
        return {}
    return dict(
        Department.objects.filter(credit_code__in=wanted).values_list("credit_code", "name")
    )


def step_codes(steps: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(s["item"]) for s in steps if s.get("item")]


@dataclass(frozen=True, slots=True)
class StepRow:
    spec_id: str
    name: str
    role: str
    department: str


def step_rows(steps: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> list[StepRow]:
    """The waiting process steps; a joint review names its department."""
    return [
        StepRow(
            spec_id=str(s.get("spec_id", "")),
            name=str(s.get("name", "")),
            role=role_label(str(s.get("role", ""))),
            department=names.get(str(s["item"]), str(s["item"])) if s.get("item") else "",
        )
        for s in steps
    ]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    action: str
    label: str
    actor_label: str
    role: str
    occurred_at: datetime.datetime
    opinion: str
    step_name: str
    department: str
    assignee: str


def timeline(actions: Sequence[CaseAction], names: Mapping[str, str]) -> list[TimelineEntry]:
    entries = []
    for action in actions:
        data = action.data or {}
        code = str(data.get("department") or "")
        entries.append(
            TimelineEntry(
                action=action.action,
                label=action.label,
                actor_label=action.actor_label,
                role=action.role,
                occurred_at=action.occurred_at,
                opinion=action.opinion,
                step_name=str(data.get("step_name") or ""),
                department=names.get(code, code),
                assignee=str(data.get("assignee") or "") if action.action == "assign" else "",
            )
        )
    return entries


def timeline_codes(actions: Sequence[CaseAction]) -> list[str]:
    return [str(a.data["department"]) for a in actions if (a.data or {}).get("department")]


def form_rows(case: Case) -> list[Answer]:
    """The submitted form data with the labels of the version's form, in the form's order;
    values the form no longer names are listed under their own names."""
    return answers_shown(case.version.application_form, case.form_data)
