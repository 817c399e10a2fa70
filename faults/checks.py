"""What must hold after the crashes, checked exactly against the database (counts and sets are
compared, never estimated). Each check returns its problems; an empty list means it holds.

Run inside the harness's process once Django is set up with the run's environment, after the
outbox is quiet.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from clients import PLANS, Ledger

#: Log entries that are not actions of the state machine (no event, no state change).
ASSIGN = "assign"


def _listed(problems: list[str], title: str, items: Iterable[Any], limit: int = 10) -> None:
    items = list(items)
    if items:
        shown = ", ".join(str(i) for i in items[:limit])
        more = f" … and {len(items) - limit} more" if len(items) > limit else ""
        problems.append(f"{title} ({len(items)}): {shown}{more}")


def check_submissions(ledger: Ledger, key_prefix: str) -> tuple[list[str], dict[str, int]]:
    """Every acknowledged submission exists exactly once, under the number it was told."""
    from govhall.cases.models import Case

    problems: list[str] = []
    rows = list(
        Case.objects.filter(idempotency_key__startswith=key_prefix).values_list(
            "idempotency_key", "submitted_by__username", "number"
        )
    )
    per_key = Counter((key, user) for key, user, _number in rows)
    _listed(problems, "keys with more than one case", [k for k, n in per_key.items() if n > 1])
    stored = {(key, user): number for key, user, number in rows}
    wrong = []
    for key, (user, number, _status) in ledger.acknowledged.items():
        if stored.get((key, user)) != number:
            wrong.append(f"{key}: told {number}, stored {stored.get((key, user))}")
    _listed(problems, "acknowledged submissions not stored as told", wrong)
    unacknowledged = sorted(key for key, _user in stored if key not in ledger.acknowledged)
    _listed(problems, "cases whose submission was never acknowledged", unacknowledged)
    figures = {
        "cases": len(rows),
        "acknowledged": len(ledger.acknowledged),
        "acknowledged with 200 (a retry or a replay found the case)": sum(
            1 for _u, _n, status in ledger.acknowledged.values() if status == 200
        ),
    }
    return problems, figures


def check_numbers() -> list[str]:
    """Case numbers are unique and, per county and day, exactly 1..counter with no gap."""
    from govhall.cases.models import Case, CaseNumberCounter

    problems: list[str] = []
    numbers = list(Case.objects.values_list("number", flat=True))
    _listed(problems, "duplicate case numbers", [n for n, c in Counter(numbers).items() if c > 1])
    taken: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number in numbers:
        taken[(number[:6], number[6:14])].append(int(number[14:]))
    for counter in CaseNumberCounter.objects.all():
        key = (counter.region_code, counter.day.strftime("%Y%m%d"))
        sequence = sorted(taken.pop(key, []))
        if sequence != list(range(1, counter.last_value + 1)):
            problems.append(
                f"numbers of {key}: counter at {counter.last_value}, numbers taken "
                f"{len(sequence)} (first gap or surplus: "
                f"{sorted(set(range(1, counter.last_value + 1)) ^ set(sequence))[:5]})"
            )
    _listed(problems, "numbers without a counter", sorted(taken))
    return problems


def check_logs(ledger: Ledger) -> tuple[list[str], Counter[str]]:
    """Each case's state is its log replayed; the log is gap-free and chained; the harness's
    cases hold exactly the actions acknowledged, in the plan's order."""
    from govhall.cases.models import Case, CaseAction, CaseState
    from govhall.cases.transitions import state_after

    problems: list[str] = []
    logs: dict[int, list[CaseAction]] = defaultdict(list)
    for entry in CaseAction.objects.order_by("case_id", "sequence"):
        logs[entry.case_id].append(entry)
    states: Counter[str] = Counter()
    impossible, replay, chain, revision = [], [], [], []
    for case in Case.objects.all():
        log = logs.get(case.pk, [])
        states[case.state] += 1
        if case.state not in CaseState.values:
            impossible.append(f"{case.number}: {case.state}")
        if [e.sequence for e in log] != list(range(1, len(log) + 1)):
            chain.append(f"{case.number}: sequences {[e.sequence for e in log]}")
        previous = ""
        for entry in log:
            if entry.from_state != previous and entry.action != ASSIGN:
                chain.append(f"{case.number} #{entry.sequence}: from {entry.from_state}")
            previous = entry.to_state if entry.action != ASSIGN else previous
        try:
            replayed = state_after(e.action for e in log)
        except ValueError as error:
            replay.append(f"{case.number}: {error}")
            continue
        if replayed != case.state:
            replay.append(f"{case.number}: stored {case.state}, log says {replayed}")
        if case.revision != len(log):
            revision.append(f"{case.number}: revision {case.revision}, {len(log)} entries")
        plan = ledger.plans_of.get(case.number)
        if plan is not None:
            expected = ["submit", *PLANS[plan]]
            actions = [e.action for e in log]
            finished = case.number in ledger.plans_finished
            if (finished and actions != expected) or actions != expected[: len(actions)]:
                replay.append(f"{case.number}: log {actions}, plan {expected}")
    _listed(problems, "impossible states", impossible)
    _listed(problems, "states that are not the log replayed", replay)
    _listed(problems, "logs with gaps or broken from/to chains", chain)
    _listed(problems, "revisions that do not count the log", revision)
    told = Counter(ledger.actions_done)
    stored = Counter(
        (number, action, sequence)
        for number, action, sequence in CaseAction.objects.filter(
            case__number__in={n for n, _a, _s in told}
        ).values_list("case__number", "action", "sequence")
    )
    _listed(
        problems,
        "acknowledged actions missing from the log, or acknowledged twice",
        sorted((told - stored) + Counter({k: v - 1 for k, v in told.items() if v > 1})),
    )
    return problems, states


