"""Outbox subscribers of the notifications module (registered in ``NotificationsConfig``)."""

from __future__ import annotations

from govhall.core.models import OutboxEvent
from govhall.core.outbox import subscribe
from govhall.notifications.services import case_step_notify, integrity_alert_notify

#: Announced besides ``cases.case.approve`` for the licence library: already told.
DUPLICATE_TOPICS = frozenset({"cases.case.granted"})


@subscribe("cases.case.*", name="notifications.case_steps")
def case_steps(event: OutboxEvent) -> None:
    """Each step of a case: a notification in the portal and, for some steps, an SMS."""
    if event.topic in DUPLICATE_TOPICS:
        return
    case_step_notify(event_uuid=event.uuid, topic=event.topic, payload=event.payload)


@subscribe("core.integrity.broken", name="notifications.integrity_alerts")
def integrity_alerts(event: OutboxEvent) -> None:
    """A failed integrity verification: a message for each security auditor."""
    integrity_alert_notify(event_uuid=event.uuid, payload=event.payload)
