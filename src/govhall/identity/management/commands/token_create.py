"""``govhall token-create --user USERNAME``: a personal access token for scripts, shown once."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.core.errors import ValidationFailed
from govhall.identity.models import User
from govhall.identity.services.tokens import token_create

#: The command-line option of each service field, so an error names what the user typed.
OPTIONS = {"name": "--name", "expires_in_days": "--expires-days", "user": "--user"}


class Command(BaseCommand):
    help = "Create a personal access token for USERNAME and print it once (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="USERNAME")
        parser.add_argument("--name", default="script", help="what the token is for")
        parser.add_argument(
            "--expires-days", type=int, default=90, help="1-366; 0 for a token that never expires"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"--user: no account named {options['user']!r}")
        days = options["expires_days"] or None
        try:
            token, clear = token_create(
                user=user, name=options["name"], expires_in_days=days, actor=None
            )
        except ValidationFailed as error:
            raise CommandError(
                "; ".join(f"{OPTIONS.get(e.field, e.field)}: {e.message}" for e in error.errors)
            ) from error
        self.stdout.write(
            json.dumps(
                {
                    "token": clear,
                    "uuid": str(token.uuid),
                    "user": user.username,
                    "name": token.name,
                    "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                },
                ensure_ascii=False,
            )
        )
