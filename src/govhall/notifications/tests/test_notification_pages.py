"""My messages in the portal: newest first, 20 a page, marked read one by one or all at once
(post, then redirect), the unread count in the header of every page for signed-in accounts
(one query; none for visitors, none on pages cached for everyone)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import resolve

from govhall.identity.models import User
from govhall.notifications.models import Notification
from govhall.portal.context_processors import unread_notifications

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = "/my/notifications/"


def _notify(user: User, count: int) -> list[Notification]:
    """``count`` notifications, the last one the newest (a minute apart)."""
    made = []
    for index in range(count):
        notification = Notification.objects.create(
            recipient=user,
            event_uuid=uuid.uuid4(),
            topic="cases.case.accept",
            case_number=f"52012120261201{index:05d}",
            title=f"【办件进度】第{index}条",
            body=f"您的办件（编号 52012120261201{index:05d}）：已受理。",
            link=f"/my/cases/52012120261201{index:05d}/",
        )
        Notification.objects.filter(pk=notification.pk).update(
            created_at=START + datetime.timedelta(minutes=index)
        )
        made.append(notification)
    return made


@pytest.fixture
def english(zhang: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(zhang.user)
    return client


def test_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (
        302,
        "/account/sign-in/?next=/my/notifications/",
    )
    assert client.post(URL, {"do": "read_all"}).status_code == 302
    assert URL not in client.get("/").content.decode()


def test_the_list_is_newest_first_twenty_a_page(english: Client, zhang: Any, yang: Any) -> None:
    _notify(zhang.user, 21)
    _notify(yang.user, 1)
    first = english.get(URL).content.decode()
    titles = [f"【办件进度】第{i}条" for i in range(20, 0, -1)]
    positions = [first.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "【办件进度】第0条" not in first
    assert 'href="/my/cases/5201212026120100020/"' in first
    assert "1 / 2" in first
    second = english.get(URL, {"page": "2"}).content.decode()
    assert "【办件进度】第0条" in second and "【办件进度】第1条" not in second
    # 杨丽's notification is hers alone.
    assert first.count("【办件进度】") == 20


def test_the_header_shows_the_unread_count(english: Client, zhang: Any) -> None:
    _notify(zhang.user, 2)
    page = english.get("/my/cases/").content.decode()
    assert (
        '<a href="/my/notifications/">Messages <span class="tag" aria-label="2 unread">2</span></a>'
        in page
    )


def test_marking_one_and_then_all_read(english: Client, zhang: Any, yang: Any) -> None:
    first, second, third = _notify(zhang.user, 3)
    (hers,) = _notify(yang.user, 1)
    response = english.post(URL, {"notification": str(second.uuid), "page": "1"})
    assert (response.status_code, response["Location"]) == (302, "/my/notifications/?page=1")
    second.refresh_from_db()
    assert second.read_at is not None
    assert Notification.objects.filter(read_at__isnull=True).count() == 3
    page = english.get(URL).content.decode()
    assert 'aria-label="2 unread">2</span>' in page
    assert page.count('name="notification"') == 2  # one button per unread message
    # Someone else's notification, or none at all: not found, nothing changes.
    assert english.post(URL, {"notification": str(hers.uuid)}).status_code == 404
    assert english.post(URL, {"notification": "not-a-uuid"}).status_code == 404
    hers.refresh_from_db()
    assert hers.read_at is None
    response = english.post(URL, {"do": "read_all"})
    assert (response.status_code, response["Location"]) == (302, URL)
    page = english.get(URL).content.decode()
    assert "2 messages marked read." in page
    assert '<a href="/my/notifications/">Messages</a>' in page
    assert Notification.objects.filter(recipient=zhang.user, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=hers.pk).read_at is None
    assert {first.pk, third.pk} <= set(
        Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)
    )


def test_the_count_costs_one_query_and_none_for_visitors(
    zhang: Any, django_assert_num_queries: Any
) -> None:
    _notify(zhang.user, 3)
    request = RequestFactory().get("/my/cases/")
    request.resolver_match = resolve("/my/cases/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread_notifications(request)["unread_notifications"]() is None
    request.user = zhang.user
    count = unread_notifications(request)["unread_notifications"]
    with django_assert_num_queries(1):
        assert (count(), count()) == (3, 3)


def test_pages_cached_for_everyone_show_no_count(
    zhang: Any, django_assert_num_queries: Any
) -> None:
    """The guide page is cached whole and served to every visitor (portal/caching.py)."""
    request = RequestFactory().get("/items/11520121MB1234567X4000101001000/")
    request.resolver_match = resolve("/items/11520121MB1234567X4000101001000/")
    request.user = zhang.user
    with django_assert_num_queries(0):
        assert unread_notifications(request)["unread_notifications"]() is None
