"""Spot checks (抽查) in the workbench: the sampled automatic decisions of the cases in the
supervisor's scope, each with its explanation, filtered by state and counted; a verdict
(agree, or disagree with the reasons) recorded through ``spot_check_record``.

Who: staff with ``cases.check_decisions`` (the 监督员 role).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govhall.cases.automatic_selectors import decision_explanation, spot_checks_for
from govhall.cases.models import SpotCheck, SpotCheckState
from govhall.cases.services.spot_checks import spot_check_record
from govhall.core.errors import DomainError, FieldError, ValidationFailed
from govhall.identity.models import User
from govhall.rules.explain import Explanation
from govhall.workbench.access import staff_page, staff_user

CHECK = "cases.check_decisions"
PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class CheckRefusal:
    """A verdict the service refused: for which check, what was typed, why."""

    check: str
    opinion: str
    reason: str
    status: int


@dataclass(frozen=True, slots=True)
class CheckRow:
    check: SpotCheck
    explanation: Explanation
    refusal: CheckRefusal | None


@staff_page(CHECK)
@require_http_methods(["GET", "POST"])
def spot_checks(request: HttpRequest) -> HttpResponse:
    """The sampled decisions in scope, filtered by state; a ``POST`` records a verdict on one
    (``check``, ``do=agree|disagree``, ``opinion``) and returns to the same list."""
    user = staff_user(request)
    refusal: CheckRefusal | None = None
    if request.method == "POST":
        refusal = _check_record(request, user)
        if refusal is None:
            return HttpResponseRedirect(request.get_full_path())
    state = request.GET.get("state", "")
    state = state if state in SpotCheckState.values else ""
    counts = dict(spot_checks_for(user).values_list("state").annotate(n=Count("pk")).order_by())
    checks = spot_checks_for(user, state=state)
    page: Page[SpotCheck] = Paginator(checks, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        CheckRow(
            check=check,
            explanation=decision_explanation(check.decision),
            refusal=refusal if refusal and refusal.check == str(check.uuid) else None,
        )
        for check in page.object_list
    ]
    return render(
        request,
        "workbench/rules/spot_checks.html",
        {
            "rows": rows,
            "page": page,
            "state": state,
            "counts": [
                (value, label, counts.get(value, 0)) for value, label in SpotCheckState.choices
            ],
            "total": sum(counts.values()),
            "refusal": refusal,
            # A refused check not shown with its form (checked meanwhile, or not under this
            # filter): the reason goes on top of the page.
            "refusal_elsewhere": refusal is not None
            and not any(r.refusal and r.check.state == SpotCheckState.PENDING for r in rows),
            "nav": "spot_checks",
        },
        status=refusal.status if refusal else 200,
    )


def _check_record(request: HttpRequest, user: User) -> CheckRefusal | None:
    """Record the posted verdict through ``spot_check_record``; ``None`` when it was."""
    check = _spot_check(user, request.POST.get("check", ""))
    opinion = request.POST.get("opinion", "")
    verdict = request.POST.get("do", "")
    try:
        if verdict not in ("agree", "disagree"):
            raise ValidationFailed([FieldError("do", "do.unknown", _("Unknown action."))])
        spot_check_record(check=check, actor=user, agree=verdict == "agree", opinion=opinion)
    except ValidationFailed as error:
        reason = " ".join(str(e.message) for e in error.errors)
        return CheckRefusal(str(check.uuid), opinion, reason, 400)
    except DomainError as error:  # checked meanwhile (409), out of scope (403)
        return CheckRefusal(str(check.uuid), opinion, str(error.detail), error.status)
    messages.success(
        request,
        _("Your check of case %(number)s is recorded.") % {"number": check.decision.case.number},
    )
    return None


def _spot_check(user: User, posted: str) -> SpotCheck:
    try:
        found = spot_checks_for(user).filter(uuid=uuid.UUID(posted)).first()
    except ValueError:
        found = None
    if found is None:
        raise Http404(_("No sampled decision in your scope has this identifier."))
    return found
