"""``/api/v1/notifications``: my notifications (all or unread), marking one read; someone
else's answers 404. Who may call at all is in api/tests/test_permission_matrix.py."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from govhall.identity.models import User
from govhall.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _notify(user: User, number: str) -> Notification:
    return Notification.objects.create(
        recipient=user,
        event_uuid=uuid.uuid4(),
        topic="cases.case.accept",
        case_number=number,
        title="【办件进度】最低生活保障申请",
        body=f"您的办件（编号 {number}）：已受理。",
        link=f"/my/cases/{number}/",
    )


def test_my_notifications_and_marking_one_read(zhang: Any, yang: Any) -> None:
    older = _notify(zhang.user, "5201212026120100001")
    newer = _notify(zhang.user, "5201212026120100002")
    hers = _notify(yang.user, "5201212026120100003")
    client = Client()
    client.force_login(zhang.user)
    listed = client.get("/api/v1/notifications/").json()
    assert [n["uuid"] for n in listed] == [str(newer.uuid), str(older.uuid)]
    assert listed[0] == {
        "uuid": str(newer.uuid),
        "topic": "cases.case.accept",
        "case_number": "5201212026120100002",
        "title": "【办件进度】最低生活保障申请",
        "body": "您的办件（编号 5201212026120100002）：已受理。",
        "link": "/my/cases/5201212026120100002/",
        "created_at": listed[0]["created_at"],
        "read_at": None,
    }
    read = client.post(f"/api/v1/notifications/{older.uuid}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert [n["uuid"] for n in unread] == [str(newer.uuid)]
    assert len(client.get("/api/v1/notifications/", {"limit": "1"}).json()) == 1
    assert client.post(f"/api/v1/notifications/{hers.uuid}/read").status_code == 404
    hers.refresh_from_db()
    assert hers.read_at is None
