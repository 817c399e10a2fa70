"""Embedded-default settings: every value comes from the environment through :func:`env`.

With no environment at all this is the county-on-one-VM profile of DESIGN.md: SQLite under
``var/``, the database task backend, file-system storage, console SMS and e-mail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from govhall.conf.env import env, parse_bool, parse_list
from govhall.conf.storage import default_storage_setting

PROJECT_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = Path(env("GOVHALL_DATA_DIR", str(PROJECT_DIR / "var")))

DEBUG = env("DEBUG", False, parse_bool)
# The embedded default runs on a developer's machine; production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", "govhall-insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = env("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"], parse_list)
CSRF_TRUSTED_ORIGINS: list[str] = env("CSRF_TRUSTED_ORIGINS", [], parse_list)
# The public base URL: printed guides, QR codes and OIDC issuers are built from it.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    # Before django_tasks_db: its ``db_worker`` command is replaced by one that survives a
    # database restart (core/management/commands/db_worker.py).
    "govhall.core",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "govhall.identity",
    "govhall.archive",
    "govhall.licenses",
    "govhall.rules",
    "govhall.notifications",
    "govhall.catalog",
    "govhall.cases",
    "govhall.api",
    # Before oauth2_provider: its consent and logout templates are overridden in the portal.
    "govhall.portal",
    "govhall.workbench",
    "oauth2_provider",
    "govhall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "govhall.core.security_headers.ContentSecurityPolicyMiddleware",
    "govhall.core.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions without a second factor reach only passkey enrolment (off unless policy).
    "govhall.identity.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost: its 503 for a database outage or a full disk still gets every header above.
    "govhall.core.outages.OutageMiddleware",
]

ROOT_URLCONF = "govhall.urls"
WSGI_APPLICATION = "govhall.wsgi.application"
ASGI_APPLICATION = "govhall.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govhall.portal.context_processors.unread_notifications",
            ],
        },
    },
]

_SQLITE_DEFAULT = f"sqlite:///{DATA_DIR / 'govhall.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", _SQLITE_DEFAULT))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env("DATABASE_CONN_MAX_AGE", 60, int)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# People's passwords use Django's default (PBKDF2, 1,000,000 rounds); OAuth client secrets,
# 128 random characters, use the one-round hasher (identity/oidc/hashers.py).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "govhall.identity.oidc.hashers.ClientSecretHasher",
]
# One sign-in page for the portal, the workbench (admin) and single sign-on (identity.views).
LOGIN_URL = "portal:sign_in"
LOGIN_REDIRECT_URL = "/"
AUTHENTICATION_BACKENDS = ["govhall.identity.backends.IdentityBackend"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    # The file system under MEDIA_ROOT; S3-compatible storage when GOVHALL_S3_BUCKET is set.
    "default": default_storage_setting(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Third-party browser assets (htmx, bpmn-js) come from the npm registry at set-up time through
# assets/package-lock.json; scripts/assets.sh copies them into portal/static/vendor/ (ignored).
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "govhall",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}
if env("REDIS_URL", ""):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL", ""),
    }

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env("SESSION_COOKIE_AGE", 8 * 3600, int)
SESSION_COOKIE_SECURE = env("SECURE_COOKIES", False, parse_bool)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp; docs/security.md): scripts only from this origin or with
# the response's nonce, no inline styles, no plug-ins, no framing. A page whose forms lead to a
# registered single sign-on system adds that system's origin to form-action (identity.oidc).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env("CSP_REPORT_URI", ""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [env("CSP_REPORT_URI", "")]
# Browser features no page uses are switched off; passkeys (WebAuthn) stay on for this origin.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        # SpiffWorkflow logs every task state change at INFO: ~20% of a process step.
        "spiff": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}


def _parse_key_map(raw: str) -> dict[str, str]:
    """``"id:hex,id:hex"`` → ``{"id": "hex", ...}``; each key is 16 bytes (32 hex digits)."""
    keys: dict[str, str] = {}
    for part in parse_list(raw):
        key_id, separator, key = part.partition(":")
        key_id, key = key_id.strip(), key.strip().lower()
        if not separator or not key_id or len(key) != 32:
            raise ValueError("expected key_id:32-hex-digits entries separated by commas")
        bytes.fromhex(key)
        keys[key_id] = key
    return keys


# INSECURE development defaults for personal-data encryption (core.personal_data): they are
# public, so anything encrypted with them is readable by anyone. conf/production.py refuses them.
INSECURE_DEVELOPMENT_PERSONAL_DATA_KEYS = {"dev-insecure": "00112233445566778899aabbccddeeff"}
# INSECURE development passphrase of seal keys (public in the repository; production refuses it).
INSECURE_DEVELOPMENT_SEAL_PASSPHRASE = "govhall-development-seal-passphrase"  # noqa: S105
INSECURE_DEVELOPMENT_BLIND_INDEX_KEY = "6465762d696e7365637572652d626c696e642d696e6465782d6b6579"
_PERSONAL_DATA_KEYS = env(
    "GOVHALL_PERSONAL_DATA_KEYS", INSECURE_DEVELOPMENT_PERSONAL_DATA_KEYS, _parse_key_map
)

# govhall's own settings.
GOVHALL: dict[str, Any] = {
    # The province whose catalog this installation runs (GB/T 2260 code).
    "PROVINCE_CODE": env("GOVHALL_PROVINCE_CODE", "520000"),
    # Key of the public case query codes (cases/lookup.py); empty: derived from SECRET_KEY.
    "CASE_LOOKUP_KEY": env("GOVHALL_CASE_LOOKUP_KEY", ""),
    # Years of the working-day calendar table (the engine refuses dates outside them).
    "CALENDAR_FIRST_YEAR": env("GOVHALL_CALENDAR_FIRST_YEAR", 2010, int),
    "CALENDAR_LAST_YEAR": env("GOVHALL_CALENDAR_LAST_YEAR", 2035, int),
    # Largest accepted .xlsx import (bytes) and rows per import.
    "IMPORT_MAX_BYTES": env("GOVHALL_IMPORT_MAX_BYTES", 20 * 1024 * 1024, int),
    "IMPORT_MAX_ROWS": env("GOVHALL_IMPORT_MAX_ROWS", 200_000, int),
    # Largest accepted upload of a material (bytes; archive) and most pages of an uploaded PDF
    # (an estimate from its page objects, docs/archive.md).
    "UPLOAD_MAX_BYTES": env("GOVHALL_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, int),
    "UPLOAD_MAX_PDF_PAGES": env("GOVHALL_UPLOAD_MAX_PDF_PAGES", 300, int),
    # Hostile uploads (docs/archive.md): most pixels of an image (width × height, read from its
    # header: a decompression bomb is refused before anything decodes it) and, for OFD packages
    # (ZIP), most entries, most bytes once unpacked, and the highest compression ratio of an
    # entry of 1 MiB or more.
    "UPLOAD_MAX_IMAGE_PIXELS": env("GOVHALL_UPLOAD_MAX_IMAGE_PIXELS", 50_000_000, int),
    "UPLOAD_MAX_ARCHIVE_ENTRIES": env("GOVHALL_UPLOAD_MAX_ARCHIVE_ENTRIES", 5_000, int),
    "UPLOAD_MAX_ARCHIVE_UNPACKED_BYTES": env(
        "GOVHALL_UPLOAD_MAX_ARCHIVE_UNPACKED_BYTES", 200 * 1024 * 1024, int
    ),
    "UPLOAD_MAX_ARCHIVE_RATIO": env("GOVHALL_UPLOAD_MAX_ARCHIVE_RATIO", 100, int),
    # SM4 keys for ID, social security and mobile numbers at rest: key id → 16-byte key (hex).
    # Old ids stay listed until every value is re-encrypted (docs/identity.md, key rotation).
    "PERSONAL_DATA_KEYS": _PERSONAL_DATA_KEYS,
    # The key new values are encrypted with (default: the last one listed).
    "PERSONAL_DATA_KEY_ID": env("GOVHALL_PERSONAL_DATA_KEY_ID", list(_PERSONAL_DATA_KEYS)[-1]),
    # The HMAC-SM3 key of the blind indexes (hex, at least 16 bytes).
    "BLIND_INDEX_KEY": env("GOVHALL_BLIND_INDEX_KEY", INSECURE_DEVELOPMENT_BLIND_INDEX_KEY),
    # The passphrase that encrypts the private keys of electronic seals (at least 16 bytes).
    "SEAL_KEY_PASSPHRASE": env("GOVHALL_SEAL_KEY_PASSPHRASE", INSECURE_DEVELOPMENT_SEAL_PASSPHRASE),
    # Who holds new seals' private keys (licenses.signers): "database" (encrypted with the
    # passphrase above), "remote" (a signing server, 签名验签服务器, at SEAL_SIGNER_URL), or the
    # dotted path of a class of your own.
    "SEAL_SIGNER": env("GOVHALL_SEAL_SIGNER", "database"),
    "SEAL_SIGNER_URL": env("GOVHALL_SEAL_SIGNER_URL", ""),
    "SEAL_SIGNER_TOKEN": env("GOVHALL_SEAL_SIGNER_TOKEN", ""),
    "SEAL_SIGNER_TIMEOUT": float(env("GOVHALL_SEAL_SIGNER_TIMEOUT", "5")),
    # The SM4 key of `govhall backup` / `restore` (32 hex digits); no default: without it they
    # refuse to run (docs/backup.md). Keep a copy apart from the backups.
    "BACKUP_KEY": env("GOVHALL_BACKUP_KEY", ""),
}

# INSECURE development RSA key of the OpenID Connect provider (public in the repository);
# conf/production.py refuses it. Set GOVHALL_OIDC_PRIVATE_KEY (PEM text) or _FILE (a path).
INSECURE_DEVELOPMENT_OIDC_KEY_FILE = PACKAGE_DIR / "conf" / "insecure_development_oidc_key.pem"
_OIDC_KEY_FILE = Path(env("GOVHALL_OIDC_PRIVATE_KEY_FILE", str(INSECURE_DEVELOPMENT_OIDC_KEY_FILE)))
OIDC_PRIVATE_KEY = env("GOVHALL_OIDC_PRIVATE_KEY", "") or _OIDC_KEY_FILE.read_text()
# The issuer is explicit (never derived from the request's Host header).
OIDC_ISSUER = env("GOVHALL_OIDC_ISSUER", SITE_URL.rstrip("/") + "/o")

# Paths of retired signing keys, comma-separated (key rotation, docs/oidc.md).
_OIDC_INACTIVE_KEY_FILES: list[str] = env("GOVHALL_OIDC_INACTIVE_KEY_FILES", [], parse_list)

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER: dict[str, Any] = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": OIDC_ISSUER,
    "OIDC_RSA_PRIVATE_KEY": OIDC_PRIVATE_KEY,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "PKCE_REQUIRED": True,
    # S256 only; the authorization code flow only (no implicit or hybrid response types).
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "CLIENT_SECRET_HASHER": "govhall_client_secret",
    # Retired signing keys stay in the JWKS until the tokens they signed have expired.
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [Path(path).read_text() for path in _OIDC_INACTIVE_KEY_FILES],
    "ALLOWED_REDIRECT_URI_SCHEMES": env(
        "GOVHALL_OIDC_REDIRECT_SCHEMES", ["https", "http"], parse_list
    ),
    "ACCESS_TOKEN_EXPIRE_SECONDS": env("GOVHALL_OIDC_ACCESS_TOKEN_SECONDS", 600, int),
    "ID_TOKEN_EXPIRE_SECONDS": env("GOVHALL_OIDC_ID_TOKEN_SECONDS", 600, int),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env("GOVHALL_OIDC_REFRESH_TOKEN_SECONDS", 8 * 3600, int),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "OAUTH2_VALIDATOR_CLASS": "govhall.identity.oidc.validator.GovhallOAuth2Validator",
    "SCOPES": {
        "openid": _("Sign you in and tell the system who you are"),
        "profile": _("Your name, identity type and assurance level"),
        "id_number_masked": _("Your masked ID number"),
        "id_number": _("Your full ID number"),
        "credit_code": _("Your organization's unified social credit code"),
        "phone": _("Your mobile number"),
    },
    "DEFAULT_SCOPES": ["openid"],
}

GOVHALL.update(
    {
        # Key of the pairwise OIDC subject identifiers (hex): sub = HMAC-SM3(key, client, user).
        "OIDC_PAIRWISE_KEY": env("GOVHALL_OIDC_PAIRWISE_KEY", SECRET_KEY.encode().hex()),
        # SMS plugin (identity.sms): "console" prints codes; "memory" keeps them for tests.
        "SMS_BACKEND": env("GOVHALL_SMS_BACKEND", "console"),
        "SMS_HTTP_URL": env("GOVHALL_SMS_HTTP_URL", ""),
        "SMS_HTTP_KEY": env("GOVHALL_SMS_HTTP_KEY", ""),
        "SMS_SIGN": env("GOVHALL_SMS_SIGN", "【govhall】"),
        "SMS_CODE_TTL_SECONDS": env("GOVHALL_SMS_CODE_TTL_SECONDS", 300, int),
        "SMS_CODE_MAX_WRONG": 5,
        # Sends allowed per mobile number: one per minute and ten per day; per address, per hour.
        "SMS_MIN_INTERVAL_SECONDS": env("GOVHALL_SMS_MIN_INTERVAL_SECONDS", 60, int),
        "SMS_MAX_PER_MOBILE_PER_DAY": env("GOVHALL_SMS_MAX_PER_MOBILE_PER_DAY", 10, int),
        "SMS_MAX_PER_ADDRESS_PER_HOUR": env("GOVHALL_SMS_MAX_PER_ADDRESS_PER_HOUR", 30, int),
        # Lock-out: this many failures within the window lock an account / identifier.
        "SIGN_IN_WINDOW_SECONDS": env("GOVHALL_SIGN_IN_WINDOW_SECONDS", 15 * 60, int),
        "SIGN_IN_MAX_FAILURES_PER_ACCOUNT": env("GOVHALL_SIGN_IN_MAX_FAILURES", 5, int),
        "SIGN_IN_MAX_FAILURES_PER_ADDRESS": env(
            "GOVHALL_SIGN_IN_MAX_FAILURES_PER_ADDRESS", 30, int
        ),
        # Staff must confirm a password or SMS sign-in with a passkey (docs/passkeys.md, "Second
        # factor for staff"). Off here so that `make run` works with passwords; on in production.
        "STAFF_SECOND_FACTOR": env("GOVHALL_STAFF_SECOND_FACTOR", False, parse_bool),
        # Public look-ups per client address and window (core.rate_limits): the case progress
        # look-up (number and query code) and the license verification page.
        "CASE_LOOKUP_MAX_PER_WINDOW": env("GOVHALL_CASE_LOOKUP_MAX_PER_WINDOW", 10, int),
        "CASE_LOOKUP_WINDOW_SECONDS": env("GOVHALL_CASE_LOOKUP_WINDOW_SECONDS", 10 * 60, int),
        "LICENSE_VERIFY_MAX_PER_WINDOW": env("GOVHALL_LICENSE_VERIFY_MAX_PER_WINDOW", 60, int),
        "LICENSE_VERIFY_WINDOW_SECONDS": env("GOVHALL_LICENSE_VERIFY_WINDOW_SECONDS", 10 * 60, int),
        # Health checks (core.health, docs/monitoring.md): degraded below this much free disk
        # under MEDIA_ROOT, when an event waits longer or fails this often, when an integrity
        # verification is older; figures only to these addresses (CIDR).
        "HEALTH_MIN_FREE_BYTES": env("GOVHALL_HEALTH_MIN_FREE_BYTES", 2 * 1024**3, int),
        "HEALTH_OUTBOX_MAX_AGE_SECONDS": env("GOVHALL_HEALTH_OUTBOX_MAX_AGE_SECONDS", 300, int),
        "HEALTH_OUTBOX_FAILING_ATTEMPTS": env("GOVHALL_HEALTH_OUTBOX_FAILING_ATTEMPTS", 3, int),
        "HEALTH_INTEGRITY_MAX_AGE_HOURS": env("GOVHALL_HEALTH_INTEGRITY_MAX_AGE_HOURS", 48, int),
        "HEALTH_CACHE_SECONDS": env("GOVHALL_HEALTH_CACHE_SECONDS", 2, int),
        "HEALTH_DETAIL_ADDRESSES": env(
            "GOVHALL_HEALTH_DETAIL_ADDRESSES", ["127.0.0.1/32", "::1/128"], parse_list
        ),
        # A case turns yellow when this share of its promised limit is used (red when overdue).
        "DEADLINE_WARNING_SHARE": env("GOVHALL_DEADLINE_WARNING_SHARE", 0.8, float),
        # Data-source plugins (identity.sources): the demo sources answer from bundled data.
        "POPULATION_SOURCE": env("GOVHALL_POPULATION_SOURCE", "demo"),
        "LEGAL_ENTITY_SOURCE": env("GOVHALL_LEGAL_ENTITY_SOURCE", "demo"),
        # The share (%) of automatic decisions sampled for a human spot check, for items whose
        # rate was never set in the workbench (docs/rules.md).
        "RULES_SPOT_CHECK_PERCENT": env("GOVHALL_RULES_SPOT_CHECK_PERCENT", 10, int),
        # WebAuthn relying party: the registrable domain the portal is served from.
        "WEBAUTHN_RP_ID": env("GOVHALL_WEBAUTHN_RP_ID", "localhost"),
        "WEBAUTHN_RP_NAME": env("GOVHALL_WEBAUTHN_RP_NAME", "govhall 一体化在线政务服务平台"),
        "WEBAUTHN_ORIGINS": env(
            "GOVHALL_WEBAUTHN_ORIGINS",
            ["http://localhost:8000", "http://127.0.0.1:8000"],
            parse_list,
        ),
    }
)
