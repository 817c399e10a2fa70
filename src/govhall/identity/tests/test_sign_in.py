"""Signing in with a password or an SMS code: look-up by mobile, ID number or user name; one
answer for unknown accounts and wrong passwords; lock-outs per account, identifier and address;
single-use, expiring SMS codes; every attempt stored and audited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from govhall.core.errors import SignInRefused, TooManyAttempts, ValidationFailed
from govhall.core.models import AuditRecord
from govhall.identity.models import AssuranceEvent, SignInAttempt, SmsCode, SmsPurpose, User
from govhall.identity.services.sign_in import (
    ClientContext,
    sign_in_with_password,
    sign_in_with_sms_code,
    sms_code_send,
)
from govhall.identity.tests.conftest import PASSWORD, ZHANG, last_code

pytestmark = pytest.mark.django_db

HOME = ClientContext(ip_address="192.0.2.10", user_agent="pytest")
OTHER = ClientContext(ip_address="192.0.2.99", user_agent="pytest")


def codes(error: ValidationFailed) -> list[str]:
    return [e.code for e in error.errors]


@pytest.mark.parametrize(
    "identifier",
    ["13985011234", "+86 139-8501-1234", "522522194403151231", "522522440315123"],
)
def test_password_sign_in_by_mobile_or_id_number(make_person: Any, identifier: str) -> None:
    person = make_person(ZHANG)
    user = sign_in_with_password(identifier=identifier, password=PASSWORD, context=HOME)
    assert user == person.user
    attempt = SignInAttempt.objects.get()
    assert (attempt.method, attempt.succeeded, attempt.user, attempt.ip_address) == (
        "password",
        True,
        person.user,
        "192.0.2.10",
    )
    record = AuditRecord.objects.filter(action="identity.sign_in.succeeded").get()
    assert record.actor_label == person.user.username
    assert record.data["identifier"] in {"139****1234", "5225**********1231"}
    assert "13985011234" not in str(record.data)


def test_staff_sign_in_by_user_name(db: Any) -> None:
    staff = User.objects.create_user(username="catalog.kaiyang", password=PASSWORD, is_staff=True)
    assert (
        sign_in_with_password(identifier="Catalog.Kaiyang", password=PASSWORD, context=HOME)
        == staff
    )


def test_wrong_password_and_unknown_account_get_the_same_answer(make_person: Any) -> None:
    person = make_person(ZHANG)
    with pytest.raises(SignInRefused) as wrong:
        sign_in_with_password(identifier="13985011234", password="not-it-123456", context=HOME)
    with pytest.raises(SignInRefused) as unknown:
        sign_in_with_password(identifier="13900000000", password=PASSWORD, context=HOME)
    assert codes(wrong.value) == codes(unknown.value) == ["sign_in.invalid"]
    assert str(wrong.value.errors[0].message) == str(unknown.value.errors[0].message)
    attempts = list(
        SignInAttempt.objects.order_by("id").values_list("user", "succeeded", "failure_code")
    )
    assert attempts == [
        (person.user.pk, False, "sign_in.invalid"),
        (None, False, "sign_in.invalid"),
    ]
    assert AuditRecord.objects.filter(action="identity.sign_in.failed").count() == 2


def test_five_failures_lock_the_account_even_for_the_right_password(make_person: Any) -> None:
    make_person(ZHANG)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in_with_password(
                identifier="13985011234", password="wrong-password-1", context=HOME
            )
    with pytest.raises(TooManyAttempts) as locked:
        sign_in_with_password(identifier="13985011234", password=PASSWORD, context=OTHER)
    assert codes(locked.value) == ["sign_in.locked"]
    assert 890 <= locked.value.retry_after <= 901
    # The lock covers the account under its other identifier too.
    with pytest.raises(TooManyAttempts):
        sign_in_with_password(identifier="522522194403151231", password=PASSWORD, context=OTHER)
    assert SignInAttempt.objects.filter(failure_code="sign_in.locked").count() == 2


def test_the_lock_ends_when_the_failures_leave_the_window(make_person: Any) -> None:
    person = make_person(ZHANG)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in_with_password(
                identifier="13985011234", password="wrong-password-1", context=HOME
            )
    SignInAttempt.objects.update(occurred_at=timezone.now() - datetime.timedelta(minutes=16))
    assert (
        sign_in_with_password(identifier="13985011234", password=PASSWORD, context=HOME)
        == person.user
    )


def test_an_address_with_too_many_failures_is_refused(make_person: Any, settings: Any) -> None:
    settings.GOVHALL = {**settings.GOVHALL, "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 3}
    make_person(ZHANG)
    for number in ("13900000001", "13900000002", "13900000003"):
        with pytest.raises(SignInRefused):
            sign_in_with_password(identifier=number, password="x-password-123", context=HOME)
    with pytest.raises(TooManyAttempts) as limited:
        sign_in_with_password(identifier="13985011234", password=PASSWORD, context=HOME)
    assert codes(limited.value) == ["sign_in.address_limited"]
    # Another address is not affected.
    assert sign_in_with_password(identifier="13985011234", password=PASSWORD, context=OTHER)


def test_sms_code_sign_in_raises_the_person_to_level_1(make_person: Any, sms_outbox: Any) -> None:
    person = make_person(ZHANG)
    sms_code_send(mobile="13985011234", purpose=SmsPurpose.SIGN_IN, context=HOME)
    assert [m.mobile for m in sms_outbox] == ["13985011234"]
    code = last_code(sms_outbox)
    assert sms_outbox[0].text == (
        f"【govhall】您的验证码为 {code}，用于登录，5 分钟内有效。请勿将验证码告知他人。"
    )
    stored = SmsCode.objects.get()
    assert code not in stored.code_hash and stored.mobile_masked == "139****1234"
    user = sign_in_with_sms_code(mobile="13985011234", code=code, context=HOME)
    assert user == person.user
    person.refresh_from_db()
    assert person.assurance_level == 1
    event = AssuranceEvent.objects.get()
    assert (event.level, event.method, event.detail) == (1, "sms_code", {"mobile": "139****1234"})
    # Replaying the same code fails.
    with pytest.raises(SignInRefused) as replay:
        sign_in_with_sms_code(mobile="13985011234", code=code, context=HOME)
    assert codes(replay.value) == ["sms.code_used"]


def test_expired_and_wrong_sms_codes(make_person: Any, sms_outbox: Any) -> None:
    make_person(ZHANG)
    sms_code_send(mobile="13985011234", purpose=SmsPurpose.SIGN_IN, context=HOME)
    code = last_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(SignInRefused) as error:
            sign_in_with_sms_code(mobile="13985011234", code=wrong, context=HOME)
        assert codes(error.value) == ["sms.code_invalid"]
    assert SmsCode.objects.get().failed_attempts == 5
    # After five wrong entries even the right code is dead.
    with pytest.raises(TooManyAttempts):
        sign_in_with_sms_code(mobile="13985011234", code=code, context=HOME)
    SignInAttempt.objects.all().delete()
    with pytest.raises(SignInRefused) as dead:
        sign_in_with_sms_code(mobile="13985011234", code=code, context=HOME)
    assert codes(dead.value) == ["sms.code_invalid"]
    SmsCode.objects.update(
        created_at=timezone.now() - datetime.timedelta(minutes=10),
        expires_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    sms_code_send(mobile="13985011234", purpose=SmsPurpose.SIGN_IN, context=HOME)
    SmsCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(SignInRefused) as expired:
        sign_in_with_sms_code(mobile="13985011234", code=last_code(sms_outbox), context=HOME)
    assert codes(expired.value) == ["sms.code_expired"]


def test_sms_rate_limits(make_person: Any, sms_outbox: Any) -> None:
    make_person(ZHANG)
    sms_code_send(mobile="13985011234", purpose=SmsPurpose.SIGN_IN, context=HOME)
    with pytest.raises(TooManyAttempts) as too_soon:
        sms_code_send(mobile="13985011234", purpose=SmsPurpose.SIGN_IN, context=HOME)
    assert codes(too_soon.value) == ["sms.too_soon"]
    assert 1 <= too_soon.value.retry_after <= 60
    earlier = timezone.now() - datetime.timedelta(hours=2)
    for _ in range(9):
        SmsCode.objects.create(
            mobile_index=SmsCode.objects.first().mobile_index,  # type: ignore[union-attr]
            mobile_masked="139****1234",
            purpose="sign_in",
            code_hash="x",
            created_at=earlier,
            expires_at=earlier,
        )
    with pytest.raises(TooManyAttempts) as daily:
        SmsCode.objects.filter(created_at__gt=earlier).update(created_at=earlier)
        sms_code_send(mobile="13985011234", purpose=SmsPurpose.SIGN_IN, context=HOME)
    assert codes(daily.value) == ["sms.daily_limit"]
    assert len(sms_outbox) == 1


def test_an_address_asking_for_too_many_codes_is_refused(
    make_person: Any, sms_outbox: Any, settings: Any
) -> None:
    """SMS_MAX_PER_ADDRESS_PER_HOUR codes per address and hour, whatever the numbers."""
    settings.GOVHALL = {**settings.GOVHALL, "SMS_MAX_PER_ADDRESS_PER_HOUR": 3}
    make_person(ZHANG)
    for number in ("13900000001", "13900000002", "13900000003"):
        sms_code_send(mobile=number, purpose=SmsPurpose.SIGN_IN, context=HOME)
    with pytest.raises(TooManyAttempts) as limited:
        sms_code_send(mobile="13985011234", purpose=SmsPurpose.SIGN_IN, context=HOME)
    assert codes(limited.value) == ["sms.address_limited"]
    assert limited.value.retry_after == 3600
    assert sms_outbox == []
    # Another address is counted on its own; an hour later the first may ask again.
    sms_code_send(mobile="13985011234", purpose=SmsPurpose.SIGN_IN, context=OTHER)
    assert len(sms_outbox) == 1
    SmsCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    sms_code_send(mobile="13900000004", purpose=SmsPurpose.SIGN_IN, context=HOME)


def test_a_number_without_an_account_gets_no_message_but_the_same_answer(
    db: Any, sms_outbox: Any
) -> None:
    sms = sms_code_send(mobile="13900001111", purpose=SmsPurpose.SIGN_IN, context=HOME)
    assert sms.mobile_masked == "139****1111"
    assert sms_outbox == []
    with pytest.raises(ValidationFailed) as bad:
        sms_code_send(mobile="12345", purpose=SmsPurpose.SIGN_IN, context=HOME)
    assert codes(bad.value) == ["mobile.format"]
    assert SmsCode.objects.count() == 1
