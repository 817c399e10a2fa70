"""``govhall oidc-client-create``: register a system that signs people in through govhall.

Prints the new client as JSON, with its secret in clear: the database keeps only a hash, so
this is the only time anyone sees it.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.core.errors import ValidationFailed
from govhall.identity.oidc.selectors import oidc_issuer
from govhall.identity.oidc.services import oidc_client_create


class Command(BaseCommand):
    help = (
        "Register an OpenID Connect relying party (authorization code with PKCE, RS256 ID "
        "tokens) or, with --client-credentials, a system calling govhall for itself; prints "
        "its client_id and client_secret (shown once) as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Not ``required=True``: argparse would exit with status 2 and its own wording; the
        # service reports a missing name like every other bad option (status 1).
        parser.add_argument("--name", default="", help="the system's name, shown to people")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            metavar="URI",
            help="where people are sent back after signing in (repeat for several)",
        )
        parser.add_argument(
            "--confidential",
            action="store_true",
            help="a server that keeps a secret (default: public, e.g. a phone app)",
        )
        parser.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            default=[],
            metavar="URI",
            help="where people may be sent after logging out (repeat for several)",
        )
        parser.add_argument(
            "--client-credentials",
            action="store_true",
            help="a confidential system that calls govhall for itself and signs no one in",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            registered = oidc_client_create(
                name=options["name"],
                redirect_uris=options["redirect_uri"],
                confidential=options["confidential"],
                post_logout_redirect_uris=options["post_logout_redirect_uri"],
                client_credentials=options["client_credentials"],
                actor=None,
            )
        except ValidationFailed as error:
            raise CommandError(
                "; ".join(f"--{e.field.replace('_', '-')}: {e.message}" for e in error.errors)
            ) from error
        application = registered.application
        self.stdout.write(
            json.dumps(
                {
                    "client_id": application.client_id,
                    "client_secret": registered.client_secret,
                    "name": application.name,
                    "client_type": application.client_type,
                    "grant_type": application.authorization_grant_type,
                    "redirect_uris": application.redirect_uris.split(),
                    "post_logout_redirect_uris": application.post_logout_redirect_uris.split(),
                    "algorithm": application.algorithm,
                    "issuer": oidc_issuer(),
                },
                ensure_ascii=False,
            )
        )
