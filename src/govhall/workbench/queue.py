"""The work queue (待办): open cases the member of staff may process, most urgent first,
filtered by deadline state, assignment and state, 20 a page; several cases claimed or
accepted at once (POST, then back to the same filters)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from govhall.cases.models import Case, CaseState
from govhall.cases.selectors import (
    DEADLINE_STATES,
    MY_STEPS,
    case_for_number,
    deadline_state,
    queue_counts,
    work_queue,
)
from govhall.cases.services.actions import staff_may_process
from govhall.cases.services.assignment import MAX_BULK, BulkOutcome, cases_bulk_act
from govhall.core.errors import ValidationFailed
from govhall.identity.models import User
from govhall.workbench.access import staff_user, workbench_page
from govhall.workbench.labels import BULK_ACTIONS, deadline_label
from govhall.workbench.presenters import StepRow, department_names, step_codes, step_rows

PER_PAGE = 20
ASSIGNED = ("me", "unassigned")


@dataclass(frozen=True, slots=True)
class QueueFilters:
    deadline: str = ""
    assigned: str = ""
    state: str = ""
    steps: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> QueueFilters:
        """Known values only: anything else means "all"."""
        deadline = query.get("deadline", "")
        assigned = query.get("assigned", "")
        state = query.get("state", "")
        steps = query.get("steps", "")
        return cls(
            deadline=deadline if deadline in DEADLINE_STATES else "",
            assigned=assigned if assigned in ASSIGNED else "",
            state=state if state in CaseState.values else "",
            steps=steps if steps == MY_STEPS else "",
        )

    def url(self, *, page: int | None = None, **changes: str) -> str:
        values = replace(self, **changes)
        query = {
            key: value
            for key, value in (
                ("deadline", values.deadline),
                ("assigned", values.assigned),
                ("state", values.state),
                ("steps", values.steps),
                ("page", str(page) if page and page > 1 else ""),
            )
            if value
        }
        base = reverse("workbench:queue")
        return f"{base}?{urlencode(query)}" if query else base


@dataclass(frozen=True, slots=True)
class QueueRow:
    case: Case
    deadline: str
    deadline_label: str
    steps: list[StepRow]


@workbench_page
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if request.method == "POST":
        return _bulk(request, user)
    filters = QueueFilters.from_query(request.GET)
    cases = work_queue(
        user,
        state=filters.state,
        deadline=filters.deadline,
        assigned=filters.assigned,
        steps=filters.steps,
    ).select_related("version__handling_item", "assignee")
    page: Page[Case] = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    listed = list(page.object_list)
    names = department_names(code for c in listed for code in step_codes(c.current_steps or []))
    rows = [
        QueueRow(
            case=c,
            deadline=deadline_state(c, today),
            deadline_label=deadline_label(deadline_state(c, today)),
            steps=step_rows(c.current_steps or [], names),
        )
        for c in listed
    ]
    counts = queue_counts(user)
    return render(
        request,
        "workbench/queue.html",
        {
            "nav": "mine" if filters.assigned == "me" else "queue",
            "filters": filters,
            "rows": rows,
            "page": page,
            "tabs": _deadline_tabs(filters, counts),
            "assigned_tabs": [
                {"value": "", "label": _("All"), "url": filters.url(assigned="")},
                {"value": "me", "label": _("Assigned to me"), "url": filters.url(assigned="me")},
                {
                    "value": "unassigned",
                    "label": _("Not assigned"),
                    "url": filters.url(assigned="unassigned"),
                },
            ],
            "states": CaseState.choices,
            "previous_url": filters.url(page=page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": filters.url(page=page.next_page_number()) if page.has_next() else "",
            "return_query": request.GET.urlencode(),
            "bulk_actions": BULK_ACTIONS,
            "max_bulk": MAX_BULK,
        },
    )


def _deadline_tabs(filters: QueueFilters, counts: dict[str, int]) -> list[dict[str, Any]]:
    tabs: list[dict[str, Any]] = [
        {"value": "", "label": _("All"), "count": counts["total"], "url": filters.url(deadline="")}
    ]
    tabs.extend(
        {
            "value": state,
            "label": deadline_label(state),
            "count": counts[state],
            "url": filters.url(deadline=state),
        }
        for state in DEADLINE_STATES
    )
    return tabs


def _bulk(request: HttpRequest, user: User) -> HttpResponse:
    """Act on the ticked cases; report how many were done and why the others were not."""
    filters = QueueFilters.from_query(QueryDict(request.POST.get("return_query", "")))
    back = HttpResponseRedirect(filters.url())
    action = request.POST.get("bulk_action", "")
    numbers = list(dict.fromkeys(n.strip() for n in request.POST.getlist("numbers") if n.strip()))
    if action not in BULK_ACTIONS:
        messages.error(request, _("Choose what to do with the selected cases."))
        return back
    if not numbers:
        messages.error(request, _("Select at least one case."))
        return back
    try:
        outcomes = _act(user, numbers, action)
    except ValidationFailed as error:
        for problem in error.errors:
            messages.error(request, str(problem.message))
        return back
    done = sum(1 for outcome in outcomes if outcome.done)
    label = str(BULK_ACTIONS[action])
    if done:
        messages.success(
            request,
            ngettext("%(action)s: %(count)d case done.", "%(action)s: %(count)d cases done.", done)
            % {"action": label, "count": done},
        )
    for outcome in outcomes:
        if not outcome.done:
            messages.error(
                request,
                _("%(action)s: case %(number)s was not done: %(reason)s")
                % {"action": label, "number": outcome.number, "reason": outcome.message},
            )
    return back


def _act(user: User, numbers: list[str], action: str) -> list[BulkOutcome]:
    """``cases_bulk_act`` on the cases this user may process. The others are reported as
    unknown, as a case page would answer 404: the answer must not tell a clerk that a case
    number exists in another county."""
    if len(numbers) > MAX_BULK:
        return cases_bulk_act(numbers=numbers, action=action, actor=user)  # refused as a whole
    permitted = []
    for number in numbers:
        case = case_for_number(number)
        if case is not None and staff_may_process(user, case):
            permitted.append(number)
    outcomes = {o.number: o for o in cases_bulk_act(numbers=permitted, action=action, actor=user)}
    return [outcomes.get(n) or BulkOutcome(n, False, _("No such case.")) for n in numbers]
