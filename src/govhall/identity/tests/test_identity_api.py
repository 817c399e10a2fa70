"""The identity API: POST /api/v1/identity/register answers 201 with masked identifiers, or one
422 problem listing every invalid field with a stable code; GET /api/v1/identity/me needs a
session (401 problem) and a person profile (404 problem). After registering, no table of the
database (the audit log included) holds the clear ID or mobile number."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from govhall.core.models import AuditRecord
from govhall.identity.models import Person, User
from govhall.identity.services import person_reveal_id_number
from govhall.identity.tests.test_person_register import (
    ID_NUMBER,
    LEGACY_ID_NUMBER,
    MOBILE,
    PASSWORD,
    WEAK_PASSWORD_MESSAGE,
)

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/identity/register"
ME = "/api/v1/identity/me"
PROBLEM_JSON = "application/problem+json"


def post(client: Any, **overrides: Any) -> Any:
    body = {"name": "张三", "id_number": ID_NUMBER, "mobile": MOBILE, "password": PASSWORD}
    body.update(overrides)
    return client.post(REGISTER, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_register_answers_201_with_masked_values(client: Any) -> None:
    response = post(client)
    assert response.status_code == 201
    person = Person.objects.get()
    assert response.json() == {
        "uuid": str(person.uuid),
        "name": "张三",
        "id_number_masked": "5201**********123X",
        "mobile_masked": "139****5678",
        "assurance_level": 0,
    }
    assert ID_NUMBER not in response.content.decode()
    assert MOBILE not in response.content.decode()


def test_register_accepts_the_legacy_number(client: Any) -> None:
    response = post(client, id_number=LEGACY_ID_NUMBER)
    assert response.status_code == 201
    assert response.json()["id_number_masked"] == "5201**********123X"


def test_every_bad_field_in_one_422(client: Any) -> None:
    response = post(
        client, name="李", id_number=ID_NUMBER[:17] + "0", mobile="12912345678", password="12345678"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "about:blank",
        "title": "Invalid input",
        "status": 422,
        "detail": "The request contains invalid fields.",
        "errors": [
            {
                "field": "name",
                "code": "name.length",
                "message": "A name has 2 to 50 characters.",
            },
            {
                "field": "id_number",
                "code": "id_number.checksum",
                "message": "The check character of the ID number is wrong.",
            },
            {
                "field": "mobile",
                "code": "mobile.format",
                "message": "A mobile number has 11 digits and starts with 13 to 19.",
            },
            {"field": "password", "code": "password.weak", "message": WEAK_PASSWORD_MESSAGE},
        ],
    }
    assert not User.objects.exists()


def test_impossible_birth_date_is_422(client: Any) -> None:
    response = post(client, id_number="520102194902301235")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "id_number",
            "code": "id_number.birth_date",
            "message": "The birth date in the ID number is not a real date.",
        }
    ]


def test_missing_field_is_422(client: Any) -> None:
    response = client.post(
        REGISTER,
        {"name": "张三", "id_number": ID_NUMBER, "mobile": MOBILE},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("payload.password", "payload.password.missing")
    ]


def test_duplicate_legacy_id_is_422_and_creates_nothing(client: Any) -> None:
    assert post(client).status_code == 201
    before = (User.objects.count(), Person.objects.count(), AuditRecord.objects.count())
    response = post(client, id_number=LEGACY_ID_NUMBER, mobile="13800000000")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "id_number",
            "code": "id_number.duplicate",
            "message": "A person with this ID number is already registered.",
        }
    ]
    assert (User.objects.count(), Person.objects.count(), AuditRecord.objects.count()) == before


def test_me_anonymous_is_401(client: Any) -> None:
    response = client.get(ME, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_JSON
    assert response.json()["title"] == "Authentication required"


def test_me_signed_in(client: Any) -> None:
    post(client)
    person = Person.objects.get()
    client.force_login(person.user)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "uuid": str(person.uuid),
        "name": "张三",
        "id_number_masked": "5201**********123X",
        "mobile_masked": "139****5678",
        "assurance_level": 0,
    }


def test_me_without_person_profile_is_404(client: Any, django_user_model: Any) -> None:
    client.force_login(django_user_model.objects.create_user(username="clerk", is_staff=True))
    response = client.get(ME, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_JSON
    assert response.json()["detail"] == "This account has no person profile."


def test_openapi_describes_who_may_call(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths[REGISTER]["post"]["description"].startswith("Anyone, without signing in.")
    assert paths[ME]["get"]["description"].startswith(
        "A signed-in person (session or bearer token)"
    )


def _dump() -> list[str]:
    """Every value of every column of every table, as text: what a database dump would show."""
    values: list[str] = []
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor, include_views=False):
            columns = [c.name for c in introspection.get_table_description(cursor, table)]
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        values.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        values.append(str(value))
    return values


def test_database_dump_holds_no_clear_id_or_mobile_number(
    client: Any, django_user_model: Any
) -> None:
    """Register, sign in, read the profile and reveal the ID (audited): then scan every table."""
    assert post(client).status_code == 201
    person = Person.objects.get()
    client.force_login(person.user)
    assert client.get(ME).status_code == 200
    clerk = django_user_model.objects.create_user(username="clerk", is_staff=True)
    person_reveal_id_number(person=person, actor=clerk, purpose="核验身份")
    assert AuditRecord.objects.count() == 2

    dump = _dump()
    secrets = {ID_NUMBER, ID_NUMBER.lower(), LEGACY_ID_NUMBER, MOBILE}
    leaks = [(secret, value) for value in dump for secret in secrets if secret in value]
    assert leaks == []
    # The scan did read the person and audit rows: their masked forms are there.
    assert any("5201**********123X" in value for value in dump)
    assert any("139****5678" in value for value in dump)
    assert any("identity.person.reveal_id_number" in value for value in dump)
