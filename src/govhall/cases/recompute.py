"""Provisional due dates become final when the State Council's schedule of their year is
loaded (``core.calendar.year_loaded`` on the outbox): every open case whose dates were
counted over a provisional year is recomputed, audited, and no longer marked provisional
unless another year of its range is still provisional."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from govhall.cases.models import Case
from govhall.cases.services.effects import recompute_due_dates
from govhall.cases.transitions import QUEUE_STATES
from govhall.core.audit import audit_record_create
from govhall.core.calendar import calendar_cache_clear
from govhall.core.models import OutboxEvent

BATCH = 500


def provisional_dues_recompute() -> int:
    """Recompute the open cases with provisional due dates; returns how many changed."""
    calendar_cache_clear()
    today = timezone.localdate()
    changed = 0
    pks = list(
        Case.objects.filter(
            due_provisional=True, state__in=QUEUE_STATES, accepted_on__isnull=False
        ).values_list("pk", flat=True)
    )
    for start in range(0, len(pks), BATCH):
        with transaction.atomic():
            for case in (
                Case.objects.select_for_update(of=("self",), no_key=True)  # as case actions
                .select_related("version")
                .filter(pk__in=pks[start : start + BATCH])
            ):
                before = (case.legal_due_on, case.promised_due_on, case.due_provisional)
                recompute_due_dates(case, today)
                after = (case.legal_due_on, case.promised_due_on, case.due_provisional)
                if after == before:
                    continue
                case.save(
                    update_fields=[
                        "legal_due_on",
                        "promised_due_on",
                        "warn_on",
                        "due_provisional",
                        "updated_at",
                    ]
                )
                audit_record_create(
                    actor=None,
                    action="cases.case.due_recomputed",
                    object_type="case",
                    object_id=case.number,
                    data={
                        "legal": [str(before[0]), str(after[0])],
                        "promised": [str(before[1]), str(after[1])],
                        "provisional": after[2],
                    },
                )
                changed += 1
    return changed


def on_calendar_loaded(event: OutboxEvent) -> None:
    provisional_dues_recompute()


__all__ = ["on_calendar_loaded", "provisional_dues_recompute"]
