"""One case in the workbench: its facts, form data, materials, timeline, clock stops and
process; the actions the member of staff may take now, claiming and assigning; material
downloads. Every change is a POST answered by a redirect; a refused change re-renders the
page with the reason (400, 403 or 409) and changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from govhall.archive.download import stored_file_response
from govhall.cases.automatic_selectors import case_decision, decision_explanation
from govhall.cases.diagram import process_diagram
from govhall.cases.models import Case
from govhall.cases.selectors import (
    available_actions,
    case_detail,
    case_for_number,
    case_visible_to,
    deadline_state,
)
from govhall.cases.services.actions import case_act, staff_may_process
from govhall.cases.services.assignment import case_assign
from govhall.cases.transitions import APPLICANT, ASSIGNABLE_STATES, TRANSITIONS, action_label
from govhall.core.errors import DomainError, FieldError, PermissionDenied, ValidationFailed
from govhall.identity.models import User
from govhall.workbench.access import PERMISSION, staff_page, staff_user
from govhall.workbench.action_forms import action_form, posted_data
from govhall.workbench.labels import deadline_label
from govhall.workbench.presenters import (
    department_names,
    form_rows,
    step_codes,
    step_rows,
    timeline,
    timeline_codes,
)

CLAIM, ASSIGN = "claim", "assign"


@dataclass(slots=True)
class Refusal:
    """A change the services refused: which form, why, and what was typed."""

    form: str
    status: int
    reasons: list[str] = field(default_factory=list)
    opinion: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def _visible_case(user: User, number: str) -> Case:
    case = case_for_number(number)
    if case is None or not case_visible_to(user, case):
        raise Http404(_("No such case."))
    return case


@staff_page(PERMISSION, "cases.view_case")
@require_http_methods(["GET", "POST"])
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_user(request)
    case = _visible_case(user, number)
    refusal: Refusal | None = None
    if request.method == "POST":
        refusal = _change(request, user, case)
        if refusal is None:
            return HttpResponseRedirect(reverse("workbench:case", args=[case.number]))
        # Show the case as it is now: a refusal often means someone else just changed it.
        case = _visible_case(user, number)
    return render(
        request,
        "workbench/case.html",
        _context(user, case, refusal),
        status=refusal.status if refusal else 200,
    )


def _change(request: HttpRequest, user: User, case: Case) -> Refusal | None:
    """Take the posted action through its service; ``None`` when it was done."""
    action = request.POST.get("action", "")
    opinion = request.POST.get("opinion", "")
    data = posted_data(request.POST)
    try:
        if action in {CLAIM, ASSIGN}:
            done = _assign(request, user, case, claim=action == CLAIM)
        elif action in TRANSITIONS and TRANSITIONS[action].role != APPLICANT:
            case_act(case=case, action=action, actor=user, opinion=opinion, data=data)
            done = _("Case %(number)s: %(outcome)s.") % {
                "number": case.number,
                "outcome": action_label(action),
            }
        else:
            return Refusal(action, 400, [_("Unknown action.")], opinion)
    except ValidationFailed as error:
        return Refusal(action, 400, [str(e.message) for e in error.errors], opinion, data)
    except DomainError as error:
        return Refusal(action, error.status, [str(error.detail)], opinion, data)
    messages.success(request, done)
    return None


def may_assign(user: User, case: Case) -> bool:
    """Claiming and assigning belong to the accepting department's staff; a department that
    only reviews a joint case gives its review and nothing else."""
    return case.state in ASSIGNABLE_STATES and staff_may_process(user, case, action=ASSIGN)


def _assign(request: HttpRequest, user: User, case: Case, *, claim: bool) -> str:
    if not may_assign(user, case):
        raise PermissionDenied(_("Only the accepting department assigns this case."))
    if claim:
        case_assign(case=case, actor=user, assignee=user, claim=True)
        return _("You now work on case %(number)s.") % {"number": case.number}
    assignee = _colleague(request.POST.get("assignee", ""))
    if assignee is None:
        raise ValidationFailed(
            [FieldError("assignee", "assignee.required", _("Choose a colleague."))]
        )
    case_assign(case=case, actor=user, assignee=assignee, claim=False)
    return _("Case %(number)s was given to %(name)s.") % {
        "number": case.number,
        "name": str(assignee),
    }


def _colleague(value: str) -> User | None:
    try:
        wanted = uuid.UUID(value)
    except ValueError:
        return None
    return User.objects.filter(uuid=wanted, is_active=True, is_staff=True).first()


def colleagues(case: Case) -> list[User]:
    """Staff of the case's department who may process it, for the assignment select, in one
    query: active staff of the department with ``cases.process_case`` (directly or through a
    group) whose region covers the case's — the rule of ``staff_may_process``, written as a
    filter because calling it per colleague costs three queries each. ``case_assign`` checks
    the one chosen again."""
    permission = Permission.objects.filter(
        codename="process_case", content_type__app_label="cases"
    ).first()
    if permission is None:
        return []
    prefix = case.region.prefix
    covering = Q(region__isnull=True) | Q(
        region__prefix__in=[prefix[:n] for n in range(1, len(prefix) + 1)]
    )
    may_process = Q(user_permissions=permission) | Q(groups__permissions=permission)
    candidates: QuerySet[User] = User.objects.filter(
        Q(is_superuser=True) | (may_process & covering),
        department=case.department,
        is_active=True,
        is_staff=True,
    )
    return list(candidates.distinct().order_by("display_name", "username"))


def _context(user: User, case: Case, refusal: Refusal | None) -> dict[str, Any]:
    today = timezone.localdate()
    detail = case_detail(case, today=today)
    steps = case.current_steps or []
    names = department_names([*step_codes(steps), *timeline_codes(detail.actions)])
    failed = refusal.form if refusal else ""
    forms = [
        action_form(
            case,
            name,
            detail.actions,
            posted=refusal.data if refusal and failed == name else None,
            opinion=refusal.opinion if refusal and failed == name else "",
            errors=refusal.reasons if refusal and failed == name else None,
        )
        for name in available_actions(user, case)
        if TRANSITIONS[name].role != APPLICANT
    ]
    actions = [f for f in forms if f.can_be_filled]
    assignable = may_assign(user, case)
    may_claim = assignable and case.assignee_id is None
    team = colleagues(case) if assignable else []
    shown_forms = {f.name for f in actions} | ({CLAIM} if may_claim else set())
    decision = case_decision(case)
    return {
        "case": case,
        "detail": detail,
        "deadline": deadline_state(case, today),
        "deadline_label": deadline_label(deadline_state(case, today)),
        "form_rows": form_rows(case),
        "materials": list(
            case.materials.select_related("requirement", "stored_file", "reused_from__case")
        ),
        "timeline": timeline(detail.actions, names),
        "steps": step_rows(steps, names),
        "diagram": process_diagram(case, actions=detail.actions, names=names),
        "actions": [f for f in actions if not f.is_more],
        "more_actions": [f for f in actions if f.is_more],
        "more_open": any(f.errors for f in actions if f.is_more),
        "refusal": refusal,
        # The reasons are listed at the top of the page, linked to the form they concern
        # when the page still shows it (not for an action out of order or taken meanwhile).
        "refusal_elsewhere": refusal is not None
        and failed not in shown_forms | ({ASSIGN} if team else set()),
        "may_claim": may_claim,
        "colleagues": team,
        # What the review rules found on submission (智能审批), explained, if the item had any.
        "automatic": decision,
        "automatic_explanation": decision_explanation(decision) if decision else None,
        "automatic_check": getattr(decision, "spot_check", None) if decision else None,
    }


@staff_page(PERMISSION, "cases.view_case")
@require_safe
def material_download(request: HttpRequest, number: str, upload_uuid: uuid.UUID) -> FileResponse:
    """A material of the case as an attachment (never shown inline from our origin)."""
    case = _visible_case(staff_user(request), number)
    upload = case.materials.select_related("stored_file").filter(uuid=upload_uuid).first()
    if upload is None:
        raise Http404(_("No such file."))
    return stored_file_response(upload.stored_file, download_name=upload.file_name)
