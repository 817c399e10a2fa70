"""What each action does to a case besides its state: dates, clock stops, extensions, pending
materials (容缺) and delivery details. Called by ``case_act`` inside its transaction with the
case row locked; returns the facts to record in the log entry. Refusals raise before anything
is written (the transaction rolls back).

- ``accept``: accepted on the day (or the next working day); an application neither refused
  nor sent back for supplements within five working days of receipt (Administrative Licensing
  Law Art. 32) is accepted from the day it was received (``deemed_accepted``). Materials left
  pending at submission (容缺受理) get a due date (``data.pending_days`` working days after
  acceptance, default 5).
- ``suspend`` / ``resume`` and ``start_special_procedure`` / ``end_special_procedure`` (检验、
  检测、鉴定、专家评审、听证 ...) open and close clock stops; a special procedure the guide
  counts within the limit stops nothing.
- ``request_extension`` / ``approve_extension`` / ``refuse_extension`` (Art. 42): at most
  once per case, by at most 10 working days (15 for a joint case), approved by someone else
  with ``cases.approve_extension``; the reasons are told to the applicant.
- ``waive_material`` / ``supply_material``: a pending material is settled; ``close`` waits
  until every one is.
- ``deliver``: the method (window, mail, electronic); mail needs the carrier and waybill.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from govhall.cases.deadlines import clock_stops, due_dates
from govhall.cases.models import Case, ClockStop, ClockStopKind
from govhall.cases.transitions import FIRST_ACTIONS
from govhall.core.calendar import get_calendar
from govhall.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from govhall.identity.models import User

ACCEPTANCE_DAYS = 5  # Art. 32: accept, refuse or ask for supplements within five working days
DEFAULT_PENDING_DAYS = 5
MAX_PENDING_DAYS = 20
MAX_EXTENSION_DAYS = 10  # Art. 42: twenty days, extendable by ten
MAX_JOINT_EXTENSION_DAYS = 15  # joint handling: forty-five days, extendable by fifteen
DELIVERY_METHODS = ("window", "mail", "electronic")
WAYBILL = re.compile(r"[A-Za-z0-9]{6,30}")
PENDING, SUPPLIED, WAIVED = "pending", "supplied", "waived"


def _invalid(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(f"data.{field}", code, message)])


def _whole_number(data: dict[str, Any], key: str, default: int | None = None) -> int:
    raw = data.get(key, default)
    if isinstance(raw, bool) or raw is None or not str(raw).strip().isdigit():
        raise _invalid(key, f"{key}.invalid", gettext("Enter a whole number of working days."))
    return int(str(raw).strip())


def acceptance_due(received_on: datetime.date) -> datetime.date:
    return get_calendar().add_working_days(received_on, ACCEPTANCE_DAYS)


def apply_effects(
    case: Case, action: str, *, actor: User, opinion: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Apply ``action``'s effects to the locked ``case``; returns what the log records."""
    today = timezone.localdate()
    handler = _HANDLERS.get(action)
    recorded = handler(case, today, actor, opinion, data) if handler else {}
    if action in _RECOMPUTE:
        recompute_due_dates(case, today)
    return recorded


def _accept(
    case: Case, today: datetime.date, _actor: User, _opinion: str, data: dict[str, Any]
) -> dict[str, Any]:
    calendar = get_calendar()
    recorded: dict[str, Any] = {}
    effective = calendar.effective_date(today)
    timely_notice = (
        case.acceptance_due_on is not None
        and case.actions.filter(
            action="request_supplement", occurred_at__date__lte=case.acceptance_due_on
        ).exists()
    )
    if case.acceptance_due_on and effective > case.acceptance_due_on and not timely_notice:
        case.accepted_on = case.received_on
        recorded["deemed_accepted"] = True
    else:
        case.accepted_on = effective
    submitted = case.actions.filter(action__in=FIRST_ACTIONS).order_by("sequence").first()
    pending = (submitted.data.get("pending_materials") if submitted else None) or []
    if pending:
        days = _whole_number(data, "pending_days", DEFAULT_PENDING_DAYS)
        if not 1 <= days <= MAX_PENDING_DAYS:
            raise _invalid(
                "pending_days",
                "pending_days.range",
                gettext("Between 1 and 20 working days."),
            )
        due_on = calendar.add_working_days(case.accepted_on, days)
        names = dict(case.version.materials.filter(uuid__in=pending).values_list("uuid", "name"))
        case.pending_materials = [
            {
                "requirement": str(requirement),
                "name": names.get(uuid.UUID(str(requirement)), ""),
                "due_on": due_on.isoformat(),
                "status": PENDING,
            }
            for requirement in pending
        ]
        recorded["pending_materials"] = len(pending)
        recorded["pending_due_on"] = due_on.isoformat()
    return recorded


