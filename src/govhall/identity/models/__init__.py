"""Identity models."""

from govhall.identity.models.mandate import Mandate, MandateKind, ProxyAgent
from govhall.identity.models.organization import Organization, OrganizationType
from govhall.identity.models.person import AssuranceEvent, AssuranceLevel, AssuranceMethod, Person
from govhall.identity.models.sign_in import (
    ConnectedSystem,
    Passkey,
    PersonalAccessToken,
    SignInAttempt,
    SignInMethod,
    SmsCode,
    SmsPurpose,
)
from govhall.identity.models.user import User

__all__ = [
    "AssuranceEvent",
    "AssuranceLevel",
    "AssuranceMethod",
    "ConnectedSystem",
    "Mandate",
    "MandateKind",
    "Organization",
    "OrganizationType",
    "Passkey",
    "Person",
    "PersonalAccessToken",
    "ProxyAgent",
    "SignInAttempt",
    "SignInMethod",
    "SmsCode",
    "SmsPurpose",
    "User",
]
