"""Who may call what: every operation of the OpenAPI document is listed here with its audience,
states it in its description, and answers accordingly to an anonymous caller, a signed-in
person (session with CSRF, or a bearer token) and a staff account without a person profile.

A new endpoint fails this test until it is added to ``ACCESS``: nobody ships an endpoint
without deciding who may call it. Object-level checks (someone else's mandate, token or
passkey answers 404) are in each app's tests.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from govhall.api.urls import api
from govhall.identity.models import User
from govhall.identity.services import person_register
from govhall.identity.services.tokens import token_create

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # anyone, signed in or not
USER = "user"  # a signed-in account: session (with CSRF) or bearer token
SIGNING_IN = "signing_in"  # anyone: the call itself signs in (passkey assertion)
PENDING = "pending"  # a session holding a pending staff sign-in (second factor); else 401

#: The case actions of the API, by who takes them (the object-level matrix, core/tests, refuses
#: each to everyone else).
CASE_ACTIONS_STAFF = (
    "accept",
    "refuse",
    "request-supplement",
    "review",
    "approve",
    "reject",
    "deliver",
    "suspend",
    "resume",
    "start-special-procedure",
    "end-special-procedure",
    "request-extension",
    "approve-extension",
    "refuse-extension",
    "waive-material",
    "record-visit",
    "close",
    "pass-pre-review",
    "return-pre-review",
    "receive",
)
CASE_ACTIONS_APPLICANT = ("supplement", "resubmit-pre-review", "withdraw")

ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/calendar/working-days/add"): PUBLIC,
    ("GET", "/api/v1/catalog/items"): PUBLIC,
    ("GET", "/api/v1/catalog/items/{implementation_code}"): PUBLIC,
    ("POST", "/api/v1/identity/register"): PUBLIC,
    ("GET", "/api/v1/identity/me"): USER,
    ("POST", "/api/v1/identity/me/verify/population"): USER,
    ("GET", "/api/v1/identity/me/sign-ins"): USER,
    ("GET", "/api/v1/identity/me/principals"): USER,
    ("GET", "/api/v1/identity/organizations"): USER,
    ("POST", "/api/v1/identity/organizations"): USER,
    ("GET", "/api/v1/identity/mandates"): USER,
    ("POST", "/api/v1/identity/mandates"): USER,
    ("POST", "/api/v1/identity/mandates/{mandate_uuid}/revoke"): USER,
    ("GET", "/api/v1/identity/tokens"): USER,
    ("POST", "/api/v1/identity/tokens"): USER,
    ("DELETE", "/api/v1/identity/tokens/{token_uuid}"): USER,
    ("POST", "/api/v1/identity/passkeys/register/options"): USER,
    ("POST", "/api/v1/identity/passkeys/register/verify"): USER,
    ("POST", "/api/v1/identity/passkeys/sign-in/options"): SIGNING_IN,
    ("POST", "/api/v1/identity/passkeys/sign-in/verify"): SIGNING_IN,
    ("POST", "/api/v1/identity/passkeys/second-factor/options"): PENDING,
    ("POST", "/api/v1/identity/passkeys/second-factor/verify"): PENDING,
    ("GET", "/api/v1/identity/passkeys/"): USER,
    ("PATCH", "/api/v1/identity/passkeys/{passkey_uuid}"): USER,
    ("DELETE", "/api/v1/identity/passkeys/{passkey_uuid}"): USER,
    ("POST", "/api/v1/cases/"): USER,
    ("GET", "/api/v1/cases/"): USER,
    ("GET", "/api/v1/cases/queue/counts"): USER,
    ("POST", "/api/v1/cases/uploads"): USER,
    ("DELETE", "/api/v1/cases/uploads/{upload_uuid}"): USER,
    ("POST", "/api/v1/cases/{number}/assign"): USER,
    ("POST", "/api/v1/cases/bulk"): USER,
    ("POST", "/api/v1/cases/window"): USER,
    ("POST", "/api/v1/cases/{number}/materials"): USER,
    ("GET", "/api/v1/cases/{number}"): USER,
    ("GET", "/api/v1/licenses/verify/{identifier}"): PUBLIC,
    ("GET", "/api/v1/licenses/seals/{key_sm3}.pem"): PUBLIC,
    ("GET", "/api/v1/notifications/"): USER,
    ("POST", "/api/v1/notifications/{notification_uuid}/read"): USER,
    **{
        ("POST", f"/api/v1/cases/{{number}}/actions/{action}"): USER
        for action in (*CASE_ACTIONS_STAFF, *CASE_ACTIONS_APPLICANT)
    },
}
SAMPLE_PATH_VALUES = {
    "implementation_code": "11520121MB1234567X4000101001000",
    "mandate_uuid": "00000000-0000-4000-8000-000000000001",
    "token_uuid": "00000000-0000-4000-8000-000000000002",
    "passkey_uuid": "00000000-0000-4000-8000-000000000003",
    "number": "5201212026113000001",
    "upload_uuid": "00000000-0000-4000-8000-000000000004",
    "notification_uuid": "00000000-0000-4000-8000-000000000005",
    "identifier": "1.2.156.3005.2.11100000000133946U001.11520121170512017U.202600000001.001.0",
    "key_sm3": "0" * 64,
}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PATH_VALUES[m.group(1)], path)


def call(client: Client, method: str, path: str, **extra: Any) -> Any:
    return client.generic(method, concrete(path), "{}", content_type="application/json", **extra)


def test_every_operation_is_listed_and_states_who_may_call_it() -> None:
    listed = {(method, path) for method, path, _op in operations()}
    assert listed == set(ACCESS)
    for method, path, operation in operations():
        assert operation.get("description", "").strip(), f"{method} {path} has no description"
        secured = bool(operation.get("security"))
        assert secured == (ACCESS[(method, path)] == USER), f"{method} {path}"


def test_anonymous_callers_get_401_from_every_user_endpoint(client: Client) -> None:
    for (method, path), audience in ACCESS.items():
        status = call(client, method, path).status_code
        if audience == USER:
            assert status == 401, f"{method} {path}: {status}"
        elif audience == PENDING:  # 422 when the empty body is refused before the session
            assert status in (401, 422), f"{method} {path}: {status}"
        else:
            assert status not in (401, 403, 500), f"{method} {path}: {status}"


@pytest.fixture
def person_user(db: Any) -> User:
    person = person_register(
        name="张建国",
        id_number="522522194403151231",
        mobile="13985011234",
        password="Kaiyang-2026-x",
    )
    return person.user


def test_a_signed_in_person_passes_authentication_everywhere(person_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person_user)
    client.get("/account/sign-in/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    for (method, path), audience in ACCESS.items():
        status = call(client, method, path, HTTP_X_CSRFTOKEN=csrf).status_code
        if audience == PENDING:  # no staff sign-in is waiting for a second factor here
            assert status in (401, 422), f"{method} {path}: {status}"
            continue
        assert status not in (401, 403, 500), f"{method} {path}: {status}"
        if audience == USER and method != "GET":
            # Without the CSRF token a session cannot change anything.
            forged = call(client, method, path).status_code
            assert forged in (401, 403), f"{method} {path} accepted a request without CSRF"


def test_a_bearer_token_is_accepted_where_a_session_is(person_user: User) -> None:
    _token, clear = token_create(user=person_user, name="matrix", expires_in_days=1, actor=None)
    client = Client()
    for (method, path), audience in ACCESS.items():
        if audience != USER or "passkeys" in path:
            continue  # passkey ceremonies belong to a browser session
        status = call(client, method, path, HTTP_AUTHORIZATION=f"Bearer {clear}").status_code
        assert status not in (401, 403, 500), f"{method} {path}: {status}"


def test_a_staff_account_without_a_person_profile(db: Any) -> None:
    staff = User.objects.create_user(username="catalog.kaiyang", password="x", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/api/v1/identity/me").status_code == 404
    assert client.post("/api/v1/identity/me/verify/population").status_code == 404
    assert client.get("/api/v1/identity/me/principals").json() == []
    assert client.get("/api/v1/identity/tokens").json() == []


ACCOUNT_PAGES = (
    "/account/",
    "/account/mandates/new/",
)
ACCOUNT_POSTS = (
    "/account/verify/mobile/",
    "/account/verify/population/",
    "/account/organizations/",
    "/account/tokens/",
)


def test_account_pages_send_anonymous_visitors_to_sign_in(client: Client) -> None:
    for url in ACCOUNT_PAGES:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (
            302,
            f"/account/sign-in/?next={url}",
        )
    for url in ACCOUNT_POSTS:
        assert client.post(url).status_code == 302
        assert client.get(url).status_code in (302, 405)
