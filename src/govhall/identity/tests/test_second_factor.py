"""The second factor for staff (GOVHALL["STAFF_SECOND_FACTOR"]), through the sign-in page and the
passkey API with the software authenticator of test_passkeys: who counts as staff; a password
or SMS code of staff only starts a pending sign-in that one of the account's own passkeys
completes (recorded and audited with both factors, a new session key, ``next`` kept for single
sign-on); another account's passkey, a replayed answer, a missing or expired pending sign-in are
refused and counted in the lock-outs; a passkey alone signs staff in only with user
verification; staff without a passkey are confined to enrolling one until they do; access
tokens need a session that passed the second factor; with the policy off nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from govhall.core.models import AuditRecord
from govhall.identity.models import Passkey, SignInAttempt, User
from govhall.identity.roles import role_group
from govhall.identity.services import person_register
from govhall.identity.services.second_factor import (
    PENDING_TTL_SECONDS,
    SESSION_ENROL,
    SESSION_FACTORS,
    SESSION_PENDING,
    staff_account,
)
from govhall.identity.services.tokens import token_create
from govhall.identity.sms.contrib import memory
from govhall.identity.tests.conftest import last_code
from govhall.identity.tests.test_passkeys import (
    BASE,
    ORIGIN,
    RP_ID,
    SIGN_IN_OPTIONS,
    SIGN_IN_VERIFY,
    SoftAuthenticator,
    codes,
    post,
    register,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Kaiyang-clerk-2026"
SIGN_IN = "/account/sign-in/"
SECOND_STEP = "/account/sign-in/passkey/"
ENROL = "/account/passkeys/enrol/"
OPTIONS = BASE + "second-factor/options"
VERIFY = BASE + "second-factor/verify"
NEXT = "/o/authorize/?client_id=gov-oa&response_type=code&scope=openid&state=s1"


@pytest.fixture(autouse=True)
def policy(settings: Any) -> None:
    settings.GOVHALL = {
        **settings.GOVHALL,
        "WEBAUTHN_RP_ID": RP_ID,
        "WEBAUTHN_ORIGINS": [ORIGIN],
        "STAFF_SECOND_FACTOR": True,
    }


@pytest.fixture
def clerk(db: Any) -> User:
    return User.objects.create_user(username="clerk.kaiyang", password=PASSWORD, is_staff=True)


def enrolled(user: User) -> SoftAuthenticator:
    """A passkey registered to ``user`` (a confined session may do exactly that)."""
    client = Client()
    client.force_login(user)
    soft = SoftAuthenticator()
    assert register(client, soft).status_code == 201
    return soft


@pytest.fixture
def clerk_key(clerk: User) -> SoftAuthenticator:
    return enrolled(clerk)


def password_step(client: Client, username: str = "clerk.kaiyang", next_url: str = NEXT) -> Any:
    return client.post(
        SIGN_IN,
        {
            "method": "password",
            "pw-identifier": username,
            "pw-password": PASSWORD,
            "next": next_url,
        },
    )


def second_step(client: Client, soft: SoftAuthenticator) -> Any:
    options = post(client, OPTIONS)
    assert options.status_code == 200, options.content
    return post(client, VERIFY, {"credential": soft.get(options.json())})


def session_user(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def attempts() -> list[tuple[str, bool, str, int | None]]:
    return list(
        SignInAttempt.objects.order_by("id").values_list(
            "method", "succeeded", "failure_code", "user"
        )
    )


# --- who is staff ------------------------------------------------------------------------


def test_staff_are_staff_superusers_and_role_holders(clerk: User) -> None:
    superuser = User.objects.create_user(username="root", is_superuser=True)
    officer = User.objects.create_user(username="identity.kaiyang")
    officer.groups.add(role_group("identity_officer"))
    person = person_register(
        name="张建国", id_number="522522194403151231", mobile="13985011234", password=PASSWORD
    )
    assert [staff_account(u) for u in (clerk, superuser, officer, person.user)] == [
        True,
        True,
        True,
        False,
    ]


# --- password, then the account's own passkey ---------------------------------------------


def test_password_then_own_passkey_signs_staff_in(
    clerk: User, clerk_key: SoftAuthenticator
) -> None:
    client = Client()
    first = password_step(client)
    assert (first.status_code, first["Location"]) == (302, SECOND_STEP)
    assert session_user(client) is None
    pending = client.session[SESSION_PENDING]
    assert (pending["user"], pending["method"], pending["next"]) == (
        str(clerk.uuid),
        "password",
        NEXT,
    )
    first_factor = AuditRecord.objects.get(action="identity.sign_in.first_factor")
    assert first_factor.data["method"] == "password"
    assert first_factor.data["second_factor"] == "passkey"
    assert not AuditRecord.objects.filter(action="identity.sign_in.succeeded").exists()

    options = post(client, OPTIONS)
    allowed = [credential["id"] for credential in options.json()["allowCredentials"]]
    assert allowed == [Passkey.objects.get(user=clerk).credential_id]
    key_before = client.session.session_key
    done = post(client, VERIFY, {"credential": clerk_key.get(options.json())})
    assert (done.status_code, done.json()) == (200, {"redirect": NEXT})
    assert session_user(client) == str(clerk.pk)
    assert client.session.session_key != key_before
    assert client.session[SESSION_FACTORS] == ["password", "passkey"]
    assert SESSION_PENDING not in client.session
    assert attempts() == [
        ("password", True, "", clerk.pk),
        ("password+passkey", True, "", clerk.pk),
    ]
    succeeded = AuditRecord.objects.get(action="identity.sign_in.succeeded")
    assert succeeded.data["method"] == "password+passkey"
    assert succeeded.data["factors"] == ["password", "passkey"]
    assert Passkey.objects.get(user=clerk).sign_count == clerk_key.sign_count
    # Signed in with two factors: the workbench and the API are open.
    assert client.get("/api/v1/identity/tokens").status_code == 200


def test_sms_code_then_passkey_is_recorded_as_both(clerk_key: SoftAuthenticator) -> None:
    person = person_register(
        name="杨丽", id_number="520102199002086284", mobile="13908512345", password=PASSWORD
    )
    User.objects.filter(pk=person.user.pk).update(is_staff=True)
    soft = enrolled(person.user)
    client = Client()
    memory.outbox.clear()
    client.post(SIGN_IN, {"method": "sms_send", "sms-mobile": "13908512345"})
    response = client.post(
        SIGN_IN,
        {"method": "sms", "sms-mobile": "13908512345", "sms-code": last_code(memory.outbox)},
    )
    assert (response.status_code, response["Location"]) == (302, SECOND_STEP)
    assert second_step(client, soft).status_code == 200
    assert session_user(client) == str(person.user.pk)
    assert client.session[SESSION_FACTORS] == ["sms_code", "passkey"]
    assert attempts()[-1] == ("sms_code+passkey", True, "", person.user.pk)


def test_another_accounts_passkey_is_refused(clerk: User, clerk_key: SoftAuthenticator) -> None:
    colleague = User.objects.create_user(username="head.kaiyang", password=PASSWORD, is_staff=True)
    colleague_key = enrolled(colleague)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    password_step(client)
    refused = second_step(client, colleague_key)
    assert refused.status_code == 401
    assert codes(refused) == ["passkey.unknown_credential"]
    assert refused.json()["errors"][0]["field"] == "credential"
    assert refused.json()["errors"][0]["message"] == (
        "This passkey is not one of your account's passkeys; use one of yours."
    )
    assert session_user(client) is None
    assert attempts()[-1] == (
        "password+passkey",
        False,
        "passkey.unknown_credential",
        clerk.pk,
    )
    failed = AuditRecord.objects.filter(action="identity.sign_in.failed").get()
    assert failed.data["factors"] == ["password", "passkey"]
    # The pending sign-in is still there: the right passkey completes it.
    assert second_step(client, clerk_key).status_code == 200
    assert session_user(client) == str(clerk.pk)


def test_a_replayed_answer_is_refused(clerk: User, clerk_key: SoftAuthenticator) -> None:
    client = Client()
    password_step(client)
    options = post(client, OPTIONS).json()
    answer = clerk_key.get(options)
    assert post(client, VERIFY, {"credential": answer}).status_code == 200
    other = Client()
    password_step(other)
    replayed = post(other, VERIFY, {"credential": answer})
    assert (replayed.status_code, codes(replayed)) == (401, ["passkey.challenge_missing"])
    # With a fresh challenge, the old answer signs the wrong one.
    post(other, OPTIONS)
    stale = post(other, VERIFY, {"credential": answer})
    assert (stale.status_code, codes(stale)) == (401, ["passkey.verification_failed"])
    assert session_user(other) is None
    assert [a[2] for a in attempts()[-2:]] == [
        "passkey.challenge_missing",
        "passkey.verification_failed",
    ]


def test_an_expired_pending_sign_in_is_refused(clerk: User, clerk_key: SoftAuthenticator) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    password_step(client)
    options = post(client, OPTIONS).json()
    session = client.session
    session[SESSION_PENDING] = {
        **session[SESSION_PENDING],
        "started_at": timezone.now().timestamp() - PENDING_TTL_SECONDS - 1,
    }
    session.save()
    refused = post(client, VERIFY, {"credential": clerk_key.get(options)})
    assert refused.status_code == 401
    assert refused.json()["errors"] == [
        {
            "field": "sign_in",
            "code": "sign_in.pending_expired",
            "message": "The sign-in has waited too long for its second step; sign in again.",
        }
    ]
    assert session_user(client) is None
    assert SESSION_PENDING not in client.session
    assert attempts()[-1] == ("password+passkey", False, "sign_in.pending_expired", clerk.pk)


def test_without_a_pending_sign_in_nothing_happens(clerk_key: SoftAuthenticator) -> None:
    client = Client()
    options = post(client, OPTIONS)
    assert (options.status_code, codes(options)) == (401, ["sign_in.pending_missing"])
    assert not SignInAttempt.objects.exists()  # asking for options tries nothing
    verify = post(client, VERIFY, {"credential": {"id": "x"}})
    assert (verify.status_code, codes(verify)) == (401, ["sign_in.pending_missing"])
    assert attempts() == [("passkey", False, "sign_in.pending_missing", None)]


def test_second_step_failures_count_in_the_lock_out(
    clerk: User, clerk_key: SoftAuthenticator
) -> None:
    client = Client()
    password_step(client)
    for _attempt in range(5):
        # No challenge asked for: each answer fails and is counted against the account.
        failed = post(client, VERIFY, {"credential": clerk_key.get({"challenge": "AAAA"})})
        assert codes(failed) == ["passkey.challenge_missing"]
    locked = post(client, OPTIONS)
    assert (locked.status_code, codes(locked)) == (429, ["sign_in.locked"])
    assert int(locked["Retry-After"]) > 0
    assert post(client, VERIFY, {"credential": {}}).status_code == 429
    # And the first step is locked too: all methods count.
    again = password_step(Client())
    assert again.status_code == 429


# --- a passkey alone ----------------------------------------------------------------------


def test_a_passkey_alone_signs_staff_in_with_user_verification(
    clerk: User, clerk_key: SoftAuthenticator
) -> None:
    client = Client()
    options = post(client, SIGN_IN_OPTIONS).json()
    done = post(client, SIGN_IN_VERIFY, {"credential": clerk_key.get(options), "next": "/admin/"})
    assert (done.status_code, done.json()) == (200, {"redirect": "/admin/"})
    assert session_user(client) == str(clerk.pk)
    assert client.session[SESSION_FACTORS] == ["passkey", "user_verification"]
    record = AuditRecord.objects.get(action="identity.sign_in.succeeded")
    assert record.data["factors"] == ["passkey", "user_verification"]
    assert client.get("/api/v1/identity/tokens").status_code == 200


def test_a_passkey_without_user_verification_is_not_enough_for_staff(
    clerk: User, clerk_key: SoftAuthenticator
) -> None:
    clerk_key.user_verified = False
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    options = post(client, SIGN_IN_OPTIONS).json()
    refused = post(client, SIGN_IN_VERIFY, {"credential": clerk_key.get(options)})
    assert (refused.status_code, codes(refused)) == (
        401,
        ["passkey.user_verification_required"],
    )
    assert refused.json()["errors"][0]["field"] == "credential"
    assert session_user(client) is None
    assert attempts()[-1] == ("passkey", False, "passkey.user_verification_required", clerk.pk)
    # As the second step after a password, possession is the factor: accepted.
    password_step(client)
    assert second_step(client, clerk_key).status_code == 200
    assert session_user(client) == str(clerk.pk)


def test_citizens_are_not_asked_for_a_second_factor(db: Any) -> None:
    person = person_register(
        name="张建国", id_number="522522194403151231", mobile="13985011234", password=PASSWORD
    )
    client = Client()
    response = password_step(client, "13985011234", "/my/cases/")
    assert (response.status_code, response["Location"]) == (302, "/my/cases/")
    assert session_user(client) == str(person.user.pk)
    assert client.get("/account/").status_code == 200


def test_with_the_policy_off_staff_sign_in_with_a_password(
    settings: Any, clerk: User, clerk_key: SoftAuthenticator
) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "STAFF_SECOND_FACTOR": False}
    client = Client()
    response = password_step(client, next_url="/workbench/cases/")
    assert (response.status_code, response["Location"]) == (302, "/workbench/cases/")
    assert session_user(client) == str(clerk.pk)
    assert attempts() == [("password", True, "", clerk.pk)]
    assert (
        AuditRecord.objects.get(action="identity.sign_in.succeeded").data.get("second_factor")
        is None
    )


# --- no passkey yet: confined to enrolling one ------------------------------------------


def test_staff_without_a_passkey_are_confined_until_they_add_one(clerk: User) -> None:
    client = Client()
    response = password_step(client, next_url="/workbench/cases/")
    assert (response.status_code, response["Location"]) == (
        302,
        ENROL + "?next=%2Fworkbench%2Fcases%2F",
    )
    assert session_user(client) == str(clerk.pk)
    assert client.session[SESSION_ENROL] is True
    assert client.session[SESSION_FACTORS] == ["password"]
    record = AuditRecord.objects.get(action="identity.sign_in.succeeded")
    assert record.data["second_factor"] == "enrol"

    for page in ("/workbench/cases/", "/account/", "/admin/"):
        blocked = client.get(page)
        assert (blocked.status_code, blocked["Location"]) == (
            302,
            ENROL + "?next=" + page.replace("/", "%2F"),
        ), page
    assert client.post("/account/tokens/", {"name": "x"})["Location"] == ENROL
    api = client.get("/api/v1/identity/tokens", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 403
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["errors"][0]["code"] == "sign_in.second_factor_required"
    assert api.json()["errors"][0]["field"] == "sign_in"
    assert client.get(BASE).status_code == 403  # only the registration calls are open
    assert client.get(ENROL + "?next=/workbench/cases/").status_code == 200

    soft = SoftAuthenticator()
    assert register(client, soft).status_code == 201
    passkey = Passkey.objects.get(user=clerk)
    assert SESSION_ENROL not in client.session
    assert client.session[SESSION_FACTORS] == ["password", "passkey_enrolment"]
    enrolled_record = AuditRecord.objects.get(action="identity.second_factor.enrolled")
    assert enrolled_record.object_id == str(passkey.uuid)
    assert enrolled_record.data == {"first_factor": ["password"], "trust": "first_use"}
    assert client.get("/account/").status_code == 200

    # The next sign-in needs the passkey.
    client.post("/account/sign-out/")
    again = Client()
    assert password_step(again)["Location"] == SECOND_STEP
    assert second_step(again, soft).status_code == 200


def test_confined_staff_may_sign_out(clerk: User) -> None:
    client = Client()
    password_step(client)
    response = client.post("/account/sign-out/")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert session_user(client) is None


def test_older_staff_sessions_are_ended_or_confined(clerk: User) -> None:
    """A session that did not go through these steps (e.g. before the policy was switched on)."""
    without_key = Client()
    without_key.force_login(clerk)
    assert without_key.get("/account/")["Location"] == ENROL + "?next=%2Faccount%2F"
    assert without_key.session[SESSION_ENROL] is True

    enrolled(clerk)
    with_key = Client()
    with_key.force_login(clerk)
    response = with_key.get("/workbench/cases/")
    assert (response.status_code, response["Location"]) == (
        302,
        SIGN_IN + "?next=%2Fworkbench%2Fcases%2F",
    )
    assert session_user(with_key) is None
    api = Client()
    api.force_login(clerk)
    assert api.get("/api/v1/identity/tokens").status_code == 403
    assert session_user(api) is None


# --- access tokens ------------------------------------------------------------------------


def test_staff_tokens_need_a_session_that_passed_the_second_factor(
    clerk: User, clerk_key: SoftAuthenticator
) -> None:
    client = Client()
    password_step(client)
    second_step(client, clerk_key)
    created = post(client, "/api/v1/identity/tokens", {"name": "脚本", "expires_in_days": 30})
    assert created.status_code == 201
    bearer = {"HTTP_AUTHORIZATION": "Bearer " + created.json()["token"]}
    # The token works, but cannot make another one.
    assert Client().get("/api/v1/identity/tokens", **bearer).status_code == 200
    refused = post(Client(), "/api/v1/identity/tokens", {"name": "再来一个"}, **bearer)
    assert (refused.status_code, codes(refused)) == (403, ["sign_in.second_factor_required"])
    # The account page's form, after a two-factor sign-in.
    page = client.post("/account/tokens/", {"name": "导出", "expires_in_days": 7})
    assert page.status_code == 302
    assert clerk.access_tokens.count() == 2  # type: ignore[attr-defined]


def test_a_token_with_someone_elses_two_factor_session_cannot_make_tokens(
    clerk: User, clerk_key: SoftAuthenticator
) -> None:
    """The token authenticates its owner; the cookie beside it is the clerk's own two-factor
    session, which proves nothing about the owner: refused, nothing made."""
    owner = User.objects.create_superuser(username="ops.root", password="x")
    _token, clear = token_create(user=owner, name="ops", expires_in_days=1, actor=None)
    client = Client()
    password_step(client)
    second_step(client, clerk_key)
    mixed = post(
        client, "/api/v1/identity/tokens", {"name": "more"}, HTTP_AUTHORIZATION=f"Bearer {clear}"
    )
    assert (mixed.status_code, codes(mixed)) == (403, ["sign_in.second_factor_required"])
    assert owner.access_tokens.count() == 1  # type: ignore[attr-defined]
    assert clerk.access_tokens.count() == 0  # type: ignore[attr-defined]


def test_a_permission_given_directly_makes_an_account_staff() -> None:
    citizen = User.objects.create_user(username="13985019999", password="x")
    assert staff_account(citizen) is False
    citizen.user_permissions.add(Permission.objects.get(codename="verify_in_person"))
    assert staff_account(User.objects.get(pk=citizen.pk)) is True


def test_tokens_made_before_stay_usable(clerk: User) -> None:
    _token, clear = token_create(user=clerk, name="old", expires_in_days=1, actor=None)
    response = Client().get("/api/v1/identity/tokens", HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert response.status_code == 200
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies
