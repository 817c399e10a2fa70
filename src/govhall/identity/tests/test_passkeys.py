"""Passkeys through the API, with a software authenticator written here in Python: an EC P-256
key, 'none' attestation in CBOR and ECDSA assertion signatures, exactly as a browser would
send them. A signed-in person adds a passkey (masked ID number as the account name, the account
UUID as the user handle, audited); anyone signs in with it (discoverable or for a named
account), which is recorded and audited like a password sign-in; replayed or expired challenges,
unknown credentials, another origin or RP ID, a foreign user handle and a signature counter that
goes backwards are refused with stable codes; lock-outs apply; nobody can rename or remove
another person's passkey; CSRF tokens are required."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings as django_settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from govhall.core.models import AuditRecord
from govhall.identity.models import Passkey, Person, SignInAttempt, User
from govhall.identity.services import person_register
from govhall.identity.services.passkeys import (
    SESSION_REGISTRATION,
    SESSION_SIGN_IN,
)

pytestmark = pytest.mark.django_db

RP_ID = "govhall.example.cn"
ORIGIN = "https://govhall.example.cn"
BASE = "/api/v1/identity/passkeys/"
REGISTER_OPTIONS = BASE + "register/options"
REGISTER_VERIFY = BASE + "register/verify"
SIGN_IN_OPTIONS = BASE + "sign-in/options"
SIGN_IN_VERIFY = BASE + "sign-in/verify"
PROBLEM_JSON = "application/problem+json"

ID_NUMBER = "520102199002086284"
MOBILE = "13908512345"
PASSWORD = "Nanming-2026-secure"

FLAG_UP = 0x01
FLAG_UV = 0x04
FLAG_AT = 0x40


def b64(data: bytes) -> str:
    return bytes_to_base64url(data)


@dataclass
class SoftAuthenticator:
    """A platform authenticator in Python: what Chrome's would put on the wire."""

    origin: str = ORIGIN
    rp_id: str = RP_ID
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    sign_count: int = 0
    counts: bool = True  # False: an authenticator without a counter (always 0)
    user_verified: bool = True  # False: a security key without PIN or biometrics
    user_handle: bytes | None = None

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def _rp_hash(self) -> bytes:
        return hashlib.sha256(self.rp_id.encode()).digest()

    def create(self, options: dict[str, Any]) -> dict[str, Any]:
        """navigator.credentials.create() with 'none' attestation."""
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        client_data = self._client_data("webauthn.create", options["challenge"])
        attested = (
            bytes(16)  # AAGUID
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self.cose_public_key()
        )
        auth_data = (
            self._rp_hash()
            + bytes([FLAG_UP | FLAG_UV | FLAG_AT])
            + self.sign_count.to_bytes(4, "big")
            + attested
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64(client_data),
                "attestationObject": b64(attestation),
                "transports": ["internal", "not-a-transport"],
            },
        }

    def get(self, options: dict[str, Any], *, count: int | None = None) -> dict[str, Any]:
        """navigator.credentials.get(): signs authenticatorData ‖ SHA-256(clientDataJSON)."""
        if count is not None:
            self.sign_count = count
        elif self.counts:
            self.sign_count += 1
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = (
            self._rp_hash()
            + bytes([FLAG_UP | (FLAG_UV if self.user_verified else 0)])
            + self.sign_count.to_bytes(4, "big")
        )
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        response: dict[str, Any] = {
            "clientDataJSON": b64(client_data),
            "authenticatorData": b64(auth_data),
            "signature": b64(signature),
        }
        if self.user_handle is not None:
            response["userHandle"] = b64(self.user_handle)
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": response,
        }


@pytest.fixture(autouse=True)
def relying_party(settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "WEBAUTHN_RP_ID": RP_ID, "WEBAUTHN_ORIGINS": [ORIGIN]}


@pytest.fixture
def person(db: Any) -> Person:
    return person_register(name="杨丽", id_number=ID_NUMBER, mobile=MOBILE, password=PASSWORD)