def check_materials(key_prefix: str, requirements: int) -> tuple[list[str], int]:
    """Each harness case owns exactly its uploaded materials; uploads left over by retried
    requests are counted, not errors (an upload is not idempotent)."""
    from govhall.cases.models import Case, MaterialUpload

    problems: list[str] = []
    counts = Counter(
        MaterialUpload.objects.filter(case__idempotency_key__startswith=key_prefix).values_list(
            "case__number", flat=True
        )
    )
    numbers = Case.objects.filter(idempotency_key__startswith=key_prefix).values_list(
        "number", flat=True
    )
    _listed(
        problems,
        f"cases without exactly {requirements} materials",
        [f"{n}: {counts.get(n, 0)}" for n in numbers if counts.get(n, 0) != requirements],
    )
    orphans = MaterialUpload.objects.filter(case__isnull=True).count()
    return problems, orphans


def check_events() -> tuple[list[str], dict[str, int]]:
    """Every log entry published its event once (a grant also ``cases.case.granted``), every
    event is delivered, to exactly the subscribers its topic matches, once each."""
    from govhall.cases.models import CaseAction
    from govhall.core.models import OutboxDelivery, OutboxEvent
    from govhall.core.outbox import registry

    problems: list[str] = []
    expected: Counter[tuple[str, str, int]] = Counter()
    for number, action, sequence in CaseAction.objects.exclude(action=ASSIGN).values_list(
        "case__number", "action", "sequence"
    ):
        expected[(number, action, sequence)] += 1
        if action == "approve":
            expected[(number, "granted", sequence)] += 1
    published: Counter[tuple[str, str, int]] = Counter()
    events = list(OutboxEvent.objects.filter(topic__startswith="cases.case."))
    for event in events:
        published[
            (event.payload["number"], event.topic.split(".")[-1], event.payload["sequence"])
        ] += 1
    _listed(problems, "log entries without their event", sorted(expected - published))
    _listed(problems, "events without their log entry, or twice", sorted(published - expected))
    pending = OutboxEvent.objects.filter(delivered_at__isnull=True)
    _listed(problems, "events not delivered", [f"{e.topic} {e.uuid}" for e in pending])
    deliveries: dict[int, Counter[str]] = defaultdict(Counter)
    for event_id, subscriber in OutboxDelivery.objects.values_list("event_id", "subscriber"):
        deliveries[event_id][subscriber] += 1
    wrong = []
    all_events = list(OutboxEvent.objects.all())
    for event in all_events:
        want = Counter(s.name for s in registry.matching(event.topic))
        if deliveries.get(event.pk, Counter()) != want:
            wrong.append(f"{event.topic} {event.uuid}: {dict(deliveries.get(event.pk, {}))}")
    _listed(problems, "events not delivered exactly once to each matching subscriber", wrong)
    retried = [e for e in all_events if e.attempts]
    figures = {
        "events": len(all_events),
        "deliveries": sum(sum(c.values()) for c in deliveries.values()),
        "events that failed at least once, then delivered": len(retried),
    }
    reasons = Counter(
        (e.last_error.split(":")[0] + ": " + e.last_error.split(":")[1].strip())
        for e in retried
        if e.last_error
    )
    for reason, count in sorted(reasons.items()):
        figures[f"  last error {reason}"] = count
    return problems, figures


def check_audit() -> list[str]:
    """Each log entry wrote its audit record (same transaction): the multisets are equal."""
    from govhall.cases.models import CaseAction
    from govhall.core.models import AuditRecord

    problems: list[str] = []
    logged = Counter(
        (number, f"cases.case.{action}")
        for number, action in CaseAction.objects.values_list("case__number", "action")
    )
    names = {name for _n, name in logged}
    audited = Counter(
        AuditRecord.objects.filter(object_type="case", action__in=names).values_list(
            "object_id", "action"
        )
    )
    _listed(problems, "log entries without their audit record", sorted(logged - audited))
    _listed(problems, "audit records without their log entry", sorted(audited - logged))
    return problems


