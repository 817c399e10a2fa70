"""What a relying party learns (identity.oidc.claims): a pairwise ``sub`` per system that is
neither a key nor the account's UUID; profile claims with ``profile``; each identifier only
with its own scope, from userinfo, never in the ID token; every release of a clear ID or
mobile number is audited with the masked value only; a system that skips the consent page
gets no identifier scope; staff accounts are described as staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from govhall.core.models import AuditRecord, Region
from govhall.identity.models import AssuranceLevel, Organization, Person
from govhall.identity.oidc.subjects import pairwise_subject
from govhall.identity.tests.test_oidc_support import (
    ID_NUMBER_MASKED,
    OTHER_REDIRECT_URI,
    PERSON,
    RelyingParty,
    jwt_claims,
    person,
    register_rp,
    rp,
    sign_in_at,
    signed_in,
    staff_user,
    userinfo,
)

__all__ = ["person", "rp", "signed_in"]  # fixtures

pytestmark = pytest.mark.django_db

ALL_SCOPES = "openid profile id_number_masked id_number phone credit_code"


def releases() -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (r.action, r.actor_label, r.object_id, r.data)
        for r in AuditRecord.objects.filter(action__startswith="identity.oidc.release").order_by(
            "sequence"
        )
    ]


def test_sub_is_pairwise_and_opaque(signed_in: Client, person: Person, rp: RelyingParty) -> None:
    other = register_rp(name="开阳县医保服务系统", redirect_uri=OTHER_REDIRECT_URI)

    first = jwt_claims(sign_in_at(signed_in, rp)["id_token"])["sub"]
    again = jwt_claims(sign_in_at(signed_in, rp)["id_token"])["sub"]
    elsewhere = jwt_claims(sign_in_at(signed_in, other)["id_token"])["sub"]

    assert first == again
    assert first != elsewhere
    user = person.user
    for sub in (first, elsewhere):
        assert len(sub) == 64
        assert int(sub, 16) >= 0
        assert sub not in {str(user.pk), str(user.uuid), user.uuid.hex, user.username}
    assert first == pairwise_subject(client_id=rp.client_id, user_uuid=user.uuid)
    assert elsewhere == pairwise_subject(client_id=other.client_id, user_uuid=user.uuid)


def test_sub_depends_on_the_pairwise_key(person: Person, settings: Any) -> None:
    before = pairwise_subject(client_id="abc", user_uuid=person.user.uuid)
    settings.GOVHALL = {**settings.GOVHALL, "OIDC_PAIRWISE_KEY": "11" * 32}
    assert pairwise_subject(client_id="abc", user_uuid=person.user.uuid) != before


def test_openid_alone_gives_the_subject_only(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    tokens = sign_in_at(signed_in, rp, scope="openid")
    sub = pairwise_subject(client_id=rp.client_id, user_uuid=person.user.uuid)

    assert tokens["scope"] == "openid"
    assert userinfo(signed_in, tokens["access_token"]).json() == {"sub": sub}
    id_token = jwt_claims(tokens["id_token"])
    assert set(id_token) == {
        "aud",
        "iat",
        "at_hash",
        "sub",
        "iss",
        "exp",
        "auth_time",
        "jti",
        "nonce",
    }
    assert id_token["sub"] == sub
    assert id_token["aud"] == rp.client_id
    assert id_token["iss"] == settings.OIDC_ISSUER
    assert id_token["nonce"] == "nonce-42"


def test_profile_describes_the_person(signed_in: Client, person: Person, rp: RelyingParty) -> None:
    Person.objects.filter(pk=person.pk).update(assurance_level=AssuranceLevel.L2)

    tokens = sign_in_at(signed_in, rp, scope="openid profile")

    sub = pairwise_subject(client_id=rp.client_id, user_uuid=person.user.uuid)
    profile = {"sub": sub, "name": "张建国", "identity_type": "person", "assurance_level": 2}
    assert userinfo(signed_in, tokens["access_token"]).json() == profile
    id_token = jwt_claims(tokens["id_token"])
    assert {key: id_token[key] for key in profile} == profile
    assert releases() == []


def test_masked_id_number_only_with_its_scope_and_never_in_the_id_token(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    tokens = sign_in_at(signed_in, rp, scope="openid id_number_masked")

    claims = userinfo(signed_in, tokens["access_token"]).json()
    assert claims == {
        "sub": pairwise_subject(client_id=rp.client_id, user_uuid=person.user.uuid),
        "id_number_masked": ID_NUMBER_MASKED,
    }
    assert "id_number_masked" not in jwt_claims(tokens["id_token"])
    assert releases() == []


def test_full_id_number_only_with_its_scope_and_every_release_is_audited(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    without = sign_in_at(signed_in, rp, scope="openid profile id_number_masked")
    assert "id_number" not in userinfo(signed_in, without["access_token"]).json()
    assert releases() == []

    tokens = sign_in_at(signed_in, rp, scope="openid id_number")
    first = userinfo(signed_in, tokens["access_token"]).json()
    second = userinfo(signed_in, tokens["access_token"]).json()

    assert first["id_number"] == PERSON["id_number"]
    assert second == first
    assert PERSON["id_number"] not in tokens["id_token"]
    assert "id_number" not in jwt_claims(tokens["id_token"])
    record = (
        "identity.oidc.release_id_number",
        person.user.username,
        str(person.uuid),
        {"client_id": rp.client_id, "id_number": ID_NUMBER_MASKED},
    )
    assert releases() == [record, record]
    for row in AuditRecord.objects.all():
        assert PERSON["id_number"] not in str(row.data)


def test_phone_number_is_audited_like_the_id_number(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    tokens = sign_in_at(signed_in, rp, scope="openid phone")

    claims = userinfo(signed_in, tokens["access_token"]).json()

    assert claims["phone_number"] == PERSON["mobile"]
    assert set(claims) == {"sub", "phone_number"}
    assert releases() == [
        (
            "identity.oidc.release_phone_number",
            person.user.username,
            str(person.uuid),
            {"client_id": rp.client_id, "phone_number": "139****1234"},
        )
    ]


def test_credit_codes_of_the_organizations_the_person_represents(
    signed_in: Client, person: Person, rp: RelyingParty
) -> None:
    from govhall.conftest import make_credit_code

    county = Region.objects.get(code="520121000000")
    codes = [make_credit_code("520121", serial, authority="9", kind="1") for serial in (7, 3)]
    for number, code in enumerate(codes):
        Organization.objects.create(
            name=f"开阳县富硒茶业有限公司{number}",
            credit_code=code,
            org_type="enterprise",
            region=county,
            legal_representative=person,
            legal_representative_name=person.name,
            legal_representative_id_encrypted=person.id_number_encrypted,
            legal_representative_id_index=person.id_number_index,
            legal_representative_id_masked=person.id_number_masked,
        )

    tokens = sign_in_at(signed_in, rp, scope="openid credit_code")
    without = sign_in_at(signed_in, rp, scope="openid profile")

    assert userinfo(signed_in, tokens["access_token"]).json()["credit_codes"] == sorted(codes)
    assert "credit_codes" not in userinfo(signed_in, without["access_token"]).json()


def test_every_scope_at_once(signed_in: Client, person: Person, rp: RelyingParty) -> None:
    tokens = sign_in_at(signed_in, rp, scope=ALL_SCOPES)

    assert tokens["scope"] == ALL_SCOPES
    assert userinfo(signed_in, tokens["access_token"]).json() == {
        "sub": pairwise_subject(client_id=rp.client_id, user_uuid=person.user.uuid),
        "name": "张建国",
        "identity_type": "person",
        "assurance_level": 0,
        "id_number_masked": ID_NUMBER_MASKED,
        "id_number": PERSON["id_number"],
        "phone_number": PERSON["mobile"],
        "credit_codes": [],
    }


def test_staff_without_a_person_are_staff_at_level_0(client: Client, rp: RelyingParty) -> None:
    clerk = staff_user(display_name="王秀英")
    client.force_login(clerk)

    tokens = sign_in_at(client, rp, scope=ALL_SCOPES)

    assert userinfo(client, tokens["access_token"]).json() == {
        "sub": pairwise_subject(client_id=rp.client_id, user_uuid=clerk.uuid),
        "name": "王秀英",
        "identity_type": "staff",
        "assurance_level": 0,
        "credit_codes": [],
    }
    assert releases() == []


def test_a_system_that_skips_consent_gets_no_identifier_scope(
    signed_in: Client, person: Person
) -> None:
    trusted = register_rp(name="贵州政务服务网", skip_authorization=True)

    tokens = sign_in_at(signed_in, trusted, scope=ALL_SCOPES)

    assert tokens["scope"] == "openid profile"
    claims = userinfo(signed_in, tokens["access_token"]).json()
    assert set(claims) == {"sub", "name", "identity_type", "assurance_level"}
    assert releases() == []
