"""Identity endpoints: register, read one's own account, verify, organizations, mandates,
access tokens.

Who may call each endpoint is stated in its description; ``auth=USER`` accepts a browser
session (with CSRF) or a bearer token (personal access token or OIDC access token).
"""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from govhall.core.errors import NotFound
from govhall.core.problems import problems
from govhall.identity.acting import principals_for
from govhall.identity.api_auth import USER
from govhall.identity.models import Mandate, Organization, Person, PersonalAccessToken, User
from govhall.identity.selectors import (
    mandates_given,
    mandates_held,
    organizations_represented,
    person_find_by_id_number,
    person_for_user,
    sign_ins_for,
    tokens_for,
)
from govhall.identity.services import person_register
from govhall.identity.services.assurance import person_verify_with_population_source
from govhall.identity.services.mandates import MandateInput, mandate_grant, mandate_revoke
from govhall.identity.services.organizations import organization_register
from govhall.identity.services.second_factor import second_factor_check
from govhall.identity.services.tokens import token_create, token_revoke

router = Router(tags=["identity"])


class RegisterIn(Schema):
    name: str
    id_number: str
    mobile: str
    password: str
    social_security: str = ""


class PersonOut(Schema):
    uuid: uuid.UUID
    name: str
    id_number_masked: str
    mobile_masked: str
    assurance_level: int


def _person_out(person: Person) -> PersonOut:
    return PersonOut(
        uuid=person.uuid,
        name=person.name,
        id_number_masked=person.id_number_masked,
        mobile_masked=person.mobile_masked,
        assurance_level=person.assurance_level,
    )


def _user(request: HttpRequest) -> User:
    """The authenticated account (every endpoint below has ``auth=USER``)."""
    assert isinstance(request.user, User)
    return request.user


def _me(request: HttpRequest) -> Person:
    person = person_for_user(request.user)
    if person is None:
        raise NotFound(_("This account has no person profile."))
    return person


@router.post(
    "/register",
    response={201: PersonOut},
    auth=None,
    summary="Register a person",
    description=(
        "Anyone, without signing in. Creates an account and a person profile at assurance "
        "level 0 (not verified); ID and mobile numbers come back masked only. 422 lists every "
        "invalid field with a stable code: name.length, id_number.length, id_number.format, "
        "id_number.birth_date, id_number.checksum, id_number.duplicate, mobile.format, "
        "mobile.duplicate, social_security.format, social_security.duplicate (the social "
        "security number is optional), password.weak. Does not sign the person in."
    ),
)
def register(request: HttpRequest, payload: RegisterIn) -> Status[PersonOut]:
    person = person_register(
        name=payload.name,
        id_number=payload.id_number,
        mobile=payload.mobile,
        password=payload.password,
        social_security=payload.social_security,
    )
    return Status(201, _person_out(person))


@router.get(
    "/me",
    response=PersonOut,
    auth=USER,
    summary="The signed-in person's profile",
    openapi_extra=problems(404),
    description=(
        "A signed-in person (session or bearer token); 401 when not signed in, 404 when the "
        "account has no person profile (e.g. staff). Identifiers are masked."
    ),
)
def me(request: HttpRequest) -> PersonOut:
    return _person_out(_me(request))


@router.post(
    "/me/verify/population",
    response=PersonOut,
    auth=USER,
    summary="Verify against the population source (L2)",
    openapi_extra=problems(404, 422, 503),
    description=(
        "The signed-in person. Compares their name and ID number with the population source; "
        "422 id_number.unknown, name.mismatch or person.deceased; 503 "
        "population_source.unavailable (nothing is concluded from a source that is down)."
    ),
)
def verify_population(request: HttpRequest) -> PersonOut:
    person = _me(request)
    person_verify_with_population_source(person=person, actor=_user(request))
    return _person_out(person)


class SignInOut(Schema):
    occurred_at: datetime.datetime
    method: str
    identifier: str
    ip_address: str | None
    succeeded: bool
    failure_code: str


@router.get(
    "/me/sign-ins",
    response=list[SignInOut],
    auth=USER,
    summary="My recent sign-ins",
    description="Any signed-in account: its last 20 sign-in attempts, newest first.",
)
def my_sign_ins(request: HttpRequest) -> list[SignInOut]:
    return [
        SignInOut(
            occurred_at=a.occurred_at,
            method=a.method,
            identifier=a.identifier_masked,
            ip_address=a.ip_address,
            succeeded=a.succeeded,
            failure_code=a.failure_code,
        )
        for a in sign_ins_for(_user(request))
    ]


