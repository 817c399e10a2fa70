"""Production profile: what changes at scale is only settings (DESIGN.md, runtime profiles)."""

import gc

from govhall.conf.base import *  # noqa: F403
from govhall.conf.base import (
    GOVHALL,
    INSECURE_DEVELOPMENT_BLIND_INDEX_KEY,
    INSECURE_DEVELOPMENT_OIDC_KEY_FILE,
    INSECURE_DEVELOPMENT_PERSONAL_DATA_KEYS,
    INSECURE_DEVELOPMENT_SEAL_PASSPHRASE,
    OIDC_PRIVATE_KEY,
    SECRET_KEY,
)
from govhall.conf.env import env, parse_bool, parse_list
from govhall.conf.storage import default_storage_setting

DEBUG = False
if SECRET_KEY.startswith("govhall-insecure"):
    raise RuntimeError("SECRET_KEY must be set in the environment for the production profile")
_INSECURE_KEYS = set(INSECURE_DEVELOPMENT_PERSONAL_DATA_KEYS.values())
if _INSECURE_KEYS & set(GOVHALL["PERSONAL_DATA_KEYS"].values()):
    raise RuntimeError(
        "GOVHALL_PERSONAL_DATA_KEYS must be set in the environment for the production profile"
    )
if GOVHALL["PERSONAL_DATA_KEY_ID"] not in GOVHALL["PERSONAL_DATA_KEYS"]:
    raise RuntimeError("GOVHALL_PERSONAL_DATA_KEY_ID must name a key of GOVHALL_PERSONAL_DATA_KEYS")
if GOVHALL["BLIND_INDEX_KEY"].lower() == INSECURE_DEVELOPMENT_BLIND_INDEX_KEY:
    raise RuntimeError("GOVHALL_BLIND_INDEX_KEY must be set in the environment for production")
if OIDC_PRIVATE_KEY.strip() == INSECURE_DEVELOPMENT_OIDC_KEY_FILE.read_text().strip():
    raise RuntimeError("GOVHALL_OIDC_PRIVATE_KEY(_FILE) must be set for the production profile")
if not env("GOVHALL_OIDC_PAIRWISE_KEY", ""):
    # Derived from SECRET_KEY otherwise: rotating SECRET_KEY would change every system's sub.
    raise RuntimeError("GOVHALL_OIDC_PAIRWISE_KEY must be set for the production profile")
if GOVHALL["SMS_BACKEND"] in {"console", "memory"}:
    raise RuntimeError("GOVHALL_SMS_BACKEND must name a real SMS gateway in production")
# Staff confirm every password or SMS sign-in with a passkey (等保 身份鉴别; docs/passkeys.md).
GOVHALL["STAFF_SECOND_FACTOR"] = env("GOVHALL_STAFF_SECOND_FACTOR", True, parse_bool)
SESSION_COOKIE_SECURE = env("SECURE_COOKIES", True, parse_bool)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS only (docs/security.md): browsers remember it for SECURE_HSTS_SECONDS (a year; 0 turns
# it off while a site is first moved to HTTPS).
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", 365 * 24 * 3600, int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("SECURE_HSTS_INCLUDE_SUBDOMAINS", False, parse_bool)
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", False, parse_bool)
# Off by default: nginx in front redirects http:// to https:// (and would loop with this on
# unless it passes SECURE_PROXY_SSL_HEADER).
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", False, parse_bool)
# "HTTP_X_FORWARDED_PROTO,https": the header the proxy in front sets on HTTPS requests (it must
# also remove the header from what clients send).
_proxy_ssl_header: list[str] = env("SECURE_PROXY_SSL_HEADER", [], parse_list)
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise RuntimeError(
            "SECURE_PROXY_SSL_HEADER: expected HEADER,value (HTTP_X_FORWARDED_PROTO,https)"
        )
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1])
STORAGES = {
    "default": default_storage_setting(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Full collections in the middle of a request cost ~1 s outliers in a peer's measurements:
# collect young generations less often; manage.py freezes the start-up heap.
gc.set_threshold(50_000, 50, 100)
if GOVHALL["SEAL_KEY_PASSPHRASE"] == INSECURE_DEVELOPMENT_SEAL_PASSPHRASE:
    raise RuntimeError("GOVHALL_SEAL_KEY_PASSPHRASE must be set in the environment for production")
