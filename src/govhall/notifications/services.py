"""Notification writes: telling the applicant's side about a step, marking messages read."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.core.errors import NotFound
from govhall.core.transactions import service_atomic
from govhall.identity.models import User
from govhall.notifications.models import Notification
from govhall.notifications.recipients import case_step_recipients
from govhall.notifications.sms import case_step_sms_send_on_commit
from govhall.notifications.texts import CaseStep, notification_body, notification_title, sms_text


def case_step_notify(
    *, event_uuid: uuid.UUID, topic: str, payload: dict[str, Any]
) -> list[Notification]:
    """Tell the applicant's side about one step of a case (a ``cases.case.<action>`` event).

    One notification per recipient account and event; an event handled before creates
    nothing and sends nothing. Steps with an SMS send it after commit to the applicant's
    mobile number, when the applicant's own notification is created by this call. Returns
    the notifications created now.
    """
    step = CaseStep.from_payload(payload)
    if not step.is_told_in_app:
        return []
    recipients = case_step_recipients(payload)
    defaults = {
        "topic": topic,
        "case_number": step.number,
        "title": notification_title(step),
        "body": notification_body(step),
        "link": reverse("portal:my_case", args=[step.number]),
    }
    created: list[Notification] = []
    with service_atomic():
        for user in recipients.users:
            notification, is_new = Notification.objects.get_or_create(
                recipient=user, event_uuid=event_uuid, defaults=defaults
            )
            if is_new:
                created.append(notification)
        person = recipients.sms_person
        if (
            step.is_told_by_sms
            and person is not None
            and any(n.recipient_id == person.user_id for n in created)
        ):
            case_step_sms_send_on_commit(
                person=person, text=sms_text(step), case_number=step.number
            )
    return created


def notification_mark_read(*, user: User, notification_uuid: uuid.UUID) -> Notification:
    """Mark one of ``user``'s notifications read (again: no change); 404 for anyone else's."""
    with service_atomic():
        notification = Notification.objects.filter(recipient=user, uuid=notification_uuid).first()
        if notification is None:
            raise NotFound(_("No such notification."))
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many there were."""
    now = timezone.now()
    with service_atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=now, updated_at=now
        )


def integrity_alert_notify(*, event_uuid: uuid.UUID, payload: dict[str, Any]) -> list[Notification]:
    """Tell every active account allowed ``core.receive_integrity_alerts`` (security auditors,
    superusers) that a verification found the audit chain or the archive broken
    (``core.integrity.broken``). One notification per account and event, as for case steps."""
    check = str(payload.get("check", ""))
    what = {"audit_chain": _("the audit chain"), "archive": _("the archive")}.get(check, check)
    title = _("Integrity check failed: %(what)s") % {"what": what}
    body = _(
        "The verification found %(count)s problem(s) in %(what)s. Run the command again to "
        "see all of them, and keep the installation's backups until the cause is known. "
        "First: %(first)s"
    ) % {
        "count": payload.get("problems", 0),
        "what": what,
        "first": "; ".join(payload.get("first_problems", []))[:1500],
    }
    link = reverse("admin:core_auditrecord_changelist") + "?action=core.integrity.verify"
    recipients = User.objects.with_perm(
        "core.receive_integrity_alerts", is_active=True, include_superusers=True
    ).order_by("pk")
    created: list[Notification] = []
    with service_atomic():
        for user in recipients:
            notification, is_new = Notification.objects.get_or_create(
                recipient=user,
                event_uuid=event_uuid,
                defaults={
                    "topic": "core.integrity.broken",
                    "title": str(title)[:200],
                    "body": str(body),
                    "link": link,
                },
            )
            if is_new:
                created.append(notification)
    return created


__all__ = [
    "case_step_notify",
    "integrity_alert_notify",
    "notification_mark_read",
    "notifications_mark_all_read",
]