class PrincipalOut(Schema):
    principal_type: str
    principal_uuid: uuid.UUID
    name: str
    basis: str
    mandate_uuid: uuid.UUID | None


@router.get(
    "/me/principals",
    response=list[PrincipalOut],
    auth=USER,
    summary="Everyone I may act for today",
    description=(
        "The signed-in person: themself, organizations they represent, and principals of "
        "mandates in force today."
    ),
)
def my_principals(request: HttpRequest) -> list[PrincipalOut]:
    return [
        PrincipalOut(
            principal_type=a.principal_type,
            principal_uuid=a.principal_uuid,
            name=a.principal_label,
            basis=a.basis,
            mandate_uuid=a.mandate_uuid,
        )
        for a in principals_for(request.user)
    ]


class OrganizationIn(Schema):
    credit_code: str


class OrganizationOut(Schema):
    uuid: uuid.UUID
    name: str
    credit_code: str
    org_type: str
    region_code: str
    legal_representative_name: str


def _organization_out(organization: Organization) -> OrganizationOut:
    return OrganizationOut(
        uuid=organization.uuid,
        name=organization.name,
        credit_code=organization.credit_code,
        org_type=organization.org_type,
        region_code=organization.region.code,
        legal_representative_name=organization.legal_representative_name,
    )


@router.get(
    "/organizations",
    response=list[OrganizationOut],
    auth=USER,
    summary="Organizations I represent",
    description="The signed-in person: organizations naming them as legal representative.",
)
def my_organizations(request: HttpRequest) -> list[OrganizationOut]:
    return [_organization_out(o) for o in organizations_represented(person_for_user(request.user))]


@router.post(
    "/organizations",
    response={201: OrganizationOut},
    auth=USER,
    summary="Register my organization",
    openapi_extra=problems(403, 503),
    description=(
        "The organization's legal representative (signed in), or staff with "
        "identity.add_organization. Name, type, region and representative come from the "
        "legal-entity source. 422 credit_code.checksum|unknown|inactive|duplicate; 403 "
        "when the caller is not the representative; 503 legal_entity_source.unavailable."
    ),
)
def organization_add(request: HttpRequest, payload: OrganizationIn) -> Status[OrganizationOut]:
    organization = organization_register(credit_code=payload.credit_code, actor=_user(request))
    return Status(201, _organization_out(organization))


class MandateIn(Schema):
    kind: str
    agent_id_number: str
    agent_name: str
    organization_uuid: uuid.UUID | None = None
    valid_until: datetime.date
    item_codes: list[str] = []
    consent_text: str = ""


class MandateOut(Schema):
    uuid: uuid.UUID
    kind: str
    agent_name: str
    agent_id_number_masked: str
    principal_type: str
    principal_name: str
    item_codes: list[str]
    valid_from: datetime.date
    valid_until: datetime.date
    revoked_at: datetime.datetime | None


def _mandate_out(mandate: Mandate) -> MandateOut:
    principal = mandate.principal_person or mandate.principal_organization
    assert principal is not None
    return MandateOut(
        uuid=mandate.uuid,
        kind=mandate.kind,
        agent_name=mandate.agent.name,
        agent_id_number_masked=mandate.agent.id_number_masked,
        principal_type="person" if mandate.principal_person_id else "organization",
        principal_name=principal.name,
        item_codes=list(mandate.item_codes),
        valid_from=mandate.valid_from,
        valid_until=mandate.valid_until,
        revoked_at=mandate.revoked_at,
    )


class MandatesOut(Schema):
    given: list[MandateOut]
    held: list[MandateOut]


@router.get(
    "/mandates",
    response=MandatesOut,
    auth=USER,
    summary="Mandates I gave and hold",
    description="The signed-in person: mandates given by them or their organizations, and held.",
)
def my_mandates(request: HttpRequest) -> MandatesOut:
    person = person_for_user(request.user)
    given = mandates_given(person, organizations_represented(person))
    return MandatesOut(
        given=[_mandate_out(m) for m in given],
        held=[_mandate_out(m) for m in mandates_held(person)],
    )


