"""Test profile: the base settings with fast hashing and tasks run in-process."""

from govhall.conf.base import *  # noqa: F403
from govhall.conf.base import DATABASES, GOVHALL, TASKS

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "govhall.identity.oidc.hashers.ClientSecretHasher",
]
TASKS["default"] = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # type: ignore[assignment]  # no collected files in tests
GOVHALL["SMS_BACKEND"] = "memory"
# INSECURE: a public backup key, for tests only (core.backup warns when it is in use).
INSECURE_DEVELOPMENT_BACKUP_KEY = "000102030405060708090a0b0c0d0e0f"
GOVHALL["BACKUP_KEY"] = INSECURE_DEVELOPMENT_BACKUP_KEY
