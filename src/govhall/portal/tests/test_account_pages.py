"""The account pages: one sign-in page (password, SMS code) for portal, workbench and single
sign-on; registration; my account with verification, organizations, mandates and tokens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from govhall.identity.models import Mandate, Organization, Person, SignInAttempt, User
from govhall.identity.services import person_register
from govhall.identity.sms.contrib import memory

pytestmark = pytest.mark.django_db
PASSWORD = "Kaiyang-2026-secure"
SIGN_IN = "/account/sign-in/"
ACCOUNT = "/account/"


@pytest.fixture
def zhang(db: Any) -> Person:
    return person_register(
        name="张建国", id_number="522522194403151231", mobile="13985011234", password=PASSWORD
    )


def sign_in(client: Any, identifier: str, password: str, next_url: str = "") -> Any:
    return client.post(
        SIGN_IN,
        {
            "method": "password",
            "pw-identifier": identifier,
            "pw-password": password,
            "next": next_url,
        },
    )


def test_account_needs_signing_in_and_the_sign_in_page_offers_three_methods(client: Any) -> None:
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/account/"
    page = client.get(SIGN_IN + "?next=/account/").content.decode()
    assert "使用密码" in page or "With a password" in page
    assert 'name="pw-identifier"' in page and 'name="sms-mobile"' in page
    assert 'value="/account/"' in page


def test_password_sign_in_redirects_to_a_local_next_only(client: Any, zhang: Person) -> None:
    response = sign_in(client, "13985011234", PASSWORD, "/items/x/")
    assert (response.status_code, response["Location"]) == (302, "/items/x/")
    client.logout()
    response = sign_in(client, "522522194403151231", PASSWORD, "https://evil.example/")
    assert (response.status_code, response["Location"]) == (302, "/account/")
    page = client.get(ACCOUNT).content.decode()
    assert "5225**********1231" in page and "139****1234" in page
    assert "522522194403151231" not in page and "13985011234" not in page


def test_a_wrong_password_is_shown_on_the_form(client: Any, zhang: Person) -> None:
    response = sign_in(client, "13985011234", "wrong-password-9", "")
    assert response.status_code == 400
    page = response.content.decode()
    assert "账号或密码错误" in page or "The account or the password is wrong." in page
    assert "_auth_user_id" not in client.session
    assert SignInAttempt.objects.get().failure_code == "sign_in.invalid"


def test_a_locked_account_gets_429_and_when_to_come_back(zhang: Person) -> None:
    """Five wrong passwords lock the account (identity.services.sign_in): the sixth attempt,
    even with the right password, is answered 429 with Retry-After and the wait in minutes."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _attempt in range(5):
        assert sign_in(client, "13985011234", "wrong-password-9").status_code == 400
    locked = sign_in(client, "13985011234", PASSWORD, "")
    assert locked.status_code == 429
    assert 890 <= int(locked["Retry-After"]) <= 901
    page = locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert "Too many failed attempts for this account; try again later. (about 15 min)" in page


def test_sms_codes_asked_too_often_get_429(client: Any, zhang: Person) -> None:
    """A second code for the same number within a minute is refused with 429."""
    memory.outbox.clear()
    first = client.post(SIGN_IN, {"method": "sms_send", "sms-mobile": "13985011234"})
    again = client.post(SIGN_IN, {"method": "sms_send", "sms-mobile": "13985011234"})
    assert (first.status_code, again.status_code) == (200, 429)
    assert 1 <= int(again["Retry-After"]) <= 60
    assert len(memory.outbox) == 1


def test_sms_sign_in_through_the_page(client: Any, zhang: Person) -> None:
    memory.outbox.clear()
    sent = client.post(SIGN_IN, {"method": "sms_send", "sms-mobile": "13985011234"})
    assert sent.status_code == 200
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", memory.outbox[-1].text).group(1)  # type: ignore[union-attr]
    response = client.post(
        SIGN_IN, {"method": "sms", "sms-mobile": "13985011234", "sms-code": code}
    )
    assert (response.status_code, response["Location"]) == (302, "/account/")
    zhang.refresh_from_db()
    assert zhang.assurance_level == 1