@router.post(
    "/mandates",
    response={201: MandateOut},
    auth=USER,
    summary="Give a mandate",
    openapi_extra=problems(403, 404),
    description=(
        "The principal (signed in): for an organization (organization_uuid) its legal "
        "representative; a proxy-agent mandate may also be recorded by the agent with the "
        "signed consent_text. The agent is named by ID number and name, which must match a "
        "registered person (422 agent.unknown). 422 valid_until.*, agent.not_proxy_agent, "
        "consent_text.required; 403 when the caller may not grant it."
    ),
)
def mandate_add(request: HttpRequest, payload: MandateIn) -> Status[MandateOut]:
    from govhall.core.errors import FieldError, ValidationFailed

    me_person = _me(request)
    agent = person_find_by_id_number(payload.agent_id_number)
    if agent is None or "".join(agent.name.split()) != "".join(payload.agent_name.split()):
        raise ValidationFailed(
            [
                FieldError(
                    "agent_id_number",
                    "agent.unknown",
                    _("No registered person has this name and ID number."),
                )
            ]
        )
    organization = None
    if payload.organization_uuid is not None:
        organization = Organization.objects.filter(uuid=payload.organization_uuid).first()
        if organization is None:
            raise NotFound(_("No such organization."))
    mandate = mandate_grant(
        data=MandateInput(
            kind=payload.kind,
            agent=agent,
            principal_person=None if organization else me_person,
            principal_organization=organization,
            valid_until=payload.valid_until,
            item_codes=payload.item_codes,
            consent_text=payload.consent_text,
        ),
        actor=_user(request),
    )
    return Status(201, _mandate_out(mandate))


class RevokeIn(Schema):
    reason: str


@router.post(
    "/mandates/{mandate_uuid}/revoke",
    response=MandateOut,
    auth=USER,
    summary="Revoke a mandate",
    openapi_extra=problems(404, 409),
    description=(
        "Its principal, the organization's representative, its agent (giving it up), or whoever "
        "granted it; others get 404 (a mandate's existence is not disclosed). 409 when already "
        "revoked; 422 reason.required."
    ),
)
def mandate_revoke_endpoint(
    request: HttpRequest, mandate_uuid: uuid.UUID, payload: RevokeIn
) -> MandateOut:
    from govhall.core.errors import PermissionDenied

    mandate = (
        Mandate.objects.select_related("agent", "principal_person", "principal_organization")
        .filter(uuid=mandate_uuid)
        .first()
    )
    if mandate is None:
        raise NotFound(_("No such mandate."))
    try:
        revoked = mandate_revoke(mandate=mandate, actor=_user(request), reason=payload.reason)
    except PermissionDenied:
        raise NotFound(_("No such mandate.")) from None
    return _mandate_out(revoked)


class TokenIn(Schema):
    name: str
    expires_in_days: int | None = 90


class TokenOut(Schema):
    uuid: uuid.UUID
    name: str
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class TokenCreatedOut(TokenOut):
    token: str


def _token_out(token: PersonalAccessToken) -> dict[str, object]:
    return {
        "uuid": token.uuid,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get(
    "/tokens",
    response=list[TokenOut],
    auth=USER,
    summary="My personal access tokens",
    description="Any signed-in account: its tokens (never the token itself), newest first.",
)
def my_tokens(request: HttpRequest) -> list[TokenOut]:
    return [TokenOut(**_token_out(t)) for t in tokens_for(_user(request))]  # type: ignore[arg-type]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    auth=USER,
    summary="Create a personal access token",
    openapi_extra=problems(403),
    description=(
        "Any signed-in account, for itself. The clear token is in this answer only. 422 "
        "name.length, expires_in_days.range (1-366; null: never expires). Staff under the "
        "second-factor policy need a browser session whose sign-in passed the second factor "
        "(a token cannot create another): else 403 sign_in.second_factor_required."
    ),
)
def token_add(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    user = _user(request)
    second_factor_check(request.session, user)
    token, clear = token_create(
        user=user, name=payload.name, expires_in_days=payload.expires_in_days, actor=user
    )
    return Status(201, TokenCreatedOut(**_token_out(token), token=clear))  # type: ignore[arg-type]


@router.delete(
    "/tokens/{token_uuid}",
    response={204: None},
    auth=USER,
    summary="Revoke a personal access token",
    openapi_extra=problems(404, 409),
    description="The token's owner; 404 for anyone else's token; 409 when already revoked.",
)
def token_delete(request: HttpRequest, token_uuid: uuid.UUID) -> Status[None]:
    token = PersonalAccessToken.objects.filter(uuid=token_uuid, user_id=_user(request).pk).first()
    if token is None:
        raise NotFound(_("No such token."))
    token_revoke(token=token, actor=_user(request))  # type: ignore[arg-type]
    return Status(204, None)