def _request_supplement(
    case: Case, today: datetime.date, _actor: User, opinion: str, _data: dict[str, Any]
) -> dict[str, Any]:
    ClockStop.objects.create(
        case=case, kind=ClockStopKind.SUPPLEMENT, reason=opinion[:500], started_on=today
    )
    if case.acceptance_due_on and today > case.acceptance_due_on:
        return {"late_notice": True}  # Art. 32: too late; acceptance counts from receipt
    return {}


def _stop(kind: str) -> Any:
    def open_stop(
        case: Case, today: datetime.date, _actor: User, opinion: str, _data: dict[str, Any]
    ) -> dict[str, Any]:
        ClockStop.objects.create(case=case, kind=kind, reason=opinion[:500], started_on=today)
        return {}

    return open_stop


def _end_stop(kind: str) -> Any:
    def close_stop(
        case: Case, today: datetime.date, _actor: User, _opinion: str, _data: dict[str, Any]
    ) -> dict[str, Any]:
        ClockStop.objects.filter(case=case, kind=kind, ended_on__isnull=True).update(ended_on=today)
        return {}

    return close_stop


def _start_special_procedure(
    case: Case, today: datetime.date, _actor: User, opinion: str, data: dict[str, Any]
) -> dict[str, Any]:
    name = str(data.get("procedure", "")).strip()
    procedure = case.version.special_procedures.filter(name=name).first()
    if procedure is None:
        known = "、".join(case.version.special_procedures.values_list("name", flat=True))
        raise _invalid(
            "procedure",
            "procedure.unknown",
            gettext("Name one of the guide's special procedures: %(names)s")
            % {"names": known or "—"},
        )
    if not procedure.counted_in_limit:
        ClockStop.objects.create(
            case=case,
            kind=ClockStopKind.SPECIAL_PROCEDURE,
            reason=f"{procedure.name}：{opinion}"[:500],
            started_on=today,
        )
    return {
        "procedure": procedure.name,
        "days": procedure.days,
        "stops_clock": not procedure.counted_in_limit,
    }


def _request_extension(
    case: Case, _today: datetime.date, _actor: User, _opinion: str, data: dict[str, Any]
) -> dict[str, Any]:
    if case.extension_days:
        raise Conflict(gettext("The time limit of this case was already extended once."))
    if case.extension_requested_days:
        raise Conflict(gettext("An extension is already waiting for approval."))
    days = _whole_number(data, "days")
    limit = MAX_JOINT_EXTENSION_DAYS if case.participants.exists() else MAX_EXTENSION_DAYS
    if not 1 <= days <= limit:
        raise _invalid(
            "days",
            "days.range",
            gettext("An extension is 1 to %(limit)s working days.") % {"limit": limit},
        )
    case.extension_requested_days = days
    return {"days": days}


def _decide_extension(approve: bool) -> Any:
    def decide(
        case: Case, _today: datetime.date, actor: User, _opinion: str, _data: dict[str, Any]
    ) -> dict[str, Any]:
        if not case.extension_requested_days:
            raise Conflict(gettext("No extension is waiting for approval."))
        request = case.actions.filter(action="request_extension").order_by("-sequence").first()
        if request is not None and request.actor_id == actor.pk:
            raise PermissionDenied(gettext("Someone else must approve your own request."))
        days = case.extension_requested_days
        case.extension_requested_days = 0
        if approve:
            case.extension_days = days
        return {"days": days}

    return decide