def test_the_workbench_signs_in_through_the_same_page(client: Any) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    response = client.get("/admin/login/?next=/admin/")
    assert (response.status_code, response["Location"]) == (302, "/account/sign-in/?next=/admin/")
    User.objects.create_user(username="catalog.kaiyang", password=PASSWORD, is_staff=True)
    response = sign_in(client, "catalog.kaiyang", PASSWORD, "/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_register_then_verify_level_2_and_register_an_organization(client: Any) -> None:
    response = client.post(
        "/account/register/",
        {
            "name": "陈志强",
            "id_number": "520102198505215178",
            "mobile": "13908511234",
            "password": PASSWORD,
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/account/")
    person = Person.objects.get()
    assert client.post("/account/verify/population/").status_code == 302
    person.refresh_from_db()
    assert person.assurance_level == 2
    client.post("/account/organizations/", {"credit_code": "91520103741258965A"})
    assert Organization.objects.get().legal_representative == person
    page = client.get(ACCOUNT).content.decode()
    assert "贵州黔云数据科技有限公司" in page


def test_registration_errors_are_shown_per_field(client: Any) -> None:
    response = client.post(
        "/account/register/",
        {"name": "陈", "id_number": "520102198505215179", "mobile": "12345", "password": "123"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert sorted(form.errors) == ["id_number", "mobile", "name", "password"]
    assert Person.objects.count() == 0


def test_mandate_given_and_revoked_through_the_pages(client: Any, zhang: Person) -> None:
    yang = person_register(
        name="杨丽", id_number="520102199002086284", mobile="13908512345", password=PASSWORD
    )
    client.force_login(zhang.user)
    page = client.get("/account/mandates/new/")
    assert page.status_code == 200
    wrong = client.post(
        "/account/mandates/new/",
        {
            "kind": "family_member",
            "principal": "me",
            "agent_name": "杨莉",
            "agent_id_number": "520102199002086284",
            "valid_until": "2027-06-30",
        },
    )
    assert wrong.status_code == 400 and Mandate.objects.count() == 0
    response = client.post(
        "/account/mandates/new/",
        {
            "kind": "family_member",
            "principal": "me",
            "agent_name": "杨丽",
            "agent_id_number": "520102199002086284",
            "valid_until": "2027-06-30",
        },
    )
    assert response.status_code == 302
    mandate = Mandate.objects.get()
    assert (mandate.agent, mandate.principal_person) == (yang, zhang)
    # Someone unrelated cannot revoke it, and learns nothing (404).
    client.force_login(
        person_register(
            name="李秀英", id_number="522522194612022241", mobile="13985012345", password=PASSWORD
        ).user
    )
    assert client.post(f"/account/mandates/{mandate.uuid}/revoke/").status_code == 404
    client.force_login(yang.user)
    assert (
        client.post(f"/account/mandates/{mandate.uuid}/revoke/", {"reason": "不再需要"}).status_code
        == 302
    )
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None and mandate.revoke_reason == "不再需要"


def test_a_token_is_shown_once(client: Any, zhang: Person) -> None:
    client.force_login(zhang.user)
    client.post("/account/tokens/", {"name": "导出脚本", "expires_in_days": 30})
    first = client.get(ACCOUNT).content.decode()
    token = re.search(r"gvh_[A-Za-z0-9_-]{43}", first)
    assert token is not None
    assert token.group(0) not in client.get(ACCOUNT).content.decode()


def test_identity_officer_verifies_in_person_in_the_workbench(client: Any, zhang: Person) -> None:
    officer = User.objects.create_user(username="officer", password=PASSWORD, is_staff=True)
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_person", "verify_in_person"])
    )
    client.force_login(officer)
    url = f"/admin/identity/person/{zhang.pk}/verify-in-person/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"document": "居民身份证", "note": ""})
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.assurance_level == 3
    listing = client.get("/admin/identity/person/?q=522522194403151231").content.decode()
    assert "5225**********1231" in listing
    assert client.get(f"/admin/identity/person/{zhang.pk}/reveal/").status_code == 403
