"""``govhall token-revoke UUID``: revoke a personal access token at once."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.core.errors import DomainError
from govhall.identity.models import PersonalAccessToken, User
from govhall.identity.services.tokens import token_revoke


class Command(BaseCommand):
    help = "Revoke the personal access token with this UUID (printed by token-create)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token_uuid", metavar="UUID")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = uuid.UUID(options["token_uuid"])
        except ValueError:
            raise CommandError("UUID: not a UUID") from None
        token = PersonalAccessToken.objects.filter(uuid=key).first()
        if token is None:
            raise CommandError(f"no token {key}")
        # The command runs with the server's authority: revoke as the token's owner.
        owner = User.objects.get(pk=token.user_id)
        try:
            token_revoke(token=token, actor=owner)
        except DomainError as error:
            raise CommandError(str(error.detail)) from error
        self.stdout.write(f"revoked {token.prefix}… ({token.name})")
