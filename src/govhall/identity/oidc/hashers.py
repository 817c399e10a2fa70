"""A password hasher for OAuth client secrets, which are not passwords.

DOT stores client secrets hashed with ``OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"]`` — by default
Django's first password hasher, PBKDF2 with a million rounds — and checks the secret on every
token request of a confidential client. The rounds exist to slow the guessing of passwords
people chose; a client secret is 128 random characters (about 760 bits), which no number of
guesses finds. The million rounds then only cost a quarter to half a second of CPU per sign-in,
refresh and client-credentials call (bench/bench_oidc.py).

Enable it in the settings (docs/oidc.md): add ``"govhall.identity.oidc.hashers.
ClientSecretHasher"`` to ``PASSWORD_HASHERS`` (after the others, so people's passwords keep
the slow default) and set ``OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"] = "govhall_client_secret"``.
Secrets stored under the old hasher keep working; new and reset secrets use this one.
"""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class ClientSecretHasher(PBKDF2PasswordHasher):
    """Salted PBKDF2-HMAC-SHA256 with one round: right for high-entropy random secrets only."""

    algorithm = "govhall_client_secret"
    iterations = 1