@pytest.fixture
def other_person(db: Any) -> Person:
    return person_register(
        name="王芳", id_number="520102198503120028", mobile="13985001234", password=PASSWORD
    )


def post(client: Client, url: str, body: dict[str, Any] | None = None, **extra: Any) -> Any:
    return client.post(
        url, body or {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **extra
    )


def codes(response: Any) -> list[str]:
    assert response["Content-Type"] == PROBLEM_JSON
    return [error["code"] for error in response.json()["errors"]]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def register(client: Client, authenticator: SoftAuthenticator, name: str = "我的手机") -> Any:
    options = post(client, REGISTER_OPTIONS).json()
    return post(
        client, REGISTER_VERIFY, {"credential": authenticator.create(options), "name": name}
    )


@pytest.fixture
def authenticator(person: Person) -> SoftAuthenticator:
    """An authenticator holding a passkey registered to 杨丽."""
    soft = SoftAuthenticator()
    assert register(signed_in(person.user), soft).status_code == 201
    return soft


def sign_in(
    client: Client, authenticator: SoftAuthenticator, *, identifier: str = "", **kwargs: Any
) -> Any:
    options = post(client, SIGN_IN_OPTIONS, {"identifier": identifier}).json()
    credential = authenticator.get(options, **kwargs)
    return post(client, SIGN_IN_VERIFY, {"credential": credential, "next": "/account/"})


def session_user(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


# --- registration -------------------------------------------------------------------------


def test_registration_options_name_the_account_without_clear_identifiers(person: Person) -> None:
    client = signed_in(person.user)
    response = post(client, REGISTER_OPTIONS)
    assert response.status_code == 200
    options = response.json()
    assert options["rp"] == {"id": RP_ID, "name": django_settings.GOVHALL["WEBAUTHN_RP_NAME"]}
    assert options["user"] == {
        "id": b64(person.user.uuid.bytes),
        "name": "5201**********6284",
        "displayName": "杨丽",
    }
    assert options["authenticatorSelection"] == {
        "residentKey": "preferred",
        "requireResidentKey": False,
        "userVerification": "preferred",
    }
    assert options["excludeCredentials"] == []
    assert options["attestation"] == "none"
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]
    assert client.session[SESSION_REGISTRATION]["challenge"] == options["challenge"]
    assert ID_NUMBER not in response.content.decode()


def test_registration_options_for_staff_use_the_user_name(django_user_model: Any) -> None:
    clerk = django_user_model.objects.create_user(username="clerk", is_staff=True)
    options = post(signed_in(clerk), REGISTER_OPTIONS).json()
    assert options["user"]["name"] == "clerk"
    assert options["user"]["displayName"] == "clerk"


def test_register_stores_the_passkey_and_audits(person: Person) -> None:
    client = signed_in(person.user)
    soft = SoftAuthenticator()
    response = register(client, soft, name="  我的  手机 ")
    assert response.status_code == 201
    passkey = Passkey.objects.get()
    assert response.json() == {
        "uuid": str(passkey.uuid),
        "name": "我的 手机",
        "created_at": response.json()["created_at"],
        "last_used_at": None,
        "transports": ["internal"],
    }
    assert passkey.user == person.user
    assert passkey.credential_id == b64(soft.credential_id)
    assert bytes(passkey.public_key) == soft.cose_public_key()
    assert passkey.sign_count == 0
    assert passkey.transports == ["internal"]
    record = AuditRecord.objects.get(action="identity.passkey.register")
    assert record.actor == person.user
    assert record.object_id == str(passkey.uuid)
    assert record.data["name"] == "我的 手机"
    assert record.data["user_verified"] is True
    assert SESSION_REGISTRATION not in client.session

    # The next options exclude it, so the same authenticator is not registered twice.
    options = post(client, REGISTER_OPTIONS).json()
    assert options["excludeCredentials"] == [
        {"id": b64(soft.credential_id), "type": "public-key", "transports": ["internal"]}
    ]


def test_register_without_a_name_gets_a_dated_default(person: Person) -> None:
    response = register(signed_in(person.user), SoftAuthenticator(), name="")
    assert response.status_code == 201
    assert response.json()["name"].startswith("Passkey of ")


def test_register_needs_a_session(db: Any) -> None:
    response = post(Client(), REGISTER_OPTIONS)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_JSON
    assert post(Client(), REGISTER_VERIFY, {"credential": {}}).status_code == 401


def test_registration_challenge_is_used_once(person: Person) -> None:
    client = signed_in(person.user)
    soft = SoftAuthenticator()
    options = post(client, REGISTER_OPTIONS).json()
    credential = soft.create(options)
    assert post(client, REGISTER_VERIFY, {"credential": credential}).status_code == 201
    again = post(client, REGISTER_VERIFY, {"credential": credential})
    assert again.status_code == 422
    assert codes(again) == ["passkey.challenge_missing"]
    assert Passkey.objects.count() == 1


def test_registration_challenge_expires(person: Person) -> None:
    client = signed_in(person.user)
    options = post(client, REGISTER_OPTIONS).json()
    session = client.session
    session[SESSION_REGISTRATION] = {**session[SESSION_REGISTRATION], "expires_at": 0}
    session.save()
    response = post(client, REGISTER_VERIFY, {"credential": SoftAuthenticator().create(options)})
    assert response.status_code == 422
    assert codes(response) == ["passkey.challenge_expired"]


def test_registration_challenge_belongs_to_the_account(
    person: Person, other_person: Person
) -> None:
    """Options fetched for one account cannot be answered in a session of another."""
    client = signed_in(person.user)
    options = post(client, REGISTER_OPTIONS).json()
    client.force_login(other_person.user)  # a new session: the challenge does not follow
    response = post(client, REGISTER_VERIFY, {"credential": SoftAuthenticator().create(options)})
    assert codes(response) == ["passkey.challenge_missing"]


@pytest.mark.parametrize(
    "soft",
    [
        SoftAuthenticator(origin="https://govhall.example.cn.evil.example"),
        SoftAuthenticator(rp_id="evil.example"),
    ],
    ids=["wrong-origin", "wrong-rp-id"],
)
def test_registration_for_another_site_is_refused(person: Person, soft: SoftAuthenticator) -> None:
    response = register(signed_in(person.user), soft)
    assert response.status_code == 422
    assert codes(response) == ["passkey.verification_failed"]
    assert not Passkey.objects.exists()
    assert not AuditRecord.objects.filter(action="identity.passkey.register").exists()


def test_registration_with_a_tampered_challenge_is_refused(person: Person) -> None:
    client = signed_in(person.user)
    options = post(client, REGISTER_OPTIONS).json()
    options["challenge"] = b64(secrets.token_bytes(64))
    response = post(client, REGISTER_VERIFY, {"credential": SoftAuthenticator().create(options)})
    assert codes(response) == ["passkey.verification_failed"]


def test_registration_garbage_is_refused(person: Person) -> None:
    client = signed_in(person.user)
    post(client, REGISTER_OPTIONS)
    response = post(client, REGISTER_VERIFY, {"credential": {"id": "x", "response": "nonsense"}})
    assert codes(response) == ["passkey.verification_failed"]


def test_the_same_credential_cannot_be_registered_twice(
    person: Person, other_person: Person, authenticator: SoftAuthenticator
) -> None:
    response = register(signed_in(other_person.user), authenticator)
    assert response.status_code == 422
    assert codes(response) == ["passkey.already_registered"]
    assert Passkey.objects.get().user == person.user


def test_registration_name_too_long(person: Person) -> None:
    response = register(signed_in(person.user), SoftAuthenticator(), name="钥" * 61)
    assert codes(response) == ["passkey.name_length"]


# --- signing in ---------------------------------------------------------------------------


def test_discoverable_sign_in_starts_a_session_records_and_audits(
    person: Person, authenticator: SoftAuthenticator
) -> None:
    client = Client()
    options = post(client, SIGN_IN_OPTIONS).json()
    assert options["allowCredentials"] == []
    assert options["rpId"] == RP_ID
    assert options["userVerification"] == "preferred"
    assert options["timeout"] == 300_000
    response = post(
        client,
        SIGN_IN_VERIFY,
        {"credential": authenticator.get(options), "next": "/account/?tab=passkeys"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )
    assert response.status_code == 200
    assert response.json() == {"redirect": "/account/?tab=passkeys"}
    assert session_user(client) == str(person.user.pk)
    assert SESSION_SIGN_IN not in client.session

    passkey = Passkey.objects.get()
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None
    attempt = SignInAttempt.objects.get()
    assert (attempt.method, attempt.succeeded, attempt.failure_code) == ("passkey", True, "")
    assert attempt.user == person.user
    assert attempt.identifier_masked == "5201**********6284"
    assert attempt.identifier_index == person.id_number_index
    assert (attempt.ip_address, attempt.user_agent) == ("203.0.113.9", "TestBrowser/1.0")
    record = AuditRecord.objects.get(action="identity.sign_in.succeeded")
    assert record.actor == person.user
    assert record.data["method"] == "passkey"
    assert record.object_id == str(person.user.uuid)


def test_sign_in_counts_up(person: Person, authenticator: SoftAuthenticator) -> None:
    for expected in (1, 2, 3):
        assert sign_in(Client(), authenticator).status_code == 200
        assert Passkey.objects.get().sign_count == expected


def test_an_authenticator_without_a_counter_is_accepted(person: Person) -> None:
    """Synced passkeys report 0 every time: that is not a rollback."""
    soft = SoftAuthenticator(counts=False)
    assert register(signed_in(person.user), soft).status_code == 201
    assert sign_in(Client(), soft).status_code == 200
    assert sign_in(Client(), soft).status_code == 200
    assert Passkey.objects.get().sign_count == 0


def test_sign_in_redirect_stays_on_the_site(
    person: Person, authenticator: SoftAuthenticator
) -> None:
    client = Client()
    options = post(client, SIGN_IN_OPTIONS).json()
    response = post(
        client,
        SIGN_IN_VERIFY,
        {"credential": authenticator.get(options), "next": "https://evil.example/phish"},
    )
    assert response.json() == {"redirect": "/"}


def test_sign_in_for_a_named_account_lists_its_passkeys(
    person: Person, authenticator: SoftAuthenticator
) -> None:
    client = Client()
    options = post(client, SIGN_IN_OPTIONS, {"identifier": MOBILE}).json()
    assert options["allowCredentials"] == [
        {"id": b64(authenticator.credential_id), "type": "public-key", "transports": ["internal"]}
    ]
    response = post(client, SIGN_IN_VERIFY, {"credential": authenticator.get(options)})
    assert response.status_code == 200
    attempt = SignInAttempt.objects.get()
    # The attempt names the identifier that was typed, like a password attempt.
    assert attempt.identifier_masked == "139****2345"


def test_options_for_unknown_accounts_look_like_real_ones(
    person: Person, authenticator: SoftAuthenticator
) -> None:
    client = Client()
    unknown = post(client, SIGN_IN_OPTIONS, {"identifier": "13800000000"}).json()
    again = post(client, SIGN_IN_OPTIONS, {"identifier": "13800000000"}).json()
    assert len(unknown["allowCredentials"]) == 1
    assert unknown["allowCredentials"] == again["allowCredentials"]
    assert len(base64url_to_bytes(unknown["allowCredentials"][0]["id"])) == 32
    assert unknown.keys() == post(client, SIGN_IN_OPTIONS, {"identifier": MOBILE}).json().keys()


def test_a_passkey_of_another_account_than_the_named_one_is_refused(
    person: Person, other_person: Person, authenticator: SoftAuthenticator
) -> None:
    client = Client()
    options = post(client, SIGN_IN_OPTIONS, {"identifier": "13985001234"}).json()
    response = post(client, SIGN_IN_VERIFY, {"credential": authenticator.get(options)})
    assert response.status_code == 401
    assert codes(response) == ["passkey.unknown_credential"]
    assert session_user(client) is None


def test_counter_rollback_is_refused(person: Person, authenticator: SoftAuthenticator) -> None:
    assert sign_in(Client(), authenticator, count=5).status_code == 200
    client = Client()
    response = sign_in(client, authenticator, count=3)
    assert response.status_code == 401
    assert codes(response) == ["passkey.counter_rollback"]
    assert session_user(client) is None
    assert Passkey.objects.get().sign_count == 5
    failed = SignInAttempt.objects.get(succeeded=False)
    assert (failed.method, failed.failure_code, failed.user) == (
        "passkey",
        "passkey.counter_rollback",
        person.user,
    )
    record = AuditRecord.objects.filter(action="identity.sign_in.failed").get()
    assert record.data["failure"] == "passkey.counter_rollback"
    # An equal count is a rollback too (a replay from a copy of the key).
    assert codes(sign_in(Client(), authenticator, count=5)) == ["passkey.counter_rollback"]


def test_a_replayed_assertion_is_refused(person: Person, authenticator: SoftAuthenticator) -> None:
    client = Client()
    options = post(client, SIGN_IN_OPTIONS).json()
    credential = authenticator.get(options)
    assert post(client, SIGN_IN_VERIFY, {"credential": credential}).status_code == 200

    attacker = Client()
    replay = post(attacker, SIGN_IN_VERIFY, {"credential": credential})
    assert replay.status_code == 401
    assert codes(replay) == ["passkey.challenge_missing"]
    # With a fresh challenge of its own the old signature does not match it.
    post(attacker, SIGN_IN_OPTIONS)
    replay = post(attacker, SIGN_IN_VERIFY, {"credential": credential})
    assert codes(replay) == ["passkey.verification_failed"]
    # Nor does the same session get a second go at its used challenge.
    assert codes(post(client, SIGN_IN_VERIFY, {"credential": credential})) == [
        "passkey.challenge_missing"
    ]
    assert session_user(attacker) is None
    assert list(
        SignInAttempt.objects.order_by("occurred_at", "id").values_list("succeeded", "failure_code")
    ) == [
        (True, ""),
        (False, "passkey.challenge_missing"),
        (False, "passkey.verification_failed"),
        (False, "passkey.challenge_missing"),
    ]


def test_a_failed_answer_uses_up_the_challenge(
    person: Person, authenticator: SoftAuthenticator
) -> None:
    client = Client()
    options = post(client, SIGN_IN_OPTIONS).json()
    good = authenticator.get(options)
    bad = json.loads(json.dumps(good))
    bad["response"]["signature"] = b64(b"\x30\x06\x02\x01\x01\x02\x01\x01")
    assert codes(post(client, SIGN_IN_VERIFY, {"credential": bad})) == [
        "passkey.verification_failed"
    ]
    assert codes(post(client, SIGN_IN_VERIFY, {"credential": good})) == [
        "passkey.challenge_missing"
    ]


def test_sign_in_challenge_expires(person: Person, authenticator: SoftAuthenticator) -> None:
    client = Client()
    options = post(client, SIGN_IN_OPTIONS).json()
    session = client.session
    session[SESSION_SIGN_IN] = {**session[SESSION_SIGN_IN], "expires_at": 0}
    session.save()
    response = post(client, SIGN_IN_VERIFY, {"credential": authenticator.get(options)})
    assert codes(response) == ["passkey.challenge_expired"]
    assert session_user(client) is None


def test_an_unknown_credential_is_refused(person: Person, authenticator: SoftAuthenticator) -> None:
    client = Client()
    response = sign_in(client, SoftAuthenticator(user_handle=person.user.uuid.bytes))
    assert response.status_code == 401
    body = response.json()
    assert body["errors"] == [
        {
            "field": "credential",
            "code": "passkey.unknown_credential",
            "message": "This passkey is not registered here; sign in another way.",
        }
    ]
    attempt = SignInAttempt.objects.get()
    assert (attempt.succeeded, attempt.user, attempt.failure_code) == (
        False,
        None,
        "passkey.unknown_credential",
    )


def test_a_disabled_account_cannot_sign_in(
    person: Person, authenticator: SoftAuthenticator
) -> None:
    User.objects.filter(pk=person.user.pk).update(is_active=False)
    assert codes(sign_in(Client(), authenticator)) == ["passkey.unknown_credential"]


@pytest.mark.parametrize(
    ("origin", "rp_id"),
    [
        ("https://govhall-example.cn", RP_ID),
        (ORIGIN, "example.cn"),
        ("http://govhall.example.cn", RP_ID),
    ],
    ids=["look-alike-origin", "parent-rp-id", "plain-http"],
)
def test_another_origin_or_rp_id_is_refused(
    person: Person, authenticator: SoftAuthenticator, origin: str, rp_id: str
) -> None:
    authenticator.origin, authenticator.rp_id = origin, rp_id
    client = Client()
    response = sign_in(client, authenticator)
    assert response.status_code == 401
    assert codes(response) == ["passkey.verification_failed"]
    assert session_user(client) is None
    assert Passkey.objects.get().sign_count == 0
    attempt = SignInAttempt.objects.get()
    assert (attempt.user, attempt.failure_code) == (person.user, "passkey.verification_failed")


def test_a_user_handle_of_another_account_is_refused(
    person: Person, authenticator: SoftAuthenticator
) -> None:
    authenticator.user_handle = uuid.uuid4().bytes
    assert codes(sign_in(Client(), authenticator)) == ["passkey.verification_failed"]


def test_a_malformed_answer_is_refused(person: Person, authenticator: SoftAuthenticator) -> None:
    client = Client()
    post(client, SIGN_IN_OPTIONS)
    credential = {"id": b64(authenticator.credential_id), "response": {"signature": 5}}
    assert codes(post(client, SIGN_IN_VERIFY, {"credential": credential})) == [
        "passkey.verification_failed"
    ]


def test_lock_out_applies_to_passkeys(
    person: Person, authenticator: SoftAuthenticator, settings: Any
) -> None:
    limit = settings.GOVHALL["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]
    good_origin = authenticator.origin
    authenticator.origin = "https://evil.example"
    for _ in range(limit):
        assert sign_in(Client(), authenticator).status_code == 401
    authenticator.origin = good_origin
    client = Client()
    response = sign_in(client, authenticator)
    assert response.status_code == 429
    assert codes(response) == ["sign_in.locked"]
    assert int(response["Retry-After"]) > 0
    assert session_user(client) is None
    last = SignInAttempt.objects.order_by("-occurred_at", "-id").first()
    assert last is not None
    assert (last.failure_code, last.user) == ("sign_in.locked", person.user)
    # Options for the locked account are refused before the authenticator is even asked.
    locked = post(Client(), SIGN_IN_OPTIONS, {"identifier": ID_NUMBER})
    assert locked.status_code == 429


def test_address_limit_applies_to_passkeys(
    person: Person, authenticator: SoftAuthenticator, settings: Any
) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 2}
    client = Client()
    options = post(client, SIGN_IN_OPTIONS).json()  # asked for before the failures
    for _ in range(2):
        assert sign_in(Client(), SoftAuthenticator()).status_code == 401
    response = post(client, SIGN_IN_VERIFY, {"credential": authenticator.get(options)})
    assert codes(response) == ["sign_in.address_limited"]
    assert session_user(client) is None
    assert codes(post(Client(), SIGN_IN_OPTIONS)) == ["sign_in.address_limited"]


# --- listing, renaming, removing ----------------------------------------------------------


def test_list_rename_and_delete_own_passkeys(
    person: Person, authenticator: SoftAuthenticator
) -> None:
    client = signed_in(person.user)
    listed = client.get(BASE).json()
    passkey = Passkey.objects.get()
    assert [item["uuid"] for item in listed] == [str(passkey.uuid)]
    assert listed[0]["name"] == "我的手机"

    renamed = client.patch(
        f"{BASE}{passkey.uuid}", {"name": "办公室电脑"}, content_type="application/json"
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "办公室电脑"
    record = AuditRecord.objects.get(action="identity.passkey.rename")
    assert record.data == {"old_name": "我的手机", "name": "办公室电脑"}
    assert record.actor == person.user

    bad = client.patch(
        f"{BASE}{passkey.uuid}",
        {"name": " "},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert codes(bad) == ["passkey.name_length"]

    deleted = client.delete(f"{BASE}{passkey.uuid}")
    assert deleted.status_code == 204
    assert not Passkey.objects.exists()
    record = AuditRecord.objects.get(action="identity.passkey.delete")
    assert (record.object_id, record.data["name"]) == (str(passkey.uuid), "办公室电脑")
    # A removed passkey cannot sign in any more.
    assert codes(sign_in(Client(), authenticator)) == ["passkey.unknown_credential"]


def test_another_persons_passkey_cannot_be_seen_renamed_or_deleted(
    person: Person, other_person: Person, authenticator: SoftAuthenticator
) -> None:
    passkey = Passkey.objects.get()
    intruder = signed_in(other_person.user)
    assert intruder.get(BASE).json() == []
    renamed = intruder.patch(
        f"{BASE}{passkey.uuid}", {"name": "归我了"}, content_type="application/json"
    )
    assert renamed.status_code == 404
    assert renamed["Content-Type"] == PROBLEM_JSON
    assert intruder.delete(f"{BASE}{passkey.uuid}").status_code == 404
    assert intruder.delete(f"{BASE}{uuid.uuid4()}").status_code == 404
    passkey.refresh_from_db()
    assert passkey.name == "我的手机"
    assert not AuditRecord.objects.filter(
        action__in=["identity.passkey.rename", "identity.passkey.delete"]
    ).exists()


def test_management_needs_a_session(person: Person, authenticator: SoftAuthenticator) -> None:
    passkey = Passkey.objects.get()
    anonymous = Client()
    assert anonymous.get(BASE).status_code == 401
    assert anonymous.delete(f"{BASE}{passkey.uuid}").status_code == 401


# --- CSRF and documentation ---------------------------------------------------------------


def test_every_endpoint_requires_the_csrf_token(
    person: Person, authenticator: SoftAuthenticator
) -> None:
    client = Client(enforce_csrf_checks=True)
    assert post(client, SIGN_IN_OPTIONS).status_code == 403
    assert post(client, SIGN_IN_VERIFY, {"credential": {}}).status_code == 403

    token = _get_new_csrf_string()
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token
    options = post(client, SIGN_IN_OPTIONS, HTTP_X_CSRFTOKEN=token)
    assert options.status_code == 200
    response = post(
        client,
        SIGN_IN_VERIFY,
        {"credential": authenticator.get(options.json())},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200

    # Signed in now (the session key changed, the CSRF cookie stays): management needs it too.
    passkey = Passkey.objects.get()
    assert post(client, REGISTER_OPTIONS).status_code == 403
    assert (
        client.patch(f"{BASE}{passkey.uuid}", {"name": "x"}, content_type="application/json")
    ).status_code == 403
    assert client.delete(f"{BASE}{passkey.uuid}").status_code == 403
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert client.delete(f"{BASE}{passkey.uuid}", HTTP_X_CSRFTOKEN=token).status_code == 204


def test_openapi_says_who_may_call_each_endpoint(db: Any) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    passkey_paths = {path: ops for path, ops in paths.items() if path.startswith(BASE)}
    assert set(passkey_paths) == {
        BASE,
        REGISTER_OPTIONS,
        REGISTER_VERIFY,
        SIGN_IN_OPTIONS,
        SIGN_IN_VERIFY,
        BASE + "second-factor/options",
        BASE + "second-factor/verify",
        BASE + "{passkey_uuid}",
    }
    for path, operations in passkey_paths.items():
        for method, operation in operations.items():
            description = operation["description"]
            who = "Anyone" if "sign-in" in path else "A signed-in account"
            if "second-factor" in path:
                who = "Anyone whose session holds a pending staff sign-in"
            assert description.startswith(who), (path, method)
