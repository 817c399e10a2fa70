"""Case reads: one case with its timeline, clock stops and the working days used and left."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from govhall.cases.deadlines import Progress, clock_stops, progress
from govhall.cases.models import Case, CaseAction, CaseParticipant, ClockStop
from govhall.cases.services.actions import applicant_acting, staff_may_process
from govhall.cases.services.process import step_for
from govhall.cases.step_roles import step_roles_held, waiting_for_roles
from govhall.cases.transitions import APPROVER, QUEUE_STATES, STAFF, TRANSITIONS
from govhall.catalog.models import ItemVersion, VersionState
from govhall.core.errors import DomainError
from govhall.core.scoping import StaffScope
from govhall.identity.models import User


@dataclass(frozen=True, slots=True)
class CaseDetail:
    case: Case
    actions: list[CaseAction]
    stops: list[ClockStop]
    legal: Progress | None
    promised: Progress | None


def case_visible_to(user: User, case: Case) -> bool:
    """The applicant's side (with a mandate for this item), the staff who process it, and
    staff who may read cases (``cases.view_case``: supervisors, rule officers) within their
    region and department."""
    if user.is_superuser or staff_may_process(user, case) or _staff_may_read(user, case):
        return True
    try:
        applicant_acting(user, case)
    except DomainError:
        return False
    return True


def _staff_may_read(user: User, case: Case) -> bool:
    return (
        user.is_staff
        and user.has_perm("cases.view_case")
        and StaffScope.for_user(user).covers(
            region_prefix=case.region.prefix, department_id=case.department_id
        )
    )


def case_for_number(number: str) -> Case | None:
    return (
        Case.objects.select_related(
            "version__handling_item__implementation",
            "department",
            "region",
            "applicant_person",
            "applicant_organization",
        )
        .filter(number=number)
        .first()
    )


def available_actions(user: User, case: Case) -> list[str]:
    """The actions ``user`` may take on ``case`` now: the state allows them, the user has the
    right, and the process waits for them (for the buttons of the case pages)."""
    names: list[str] = []
    applicant_side: bool | None = None
    for name, transition in TRANSITIONS.items():
        if case.state not in transition.sources or not _fillable(case, name):
            continue
        try:
            if transition.role == APPROVER:
                if not user.has_perm("cases.approve_extension") or not staff_may_process(
                    user, case
                ):
                    continue
            elif transition.role == STAFF:
                if not staff_may_process(user, case, action=name):
                    continue
                step_for(case, name, user)
            else:
                if applicant_side is None:  # one check for every applicant-side action
                    try:
                        applicant_acting(user, case)
                        applicant_side = True
                    except DomainError:
                        applicant_side = False
                if not applicant_side:
                    continue
        except DomainError:
            continue
        names.append(name)
    return names


def _fillable(case: Case, name: str) -> bool:
    """Actions whose form would have nothing to choose from are not offered."""
    pending = any(e["status"] == "pending" for e in case.pending_materials)
    if name in {"waive_material", "supply_material"}:
        return pending
    if name == "start_special_procedure":
        return case.version.special_procedures.exists()
    if name == "request_extension":
        return not case.extension_days and not case.extension_requested_days
    if name in {"approve_extension", "refuse_extension"}:
        return bool(case.extension_requested_days)
    return True


def case_submitted_with_key(user: User, key: str) -> Case | None:
    """The case this account already submitted with this idempotency key (a page sent twice)."""
    return (
        Case.objects.filter(submitted_by=user, idempotency_key=key.strip()).first()
        if key.strip()
        else None
    )


def case_detail(case: Case, *, today: datetime.date | None = None) -> CaseDetail:
    day = today or timezone.localdate()
    stops = clock_stops(case, today=day)
    legal = promised = None
    if case.accepted_on is not None and case.legal_due_on and case.promised_due_on:
        legal = progress(
            accepted_on=case.accepted_on, due_on=case.legal_due_on, stops=stops, today=day
        )
        promised = progress(
            accepted_on=case.accepted_on, due_on=case.promised_due_on, stops=stops, today=day
        )
    return CaseDetail(
        case=case,
        actions=list(case.actions.order_by("sequence")),
        stops=list(ClockStop.objects.filter(case=case).order_by("started_on", "id")),
        legal=legal,
        promised=promised,
    )


OPEN_STATES = QUEUE_STATES
MY_STEPS = "mine"
GREEN, YELLOW, RED = "green", "yellow", "red"
DEADLINE_STATES = (GREEN, YELLOW, RED)


def deadline_filter(deadline: str, today: datetime.date) -> Q:
    """Indexable predicates: red past the promised date, yellow from the warning date."""
    if deadline == RED:
        return Q(promised_due_on__lt=today)
    if deadline == YELLOW:
        return Q(warn_on__lte=today, promised_due_on__gte=today)
    return Q(promised_due_on__isnull=True) | Q(warn_on__gt=today)


def deadline_state(case: Case, today: datetime.date) -> str:
    if case.promised_due_on is None or case.warn_on is None:
        return GREEN
    if case.promised_due_on < today:
        return RED
    return YELLOW if case.warn_on <= today else GREEN


def work_queue(
    user: User, *, state: str = "", deadline: str = "", assigned: str = "", steps: str = ""
) -> QuerySet[Case]:
    """Open cases the user may process, most urgent first (promised due date, then age);
    ``assigned``: ``me`` (the user's own), ``unassigned`` (nobody's yet) or all; ``steps``:
    ``mine`` (a process step waits for one of the user's step roles) or all."""
    if not user.has_perm("cases.process_case"):
        return Case.objects.none()
    # Literal states: SQLite then serves the queue from the partial index cases_queue_open.
    cases = (
        Case.objects.filter(state=state)
        if state
        else Case.objects.filter(state__literal_in=OPEN_STATES)
    )
    queryset = StaffScope.for_user(user).filter(cases, department="department")
    if user.department_id is not None:
        # Joint cases in which the user's department reviews (并联审批). Most departments
        # take part in none: the OR, which keeps the database from using the queue index,
        # is added only when an (indexed) look-up finds one.
        joint = CaseParticipant.objects.filter(
            department_id=user.department_id, case__state__literal_in=OPEN_STATES
        )
        if joint.exists():
            queryset = queryset | cases.filter(pk__in=joint.values("case_id"))
    if deadline:
        queryset = queryset.filter(deadline_filter(deadline, timezone.localdate()))
    if assigned == "me":
        queryset = queryset.filter(assignee=user)
    elif assigned == "unassigned":
        queryset = queryset.filter(assignee__isnull=True)
    if steps == MY_STEPS:
        queryset = queryset.filter(waiting_for_roles(step_roles_held(user)))
    return queryset.order_by(F("promised_due_on").asc(nulls_last=True), "received_at", "id")


def window_versions(user: User) -> QuerySet[ItemVersion]:
    """The published guide versions whose applications the user may take at a window (窗口收件):
    those of the items in the user's scope, by item name."""
    if not user.has_perm("cases.process_case"):
        return ItemVersion.objects.none()
    versions = ItemVersion.objects.filter(
        state=VersionState.PUBLISHED, handling_item__implementation__department__isnull=False
    )
    return (
        StaffScope.for_user(user)
        .filter(
            versions,
            region="handling_item__implementation__region",
            department="handling_item__implementation__department",
        )
        .select_related("handling_item")
        .order_by("handling_item__name", "handling_item__handling_code")
    )


def overdue_cases(user: User, *, today: datetime.date | None = None) -> QuerySet[Case]:
    """Open cases past their legal due date that the user oversees (the supervisor's list),
    the most overdue first; served by the partial index ``cases_overdue_open``."""
    if not (user.has_perm("cases.view_case") or user.has_perm("cases.process_case")):
        return Case.objects.none()
    day = today or timezone.localdate()
    cases = Case.objects.filter(state__literal_in=OPEN_STATES, legal_due_on__lt=day)
    return (
        StaffScope.for_user(user)
        .filter(cases, department="department")
        .order_by("legal_due_on", "id")
    )


def queue_counts(user: User) -> dict[str, int]:
    """How many open cases of the queue are green, yellow and red, in one query."""
    today = timezone.localdate()
    counts = (
        work_queue(user)
        .order_by()
        .aggregate(
            total=Count("id"),
            **{name: Count("id", filter=deadline_filter(name, today)) for name in DEADLINE_STATES},
        )
    )
    return {key: int(value or 0) for key, value in counts.items()}


def my_cases(user: User) -> QuerySet[Case]:
    """Cases the user submitted, made for them, or made for an organization they represent."""
    return (
        Case.objects.filter(
            Q(submitted_by=user)
            | Q(applicant_person__user=user)
            | Q(applicant_organization__legal_representative__user=user)
        )
        .distinct()
        .order_by("-received_at", "-id")
    )
