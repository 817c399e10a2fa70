"""The pages of the second factor for staff: the second step of a sign-in (only with a pending
sign-in, else back to the sign-in page with a message saying why) and the passkey enrolment
page (confined staff: what they must do, and the passkey snippet that goes on to ``next``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govhall.identity.models import User
from govhall.identity.services.second_factor import PENDING_TTL_SECONDS, SESSION_PENDING

pytestmark = pytest.mark.django_db

PASSWORD = "Kaiyang-clerk-2026"
SIGN_IN = "/account/sign-in/"
SECOND_STEP = "/account/sign-in/passkey/"
ENROL = "/account/passkeys/enrol/"
NEXT = "/o/authorize/?client_id=gov-oa&state=s1"


@pytest.fixture(autouse=True)
def policy(settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "STAFF_SECOND_FACTOR": True}


@pytest.fixture
def clerk(db: Any) -> User:
    return User.objects.create_user(
        username="clerk.kaiyang", password=PASSWORD, is_staff=True, display_name="王晓明"
    )


def first_step(client: Client) -> Any:
    return client.post(
        SIGN_IN,
        {
            "method": "password",
            "pw-identifier": "clerk.kaiyang",
            "pw-password": PASSWORD,
            "next": NEXT,
        },
    )


def with_passkey(clerk: User) -> None:
    clerk.passkeys.create(  # type: ignore[attr-defined]
        name="办公室电脑", credential_id="Y3JlZA", public_key=b"\x00", sign_count=0
    )


def test_the_second_step_page_in_english_and_chinese(clerk: User) -> None:
    with_passkey(clerk)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert first_step(client)["Location"] == SECOND_STEP
    page = client.get(SECOND_STEP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Confirm your sign-in</h1>" in html
    assert "王晓明 is a staff account: confirm the sign-in with one of its passkeys" in html
    assert 'data-ceremony="second-factor"' in html
    assert "Confirm with my passkey" in html
    assert 'data-api="/api/v1/identity/passkeys/"' in html
    assert f'href="{SIGN_IN}?next=/o/authorize/%3Fclient_id%3Dgov-oa%26state%3Ds1"' in html
    assert "<script>" not in html  # CSP: no inline script
    chinese = Client()
    first_step(chinese)
    assert '<html lang="zh-hans">' in chinese.get(SECOND_STEP).content.decode()


def test_the_second_step_page_without_a_pending_sign_in(clerk: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(SECOND_STEP)
    assert (response.status_code, response["Location"]) == (302, SIGN_IN)
    page = client.get(SIGN_IN).content.decode()
    assert "There is no sign-in waiting for a second step; sign in first." in page


def test_the_second_step_page_after_five_minutes(clerk: User) -> None:
    with_passkey(clerk)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    first_step(client)
    session = client.session
    session[SESSION_PENDING] = {
        **session[SESSION_PENDING],
        "started_at": timezone.now().timestamp() - PENDING_TTL_SECONDS,
    }
    session.save()
    response = client.get(SECOND_STEP)
    assert (response.status_code, response["Location"]) == (
        302,
        SIGN_IN + "?next=%2Fo%2Fauthorize%2F%3Fclient_id%3Dgov-oa%26state%3Ds1",
    )
    assert SESSION_PENDING not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "The sign-in has waited too long for its second step; sign in again." in page
    assert 'name="next" value="/o/authorize/?client_id=gov-oa&amp;state=s1"' in page


def test_the_enrolment_page_of_confined_staff(clerk: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = first_step(client)
    assert (
        response["Location"]
        == ENROL + "?next=%2Fo%2Fauthorize%2F%3Fclient_id%3Dgov-oa%26state%3Ds1"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Add a passkey</h1>" in html
    assert 'data-testid="second-factor-confined"' in html
    assert "this page and signing out are all your account can use" in html
    assert 'data-after-add="/o/authorize/?client_id=gov-oa&amp;state=s1"' in html
    assert 'action="/account/sign-out/"' in html


def test_the_enrolment_page_for_anyone_else(clerk: User, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "STAFF_SECOND_FACTOR": False}
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    anonymous = client.get(ENROL)
    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        SIGN_IN + "?next=" + ENROL,
    )
    client.force_login(clerk)
    html = client.get(ENROL).content.decode()
    assert 'data-testid="second-factor-confined"' not in html
    assert "data-after-add" not in html
    assert '<a href="/account/">Continue</a>' in html
