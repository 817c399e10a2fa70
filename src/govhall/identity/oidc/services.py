"""Writes for single sign-on: registering relying parties, recording sign-ins, releasing
identifiers.

Each function runs in one transaction and writes its audit record in it. Releasing a clear ID
or mobile number to a relying party is a read of personal data for someone else, so it is
audited like ``person_reveal_id_number``: masked value and client id in the record, never the
clear value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.generators import generate_client_secret  # type: ignore[import-untyped]
from oauth2_provider.models import Application  # type: ignore[import-untyped]
from oauth2_provider.settings import oauth2_settings  # type: ignore[import-untyped]
from oauth2_provider.validators import AllowedURIValidator  # type: ignore[import-untyped]

from govhall.core import personal_data
from govhall.core.audit import audit_record_create
from govhall.core.errors import ErrorCollector
from govhall.identity.models import ConnectedSystem, Person, User

Actor = AbstractBaseUser | AnonymousUser | None

NAME_MAX_LENGTH = 255  # Application.name


@dataclass(frozen=True, slots=True)
class RegisteredClient:
    """A new relying party and its clear secret (``None`` for a public client).

    The database keeps only a hash of the secret, so this is the one moment it can be shown.
    """

    application: Application
    client_secret: str | None


def _uri_errors(
    errors: ErrorCollector, field: str, uris: Iterable[str], *, schemes: list[str]
) -> list[str]:
    """Check each address; returns them without duplicates, in the order given."""
    checked: list[str] = []
    validator = AllowedURIValidator(schemes, field, allow_path=True, allow_query=True)
    for uri in uris:
        uri = uri.strip()
        parts = urlsplit(uri) if uri and not any(c.isspace() for c in uri) else None
        if parts is None or not parts.scheme:
            errors.add(
                field,
                f"{field}.invalid",
                _("“%(uri)s” is not an absolute address such as https://host/path.") % {"uri": uri},
            )
            continue
        if parts.scheme.lower() not in schemes:
            errors.add(
                field,
                f"{field}.scheme",
                _("“%(uri)s” uses the scheme “%(scheme)s”; allowed: %(allowed)s.")
                % {"uri": uri, "scheme": parts.scheme, "allowed": ", ".join(schemes)},
            )
            continue
        if "#" in uri:
            errors.add(
                field,
                f"{field}.fragment",
                _("“%(uri)s” has a fragment (#…); a redirect address may not have one.")
                % {"uri": uri},
            )
            continue
        if "@" in parts.netloc or "*" in parts.netloc:
            errors.add(
                field,
                f"{field}.invalid",
                _("“%(uri)s” names its host with a user name or a wildcard; give the host.")
                % {"uri": uri},
            )
            continue
        try:
            validator(uri)
        except ValidationError:
            errors.add(
                field,
                f"{field}.invalid",
                _("“%(uri)s” is not an absolute address such as https://host/path.") % {"uri": uri},
            )
            continue
        if uri not in checked:
            checked.append(uri)
    return checked


def _full_clean(application: Application) -> None:
    """DOT's own rules (an RSA key is configured ...), after ours, as ``ValidationFailed``."""
    try:
        application.full_clean()
    except ValidationError as error:
        errors = ErrorCollector()
        for field, messages in error.message_dict.items():
            name = {"redirect_uris": "redirect_uri"}.get(field, field)
            for message in messages:
                errors.add(name, f"{name}.invalid", message)
        errors.raise_if_any()


