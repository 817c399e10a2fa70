"""Notification endpoints under ``/api/v1/notifications``: my messages, marking one read."""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest
from ninja import Router, Schema

from govhall.core.problems import problems
from govhall.identity.api_auth import USER
from govhall.identity.models import User
from govhall.notifications.models import Notification
from govhall.notifications.selectors import notifications_for
from govhall.notifications.services import notification_mark_read

router = Router(tags=["notifications"])
MAX_LIMIT = 100


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class NotificationOut(Schema):
    uuid: uuid.UUID
    topic: str
    case_number: str
    title: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


def _out(notification: Notification) -> NotificationOut:
    return NotificationOut(
        uuid=notification.uuid,
        topic=notification.topic,
        case_number=notification.case_number,
        title=notification.title,
        body=notification.body,
        link=notification.link,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )


@router.get(
    "/",
    response=list[NotificationOut],
    auth=USER,
    summary="My notifications",
    description=(
        "Any signed-in account: its own notifications, newest first; ``unread=true`` keeps "
        "the unread ones; at most ``limit`` (1–100, default 20)."
    ),
)
def my_notifications(
    request: HttpRequest, unread: bool = False, limit: int = 20
) -> list[NotificationOut]:
    limit = min(max(limit, 1), MAX_LIMIT)
    return [_out(n) for n in notifications_for(_user(request), unread_only=unread)[:limit]]


@router.post(
    "/{notification_uuid}/read",
    response=NotificationOut,
    auth=USER,
    summary="Mark a notification read",
    openapi_extra=problems(404),
    description=(
        "The notification's recipient; marking it again changes nothing. 404 for an unknown "
        "notification or someone else's."
    ),
)
def notification_read(request: HttpRequest, notification_uuid: uuid.UUID) -> NotificationOut:
    return _out(notification_mark_read(user=_user(request), notification_uuid=notification_uuid))
