"""Who may open the workbench: anonymous visitors are sent to the portal's sign-in page,
accounts without the right to process cases get 403, staff of another county get 404 for a
case (and do not see it in their queue), the bureau's clerk and an administrator see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govhall.cases.tests.conftest import new_case
from govhall.identity.models import User

pytestmark = pytest.mark.django_db


def _urls(case: Any) -> list[str]:
    upload = case.materials.get()
    return [
        "/workbench/cases/",
        f"/workbench/cases/{case.number}/",
        f"/workbench/cases/{case.number}/materials/{upload.uuid}/",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, version: Any, zhang: Any) -> None:
    case = new_case(version, zhang)
    for url in _urls(case):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/account/sign-in/?next={url}"


def test_citizens_and_staff_without_the_right_get_403(
    version: Any, zhang: Any, clerk: Any, signed_in: Any
) -> None:
    case = new_case(version, zhang)
    catalog_editor = User.objects.create_user(
        username="catalog.editor", is_staff=True, department=clerk.department
    )
    for user in (zhang.user, catalog_editor):
        client = signed_in(user)
        for url in _urls(case):
            response = client.get(url)
            assert response.status_code == 403
            assert "No access to the case workbench" in response.content.decode()
        assert client.post("/workbench/cases/", {"bulk_action": "claim"}).status_code == 403


def test_another_countys_clerk_gets_404_and_an_empty_queue(
    version: Any, zhang: Any, other_clerk: Any, signed_in: Any
) -> None:
    case = new_case(version, zhang)
    client = signed_in(other_clerk)
    for url in _urls(case)[1:]:
        assert client.get(url).status_code == 404
    assert client.post(f"/workbench/cases/{case.number}/", {"action": "accept"}).status_code == 404
    queue = client.get("/workbench/cases/").content.decode()
    assert case.number not in queue
    assert "No cases here." in queue
    case.refresh_from_db()
    assert case.state == "submitted"


def test_the_bureaus_clerk_and_an_administrator_see_the_case(
    version: Any, zhang: Any, clerk: Any, signed_in: Any
) -> None:
    case = new_case(version, zhang)
    admin = User.objects.create_superuser(username="admin", password="x" * 12)
    for user in (clerk, admin):
        client = signed_in(user)
        assert case.number in client.get("/workbench/cases/").content.decode()
        page = client.get(f"/workbench/cases/{case.number}/")
        assert page.status_code == 200
        assert "最低生活保障申请" in page.content.decode()
    assert signed_in(clerk).get("/workbench/cases/0000/").status_code == 404


def test_supervisors_read_the_cases_of_their_scope_and_change_nothing(
    version: Any, zhang: Any, clerk: Any, other_clerk: Any, signed_in: Any
) -> None:
    """A supervisor (cases.view_case) opens the case page and its materials read-only; one of
    another county gets 404; an action posted by a reader is refused and changes nothing."""
    from django.contrib.auth.models import Permission

    case = new_case(version, zhang)
    reader = User.objects.create_user(
        username="supervisor.kaiyang",
        is_staff=True,
        department=clerk.department,
        region=clerk.region,
    )
    far = User.objects.create_user(
        username="supervisor.xifeng",
        is_staff=True,
        department=other_clerk.department,
        region=other_clerk.region,
    )
    view_case = Permission.objects.get(codename="view_case")
    reader.user_permissions.add(view_case)
    far.user_permissions.add(view_case)
    client = signed_in(User.objects.get(pk=reader.pk))
    for url in _urls(case)[1:]:
        assert client.get(url).status_code == 200
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "You have no action to take on this case now." in page
    assert client.get("/workbench/cases/").status_code == 403  # the queue is for processors
    response = client.post(f"/workbench/cases/{case.number}/", {"action": "accept"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "submitted"
    far_client = signed_in(User.objects.get(pk=far.pk))
    for url in _urls(case)[1:]:
        assert far_client.get(url).status_code == 404