def check_consumers() -> tuple[list[str], dict[str, int]]:
    """The subscribers' effects, once each: a notice per noticed step, the licences of every
    grant, an archive volume per finished case."""
    from govhall.archive.models import ArchiveVolume
    from govhall.cases.models import Case, CaseAction, CaseNotice
    from govhall.cases.notices import NOTICE_FOR_ACTION
    from govhall.licenses.models import License, LicenseType

    problems: list[str] = []
    want_notices = Counter(
        (case_id, sequence, str(NOTICE_FOR_ACTION[action]))
        for case_id, sequence, action in CaseAction.objects.filter(
            action__in=list(NOTICE_FOR_ACTION)
        ).values_list("case_id", "sequence", "action")
    )
    notices = Counter(CaseNotice.objects.values_list("case_id", "action_sequence", "kind"))
    _listed(problems, "notices missing", sorted(want_notices - notices))
    _listed(problems, "notices not wanted or made twice", sorted(notices - want_notices))
    types_of_base: dict[int, list[int]] = defaultdict(list)
    for type_id, base_id in LicenseType.items.through.objects.values_list(
        "licensetype_id", "baseitem_id"
    ):
        types_of_base[base_id].append(type_id)
    want_licenses: Counter[tuple[str, int]] = Counter()
    granted = CaseAction.objects.filter(action="approve").values_list(
        "case__number", "case__version__handling_item__implementation__base_item_id"
    )
    for number, base_id in granted:
        for type_id in types_of_base.get(base_id, []):
            want_licenses[(number, type_id)] += 1
    licenses = Counter(
        License.objects.exclude(case_number="").values_list("case_number", "license_type_id")
    )
    _listed(problems, "licences of grants missing", sorted(want_licenses - licenses))
    _listed(problems, "licences not wanted or issued twice", sorted(licenses - want_licenses))
    finished = Counter(
        Case.objects.filter(state__in=["closed", "withdrawn"]).values_list("number", flat=True)
    )
    volumes = Counter(ArchiveVolume.objects.values_list("case_number", flat=True))
    _listed(problems, "finished cases without their archive volume", sorted(finished - volumes))
    _listed(problems, "archive volumes not wanted or made twice", sorted(volumes - finished))
    figures = {
        "notices": sum(notices.values()),
        "licences issued for cases": sum(licenses.values()),
        "archive volumes": sum(volumes.values()),
    }
    return problems, figures


def check_notifications(sms_received: list[dict[str, Any]]) -> tuple[list[str], dict[str, int]]:
    """One in-app notification per (event, recipient) for every step told in the portal; SMS
    are at most once by design (docs/notifications.md): every message received is one that
    was due, never a second copy."""
    from django.conf import settings

    from govhall.core import personal_data
    from govhall.core.models import OutboxEvent
    from govhall.notifications.models import Notification
    from govhall.notifications.recipients import case_step_recipients
    from govhall.notifications.subscribers import DUPLICATE_TOPICS
    from govhall.notifications.texts import CaseStep, sms_text

    problems: list[str] = []
    want: Counter[tuple[str, int]] = Counter()
    want_sms: Counter[tuple[str, str]] = Counter()
    for event in OutboxEvent.objects.filter(topic__startswith="cases.case."):
        if event.topic in DUPLICATE_TOPICS:
            continue
        step = CaseStep.from_payload(event.payload)
        if not step.is_told_in_app:
            continue
        recipients = case_step_recipients(event.payload)
        for user in recipients.users:
            want[(str(event.uuid), user.pk)] += 1
        person = recipients.sms_person
        if step.is_told_by_sms and person is not None:
            want_sms[(personal_data.decrypt(person.mobile_encrypted), sms_text(step))] += 1
    have = Counter(
        (str(event_uuid), recipient_id)
        for event_uuid, recipient_id in Notification.objects.values_list(
            "event_uuid", "recipient_id"
        )
    )
    _listed(problems, "notifications missing", sorted(want - have))
    _listed(problems, "notifications not wanted or twice", sorted(have - want))
    sign = str(settings.GOVHALL.get("SMS_SIGN", ""))
    received = Counter(
        (m.get("mobile", ""), m.get("text", "")) for m in sms_received if m.get("sign") == sign
    )
    _listed(problems, "SMS not due or sent twice", sorted(received - want_sms))
    figures = {
        "notifications": sum(have.values()),
        "SMS due": sum(want_sms.values()),
        "SMS received": sum(received.values()),
        "SMS lost (at most once: sent after commit, lost with a killed process)": sum(
            (want_sms - received).values()
        ),
    }
    return problems, figures