def _settle_material(status: str) -> Any:
    def settle(
        case: Case, today: datetime.date, _actor: User, _opinion: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        requirement = str(data.get("requirement", ""))
        entries = [dict(entry) for entry in case.pending_materials]
        entry = next(
            (e for e in entries if e["requirement"] == requirement and e["status"] == PENDING),
            None,
        )
        if entry is None:
            raise _invalid(
                "requirement",
                "requirement.not_pending",
                gettext("This material is not pending on this case."),
            )
        entry["status"] = status
        entry["settled_on"] = today.isoformat()
        case.pending_materials = entries
        return {"requirement": requirement, "name": entry["name"]}

    return settle


def _deliver(
    case: Case, _today: datetime.date, _actor: User, _opinion: str, data: dict[str, Any]
) -> dict[str, Any]:
    method = str(data.get("method", "")).strip()
    if method not in DELIVERY_METHODS:
        raise _invalid(
            "method", "method.invalid", gettext("Choose window, mail or electronic delivery.")
        )
    recorded: dict[str, Any] = {"method": method}
    if method == "mail":
        carrier = str(data.get("carrier", "")).strip()
        waybill = str(data.get("waybill", "")).strip()
        problems = []
        if not carrier or len(carrier) > 50:
            problems.append(
                FieldError("data.carrier", "carrier.required", gettext("Name the carrier."))
            )
        if not WAYBILL.fullmatch(waybill):
            problems.append(
                FieldError(
                    "data.waybill",
                    "waybill.invalid",
                    gettext("A waybill number has 6 to 30 letters and digits."),
                )
            )
        if problems:
            raise ValidationFailed(problems)
        recorded.update(carrier=carrier, waybill=waybill)
    return recorded


def _record_visit(
    case: Case, _today: datetime.date, _actor: User, _opinion: str, _data: dict[str, Any]
) -> dict[str, Any]:
    """One more visit of the applicant to a hall (seed article 7: at most two per item)."""
    case.visits += 1
    promised = case.version.visits
    recorded: dict[str, Any] = {"visits": case.visits, "promised": promised}
    if case.visits > promised:
        recorded["exceeds_promise"] = True
    return recorded


def _receive(
    case: Case, today: datetime.date, actor: User, opinion: str, data: dict[str, Any]
) -> dict[str, Any]:
    """The hall receives an application that passed pre-review (the applicant came with the
    originals): receipt, and with it the Art. 32 clock, start now; the visit is counted."""
    case.received_at = timezone.now()
    case.received_on = get_calendar().effective_date(today)
    case.acceptance_due_on = acceptance_due(case.received_on)
    return {
        "received_on": case.received_on.isoformat(),
        **_record_visit(case, today, actor, opinion, data),
    }


def _close(
    case: Case, _today: datetime.date, _actor: User, _opinion: str, _data: dict[str, Any]
) -> dict[str, Any]:
    waiting = [e["name"] for e in case.pending_materials if e["status"] == PENDING]
    if waiting:
        raise Conflict(
            gettext("Pending materials must arrive or be waived first: %(names)s")
            % {"names": "、".join(waiting)}
        )
    return {}


def _decided(
    case: Case, _today: datetime.date, _actor: User, _opinion: str, _data: dict[str, Any]
) -> dict[str, Any]:
    case.decided_at = timezone.now()
    return {}


def _withdraw(
    case: Case, today: datetime.date, _actor: User, _opinion: str, _data: dict[str, Any]
) -> dict[str, Any]:
    ClockStop.objects.filter(case=case, ended_on__isnull=True).update(ended_on=today)
    return {}


_HANDLERS: dict[str, Any] = {
    "accept": _accept,
    "request_supplement": _request_supplement,
    "supplement": _end_stop(ClockStopKind.SUPPLEMENT),
    "suspend": _stop(ClockStopKind.SUSPENSION),
    "resume": _end_stop(ClockStopKind.SUSPENSION),
    "start_special_procedure": _start_special_procedure,
    "end_special_procedure": _end_stop(ClockStopKind.SPECIAL_PROCEDURE),
    "request_extension": _request_extension,
    "approve_extension": _decide_extension(approve=True),
    "refuse_extension": _decide_extension(approve=False),
    "waive_material": _settle_material(WAIVED),
    "supply_material": _settle_material(SUPPLIED),
    "approve": _decided,
    "reject": _decided,
    "deliver": _deliver,
    "record_visit": _record_visit,
    "receive": _receive,
    "close": _close,
    "withdraw": _withdraw,
}
_RECOMPUTE = frozenset(
    {"accept", "supplement", "resume", "end_special_procedure", "approve_extension"}
)


def recompute_due_dates(case: Case, today: datetime.date) -> None:
    """The legal and promised due dates from acceptance, clock stops and extensions."""
    if case.accepted_on is None:
        return
    version = case.version
    dates = due_dates(
        accepted_on=case.accepted_on,
        legal_days=version.legal_limit_days + case.extension_days,
        promised_days=version.promised_limit_days + case.extension_days,
        stops=clock_stops(case, today=today),
    )
    case.legal_due_on = dates.legal
    case.promised_due_on = dates.promised
    case.warn_on = dates.warn
    case.due_provisional = dates.provisional


__all__ = ["ACCEPTANCE_DAYS", "acceptance_due", "apply_effects", "recompute_due_dates"]