def oidc_client_create(
    *,
    name: str,
    redirect_uris: list[str],
    confidential: bool,
    post_logout_redirect_uris: list[str] | None = None,
    client_credentials: bool = False,
    actor: Actor = None,
) -> RegisteredClient:
    """Register a relying party; returns it with its clear secret (shown once).

    By default the system signs people in with the authorization code flow (PKCE, RS256 ID
    tokens), as a ``confidential`` client (a server that keeps a secret) or a public one
    (a phone or browser app). With ``client_credentials`` it is a confidential system that
    calls govhall for itself: it signs no one in, so it takes no redirect addresses.

    Raises ``ValidationFailed`` with every problem (``name.required``, ``name.length``,
    ``redirect_uri.required|invalid|scheme|fragment|not_used``,
    ``post_logout_redirect_uri.invalid|scheme|fragment|not_used|confidential_only``);
    on any problem nothing is created.
    """
    errors = ErrorCollector()
    name = " ".join(name.split())
    if not name:
        errors.add("name", "name.required", _("Give the system a name."))
    elif len(name) > NAME_MAX_LENGTH:
        errors.add("name", "name.length", _("A system name has at most 255 characters."))
    schemes = [s.lower() for s in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES]
    logout_uris = post_logout_redirect_uris or []
    if client_credentials:
        confidential = True
        for field, given in (
            ("redirect_uri", redirect_uris),
            ("post_logout_redirect_uri", logout_uris),
        ):
            if given:
                errors.add(
                    field,
                    f"{field}.not_used",
                    _("A client-credentials system signs no one in and takes no such address."),
                )
        redirects: list[str] = []
        logouts: list[str] = []
    else:
        redirects = _uri_errors(errors, "redirect_uri", redirect_uris, schemes=schemes)
        if not redirect_uris:
            errors.add(
                "redirect_uri",
                "redirect_uri.required",
                _("Give at least one address people are sent back to after signing in."),
            )
        logouts = _uri_errors(errors, "post_logout_redirect_uri", logout_uris, schemes=schemes)
        # The RP-initiated logout endpoint refuses http addresses of public clients
        # (OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS); say so now, not at the first logout.
        if not confidential and oauth2_settings.OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS:
            for uri in logouts:
                if urlsplit(uri).scheme.lower() == "http":
                    errors.add(
                        "post_logout_redirect_uri",
                        "post_logout_redirect_uri.confidential_only",
                        _("“%(uri)s”: only confidential systems may return to an http address.")
                        % {"uri": uri},
                    )
    errors.raise_if_any()

    secret = generate_client_secret()
    application = Application(
        name=name,
        client_type=(
            Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC
        ),
        authorization_grant_type=(
            Application.GRANT_CLIENT_CREDENTIALS
            if client_credentials
            else Application.GRANT_AUTHORIZATION_CODE
        ),
        redirect_uris=" ".join(redirects),
        post_logout_redirect_uris=" ".join(logouts),
        algorithm=Application.RS256_ALGORITHM,
        client_secret=secret,  # hashed by the field when saved
        hash_client_secret=True,
        skip_authorization=False,
    )
    _full_clean(application)
    with transaction.atomic():
        application.save()
        audit_record_create(
            actor=actor,
            action="identity.oidc.client_create",
            object_type="oidc_client",
            object_id=application.client_id,
            data={
                "name": application.name,
                "client_type": application.client_type,
                "grant_type": application.authorization_grant_type,
                "redirect_uris": redirects,
                "post_logout_redirect_uris": logouts,
            },
        )
    return RegisteredClient(application, secret if confidential else None)


def connected_system_record(*, user: User, application: Application) -> ConnectedSystem:
    """Count one sign-in of ``user`` at ``application`` (their account page lists these).

    Safe under concurrency: the counter is incremented in the database, and two first
    sign-ins racing each other meet the unique constraint, the loser incrementing instead.
    """
    now = timezone.now()
    rows = ConnectedSystem.objects.filter(user=user, application=application)
    with transaction.atomic():
        updated = rows.update(last_signed_in_at=now, sign_in_count=F("sign_in_count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    ConnectedSystem.objects.create(
                        user=user,
                        application=application,
                        first_signed_in_at=now,
                        last_signed_in_at=now,
                        sign_in_count=1,
                    )
            except IntegrityError:
                rows.update(last_signed_in_at=now, sign_in_count=F("sign_in_count") + 1)
        audit_record_create(
            actor=user,
            action="identity.oidc.sign_in",
            object_type="user",
            object_id=str(user.uuid),
            data={"client_id": application.client_id, "application": application.name},
        )
    return rows.get()


def _release(*, person: Person, client_id: str, what: str, masked: str, token: str) -> str:
    """Decrypt one identifier for a relying party, leaving an audit record with its masked form."""
    with transaction.atomic():
        audit_record_create(
            actor=person.user,
            action=f"identity.oidc.release_{what}",
            object_type="person",
            object_id=str(person.uuid),
            data={"client_id": client_id, what: masked},
        )
        return personal_data.decrypt(token)


def oidc_id_number_release(*, person: Person, client_id: str) -> str:
    """The clear ID number for the relying party ``client_id``, audited (masked only)."""
    return _release(
        person=person,
        client_id=client_id,
        what="id_number",
        masked=person.id_number_masked,
        token=person.id_number_encrypted,
    )


def oidc_phone_number_release(*, person: Person, client_id: str) -> str:
    """The clear mobile number for the relying party ``client_id``, audited (masked only)."""
    return _release(
        person=person,
        client_id=client_id,
        what="phone_number",
        masked=person.mobile_masked,
        token=person.mobile_encrypted,
    )
