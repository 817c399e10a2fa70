"""Reads for single sign-on: the systems a user signed in to, and what claims draw on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from oauth2_provider.settings import oauth2_settings  # type: ignore[import-untyped]

from govhall.identity.models import ConnectedSystem, Person


def oidc_issuer() -> str:
    """The issuer relying parties are configured with (settings, never the Host header)."""
    return str(oauth2_settings.OIDC_ISS_ENDPOINT)


@dataclass(frozen=True, slots=True)
class ConnectedSystemSummary:
    """One system on a user's account page: what it is called and how it was used."""

    application_name: str
    first_signed_in_at: datetime.datetime
    last_signed_in_at: datetime.datetime
    sign_in_count: int


def connected_systems_for_user(
    user: AbstractBaseUser | AnonymousUser,
) -> list[ConnectedSystemSummary]:
    """The systems ``user`` signed in to through govhall, the most recently used first.

    One query; an anonymous user has none. A system without a name shows its client id, as the
    admin does.
    """
    if not user.is_authenticated:
        return []
    rows = (
        ConnectedSystem.objects.filter(user_id=user.pk)
        .select_related("application")
        .order_by("-last_signed_in_at", "-id")
    )
    return [
        ConnectedSystemSummary(
            application_name=str(row.application),
            first_signed_in_at=row.first_signed_in_at,
            last_signed_in_at=row.last_signed_in_at,
            sign_in_count=row.sign_in_count,
        )
        for row in rows
    ]


def credit_codes_represented_by(person: Person) -> list[str]:
    """Credit codes of the organizations whose legal representative ``person`` is, sorted."""
    from govhall.identity.selectors import organizations_represented

    return [organization.credit_code for organization in organizations_represented(person)]
