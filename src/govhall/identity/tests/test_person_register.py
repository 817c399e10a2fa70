"""Registering a person (identity.services.person_register): every field is validated and all
problems come back together with stable codes; a 15-digit legacy ID number is upgraded; a
duplicated ID (in either form) or mobile number is refused; nothing is half-created; the
account name, the database and the audit log never hold the clear ID or mobile number; reading
the clear ID number is audited with its purpose; key rotation re-encrypts every person."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation
from stdnum.cn import ric

from govhall.core.errors import ValidationFailed
from govhall.core.models import AuditRecord
from govhall.core.personal_data import blind_index, decrypt, key_id_of
from govhall.identity.models import AssuranceEvent, AssuranceLevel, Person, User
from govhall.identity.selectors import person_find_by_id_number
from govhall.identity.services import (
    person_register,
    person_reveal_id_number,
    persons_reencrypt,
)

pytestmark = pytest.mark.django_db


def make_id_number(area: str = "520102", birth: str = "19900101", sequence: str = "123") -> str:
    """A resident ID number with the right check character."""
    body = area + birth + sequence
    return body + ric.calc_check_digit(body + "0")


ID_NUMBER = make_id_number()  # 52010219900101123X
LEGACY_ID_NUMBER = ID_NUMBER[:6] + ID_NUMBER[8:17]  # 520102900101123
MOBILE = "13912345678"
PASSWORD = "correct-horse-battery-9"
WEAK_PASSWORD_MESSAGE = (
    "This password is too short. It must contain at least 10 characters. "
    "This password is too common. This password is entirely numeric."
)


def register(**overrides: Any) -> Person:
    values = {"name": "张三", "id_number": ID_NUMBER, "mobile": MOBILE, "password": PASSWORD}
    values.update(overrides)
    return person_register(**values)


def codes(error: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in error.value.errors]


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Person.objects.count(), AuditRecord.objects.count()


def test_ids_of_the_tests() -> None:
    assert ID_NUMBER == "52010219900101123X"
    assert LEGACY_ID_NUMBER == "520102900101123"


def test_register_creates_account_and_person_at_l0() -> None:
    person = register()
    person.refresh_from_db()
    assert person.name == "张三"
    assert person.id_number_masked == "5201**********123X"
    assert person.mobile_masked == "139****5678"
    assert person.birth_date == datetime.date(1990, 1, 1)
    assert person.is_male is True
    assert person.assurance_level == AssuranceLevel.L0
    assert decrypt(person.id_number_encrypted) == ID_NUMBER
    assert decrypt(person.mobile_encrypted) == MOBILE
    assert person.id_number_index == blind_index(ID_NUMBER, kind="id_number")
    assert person.mobile_index == blind_index(MOBILE, kind="mobile")
    assert (person.social_security_encrypted, person.social_security_index) == ("", "")
    assert not AssuranceEvent.objects.exists()
    user = person.user
    assert user.username == "p-" + person.id_number_index[:16]
    assert user.display_name == "张三"
    assert user.check_password(PASSWORD)
    assert not user.is_staff


def test_register_is_audited_with_masked_values_only() -> None:
    person = register()
    record = AuditRecord.objects.get()
    assert (record.action, record.object_type, record.object_id) == (
        "identity.person.register",
        "person",
        str(person.uuid),
    )
    assert record.actor_label == person.user.username
    assert record.data == {
        "username": person.user.username,
        "id_number": "5201**********123X",
        "mobile": "139****5678",
        "assurance_level": 0,
        "with_password": True,
    }


def test_staff_registering_someone_is_the_actor(django_user_model: Any) -> None:
    clerk = django_user_model.objects.create_user(username="clerk", is_staff=True)
    register(actor=clerk)
    assert AuditRecord.objects.get().actor_label == "clerk"


def test_legacy_15_digit_number_is_upgraded() -> None:
    person = register(id_number=LEGACY_ID_NUMBER)
    assert decrypt(person.id_number_encrypted) == ID_NUMBER
    assert person.id_number_masked == "5201**********123X"
    assert person.birth_date == datetime.date(1990, 1, 1)


def test_spelling_is_normalised() -> None:
    person = register(name="  欧阳  娜娜 ", id_number=ID_NUMBER.lower(), mobile="１３９ 1234 5678")
    assert person.name == "欧阳 娜娜"
    assert decrypt(person.id_number_encrypted) == ID_NUMBER
    assert decrypt(person.mobile_encrypted) == MOBILE


def test_every_bad_field_is_reported_at_once() -> None:
    before = counts()
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        register(
            name="李", id_number=ID_NUMBER[:17] + "0", mobile="1391234567", password="12345678"
        )
    assert codes(error) == [
        ("name", "name.length"),
        ("id_number", "id_number.checksum"),
        ("mobile", "mobile.format"),
        ("password", "password.weak"),
    ]
    with translation.override("en"):
        assert [str(e.message) for e in error.value.errors] == [
            "A name has 2 to 50 characters.",
            "The check character of the ID number is wrong.",
            "A mobile number has 11 digits and starts with 13 to 19.",
            WEAK_PASSWORD_MESSAGE,
        ]
    assert counts() == before


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        ("52010219490230123" + "5", "id_number.birth_date"),  # 30 February 1949
        (make_id_number(birth="21000101"), "id_number.birth_date"),  # in the future
        ("5201021990010112", "id_number.length"),
        ("", "id_number.length"),
        ("5201021990O101123X", "id_number.format"),
        (ID_NUMBER[:17] + "1", "id_number.checksum"),
    ],
)
def test_id_number_errors(id_number: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        register(id_number=id_number)
    assert codes(error) == [("id_number", code)]
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "mobile", ["12912345678", "1391234567", "139123456789", "", "+1 555", "139١٢٣٤٥٦٧٨"]
)
def test_mobile_errors(mobile: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        register(mobile=mobile)
    assert codes(error) == [("mobile", "mobile.format")]


@pytest.mark.parametrize("name", ["李", "", "   ", "张" * 51])
def test_name_length(name: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        register(name=name)
    assert codes(error) == [("name", "name.length")]


def test_name_of_50_characters_is_accepted() -> None:
    assert register(name="张" * 50).name == "张" * 50


@pytest.mark.parametrize("id_number", [ID_NUMBER, LEGACY_ID_NUMBER, ID_NUMBER.lower()])
def test_duplicate_id_number_creates_nothing(id_number: str) -> None:
    register()
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        register(id_number=id_number, mobile="13800000000")
    assert codes(error) == [("id_number", "id_number.duplicate")]
    assert counts() == before


def test_duplicate_mobile_creates_nothing() -> None:
    register()
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        register(id_number=make_id_number(sequence="456"), mobile="139-1234-5678")
    assert codes(error) == [("mobile", "mobile.duplicate")]
    assert counts() == before


def test_duplicates_are_reported_with_other_errors() -> None:
    register()
    with pytest.raises(ValidationFailed) as error:
        register(name="李", password="12345678")
    assert codes(error) == [
        ("name", "name.length"),
        ("password", "password.weak"),
        ("id_number", "id_number.duplicate"),
        ("mobile", "mobile.duplicate"),
    ]


def test_a_failure_after_the_account_rolls_everything_back(monkeypatch: Any) -> None:
    """Nothing half-created: an error while writing the audit record undoes user and person."""
    from govhall.identity.services import persons

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(persons, "audit_record_create", broken)
    before = counts()
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        register()
    assert counts() == before


def test_find_by_id_number() -> None:
    person = register()
    assert person_find_by_id_number(ID_NUMBER) == person
    assert person_find_by_id_number(LEGACY_ID_NUMBER) == person
    assert person_find_by_id_number(ID_NUMBER.lower()) == person
    assert person_find_by_id_number(make_id_number(sequence="456")) is None
    assert person_find_by_id_number("") is None


def test_reveal_id_number_is_audited_with_its_purpose(django_user_model: Any) -> None:
    person = register()
    clerk = django_user_model.objects.create_user(username="clerk", is_staff=True)
    clear = person_reveal_id_number(person=person, actor=clerk, purpose="核验低保申请人身份")
    assert clear == ID_NUMBER
    record = AuditRecord.objects.order_by("sequence").last()
    assert record is not None
    assert (record.action, record.object_id, record.actor_label) == (
        "identity.person.reveal_id_number",
        str(person.uuid),
        "clerk",
    )
    assert record.data == {"purpose": "核验低保申请人身份", "id_number": "5201**********123X"}


def test_reveal_without_purpose_is_refused(django_user_model: Any) -> None:
    person = register()
    clerk = django_user_model.objects.create_user(username="clerk", is_staff=True)
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as error:
        person_reveal_id_number(person=person, actor=clerk, purpose="  ")
    assert codes(error) == [("purpose", "purpose.required")]
    assert AuditRecord.objects.count() == before


def test_social_security_index_is_unique_only_when_set() -> None:
    from django.db import IntegrityError, transaction

    first = register()
    second = register(id_number=make_id_number(sequence="456"), mobile="13800000000")
    assert first.social_security_index == second.social_security_index == ""
    Person.objects.filter(pk=first.pk).update(social_security_index="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=second.pk).update(social_security_index="a" * 64)


def test_persons_reencrypt_moves_every_token_to_the_current_key(settings: Any) -> None:
    settings.GOVHALL = {
        **settings.GOVHALL,
        "PERSONAL_DATA_KEYS": {"a": "a1" * 16, "b": "b2" * 16},
        "PERSONAL_DATA_KEY_ID": "a",
    }
    first = register()
    second = register(id_number=make_id_number(sequence="456"), mobile="13800000000")
    settings.GOVHALL = {**settings.GOVHALL, "PERSONAL_DATA_KEY_ID": "b"}
    assert persons_reencrypt(batch_size=1) == 2
    for person, id_number, mobile in (
        (first, ID_NUMBER, MOBILE),
        (second, make_id_number(sequence="456"), "13800000000"),
    ):
        person.refresh_from_db()
        assert key_id_of(person.id_number_encrypted) == key_id_of(person.mobile_encrypted) == "b"
        assert decrypt(person.id_number_encrypted) == id_number
        assert decrypt(person.mobile_encrypted) == mobile
    assert AuditRecord.objects.filter(action="identity.person.reencrypt").count() == 2
    assert persons_reencrypt() == 0  # nothing left on the old key


def test_optional_social_security_number_is_encrypted_indexed_and_unique(db: Any) -> None:
    from govhall.core import personal_data
    from govhall.identity.services import person_register as register

    person = register(
        name="张建国",
        id_number="522522194403151231",
        mobile="13985011234",
        password=PASSWORD,
        social_security="522522194403151231",
    )
    assert personal_data.decrypt(person.social_security_encrypted) == "522522194403151231"
    assert person.social_security_index == personal_data.blind_index(
        "522522194403151231", kind="social_security"
    )
    with pytest.raises(ValidationFailed) as error:
        register(
            name="李秀英",
            id_number="522522194612022241",
            mobile="13985012345",
            password=PASSWORD,
            social_security=" 522522194403151231 ",
        )
    assert [e.code for e in error.value.errors] == ["social_security.duplicate"]
    with pytest.raises(ValidationFailed) as bad:
        register(
            name="李秀英",
            id_number="522522194612022241",
            mobile="13985012345",
            password=PASSWORD,
            social_security="12-34",
        )
    assert [e.code for e in bad.value.errors] == ["social_security.format"]
    assert Person.objects.count() == 1
